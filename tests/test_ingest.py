"""Ingest: formats, names, metadata, manifests, records, encodings, stdin, duplicates."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date
from pathlib import Path

import pytest

import faultlines.ingest as ingest
from faultlines.config import Settings
from faultlines.errors import ManifestError
from faultlines.ingest import discover, read_paths, read_records
from faultlines.model import Document, IngestFailure

TEXT = ("Gunmen attacked a checkpoint west of the city on Sunday, killing four police officers.\n\n"
        "Officials blamed the attack on an armed group active in the area.\n")
OTHER = "A car bomb exploded near a market on Monday. Eleven people were hurt, a hospital source said.\n"
PAGE = ("<!DOCTYPE html><html><head><title>Market blast</title><meta name='author' content='Sam Writer'>"
        "</head><body><article><h1>Market blast</h1><p>A car bomb exploded near a crowded market on Monday "
        "morning, and eleven people were hurt, a hospital source said.</p><p>No group has claimed the blast "
        "so far, and police closed the roads around the market for the day.</p></article></body></html>")


def docs(items) -> list[Document]:
    return [d for d in items if isinstance(d, Document)]


def fails(items) -> list[IngestFailure]:
    return [d for d in items if isinstance(d, IngestFailure)]


def write(folder: Path, name: str, content: str | bytes) -> Path:
    p = folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return p


def test_public_api_is_complete():
    for name in ingest.__all__:
        assert hasattr(ingest, name)
    assert set(ingest.REASONS) >= {"binary", "empty", "too-large", "undecodable", "too-deep",
                                   "manifest-missing-file", "manifest-outside-root", "malformed-record"}


def test_folder_recursive_sorted_names_and_hidden_skipped(tmp_path):
    write(tmp_path, "b.txt", TEXT)
    write(tmp_path, "sub/a.md", "# Heading of note\n\n" + OTHER)
    write(tmp_path, ".hidden.txt", "A hidden file that should never be read by the reader.\n")
    write(tmp_path, ".git/config.txt", "Another hidden one inside a hidden folder, never read.\n")
    items = list(read_paths([tmp_path]))
    assert [d.name for d in docs(items)] == ["b.txt", "sub/a.md"]
    assert not fails(items)
    md = docs(items)[1]
    assert md.source_format == "markdown" and md.title == "Heading of note"
    assert discover([tmp_path]) == [tmp_path / "b.txt", tmp_path / "sub" / "a.md"]


def test_document_identity_and_raw_text(tmp_path):
    p = write(tmp_path, "one.txt", TEXT + "\nShare this:\n")
    (doc,) = docs(read_paths([p]))
    assert doc.name == "one.txt"
    assert doc.raw_text == TEXT + "\nShare this:\n"
    assert doc.id == ingest.content_hash(doc.raw_text)
    assert "Share this" not in doc.clean_text
    assert doc.encoding == "utf-8" and doc.source_path == str(p)
    i = doc.clean_text.index("four police")
    a, b = doc.to_raw(i, i + len("four police"))
    assert doc.raw_text[a:b] == "four police"


def test_html_file_metadata(tmp_path):
    (doc,) = docs(read_paths([write(tmp_path, "page.html", PAGE)]))
    assert doc.source_format == "html" and doc.raw_text == PAGE
    assert "car bomb exploded" in doc.clean_text and "<p>" not in doc.clean_text
    assert doc.author == "Sam Writer"
    i = doc.clean_text.index("crowded market")
    a, b = doc.to_raw(i, i + len("crowded market"))
    assert doc.raw_text[a:b] == "crowded market"


def test_unknown_extension_is_sniffed(tmp_path):
    items = list(read_paths([write(tmp_path, "page.dat", PAGE), write(tmp_path, "note.log", TEXT)]))
    assert [d.source_format for d in docs(items)] == ["html", "text"]


def test_manifest_overrides_page_metadata(tmp_path):
    write(tmp_path, "page.html", PAGE)
    write(tmp_path, "sub/a.txt", TEXT)
    manifest = write(tmp_path, "manifest.jsonl", "\n".join([
        json.dumps({"file": "page.html", "author": "Desk Editor", "outlet": "Example Post",
                    "published": "2016-11-25", "published_precision": "month"}),
        json.dumps({"file": "sub/a.txt", "published": "2014-08", "url": "https://example.org/a"}),
    ]))
    items = list(read_paths([tmp_path], manifest=manifest))
    assert not fails(items)
    by = {d.name: d for d in docs(items)}
    assert set(by) == {"page.html", "sub/a.txt"}  # the manifest itself is not read as a document
    page = by["page.html"]
    assert (page.author, page.outlet, page.published, page.published_precision) == (
        "Desk Editor", "Example Post", date(2016, 11, 25), "month")
    a = by["sub/a.txt"]
    assert (a.published, a.published_precision, a.url) == (date(2014, 8, 1), "month", "https://example.org/a")


def test_manifest_bad_lines_are_failures_not_fatal(tmp_path):
    folder = tmp_path / "in"
    write(folder, "a.txt", TEXT)
    write(tmp_path, "secret.txt", OTHER)
    manifest = write(tmp_path, "m.jsonl", "\n".join([
        json.dumps({"file": "../secret.txt"}),
        json.dumps({"file": "/etc/passwd"}),
        json.dumps({"file": "missing.txt"}),
        "{not json",
        json.dumps({"outlet": "no file key"}),
        json.dumps({"file": "a.txt", "outlet": "Good Outlet"}),
    ]))
    items = list(read_paths([folder], manifest=manifest))
    reasons = sorted(f.reason for f in fails(items))
    assert reasons == ["manifest-malformed", "manifest-malformed", "manifest-missing-file",
                       "manifest-outside-root", "manifest-outside-root"]
    (doc,) = docs(items)
    assert doc.outlet == "Good Outlet"
    assert all("secret" not in d.name for d in docs(items))


def test_missing_manifest_is_an_error(tmp_path):
    with pytest.raises(ManifestError):
        list(read_paths([tmp_path], manifest=tmp_path / "nope.jsonl"))


def test_jsonl_file_records(tmp_path):
    lines = [
        json.dumps({"id": "r1", "text": TEXT, "published": "2014", "outlet": "Wire", "lang": "en"}),
        json.dumps({"text": OTHER}),
        json.dumps({"id": "r3", "html": PAGE, "title": "Given title"}),
    ]
    items = list(read_paths([write(tmp_path, "batch.jsonl", "\n".join(lines) + "\n")]))
    d1, d2, d3 = docs(items)
    assert (d1.name, d1.published, d1.published_precision, d1.outlet) == ("r1", date(2014, 1, 1), "year", "Wire")
    assert d1.meta["lang"] == "en" and d1.source_format == "jsonl"
    assert d2.name == "batch.jsonl:2"
    assert d3.source_format == "html" and d3.title == "Given title" and "car bomb" in d3.clean_text


def test_json_file_list_and_single(tmp_path):
    write(tmp_path, "list.json", json.dumps([{"id": "x1", "text": TEXT}, {"id": "x2", "text": OTHER}]))
    write(tmp_path, "one.json", json.dumps({"text": "Troops entered the old quarter of the town at dawn.\n"}))
    names = [d.name for d in docs(read_paths([tmp_path]))]
    assert names == ["x1", "x2", "one.json"]


def test_read_records_needs_id_and_text():
    recs = [{"id": "a", "text": TEXT, "published": "2014-08-23"}, {"text": OTHER}, {"id": "c"},
            {"id": "d", "text": 12}, "not a dict", {"id": "e", "html": PAGE}]
    items = list(read_records(recs))
    assert [d.name for d in docs(items)] == ["a", "e"]
    assert docs(items)[0].published == date(2014, 8, 23)
    assert [f.reason for f in fails(items)] == ["malformed-record"] * 4
    assert fails(items)[0].source == "<records>:2"


def test_duplicates_within_a_run_are_yielded_once(tmp_path):
    write(tmp_path, "a.txt", TEXT)
    write(tmp_path, "b.txt", TEXT)
    items = list(read_paths([tmp_path]))
    assert [d.name for d in docs(items)] == ["a.txt"]
    assert [f.reason for f in fails(items)] == ["duplicate"]


def test_stdin_text_and_jsonl():
    (doc,) = docs(read_paths(["-"], stdin=io.StringIO(TEXT)))
    assert doc.name == "<stdin>" and "checkpoint" in doc.clean_text
    stream = io.StringIO(json.dumps({"id": "s1", "text": TEXT}) + "\n" + json.dumps({"id": "s2", "text": OTHER}))
    assert [d.name for d in docs(read_paths(["-"], stdin=stream))] == ["s1", "s2"]


@pytest.mark.parametrize("encoding,expected", [
    ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"), ("cp1252", "cp1252"),
])
def test_encodings(tmp_path, encoding, expected):
    text = "The caf\u00e9 owner said \u201cnobody came back\u201d after the shelling \u2014 not one family.\n"
    (doc,) = docs(read_paths([write(tmp_path, "e.txt", text.encode(encoding))]))
    assert doc.encoding == expected
    assert doc.clean_text == text.strip()


def test_gzip_file_is_read(tmp_path):
    (doc,) = docs(read_paths([write(tmp_path, "a.txt.gz", gzip.compress(TEXT.encode()))]))
    assert "checkpoint" in doc.clean_text and doc.name == "a.txt.gz"


def test_written_date_in_text_becomes_published(tmp_path):
    raw = "By Jane Roe\n\n3 March 2015\n\n" + TEXT
    (doc,) = docs(read_paths([write(tmp_path, "d.txt", raw)], settings=Settings()))
    assert (doc.published, doc.published_precision, doc.author) == (date(2015, 3, 3), "day", "Jane Roe")


def test_manifest_with_file_arguments_and_stdin_html(tmp_path):
    a = write(tmp_path, "x/a.txt", TEXT)
    manifest = write(tmp_path, "m.jsonl", json.dumps({"file": "a.txt", "outlet": "Wire Service"}) + "\n")
    (doc,) = docs(read_paths([a], manifest=manifest))
    assert doc.outlet == "Wire Service" and doc.name == "a.txt"
    (page,) = docs(read_paths(["-"], stdin=io.StringIO(PAGE)))
    assert page.source_format == "html" and "car bomb" in page.clean_text


def test_settings_limits_apply(tmp_path):
    p = write(tmp_path, "a.txt", TEXT)
    (item,) = read_paths([p], settings=Settings(max_chars=20))
    assert isinstance(item, IngestFailure) and item.reason == "too-large"
    (item,) = read_paths(["-"], stdin=io.StringIO(TEXT), settings=Settings(max_chars=20))
    assert isinstance(item, IngestFailure) and item.reason == "too-large"


@pytest.mark.parametrize("value,precision,expected", [
    ("2014-08-23", None, (date(2014, 8, 23), "day")),
    ("2014-08-23T10:00:00Z", None, (date(2014, 8, 23), "day")),
    ("2014-08", None, (date(2014, 8, 1), "month")),
    ("2014", None, (date(2014, 1, 1), "year")),
    ("Aug. 23, 2014", None, (date(2014, 8, 23), "day")),
    ("23 August 2014", "month", (date(2014, 8, 23), "month")),
    ("2014-02-30", None, (None, "unknown")),
    ("sometime", None, (None, "unknown")),
])
def test_parse_published(value, precision, expected):
    from faultlines.ingest.dates import parse_published

    assert parse_published(value, precision) == expected
