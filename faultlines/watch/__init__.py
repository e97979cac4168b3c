"""``faultlines watch``: follow RSS/Atom feeds and article pages, store each new article once, resolve, and say
what changed.

A pass reads every SOURCE (a feed URL, an article URL, or a file listing such URLs one a line): a feed is fetched
with its validators (ETag, Last-Modified) and each article it lists that was never fetched is fetched, cleaned and
stored (and fetched again when the feed stamps it with a new updated time: a revised article is a new document); an article URL is fetched once. A document and the URL it came from are stored in one transaction, so a
killed pass loses nothing and the next one extracts what was stored and not yet extracted (``pipeline.ingest``
resumes it). The same cleaned text from two URLs is one document. Each source's health (last success, last error,
failures in a row, items seen) is kept in the database; a source that fails is recorded and tried again on the next
pass while the others go on. After the pass, the incidents the resolver created or changed give the alerts
(``watch.alerts``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from faultlines.config import Settings
from faultlines.errors import FaultlinesError
from faultlines.ingest import build_document, copies, decode_bytes
from faultlines.ingest.failures import Rejected
from faultlines.watch import feeds
from faultlines.watch.alerts import Alert, Rules, alerts
from faultlines.watch.fetch import Fetcher, FetchError

log = logging.getLogger(__name__)


@dataclass
class PassReport:
    sources: int = 0
    feeds_ok: int = 0
    not_modified: int = 0
    fetched: int = 0  # articles fetched
    stored: int = 0  # new documents
    repeats: int = 0  # articles whose text was already stored
    updated: int = 0  # articles fetched again because their feed stamped them anew
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, why)
    extracted: int = 0
    incidents: int = 0
    alerts: list[Alert] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.sources} source(s): {self.stored} new article(s) ({self.updated} revised), "
                f"{self.repeats} repeat(s), "
                f"{self.not_modified} unchanged feed(s), {len(self.failures)} failure(s); "
                f"{len(self.alerts)} alert(s)")


def expand_sources(sources: Iterable[str]) -> list[str]:
    """URLs from the command line: a URL stands for itself, a file lists URLs one a line (# starts a comment)."""
    out: list[str] = []
    for s in sources:
        if urlsplit(s).scheme in ("http", "https"):
            out.append(s)
            continue
        path = Path(s)
        if not path.is_file():
            raise FaultlinesError(f"{s}: neither an http(s) URL nor a file listing URLs")
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                out.append(line)
    return list(dict.fromkeys(out))


def run_pass(store: Any, sources: list[str], *, fetcher: Fetcher, settings: Settings | None = None,
             pipeline: Any = None, rules: Rules | None = None,
             progress: Callable[[str], None] | None = None) -> PassReport:
    """One pass over ``sources``: fetch what is new, ingest it, and list the alerts."""
    from faultlines.pipeline import ingest
    from faultlines.store import queries

    s = settings or Settings()
    report = PassReport(sources=len(sources))
    mark = store.history_mark()
    for url in sources:
        try:
            _source(store, url, fetcher, s, report)
        except Exception as exc:  # noqa: BLE001 - one source's trouble is recorded; the others go on
            log.warning("watching %s failed", url, exc_info=True)
            report.failures.append((url, f"{type(exc).__name__}: {exc}"[:300]))
            store.save_watch_source(url, ok=False, error=f"{type(exc).__name__}: {exc}")
        if progress:
            progress(url)
    done = ingest([], store, settings=s, pipeline=pipeline)  # extracts and resolves what was stored (and resumes)
    report.extracted, report.incidents = done.extracted, done.incidents
    for f in done.failures:
        report.failures.append((f.source, f"{f.reason}: {f.detail}"))
    report.alerts = alerts(store.history_since(mark), lambda i: queries.get_incident(store.conn, i),
                           _with_actor_names(store, rules))
    return report


def _source(store: Any, url: str, fetcher: Fetcher, settings: Settings, report: PassReport) -> None:
    known = store.watch_source(url) or {}
    try:
        got = fetcher.get(url, etag=known.get("etag"), last_modified=known.get("last_modified"),
                          accept="application/rss+xml, application/atom+xml, text/html;q=0.9, */*;q=0.5")
    except FetchError as exc:
        report.failures.append((url, str(exc)))
        store.save_watch_source(url, ok=False, error=str(exc))
        return
    if got.not_modified:
        report.not_modified += 1
        store.save_watch_source(url, ok=True, etag=known.get("etag"), last_modified=known.get("last_modified"))
        return
    validators = {"etag": got.headers.get("etag"), "last_modified": got.headers.get("last-modified")}
    if feeds.looks_like_feed(got.content_type, got.body):
        try:
            feed = feeds.parse(got.body, got.url)
        except feeds.MalformedFeed as exc:
            report.failures.append((url, f"malformed-feed: {exc}"))
            store.save_watch_source(url, ok=False, kind="feed", error=f"malformed-feed: {exc}")
            return
        new = 0
        for entry in feed.entries:
            if store.seen_url(entry.url):
                before = store.item_version(entry.url)
                if not (entry.version and before and entry.version != before):
                    continue
                report.updated += 1  # the feed stamps the item anew: the article was revised, fetched again
            new += max(0, _article(store, entry.url, url, fetcher, settings, report, title=entry.title,
                                   published=entry.published, outlet=feed.title, version=entry.version))
        report.feeds_ok += 1
        store.save_watch_source(url, ok=True, kind="feed", title=feed.title, new_items=new, **validators)
        return
    # an article page given directly: fetched once
    page = feeds.normalise(url)
    got_one = 0 if store.seen_url(page) else _article(store, page, url, fetcher, settings, report, fetched=got)
    if got_one < 0:  # the page itself cannot be read as an article (not HTML, no text): the source failed
        store.save_watch_source(url, ok=False, kind="page", error=report.failures[-1][1])
        return
    store.save_watch_source(url, ok=True, kind="page", new_items=got_one, **validators)


def _article(store: Any, url: str, source: str, fetcher: Fetcher, settings: Settings, report: PassReport, *,
             title: str | None = None, published: str | None = None, outlet: str | None = None,
             fetched: Any = None, version: str | None = None) -> int:
    """Fetch, clean and store one article: 1 when it gave a new document, 0 when its text was stored already, -1
    when it failed. A failure that may pass (a timeout, a 5xx) leaves the URL unseen, to be tried on the next
    pass; one that will not (a 404, not a page, too large, no text) is remembered with its reason."""
    try:
        got = fetched or fetcher.get(url, accept="text/html, application/xhtml+xml;q=0.9, */*;q=0.5")
        report.fetched += fetched is None
        if got.content_type and got.content_type not in feeds.PAGE_TYPES and not got.content_type.startswith("text/"):
            raise FetchError(url, "not-a-page", f"content type {got.content_type}")
        text, encoding = decode_bytes(got.body)
        fields = {"url": url, "title": title, "published": published}
        doc = build_document(text, name=url, kind="html", settings=settings, source_format="html",
                             encoding=encoding, fields={k: v for k, v in fields.items() if v})
    except FetchError as exc:
        report.failures.append((url, str(exc)))
        if not exc.transient:
            store.note_watch_item(url, source, "failed", error=str(exc), version=version)
        return -1
    except Rejected as exc:
        report.failures.append((url, f"{exc.reason}: {exc.detail}"))
        store.note_watch_item(url, source, "failed", error=f"{exc.reason}: {exc.detail}", version=version)
        return -1
    if not doc.outlet:
        doc = replace(doc, outlet=outlet or urlsplit(url).netloc.removeprefix("www."))
    text_hash = hashlib.sha256(doc.clean_text.encode("utf-8", "surrogatepass")).hexdigest()
    same = store.document_with_text(text_hash)
    if same is not None:
        report.repeats += 1
        store.note_watch_item(url, source, "same-text", text_hash=text_hash, document_id=same, version=version)
        return 0
    if store.add_fetched(doc, url, source, text_hash, version):
        report.stored += 1
        copies.register(store, doc.id, doc.clean_text)  # a wire story another outlet already ran: its copy
        return 1
    report.repeats += 1
    return 0


def _with_actor_names(store: Any, rules: Rules | None) -> Rules | None:
    """Rules whose actors may be ids: each id also matches its actor's name (incidents list names)."""
    if rules is None or not rules.actors:
        return rules
    from faultlines.store import queries_web

    names = queries_web.actor_names(store.conn, sorted(rules.actors))
    return replace(rules, actors=rules.actors | {n.lower() for n in names.values()})


def write_alerts(path: str | Path, found: list[Alert], base_url: str = "") -> int:
    """Append the alerts as JSON Lines (one object per line, flushed); returns how many."""
    import json

    at = datetime.now(UTC).isoformat(timespec="seconds")
    with open(path, "a", encoding="utf-8") as fh:
        for a in found:
            fh.write(json.dumps(a.row(at, base_url), ensure_ascii=False, default=str) + "\n")
    return len(found)


__all__ = ["PassReport", "expand_sources", "run_pass", "write_alerts"]
