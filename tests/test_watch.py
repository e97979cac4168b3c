"""faultlines watch against a real HTTP server on loopback: feeds, pages, repeats, changes and every kind of
broken source; state kept in the database across passes and across a SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ARTICLE_A = """<html><head><title>Market bombing in Baqubah</title></head><body><article>
<h1>Car bomb kills seven at Baqubah market</h1>
<p>BAQUBAH, Iraq, March 3, 2015 - A car bomb exploded at a crowded vegetable market in Baqubah, the capital of
Diyala province, on Tuesday morning, killing seven people and wounding 20 others, police officials said.</p>
<p>No group has claimed the attack.</p>
</article></body></html>"""

ARTICLE_B = """<html><head><title>Baqubah toll rises</title></head><body><article>
<h1>Death toll from Baqubah market blast rises to twelve</h1>
<p>BAQUBAH, Iraq, March 4, 2015 - A car bomb at a vegetable market in Baqubah on Tuesday killed twelve people,
a doctor at the city hospital said on Wednesday, as several of the wounded died overnight.</p>
<p>Provincial officials in Diyala declared three days of mourning.</p>
</article></body></html>"""

ARTICLE_C = """<html><head><title>Clashes near Kirkuk</title></head><body><article>
<h1>Fighting near Kirkuk leaves four soldiers dead</h1>
<p>KIRKUK, Iraq, March 5, 2015 - Islamic State militants attacked an army checkpoint west of Kirkuk on Thursday,
killing four soldiers, a military spokesman said. The militants withdrew after an hour of fighting.</p>
</article></body></html>"""


def rss(items: list[tuple[str, str]], base: str, stamp: str = "Tue, 03 Mar 2015 10:00:00 GMT") -> bytes:
    entries = "".join(f"<item><title>{t}</title><link>{base}{p}</link><pubDate>{stamp}"
                      f"</pubDate></item>" for p, t in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Diyala Desk</title><link>{base}/</link>'
            f"<description>test feed</description>{entries}</channel></rss>").encode()


class Site:
    """Routes of the loopback server, changeable while it runs; every request is counted."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes, float]] = {}
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()

    def set(self, path: str, body: bytes | str, status: int = 200, ctype: str = "text/html; charset=utf-8",
            delay: float = 0.0, **headers: str) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = (status, {"Content-Type": ctype, **{k.replace("_", "-"): v for k, v in headers.items()}},
                             data, delay)


@pytest.fixture()
def site():
    s = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            with s.lock:
                s.hits[self.path] = s.hits.get(self.path, 0) + 1
            status, headers, body, delay = s.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"no", 0))
            if delay:
                time.sleep(delay)
            etag = headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield s
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def fetcher():
    from faultlines.watch.fetch import Fetcher

    f = Fetcher(timeout=1.0, delay=0.0, retries=1, backoff=0.05, max_bytes=200_000)
    yield f
    f.close()


@pytest.fixture()
def run(tmp_path, analyzer, extractor, fetcher):
    from faultlines.config import Settings
    from faultlines.pipeline import Pipeline
    from faultlines.store import Store
    from faultlines.watch import run_pass

    settings = Settings(workers=1)
    pipeline = Pipeline(settings, analyzer=analyzer, extractor=extractor)
    store = Store(tmp_path / "w.db")

    def go(*urls: str, rules=None):
        return run_pass(store, list(urls), fetcher=fetcher, settings=settings, pipeline=pipeline, rules=rules)

    go.store = store
    yield go
    store.close()


def _documents(store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT url FROM documents ORDER BY url")]


def test_a_feed_is_read_once_and_a_new_item_adds_one_document(site, run):
    site.set("/a", ARTICLE_A)
    site.set("/c", ARTICLE_C)
    site.set("/feed", rss([("/a", "A"), ("/c", "C")], site.base), ctype="application/rss+xml")
    first = run(site.base + "/feed")
    assert first.stored == 2 and not first.failures
    assert _documents(run.store) == [site.base + "/a", site.base + "/c"]
    assert {a.kind for a in first.alerts} == {"new"} and len(first.alerts) >= 2
    second = run(site.base + "/feed")
    assert second.stored == 0 and second.fetched == 0 and not second.alerts
    assert site.hits["/a"] == 1 and site.hits["/c"] == 1  # no article fetched twice
    site.set("/b", ARTICLE_B)
    site.set("/feed", rss([("/a", "A"), ("/c", "C"), ("/b", "B")], site.base), ctype="application/rss+xml")
    third = run(site.base + "/feed")
    assert third.stored == 1 and len(_documents(run.store)) == 3
    health = run.store.watch_source(site.base + "/feed")
    assert health["kind"] == "feed" and health["title"] == "Diyala Desk" and health["items_seen"] == 3
    assert health["failures"] == 0 and health["last_success"]


def test_a_later_report_alerts_on_the_changed_incident(site, run):
    site.set("/a", ARTICLE_A)
    run(site.base + "/a")
    site.set("/b", ARTICLE_B)
    report = run(site.base + "/b")
    changed = [a for a in report.alerts if a.kind == "changed"]
    assert changed, [a.row("t") for a in report.alerts]
    what = {c["what"] for a in changed for c in a.changes}
    assert "new source" in what and "toll rose" in what
    row = changed[0].row("2026-12-04T00:00:00+00:00", "http://127.0.0.1:8000")
    assert row["link"] == f"http://127.0.0.1:8000/incidents/{row['incident_id']}"
    assert json.loads(json.dumps(row))["incident"]["killed"]["high"] == 12


def test_a_revised_item_is_fetched_again_and_alerts(site, run):
    site.set("/a", ARTICLE_A)
    site.set("/feed", rss([("/a", "A")], site.base), ctype="application/rss+xml")
    run(site.base + "/feed")
    revised = ARTICLE_A.replace("killing seven people", "killing twelve people").replace(
        "</article>", "<p>Updated: the toll rose overnight as several of the wounded died.</p></article>")
    site.set("/a", revised)
    assert run(site.base + "/feed").stored == 0  # the same stamp: not fetched again
    site.set("/feed", rss([("/a", "A")], site.base, stamp="Wed, 04 Mar 2015 08:00:00 GMT"),
             ctype="application/rss+xml")
    report = run(site.base + "/feed")
    assert report.updated == 1 and report.stored == 1 and site.hits["/a"] == 2
    assert any(c["what"] == "toll rose" for a in report.alerts for c in a.changes), [a.row("t") for a in report.alerts]


def test_conditional_requests_spare_an_unchanged_feed(site, run):
    site.set("/a", ARTICLE_A)
    site.set("/feed", rss([("/a", "A")], site.base), ctype="application/rss+xml", ETag='"v1"')
    run(site.base + "/feed")
    report = run(site.base + "/feed")
    assert report.not_modified == 1 and report.stored == 0


def test_the_same_text_from_two_urls_is_one_document(site, run):
    site.set("/a", ARTICLE_A)
    site.set("/copy-of-a", ARTICLE_A)
    report = run(site.base + "/a", site.base + "/copy-of-a")
    assert report.stored == 1 and report.repeats == 1 and len(_documents(run.store)) == 1


def test_broken_sources_are_recorded_and_the_others_go_on(site, run, fetcher):
    site.set("/a", ARTICLE_A)
    site.set("/feed", rss([("/a", "A"), ("/gone", "404"), ("/error", "500"), ("/slow", "slow"), ("/loop1", "loop"),
                           ("/huge", "huge"), ("/image", "png")], site.base), ctype="application/rss+xml")
    site.set("/bad-feed", "<?xml version='1.0'?><rss><channel><title>x</title><item><link>", ctype="application/rss+xml")
    site.set("/error", "oops", status=500)
    site.set("/slow", ARTICLE_C, delay=2.5)
    site.set("/loop1", "", status=302, Location="/loop2")
    site.set("/loop2", "", status=302, Location="/loop1")
    site.set("/huge", "<html><body><p>" + "word " * 60_000 + "</p></body></html>")
    site.set("/image", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, ctype="image/png")
    report = run(site.base + "/missing-feed", site.base + "/bad-feed", site.base + "/feed")
    assert report.stored == 1 and _documents(run.store) == [site.base + "/a"]
    why = dict(report.failures)
    assert "404" in why[site.base + "/missing-feed"]
    assert why[site.base + "/bad-feed"].startswith("malformed-feed")
    assert "500" in why[site.base + "/error"] and site.hits["/error"] == 2  # tried again once
    assert why[site.base + "/slow"].startswith("timeout")
    assert why[site.base + "/loop1"].startswith("redirect-loop")
    assert why[site.base + "/huge"].startswith("too-large")
    assert why[site.base + "/image"].startswith("not-a-page")
    missing = run.store.watch_source(site.base + "/missing-feed")
    assert missing["failures"] == 1 and "404" in missing["last_error"] and missing["last_success"] is None
    # refused for good: not fetched again; worth another try (a 5xx, a timeout): fetched on the next pass
    site.set("/slow", ARTICLE_C)
    site.set("/error", ARTICLE_B)
    again = run(site.base + "/feed")
    assert again.stored == 2 and site.hits["/gone"] == 1 and site.hits["/image"] == 1
    assert run.store.watch_source(site.base + "/missing-feed")["failures"] == 1  # not in this pass


def test_robots_txt_is_respected(site, run):
    site.set("/robots.txt", "User-agent: *\nDisallow: /private/\n", ctype="text/plain")
    site.set("/picture", b"GIF89a" + b"\x00" * 50, ctype="image/gif")
    site.set("/private/a", ARTICLE_A)
    site.set("/c", ARTICLE_C)
    report = run(site.base + "/private/a", site.base + "/c", site.base + "/picture")
    assert report.stored == 1 and "/private/a" not in site.hits
    assert dict(report.failures)[site.base + "/private/a"].startswith("robots")
    # a page given as a source that is no article: the source is recorded as failing, not as a success
    picture = run.store.watch_source(site.base + "/picture")
    assert picture["failures"] == 1 and "not-a-page" in picture["last_error"] and picture["last_success"] is None


def test_rules_filter_the_alerts(site, run, tmp_path):
    from faultlines.watch.alerts import Rules

    path = tmp_path / "rules.yaml"
    path.write_text("provinces: [Kirkuk]\nmin_killed: 3\n", encoding="utf-8")
    rules = Rules.load(path)
    site.set("/a", ARTICLE_A)
    site.set("/c", ARTICLE_C)
    report = run(site.base + "/a", site.base + "/c", rules=rules)
    assert report.alerts and all(a.incident["location"]["admin1"] == "Kirkuk" for a in report.alerts)
    path.write_text("min_killed: nine\n", encoding="utf-8")
    from faultlines.errors import FaultlinesError

    with pytest.raises(FaultlinesError, match="min_killed"):
        Rules.load(path)
    path.write_text("province: [Kirkuk]\n", encoding="utf-8")
    with pytest.raises(FaultlinesError, match="unknown rule"):
        Rules.load(path)


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "faultlines.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_cli_once_with_alerts_and_a_list_file(site, tmp_path):
    site.set("/a", ARTICLE_A)
    site.set("/c", ARTICLE_C)
    site.set("/feed", rss([("/a", "A"), ("/c", "C")], site.base), ctype="application/rss+xml")
    listing = tmp_path / "sources.txt"
    site.set("/bad-feed", "<?xml version='1.0'?><rss><channel><item><link>", ctype="application/rss+xml")
    listing.write_text(f"# my feeds\n{site.base}/bad-feed\n{site.base}/missing\n{site.base}/feed\n",
                       encoding="utf-8")
    db, alerts = tmp_path / "cli.db", tmp_path / "alerts.jsonl"
    got = _cli("watch", "--db", str(db), "--once", "--delay", "0", "--alerts", str(alerts), str(listing))
    assert got.returncode == 3, got.stderr  # some sources failed (recorded); the good one is stored
    assert "2 new article(s)" in got.stdout and "missing: http: HTTP 404" in got.stderr
    assert "bad-feed: malformed-feed" in got.stderr
    rows = [json.loads(line) for line in alerts.read_text(encoding="utf-8").splitlines()]
    assert rows and all(r["alert"] == "new" and r["link"].startswith("/incidents/") for r in rows)
    again = _cli("watch", "--db", str(db), "--once", "--delay", "0", "--alerts", str(alerts), f"{site.base}/feed")
    assert again.returncode == 0 and "0 new article(s)" in again.stdout
    assert site.hits["/a"] == 1
    bad = _cli("watch", "--db", str(db), str(listing))
    assert bad.returncode == 2 and "--once" in bad.stderr


def test_a_pass_killed_midway_loses_nothing_and_stores_nothing_twice(site, tmp_path):
    pages = []
    for k, body in enumerate([ARTICLE_A, ARTICLE_B, ARTICLE_C]):
        for j in range(2):  # six articles, each page a little different
            path = f"/p{k}{j}"
            site.set(path, body.replace("</article>", f"<p>Reference {k}{j}.</p></article>"), delay=0.4)
            pages.append(path)
    site.set("/feed", rss([(p, p) for p in pages], site.base), ctype="application/rss+xml")
    db = tmp_path / "kill.db"
    proc = subprocess.Popen([sys.executable, "-m", "faultlines.cli", "watch", "--db", str(db), "--once", "--delay",
                             "0", site.base + "/feed"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and sum(site.hits.get(p, 0) for p in pages) < 3:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    got = _cli("watch", "--db", str(db), "--once", "--delay", "0", site.base + "/feed")
    assert got.returncode == 0, got.stderr
    con = sqlite3.connect(db)
    try:
        urls = [r[0] for r in con.execute("SELECT url FROM documents")]
        assert sorted(urls) == sorted(site.base + p for p in pages)  # none lost, none twice
        assert con.execute("SELECT count(*) FROM documents WHERE status != 'extracted'").fetchone()[0] == 0
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
    assert all(site.hits[p] <= 2 for p in pages)  # at most the one a kill cut short is fetched again


def test_the_web_ui_shows_feed_health_and_what_is_new(site, run):
    from starlette.testclient import TestClient

    from faultlines.serve.app import create_app

    site.set("/a", ARTICLE_A)
    site.set("/feed", rss([("/a", "A")], site.base), ctype="application/rss+xml")
    run(site.base + "/feed", site.base + "/missing-feed")
    with TestClient(create_app(run.store.path)) as client:
        feeds = client.get("/feeds")
        assert feeds.status_code == 200
        assert "Diyala Desk" in feeds.text and "/missing-feed" in feeds.text and "HTTP 404" in feeds.text
        new = client.get("/new")
        assert new.status_code == 200 and "Baqubah" in new.text and ">new<" in new.text
        assert "Nothing new since then" in client.get("/new?since=2999-01-01").text
        assert client.get("/new?since=yesterday").status_code == 400


def test_every_takes_durations():
    import click

    from faultlines.cli import _duration

    assert [_duration(v) for v in ("90", "90s", "15m", "2h", "1d")] == [90, 90, 900, 7200, 86400]
    for bad in ("soon", "0s", "-5m"):
        with pytest.raises(click.BadParameter):
            _duration(bad)
