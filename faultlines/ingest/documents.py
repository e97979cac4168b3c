"""Build Document values: the content hash is the identity (re-ingesting the same text adds nothing)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from faultlines.model import Document, OffsetMap


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
    clean = raw_text if clean_text is None else clean_text
    omap = offset_map if offset_map is not None else OffsetMap.identity(len(clean))
    fields = {k: meta.pop(k) for k in ("title", "outlet", "author", "url", "source_path", "source_format",
                                       "encoding", "published_precision") if k in meta}
    if published is not None and "published_precision" not in fields:
        fields["published_precision"] = "day"
    return Document(id=content_hash(raw_text), name=name, raw_text=raw_text, clean_text=clean,
                    offset_map=omap, published=published, meta=meta, **fields)
