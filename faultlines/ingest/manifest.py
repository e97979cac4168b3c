"""The ``--meta`` manifest: one JSON object per line naming a ``file`` and the metadata that overrides the page's."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faultlines.errors import ManifestError
from faultlines.ingest.failures import MANIFEST_MALFORMED, MANIFEST_MISSING_FILE, MANIFEST_OUTSIDE_ROOT
from faultlines.model import IngestFailure

MANIFEST_FIELDS = ("published", "published_precision", "outlet", "author", "url", "title")
_MAX_MANIFEST_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ManifestEntry:
    """One manifest line: the file it names (as written) and its metadata fields."""

    file: str
    line: int
    fields: dict[str, Any] = field(default_factory=dict)


def load_manifest(path: Path) -> tuple[list[ManifestEntry], list[IngestFailure]]:
    """Entries and per-line failures; an unreadable manifest raises ManifestError (the whole run depends on it)."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO or a device would block the run or never end
            raise ManifestError(f"manifest {path} is not a regular file")
        if st.st_size > _MAX_MANIFEST_BYTES:
            raise ManifestError(f"manifest {path} is larger than {_MAX_MANIFEST_BYTES} bytes")
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read manifest {path}: {exc}") from exc
    entries: list[ManifestEntry] = []
    failures: list[IngestFailure] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path}:{lineno}"
        try:
            rec = json.loads(line)
        except (ValueError, RecursionError) as exc:
            failures.append(IngestFailure(where, MANIFEST_MALFORMED, f"not JSON: {str(exc)[:120]}"))
            continue
        name = rec.get("file") if isinstance(rec, dict) else None
        if not isinstance(name, str) or not name.strip():
            failures.append(IngestFailure(where, MANIFEST_MALFORMED, 'needs a "file" string'))
            continue
        fields = {k: v for k, v in rec.items() if k != "file" and v is not None}
        entries.append(ManifestEntry(name.strip(), lineno, fields))
    return entries, failures


def resolve_entries(entries: list[ManifestEntry], manifest: Path, folders: list[Path], files: list[Path],
                    found: list[Path]) -> tuple[dict[Path, dict[str, Any]], list[IngestFailure]]:
    """Match entries to input files (resolved path -> fields); entries outside the inputs or missing are failures.

    ``file`` is relative to a folder argument, the path of a file argument, or a bare file name found anywhere
    in the inputs.
    """
    roots = [f.resolve() for f in folders]
    file_args = {f.resolve() for f in files}
    by_name: dict[str, list[Path]] = {}
    for p in found:
        by_name.setdefault(p.name, []).append(p.resolve())
    out: dict[Path, dict[str, Any]] = {}
    failures: list[IngestFailure] = []
    for e in entries:
        where = f"{manifest}:{e.line}"
        target = _locate(e.file, roots, file_args, by_name)
        if isinstance(target, str):
            failures.append(IngestFailure(where, target, e.file))
            continue
        out.setdefault(target, {}).update(e.fields)
    return out, failures


def _locate(name: str, roots: list[Path], file_args: set[Path], by_name: dict[str, list[Path]]) -> Path | str:
    rel = Path(name)
    candidates = [rel.resolve()] if rel.is_absolute() else [(r / rel).resolve() for r in roots]
    if not rel.is_absolute():
        candidates += [f for f in file_args if f.name == rel.name and len(rel.parts) == 1]
    inside = [c for c in candidates if c in file_args or any(_within(c, r) for r in roots)]
    if not inside:
        if len(rel.parts) == 1 and rel.name in by_name:
            return by_name[rel.name][0]
        return MANIFEST_OUTSIDE_ROOT
    for c in inside:
        if os.path.exists(c):
            return c
    if len(rel.parts) == 1 and len(by_name.get(rel.name, [])) == 1:
        return by_name[rel.name][0]
    return MANIFEST_MISSING_FILE


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
