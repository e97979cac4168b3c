"""What one process does with a batch of documents: the ``Pipeline`` (parse, analyse and extract each document,
each under its own limit) and ``run_batch``, its results made fit to cross a process boundary.

Both engines run batches through ``run_batch``: the local one in worker processes (``pipeline.extract_batches``),
the Ray one in its actors (``distributed``). This module imports neither of them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

from faultlines.config import Settings
from faultlines.limits import Deadline, printable, time_limit
from faultlines.limits import StageTimeout as StageTimeout  # re-exported: callers catch it from here
from faultlines.model import Document, Extraction, StageFailure

log = logging.getLogger(__name__)


class Pipeline:
    """Analysis and extraction over documents, with the services built once (lazily)."""

    def __init__(self, settings: Settings | None = None, *, analyzer: Any = None, extractor: Any = None) -> None:
        self.settings = settings or Settings()
        self._analyzer = analyzer
        self._extractor = extractor

    @property
    def analyzer(self) -> Any:
        if self._analyzer is None:
            from faultlines.analyze import Analyzer

            self._analyzer = Analyzer(self.settings)
        return self._analyzer

    @property
    def extractor(self) -> Any:
        if self._extractor is None:
            from faultlines.extract import Extractor

            self._extractor = Extractor(self.analyzer.kb, self.settings)
        return self._extractor

    def extract(self, documents: Sequence[Document]) -> Iterator[Extraction | StageFailure]:
        """An Extraction per document, or a StageFailure for one that failed; order is kept."""
        an = self.analyzer
        parsed = self._parse(an.nlp, documents)
        analyses: list[tuple[Document, Any]] = []  # (document, its analysis or its StageFailure)
        for doc, sdoc in zip(documents, parsed, strict=True):
            if isinstance(sdoc, Exception):
                analyses.append((doc, StageFailure.of(doc, "analyze", sdoc)))
                continue
            try:
                with time_limit(self.settings.doc_timeout):
                    analyses.append((doc, an.analyze_parsed(doc, sdoc)))
            except (Exception, StageTimeout) as exc:  # noqa: BLE001
                log.exception("analysis failed for %s", printable(doc.name))
                if not isinstance(exc, Exception):
                    exc = _Timeout(str(exc))
                analyses.append((doc, StageFailure.of(doc, "analyze", exc)))
        ok = [a for _, a in analyses if not isinstance(a, StageFailure)]
        prepared: dict[int, Any] = {}
        prepare = getattr(self.extractor, "prepare", None)
        if prepare is not None and ok:
            try:  # work batched over the documents (the causal classifier); per document below if it fails
                prepared = dict(zip(map(id, ok), prepare(ok), strict=True))
            except Exception:  # noqa: BLE001
                log.exception("batched extraction failed; going document by document")
        for doc, analysis in analyses:
            if isinstance(analysis, StageFailure):
                yield analysis
                continue
            try:
                with time_limit(self.settings.doc_timeout):
                    extra = prepared.get(id(analysis))
                    result = self.extractor(analysis) if extra is None else self.extractor(analysis, extra)
            except (Exception, StageTimeout) as exc:  # noqa: BLE001
                log.exception("extraction failed for %s", printable(doc.name))
                if not isinstance(exc, Exception):
                    exc = _Timeout(str(exc))
                yield StageFailure.of(doc, "extract", exc)
                continue
            yield result

    def _parse(self, nlp: Any, documents: Sequence[Document]) -> list[Any]:
        """The parse of each document (or the exception that stopped it), each under the per-document limit.

        Short documents go through ``nlp.pipe`` together; a long one is parsed in pieces of at most PIECE_CHARS
        (cut at paragraph, line or word boundaries) joined into one Doc, so memory stays bounded and the limit is
        checked between pieces.
        """
        limit = self.settings.doc_timeout
        short = [d for d in documents if len(d.clean_text) <= LONG_DOC_CHARS]
        out: dict[int, Any] = {}
        if short:
            try:
                with time_limit(limit * len(short)):
                    out = {id(d): p for d, p in zip(short, nlp.pipe((d.clean_text for d in short),
                                                                     batch_size=self.settings.batch_size),
                                                    strict=True)}
            except (Exception, StageTimeout):  # one bad text broke the batch: parse one by one to isolate it
                out = {}
        parsed: list[Any] = []
        for d in documents:
            if id(d) in out:
                parsed.append(out[id(d)])
                continue
            try:
                with time_limit(limit):
                    parsed.append(parse_long(nlp, d.clean_text, Deadline(limit)))
            except (Exception, StageTimeout) as exc:  # noqa: BLE001 - recorded, the batch goes on
                parsed.append(exc if isinstance(exc, Exception) else _Timeout(str(exc)))
        return parsed


class _Timeout(Exception, StageTimeout):
    """A stage stopped by the limit, as a value to record (an Exception too, so that callers may handle it)."""


LONG_DOC_CHARS = 50_000  # a document longer than this is parsed in pieces
PIECE_CHARS = 20_000
_CUTS = ("\n\n", "\n", " ")


def pieces(text: str, size: int = PIECE_CHARS) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``size`` characters (joined, they are ``text``), each
    ending at a paragraph break, else a line break, else a space, in the second half of the piece when there is
    one; otherwise at ``size`` characters."""
    out: list[str] = []
    start = 0
    while len(text) - start > size:
        end = start + size
        for sep in _CUTS:
            at = text.rfind(sep, start + size // 2, end)
            if at >= 0:
                end = at + len(sep)
                break
        out.append(text[start:end])
        start = end
    out.append(text[start:])
    return out


def parse_long(nlp: Any, text: str, deadline: Deadline | None = None) -> Any:
    """``nlp(text)``, parsed in pieces when ``text`` is long (the same text and character offsets)."""
    if len(text) <= LONG_DOC_CHARS:
        return nlp(text)
    from spacy.tokens import Doc

    docs = []
    for piece in pieces(text):
        if deadline is not None:
            deadline.check()
        docs.append(nlp(piece))
    doc = Doc.from_docs(docs, ensure_whitespace=False, exclude=["user_data"])  # type: ignore[call-arg]
    if doc.text != text:  # cannot happen (pieces join to the text); the offsets would be wrong otherwise
        raise ValueError("the pieces of a long document do not join to its text")
    return doc



def run_batch(worker: Any, documents: list[Document]) -> list[Extraction | StageFailure]:
    """One batch through ``worker.extract``, made fit to cross process boundaries: no spaCy Doc, failures as
    text."""
    out: list[Extraction | StageFailure] = []
    for res in worker.extract(documents):
        if isinstance(res, Extraction):
            if res.analysis is not None:
                res.analysis.spacy_doc = None  # the parse stays in the worker; the store needs the mentions only
            out.append(res)
        else:
            out.append(res.portable())
    return out


__all__ = ["LONG_DOC_CHARS", "Pipeline", "StageTimeout", "parse_long", "pieces", "run_batch"]
