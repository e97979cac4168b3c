"""Hostile inputs: every bad file becomes an IngestFailure with the right reason, fast, and the batch goes on."""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path

import pytest

from faultlines.config import Settings
from faultlines.ingest import read_paths
from faultlines.model import Document, IngestFailure

GOOD = ("Security forces repelled an attack on a border post overnight, the interior ministry said on Friday.\n\n"
        "Two attackers were killed and a soldier was wounded, according to the statement.\n")
GOOD_PAGE = ("<html><head><title>Border post</title></head><body><article><p>Security forces repelled an "
             "attack on a border post overnight, the interior ministry said on Friday morning.</p><p>Two "
             "attackers were killed and a soldier was wounded, according to the ministry statement.</p>"
             "</article></body></html>")


def by_name(items) -> dict[str, Document | IngestFailure]:
    out: dict[str, Document | IngestFailure] = {}
    for it in items:
        key = Path(it.source_path or it.name).name if isinstance(it, Document) else Path(it.source).name
        out[key] = it
    return out


def reason(item) -> str:
    assert isinstance(item, IngestFailure), f"expected a failure, got a document {item.name}"
    return item.reason


def timed(fn, limit: float):
    t = time.monotonic()
    result = fn()
    assert time.monotonic() - t < limit
    return result


def test_mixed_folder(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "good.html").write_text(GOOD_PAGE, encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    (tmp_path / "blob.txt").write_bytes(os.urandom(2000))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text("  \n\n\t\n", encoding="utf-8")
    (tmp_path / "legacy.txt").write_bytes("Na\u00efve men fled the caf\u00e9 \u201cat once\u201d.\n".encode("cp1252"))
    (tmp_path / "wide.txt").write_bytes(GOOD.replace("Friday", "Saturday").encode("utf-16"))
    (tmp_path / "huge.txt").write_bytes(b"x" * 3000)
    (tmp_path / "broken.html").write_text(
        "<html><body><div><p>Rockets hit the airport perimeter late on Thursday, officials said, and "
        "flights were suspended until further notice<p>Another paragraph follows without closing tags and "
        "it talks about the damage done to the runway<div>", encoding="utf-8")
    (tmp_path / "hollow.html").write_text("<html><body><script>x=1</script><div></div></body></html>")
    (tmp_path / "nul.txt").write_bytes(b"Some text\x00with a NUL byte in the middle\x00 and more\n" * 5)
    settings = Settings(max_bytes=2500)
    items = timed(lambda: list(read_paths([tmp_path], settings=settings)), 20)
    got = by_name(items)
    assert len(got) == 12
    for good in ("good.txt", "good.html", "legacy.txt", "wide.txt", "broken.html"):
        assert isinstance(got[good], Document), got[good]
    assert got["legacy.txt"].encoding == "cp1252" and "caf\u00e9" in got["legacy.txt"].clean_text
    assert got["wide.txt"].encoding == "utf-16"
    assert "runway" in got["broken.html"].clean_text or "airport" in got["broken.html"].clean_text
    assert reason(got["image.png"]) == "binary"
    assert reason(got["blob.txt"]) in ("binary", "undecodable")
    assert reason(got["empty.txt"]) == "empty"
    assert reason(got["blank.md"]) == "empty"
    assert reason(got["huge.txt"]) == "too-large"
    assert reason(got["hollow.html"]) == "empty"
    assert reason(got["nul.txt"]) == "binary"


def test_only_high_bytes_is_undecodable_or_binary(tmp_path):
    p = tmp_path / "junk.txt"
    p.write_bytes(bytes(range(0x80, 0x100)) * 30)
    (item,) = list(read_paths([p]))
    assert reason(item) in ("undecodable", "binary")


def test_too_deep_html(tmp_path):
    p = tmp_path / "deep.html"
    p.write_text("<html><body>" + "<div>" * 10_000 + "<p>deep text here</p>" + "</div>" * 10_000 + "</body></html>")
    (item,) = timed(lambda: list(read_paths([p], settings=Settings(max_html_depth=500))), 10)
    assert reason(item) == "too-deep"


def test_gzip_bomb_is_capped(tmp_path):
    p = tmp_path / "bomb.txt.gz"
    with gzip.open(p, "wb", compresslevel=9) as fh:
        chunk = b"a" * (1 << 20)
        for _ in range(64):  # 64 MB expanded, ~64 KB on disk
            fh.write(chunk)
    assert p.stat().st_size < 1 << 20
    (item,) = timed(lambda: list(read_paths([p], settings=Settings(max_bytes=1 << 20))), 10)
    assert reason(item) == "too-large"


def test_corrupt_gzip(tmp_path):
    p = tmp_path / "bad.txt.gz"
    p.write_bytes(gzip.compress(GOOD.encode())[:-12])
    (item,) = list(read_paths([p]))
    assert reason(item) == "undecodable"


def test_jsonl_with_broken_lines(tmp_path):
    lines = [json.dumps({"id": "ok1", "text": GOOD}), "{broken", "[1, 2]", json.dumps({"id": "nt"}),
             "[" * 100_000, json.dumps({"id": "ok2", "text": "Fighting resumed near the river crossing today."})]
    p = tmp_path / "mixed.jsonl"
    p.write_text("\n".join(lines), encoding="utf-8")
    items = timed(lambda: list(read_paths([p])), 10)
    assert [d.name for d in items if isinstance(d, Document)] == ["ok1", "ok2"]
    failures = [d for d in items if isinstance(d, IngestFailure)]
    assert [f.reason for f in failures] == ["malformed-record"] * 4
    assert [f.source.rsplit(":", 1)[1] for f in failures] == ["2", "3", "4", "5"]


def test_deeply_nested_json_file(tmp_path):
    p = tmp_path / "nest.json"
    p.write_text("[" * 200_000 + "]" * 200_000)
    (item,) = timed(lambda: list(read_paths([p])), 10)
    assert reason(item) == "malformed-record"


def test_symlink_loops(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    os.symlink(folder / "self", folder / "self")  # a link to itself
    os.symlink(folder, folder / "back")  # a folder link back to the root
    os.symlink(folder / "nowhere.txt", folder / "dangling.txt")
    items = timed(lambda: list(read_paths([folder])), 10)
    got = by_name(items)
    assert isinstance(got["good.txt"], Document)
    assert reason(got["self"]) == "symlink-loop"
    assert reason(got["back"]) == "symlink-loop"
    assert reason(got["dangling.txt"]) == "not-found"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path):
    p = tmp_path / "locked.txt"
    p.write_text(GOOD)
    p.chmod(0)
    try:
        (item,) = list(read_paths([p]))
        assert reason(item) == "unreadable"
    finally:
        p.chmod(0o644)


def test_fifo_and_missing_path(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_text(GOOD)
    items = timed(lambda: list(read_paths([tmp_path, tmp_path / "absent.txt"])), 10)
    got = by_name(items)
    assert reason(got["pipe.txt"]) == "unreadable"
    assert reason(got["absent.txt"]) == "not-found"
    assert isinstance(got["good.txt"], Document)


def test_one_line_multi_megabyte_file(tmp_path):
    p = tmp_path / "line.txt"
    p.write_bytes(b"The convoy moved north along the highway. " * 125_000)  # ~5 MB, one line
    (item,) = timed(lambda: list(read_paths([p])), 10)
    assert reason(item) == "too-large"  # past Settings.max_chars
    big = Settings(max_bytes=10 << 20, max_chars=10_000_000, max_words=10_000_000)
    (doc,) = timed(lambda: list(read_paths([p], settings=big)), 30)
    assert isinstance(doc, Document) and len(doc.clean_text) > 5_000_000 - 100


@pytest.mark.slow
def test_one_line_hundred_megabyte_file(tmp_path):
    p = tmp_path / "line.txt"
    with open(p, "wb") as fh:
        for _ in range(100):
            fh.write(b"word " * 200_000)
    (item,) = timed(lambda: list(read_paths([p])), 5)  # refused from its size alone, never read
    assert reason(item) == "too-large"


def test_html_entity_flood_and_unclosed_tags(tmp_path):
    p = tmp_path / "flood.html"
    p.write_text("<html><body><p>" + "&amp;" * 200_000 + "<a " * 50_000 + "</p></body></html>")
    items = timed(lambda: list(read_paths([p])), 30)
    assert len(items) == 1


def test_jsonl_limits_apply_per_record(tmp_path):
    p = tmp_path / "corpus.jsonl"
    good = [json.dumps({"id": f"r{i}", "text": f"Report {i}: " + GOOD}) for i in range(40)]
    lines = good[:20] + [json.dumps({"id": "long", "text": "y" * 5000})] + good[20:]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = Settings(max_bytes=3000)  # the file is much larger; each good line is not
    assert p.stat().st_size > 3 * settings.max_bytes
    items = timed(lambda: list(read_paths([p], settings=settings)), 20)
    assert len([d for d in items if isinstance(d, Document)]) == 40
    (fail,) = [d for d in items if isinstance(d, IngestFailure)]
    assert (fail.reason, fail.source.rsplit(":", 1)[1]) == ("too-large", "21")


def test_binary_file_named_jsonl_is_one_failure(tmp_path):
    p = tmp_path / "fake.jsonl"
    p.write_bytes(b"\x00\x01\x02\n" * 5000)
    (item,) = list(read_paths([p]))
    assert reason(item) == "binary"


def test_html_page_saved_as_txt(tmp_path):
    p = tmp_path / "saved.txt"
    p.write_text(GOOD_PAGE.replace("<html>", "<!DOCTYPE html><html>"), encoding="utf-8")
    (doc,) = list(read_paths([p]))
    assert isinstance(doc, Document) and doc.source_format == "html" and "<p>" not in doc.clean_text


def test_permission_error_is_recorded(tmp_path, monkeypatch):
    import faultlines.ingest.readers as readers

    p = tmp_path / "locked.txt"
    p.write_text(GOOD)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(readers, "open", refuse, raising=False)
    (item,) = list(read_paths([p]))
    assert reason(item) == "unreadable" and "Permission" in item.detail
