"""Read files, folders and stdin into Documents; anything unreadable becomes an IngestFailure, never an exception."""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from faultlines.config import Settings
from faultlines.ingest.decode import decode_bytes, gunzip_capped, is_gzip
from faultlines.ingest.documents import build_document
from faultlines.ingest.failures import (
    BINARY,
    NOT_FOUND,
    OUTSIDE_ROOT,
    READ_ERROR,
    SYMLINK_LOOP,
    TIMEOUT,
    TOO_LARGE,
    UNREADABLE,
    Rejected,
)
from faultlines.ingest.manifest import load_manifest, resolve_entries
from faultlines.ingest.records import (
    Item,
    dedupe,
    looks_like_jsonl,
    parse_json,
    parse_jsonl,
    parse_jsonl_line,
    summarised,
)
from faultlines.limits import StageTimeout, printable, time_limit
from faultlines.model import Document, IngestFailure

log = logging.getLogger(__name__)

STDIN = "-"
KINDS = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
}
_SNIFF_CHARS = 4096
_HTML_MARKERS = ("<!doctype html", "<html", "<head", "<body", "<article", "<div", "<p>", "<p ", "<meta ", "<title")


@dataclass(frozen=True)
class Found:
    """A file to read: its path and the name documents from it get (relative to the folder argument)."""

    path: Path
    name: str


def discover(paths: Sequence[str | Path], *, manifest: Path | None = None) -> list[Path]:
    """The files ``read_paths`` would read, in order (folders walked recursively, sorted, hidden files skipped)."""
    return [f.path for f in _walk(paths, manifest) if isinstance(f, Found)]


def read_paths(paths: Sequence[str | Path], *, manifest: Path | None = None, settings: Settings | None = None,
               stdin: TextIO | None = None) -> Iterator[Document | IngestFailure]:
    """Documents (and failures) from files, folders and ``-`` (stdin: text, HTML or JSON Lines).

    Manifest lines (``--meta``) override the metadata pages carry; bad manifest lines are yielded first as
    failures. Content already read in this run is reported once as a "duplicate" failure.
    """
    settings = settings or Settings()
    found = list(_walk(paths, manifest))
    overrides: dict[Path, dict[str, Any]] = {}
    if manifest is not None:
        entries, failures = load_manifest(Path(manifest))
        folders = [Path(p) for p in paths if str(p) != STDIN and Path(p).is_dir()]
        files = [Path(p) for p in paths if str(p) != STDIN and Path(p).is_file()]
        overrides, more = resolve_entries(entries, Path(manifest), folders, files,
                                          [f.path for f in found if isinstance(f, Found)])
        yield from failures
        yield from more
    seen: dict[str, str] = {}
    for item in found:
        if isinstance(item, IngestFailure):
            yield item
        elif item == STDIN:
            for doc in guarded(_read_stdin(stdin, settings), "<stdin>", settings.doc_timeout):
                yield from dedupe(doc, seen)
        elif isinstance(item, Found):
            fields = overrides.get(_resolved(item.path), {})
            docs = read_file(item.path, name=item.name, settings=settings, fields=fields)
            for doc in guarded(docs, str(item.path), settings.doc_timeout):
                yield from dedupe(doc, seen)


def guarded(items: Iterator[Item], source: str, seconds: float) -> Iterator[Item]:
    """The items of one input's reader, each produced under the per-document time limit.

    An error the reader did not expect (an ImportError in a library, a bug) or a timeout ends this input with one
    failure (``read-error`` / ``timeout``); the documents already read from it are kept, and the batch goes on.
    """
    while True:
        try:
            with time_limit(seconds):
                item = next(items)
        except StopIteration:
            return
        except StageTimeout as exc:
            close = getattr(items, "close", None)
            if close is not None:
                close()
            yield IngestFailure(source, TIMEOUT, f"reading and cleaning {exc}")
            return
        except Exception as exc:  # noqa: BLE001 - recorded, the batch goes on
            log.warning("reading %s failed", printable(source), exc_info=True)
            yield IngestFailure(source, READ_ERROR, f"{type(exc).__name__}: {exc}"[:500])
            return
        yield item


def read_file(path: Path, *, name: str | None = None, settings: Settings | None = None,
              fields: dict[str, Any] | None = None) -> Iterator[Item]:
    """The Documents of one file (several for JSON Lines), or its failures."""
    settings = settings or Settings()
    source = str(path)
    name = name or path.name
    try:
        suffix = path.suffix.lower()
        if KINDS.get(suffix) == "jsonl" and not _starts_with_bom(path):
            yield from summarised(_stream_jsonl(path, name, settings, fields), source)
            return
        data = _read_capped(path, settings.max_bytes)
        if suffix == ".gz" or is_gzip(data):
            data = gunzip_capped(data, settings.max_bytes)
            if suffix == ".gz":
                suffix = Path(path.stem).suffix.lower()
        kind = KINDS.get(suffix)
        text, encoding = decode_bytes(data)
        del data
        if kind is None or (kind == "text" and _is_html_page(text)):
            kind = "html" if looks_like_html(text) else "text"
        if kind == "jsonl":
            yield from summarised(parse_jsonl(text, source=source, name=name, settings=settings, encoding=encoding,
                                              overrides=fields), source)
            return
        if kind == "json":
            yield from summarised(parse_json(text, source=source, name=name, settings=settings, encoding=encoding,
                                             overrides=fields), source)
            return
        yield build_document(text, name=name, kind=kind, settings=settings, fields=fields, source_path=source,
                             encoding=encoding)
    except Rejected as exc:
        yield IngestFailure(source, exc.reason, exc.detail)
    except OSError as exc:
        yield IngestFailure(source, _os_reason(exc), exc.strerror or str(exc))
    except (RecursionError, MemoryError) as exc:  # last guard: hostile input must not stop the batch
        log.warning("%s: %s", printable(source), type(exc).__name__)
        yield IngestFailure(source, TOO_LARGE, f"{type(exc).__name__} while reading")
    except Exception as exc:  # noqa: BLE001 - an unexpected error (a library's ImportError, a bug): recorded
        log.warning("reading %s failed", printable(source), exc_info=True)
        yield IngestFailure(source, READ_ERROR, f"{type(exc).__name__}: {exc}"[:500])


def looks_like_html(text: str) -> bool:
    """True when the start of ``text`` looks like an HTML page or fragment."""
    head = text[:_SNIFF_CHARS].lstrip().lower()
    return head.startswith("<") and any(m in head for m in _HTML_MARKERS)


def _is_html_page(text: str) -> bool:
    """A whole HTML page saved under a text extension."""
    head = text[:256].lstrip().lower()
    return head.startswith(("<!doctype html", "<html"))


def _read_stdin(stdin: TextIO | None, settings: Settings) -> Iterator[Item]:
    import sys

    stream = stdin if stdin is not None else sys.stdin
    text = stream.read(settings.max_chars + 1)
    if len(text) > settings.max_chars:
        yield IngestFailure("<stdin>", TOO_LARGE, f"more than {settings.max_chars} characters")
        return
    if looks_like_jsonl(text):
        yield from summarised(parse_jsonl(text, source="<stdin>", settings=settings), "<stdin>")
        return
    kind = "html" if looks_like_html(text) else "text"
    try:
        yield build_document(text, name="<stdin>", kind=kind, settings=settings, source_path="<stdin>")
    except Rejected as exc:
        yield IngestFailure("<stdin>", exc.reason, exc.detail)


def _stream_jsonl(path: Path, name: str, settings: Settings, fields: dict[str, Any] | None) -> Iterator[Item]:
    """JSON Lines read line by line: the size limits apply to each record, so a corpus file may be any size."""
    source = str(path)
    if not stat.S_ISREG(path.stat().st_mode):
        raise Rejected(UNREADABLE, "not a regular file")
    with open(path, "rb") as fh:
        first = True
        for lineno, line in enumerate(_capped_lines(fh, settings.max_bytes), start=1):
            if line is None:
                yield IngestFailure(f"{source}:{lineno}", TOO_LARGE, f"line longer than {settings.max_bytes} bytes")
                continue
            if not line.strip():
                continue
            try:
                text, encoding = decode_bytes(line)
            except Rejected as exc:
                if first and exc.reason == BINARY:  # not a JSON Lines file at all: one failure, not thousands
                    raise
                yield IngestFailure(f"{source}:{lineno}", exc.reason, exc.detail)
                continue
            first = False
            item = parse_jsonl_line(text.lstrip("\ufeff"), lineno, source=source, settings=settings, name=name,
                                    encoding=encoding, overrides=fields)
            if item is not None:
                yield item


def _capped_lines(fh: BinaryIO, cap: int) -> Iterator[bytes | None]:
    """The lines of ``fh``; None (after skipping it) for a line longer than ``cap`` bytes, never held in memory."""
    while True:
        line = fh.readline(cap + 1)
        if not line:
            return
        if len(line) > cap and not line.endswith(b"\n"):
            while True:
                more = fh.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
            yield None
        else:
            yield line


def _starts_with_bom(path: Path) -> bool:
    """UTF-16/32 files cannot be split into lines as bytes: they are read whole."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    return head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))


def _read_capped(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; the size is checked before reading, and reading stops past the limit anyway."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise Rejected(UNREADABLE, "not a regular file")
    if st.st_size > max_bytes:
        raise Rejected(TOO_LARGE, f"{st.st_size} bytes (limit {max_bytes})")
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Rejected(TOO_LARGE, f"more than {max_bytes} bytes")
    return data


def _walk(paths: Sequence[str | Path], manifest: Path | None) -> Iterator[Found | IngestFailure | str]:
    """Files in argument order, folders walked depth-first in sorted order; problems as failures."""
    skip = {_resolved(Path(manifest))} if manifest is not None else set()
    for arg in paths:
        if str(arg) == STDIN:
            yield STDIN
            continue
        root = Path(arg)
        st = _stat(root)
        if isinstance(st, IngestFailure):
            yield st
        elif stat.S_ISDIR(st.st_mode):
            yield from _walk_dir(root, st, skip)
        elif stat.S_ISREG(st.st_mode):
            if _resolved(root) not in skip:
                yield Found(root, root.name)
        else:
            yield IngestFailure(str(root), UNREADABLE, "not a regular file")


def _walk_dir(root: Path, root_st: os.stat_result, skip: set[Path]) -> Iterator[Found | IngestFailure]:
    visited = {(root_st.st_dev, root_st.st_ino)}
    inside = _resolved(root)
    stack: list[Iterator[Path]] = [iter(_listdir(root))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if isinstance(entry, IngestFailure):
            yield entry
            continue
        st = _stat(entry)
        if isinstance(st, IngestFailure):
            yield st
        elif entry.is_symlink() and not _resolved(entry).is_relative_to(inside):
            # a link out of the folder (to /etc/passwd, a home directory) is not followed, like a manifest line
            yield IngestFailure(str(entry), OUTSIDE_ROOT, "a symlink to a path outside the input folder")
        elif stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in visited:
                yield IngestFailure(str(entry), SYMLINK_LOOP, "folder already walked")
                continue
            visited.add(key)
            stack.append(iter(_listdir(entry)))
        elif stat.S_ISREG(st.st_mode):
            if _resolved(entry) not in skip:
                yield Found(entry, entry.relative_to(root).as_posix())
        else:
            yield IngestFailure(str(entry), UNREADABLE, "not a regular file")


def _listdir(folder: Path) -> list[Any]:
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        return [IngestFailure(str(folder), _os_reason(exc), exc.strerror or str(exc))]
    return [folder / n for n in names if not n.startswith(".")]


def _stat(path: Path) -> os.stat_result | IngestFailure:
    try:
        return path.stat()
    except OSError as exc:
        if exc.errno == errno.ENOENT and path.is_symlink():
            return IngestFailure(str(path), NOT_FOUND, "dangling symlink")
        return IngestFailure(str(path), _os_reason(exc), exc.strerror or str(exc))
    except RuntimeError as exc:  # pathlib raises it for some symlink loops
        return IngestFailure(str(path), SYMLINK_LOOP, str(exc))


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return SYMLINK_LOOP
    if exc.errno == errno.ENOENT:
        return NOT_FOUND
    return UNREADABLE


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()
