"""Build Document values: the content hash is the identity (re-ingesting the same text adds nothing)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from faultlines.clean import HtmlTooDeep, clean_html, clean_text
from faultlines.config import Settings
from faultlines.ingest.dates import parse_published
from faultlines.ingest.failures import EMPTY, TOO_DEEP, TOO_LARGE, Rejected
from faultlines.limits import storable
from faultlines.model import Document, OffsetMap

METADATA_FIELDS = ("title", "outlet", "author", "url")
_WORD = re.compile(r"\S+")
_MAX_REMOVED_LISTED = 200  # raw spans dropped by cleaning, listed in Document.meta["removed"] as [start, end, rule]
_RESERVED = frozenset({"raw_text", "clean_text", "offset_map", "name", "id", "source_path", "source_format",
                       "encoding", "meta"})


def content_hash(raw_text: str) -> str:
    return hashlib.sha256(raw_text.encode("utf-8", "surrogatepass")).hexdigest()


def make_document(
    *,
    raw_text: str,
    clean_text: str | None = None,
    offset_map: OffsetMap | None = None,
    name: str,
    published: date | None = None,
    **meta: Any,
) -> Document:
    """A Document for ``raw_text``; without ``clean_text`` the raw text is used as is."""
    raw_text = storable(raw_text)  # a lone surrogate (a JSON escape, an undecodable byte) cannot be stored
    clean = raw_text if clean_text is None else storable(clean_text)
    name = storable(name)
    meta = {k: storable(v) if isinstance(v, str) else v for k, v in meta.items()}
    omap = offset_map if offset_map is not None else OffsetMap.identity(len(clean))
    fields = {k: meta.pop(k) for k in ("title", "outlet", "author", "url", "source_path", "source_format",
                                       "encoding", "published_precision") if k in meta}
    if published is not None and "published_precision" not in fields:
        fields["published_precision"] = "day"
    return Document(id=content_hash(raw_text), name=name, raw_text=raw_text, clean_text=clean,
                    offset_map=omap, published=published, meta=meta, **fields)


def build_document(
    raw_text: str,
    *,
    name: str,
    kind: str = "text",
    settings: Settings | None = None,
    fields: Mapping[str, Any] | None = None,
    source_path: str | None = None,
    source_format: str | None = None,
    encoding: str | None = None,
) -> Document:
    """Clean ``raw_text`` (``kind`` "text", "markdown" or "html") into a Document; raises Rejected.

    ``fields`` (from a record or a manifest: published, published_precision, title, outlet, author, url and any
    extra keys, kept in ``Document.meta``) override what the page itself says.
    """
    settings = settings or Settings()
    fields = dict(fields or {})
    if len(raw_text) > settings.max_chars:
        raise Rejected(TOO_LARGE, f"{len(raw_text)} characters (limit {settings.max_chars})")
    if not raw_text.strip():
        raise Rejected(EMPTY, "only whitespace")
    if kind == "html":
        try:
            cleaned = clean_html(raw_text, max_depth=settings.max_html_depth, url=_str(fields.get("url")))
        except HtmlTooDeep as exc:
            raise Rejected(TOO_DEEP, str(exc)) from exc
    else:
        cleaned = clean_text(raw_text)
    if not cleaned.text.strip():
        raise Rejected(EMPTY, "no text left after cleaning" if kind != "html" else "no extractable text")
    words = sum(1 for _ in _WORD.finditer(cleaned.text))
    if words > settings.max_words:
        raise Rejected(TOO_LARGE, f"{words} words (limit {settings.max_words})")
    page = cleaned.metadata
    info: dict[str, Any] = {k: _str(fields.get(k)) or _str(page.get(k)) for k in METADATA_FIELDS}
    if fields.get("published") not in (None, ""):
        published, precision = parse_published(fields.get("published"), fields.get("published_precision"))
        if published is None:  # kept for the record; the document is stored without a publication date
            fields["published_refused"] = str(fields.get("published"))[:100]
    else:
        published, precision = parse_published(page.get("date"))
    extra = {(f"field_{k}" if k in _RESERVED else str(k)): v for k, v in fields.items()
             if k not in METADATA_FIELDS and k not in ("published", "published_precision")}
    removed = [[a, b, rule] for a, b, rule in cleaned.removed if rule != "whitespace"]
    if removed:
        extra["removed"] = removed[:_MAX_REMOVED_LISTED]
        if len(removed) > _MAX_REMOVED_LISTED:
            extra["removed_total"] = len(removed)
    page_meta = {k: v for k, v in page.items() if v}
    if page_meta:
        extra["page"] = page_meta
    return make_document(
        raw_text=raw_text, clean_text=cleaned.text, offset_map=cleaned.offset_map, name=name, published=published,
        published_precision=precision, source_path=source_path, source_format=source_format or kind,
        encoding=encoding, **{k: v for k, v in info.items() if v}, **extra,
    )


def _str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
