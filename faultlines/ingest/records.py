"""Records (dicts with ``id`` and ``text`` or ``html`` plus metadata) from JSON Lines, JSON or Python callers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from faultlines.config import Settings
from faultlines.ingest.documents import build_document
from faultlines.ingest.failures import DUPLICATE, MALFORMED_RECORD, Rejected
from faultlines.model import Document, IngestFailure

Item = Document | IngestFailure


def read_records(records: Iterable[Mapping[str, Any]], *, settings: Settings | None = None,
                 source: str = "<records>") -> Iterator[Item]:
    """One Document (or IngestFailure) per record; a record needs ``id`` and ``text`` or ``html``.

    Optional fields: ``published`` (ISO date; "2014-08" and "2014" carry month/year precision),
    ``published_precision``, ``title``, ``outlet``, ``author``, ``url``; other keys go to ``Document.meta``.
    A record repeating the content of an earlier one is reported as a "duplicate" failure.
    """
    settings = settings or Settings()
    seen: dict[str, str] = {}
    for i, rec in enumerate(records, start=1):
        where = f"{source}:{i}"
        item = record_document(rec, where=where, default_name=where, settings=settings, require_id=True,
                               source_format=None)
        yield from dedupe(item, seen)


def dedupe(item: Item, seen: dict[str, str]) -> Iterator[Item]:
    """Yield ``item`` unless a Document with the same content id was yielded before (then a duplicate failure)."""
    if isinstance(item, Document):
        first = seen.get(item.id)
        if first is not None:
            yield IngestFailure(item.source_path or item.name, DUPLICATE, f"same content as {first}")
            return
        seen[item.id] = item.name
    yield item


def record_document(rec: object, *, where: str, default_name: str, settings: Settings, require_id: bool,
                    source_format: str | None, defaults: Mapping[str, Any] | None = None,
                    overrides: Mapping[str, Any] | None = None, encoding: str | None = None) -> Item:
    """A Document for one record; ``defaults`` fill missing fields, ``overrides`` (a manifest) replace them."""
    if not isinstance(rec, Mapping):
        return IngestFailure(where, MALFORMED_RECORD, f"a record must be an object, not {type(rec).__name__}")
    rid = rec.get("id")
    if rid is not None and not isinstance(rid, str | int):
        return IngestFailure(where, MALFORMED_RECORD, "id must be a string or a number")
    if require_id and (rid is None or str(rid).strip() == ""):
        return IngestFailure(where, MALFORMED_RECORD, "missing id")
    text, html = rec.get("text"), rec.get("html")
    if text is not None and not isinstance(text, str) or html is not None and not isinstance(html, str):
        return IngestFailure(where, MALFORMED_RECORD, "text and html must be strings")
    if text is None and html is None:
        return IngestFailure(where, MALFORMED_RECORD, "needs text or html")
    fields: dict[str, Any] = dict(defaults or {})
    fields.update({k: v for k, v in rec.items() if k not in ("id", "text", "html") and v is not None})
    fields.update({k: v for k, v in (overrides or {}).items() if v is not None})
    name = str(rid).strip() if rid is not None and str(rid).strip() else default_name
    kind = "text" if text is not None else "html"
    raw = text if text is not None else html
    assert raw is not None
    try:
        return build_document(raw, name=name, kind=kind, settings=settings, fields=fields, source_path=where,
                              source_format="html" if kind == "html" else (source_format or kind),
                              encoding=encoding)
    except Rejected as exc:
        return IngestFailure(where, exc.reason, exc.detail)


MAX_LISTED_FAILURES = 5  # per file and reason; more bad records of one file are summarised in one failure


def summarised(items: Iterator[Item], source: str) -> Iterator[Item]:
    """``items`` with the failures of one file kept per reason: up to MAX_LISTED_FAILURES listed one by one, more
    summarised in one failure with a count (a file of a million bad records is one row, not a million)."""
    held: dict[str, list[IngestFailure]] = {}
    counts: dict[str, int] = {}
    for item in items:
        if isinstance(item, IngestFailure) and item.reason != DUPLICATE:
            counts[item.reason] = counts.get(item.reason, 0) + 1
            kept = held.setdefault(item.reason, [])
            if len(kept) < MAX_LISTED_FAILURES:
                kept.append(item)
            continue
        yield item
    for reason, kept in held.items():
        n = counts[reason]
        if n <= MAX_LISTED_FAILURES:
            yield from kept
        else:
            first = ", ".join(f.source.rsplit(":", 1)[-1] if f.source != source else f.source for f in kept)
            yield IngestFailure(source, reason, f"{n} records; the first at {first}: {kept[0].detail}"[:500],
                                count=n)


def looks_like_jsonl(text: str) -> bool:
    """True when the first non-blank line is a JSON object."""
    for line in text.splitlines():
        if line.strip():
            if not line.lstrip().startswith("{"):
                return False
            try:
                return isinstance(json.loads(line), dict)
            except (ValueError, RecursionError):
                return False
    return False


def parse_jsonl(text: str, *, source: str, settings: Settings, name: str | None = None, encoding: str | None = None,
                overrides: Mapping[str, Any] | None = None) -> Iterator[Item]:
    """Each non-blank line of ``text`` as a record; a broken line is a failure and the next lines still count.

    A record without an id is named ``NAME:LINE``; failures name ``SOURCE:LINE``.
    """
    for lineno, line in enumerate(text.splitlines(), start=1):
        item = parse_jsonl_line(line, lineno, source=source, settings=settings, name=name, encoding=encoding,
                                overrides=overrides)
        if item is not None:
            yield item


def parse_jsonl_line(line: str, lineno: int, *, source: str, settings: Settings, name: str | None = None,
                     encoding: str | None = None, overrides: Mapping[str, Any] | None = None) -> Item | None:
    """One JSON Lines line as a Document or failure; None for a blank line."""
    if not line.strip():
        return None
    where = f"{source}:{lineno}"
    try:
        rec = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return IngestFailure(where, MALFORMED_RECORD, f"not JSON: {str(exc)[:120]}")
    return record_document(rec, where=where, default_name=f"{name or source}:{lineno}", settings=settings,
                           require_id=False, source_format="jsonl", overrides=overrides, encoding=encoding)


def parse_json(text: str, *, source: str, settings: Settings, name: str | None = None, encoding: str | None = None,
               overrides: Mapping[str, Any] | None = None) -> Iterator[Item]:
    """A JSON file holding one record or a list of records."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        yield IngestFailure(source, MALFORMED_RECORD, f"not JSON: {str(exc)[:120]}")
        return
    items = data if isinstance(data, list) else [data]
    for i, rec in enumerate(items, start=1):
        suffix = f":{i}" if isinstance(data, list) else ""
        yield record_document(rec, where=source + suffix, default_name=(name or source) + suffix,
                              settings=settings, require_id=False, source_format="json", overrides=overrides,
                              encoding=encoding)
