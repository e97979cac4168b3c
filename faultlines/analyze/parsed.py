"""The parsed-document view: what the analyzer and the extractors read of one spaCy parse, made once per document.

spaCy rebuilds ``Doc.text`` from its tokens, and every entity from every token, each time they are read; the
extractors ask for the same sentence spans and word lists again and again. So the analyzer attaches one ``Parsed``
to each document once the pipeline has run (``Parsed.attach``), and readers reach it with ``parsed(doc)``. It
holds the text, the entities (with their token starts, for searches), the words of every token (lower case and
lemma, read from the token arrays on first use), the spans made from character offsets, and per-document memos
for the extractors. Nothing in it outlives the document, and the document keeps it in one ``user_data`` slot
(left out by ``Doc.to_bytes(exclude=["user_data"])``).
"""

from __future__ import annotations

import bisect
from typing import Any

_SLOT = "faultlines_parsed"


class Parsed:
    """One parsed document, read once: its text, entities, words, spans by offsets and the extractors' memos."""

    __slots__ = ("doc", "text", "ents", "_ent_starts", "_words", "_spans", "_memos")

    def __init__(self, doc: Any, text: str | None = None) -> None:
        """``text`` is the text ``doc`` was parsed from (read from the tokens when not given); the entities are read
        now, so make the view once the pipeline has set them."""
        self.doc = doc
        self.text: str = doc.text if text is None else text
        self.ents: tuple[Any, ...] = tuple(doc.ents)
        self._ent_starts = [e.start for e in self.ents]
        self._words: tuple[list[str], list[str]] | None = None
        self._spans: dict[tuple[int, int], Any] = {}
        self._memos: dict[str, dict[Any, Any]] = {}

    @classmethod
    def attach(cls, doc: Any, text: str | None = None) -> Parsed:
        """Make the view of a finished parse and keep it with the document (what the analyzer does)."""
        view = cls(doc, text)
        doc.user_data[_SLOT] = view
        return view

    def ents_in(self, span: Any) -> list[Any]:
        """``Span.ents``: the entities wholly inside ``span`` (found by a search, not a scan)."""
        lo, hi = span.start, span.end
        ents = self.ents
        out = []
        for k in range(bisect.bisect_left(self._ent_starts, lo), len(ents)):
            e = ents[k]
            if e.start >= hi:
                break
            if e.end <= hi:
                out.append(e)
        return out

    def span(self, start: int, end: int) -> Any:
        """``doc.char_span(start, end, alignment_mode="expand")``, made once per offsets."""
        key = (start, end)
        got = self._spans.get(key)
        if got is None and key not in self._spans:
            got = self._spans[key] = self.doc.char_span(start, end, alignment_mode="expand")
        return got

    @property
    def words(self) -> tuple[list[str], list[str]]:
        """Per token: ``Token.lower_`` and ``Token.lemma_.lower()``, read from the token arrays (no Token objects;
        each distinct string is looked up once)."""
        if self._words is None:
            from spacy.attrs import LEMMA, LOWER

            arr = self.doc.to_array([LOWER, LEMMA]).tolist() if len(self.doc) else []
            strings = self.doc.vocab.strings
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
            self._words = (lowers, lemmas)
        return self._words

    def memo(self, name: str) -> dict[Any, Any]:
        """A dict for results that hold only within this document (per-sentence pattern matches asked for by every
        event of a sentence, say): nothing is reused across documents."""
        got = self._memos.get(name)
        if got is None:
            got = self._memos[name] = {}
        return got


def parsed(doc: Any) -> Parsed:
    """The view of ``doc`` (a spaCy ``Doc``): the analyzer's, or one made now for a parse made elsewhere."""
    view = doc.user_data.get(_SLOT)
    if view is None:
        view = Parsed.attach(doc)
    return view


def span_text(span: Any) -> str:
    """``span.text`` of a Span, a Doc or a plain string, sliced from the text read once."""
    if isinstance(span, str):
        return span
    if not hasattr(span, "start_char"):  # a Doc
        return parsed(span).text
    return parsed(span.doc).text[span.start_char:span.end_char]


__all__ = ["Parsed", "parsed", "span_text"]
