"""The bundled demo corpus: short reports written by the project about the Iraq war against ISIS (2013-2017).

The reports are the project's own wording of publicly documented events, told by invented outlets with different
voices (wire, government-friendly, anti-Iran, anti-imperialist, human-rights NGO, student journal, Kurdish local
press). Several incidents are told by two or three outlets with different death tolls, and the files exercise every
ingest path: plain text, Markdown, an HTML page with menus and comment spam, a Windows-1252 file, and a JSON Lines
file whose records carry their own metadata. ``tests/gold/demo_gold.json`` is the hand annotation of this corpus.

The manifest sits beside the corpus folder, not inside it, so that ingesting the folder never reads it as records.
It names every article file except ``*.jsonl`` record files (their records carry ``published``, ``outlet``, ``title``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["corpus_dir", "manifest_path", "manifest_rows"]

_HERE = Path(__file__).resolve().parent


def corpus_dir() -> Path:
    """Folder holding the demo articles (one file per article, plus one JSON Lines file of short records)."""
    return _HERE / "corpus"


def manifest_path() -> Path:
    """JSON Lines manifest: one line per article file with file, published, precision, outlet, author, url, title."""
    return _HERE / "manifest.jsonl"


def manifest_rows() -> list[dict[str, Any]]:
    """The manifest lines, parsed, in file order."""
    with manifest_path().open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
