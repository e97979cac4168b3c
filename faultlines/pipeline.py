"""Runs the stages over documents: ingest -> clean -> analyze -> extract -> store -> resolve.

One bad document never stops a batch: its failure is recorded with the document and the stage. An interrupted
ingest is resumed by the next one (documents stored but not yet extracted are picked up again), and re-running
on the same inputs adds nothing (documents are keyed by content hash).
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from faultlines.config import Settings
from faultlines.limits import Deadline, printable, time_limit
from faultlines.limits import StageTimeout as StageTimeout  # re-exported: callers catch it from here
from faultlines.model import Document, Extraction, IngestFailure

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_SOME_FAILED = 3  # some inputs could not be ingested; the good ones are stored
EXIT_USAGE = 2
EXIT_ERROR = 1


@dataclass
class IngestReport:
    """What one ingest run did."""

    run_id: int = 0
    found: int = 0
    stored: int = 0
    duplicates: int = 0
    resumed: int = 0
    extracted: int = 0
    failures: list[IngestFailure] = field(default_factory=list)
    incidents: int = 0
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return EXIT_SOME_FAILED if self.failures else EXIT_OK

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "found": self.found, "stored": self.stored, "duplicates": self.duplicates,
            "resumed": self.resumed, "extracted": self.extracted, "incidents_touched": self.incidents,
            "failed": len(self.failures), "seconds": round(self.seconds, 2),
            "failures": [{"source": f.source, "reason": f.reason, "detail": f.detail} for f in self.failures],
        }


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

    def extract(self, documents: Sequence[Document]) -> Iterator[Extraction | tuple[Document, str, Exception]]:
        """An Extraction per document, or (document, stage, error) for one that failed; order is kept."""
        an = self.analyzer
        parsed = self._parse(an.nlp, documents)
        analyses: list[tuple[Document, Any]] = []  # (document, its analysis or (document, stage, error))
        for doc, sdoc in zip(documents, parsed, strict=True):
            if isinstance(sdoc, Exception):
                analyses.append((doc, (doc, "analyze", sdoc)))
                continue
            try:
                with time_limit(self.settings.doc_timeout):
                    analyses.append((doc, an.analyze_parsed(doc, sdoc)))
            except (Exception, StageTimeout) as exc:  # noqa: BLE001
                log.exception("analysis failed for %s", printable(doc.name))
                if not isinstance(exc, Exception):
                    exc = _Timeout(str(exc))
                analyses.append((doc, (doc, "analyze", exc)))
        ok = [a for _, a in analyses if not isinstance(a, tuple)]
        prepared: dict[int, Any] = {}
        prepare = getattr(self.extractor, "prepare", None)
        if prepare is not None and ok:
            try:  # work batched over the documents (the causal classifier); per document below if it fails
                prepared = dict(zip(map(id, ok), prepare(ok), strict=True))
            except Exception:  # noqa: BLE001
                log.exception("batched extraction failed; going document by document")
        for doc, analysis in analyses:
            if isinstance(analysis, tuple):
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
                yield doc, "extract", exc
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


# ---------------------------------------------------------------------------------------------------- worker processes
_WORKER: Pipeline | None = None


def _init_worker(settings: Settings, parent: int | None = None) -> None:
    global _WORKER
    if parent is not None:
        exit_with_parent(parent)
    _WORKER = Pipeline(settings)


def exit_with_parent(parent: int) -> None:
    """End this worker process when its parent dies (``kill -9`` of an ingest must not leave workers running).

    On Linux the kernel sends SIGKILL when the parent exits (PR_SET_PDEATHSIG); everywhere a daemon thread also
    checks every second that the parent is still the one that started us.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="faultlines-parent-watch", daemon=True).start()


def _work(documents: list[Document]) -> list[Extraction | tuple[Document, str, str]]:
    assert _WORKER is not None
    out: list[Extraction | tuple[Document, str, str]] = []
    for res in _WORKER.extract(documents):
        if isinstance(res, Extraction):
            if res.analysis is not None:
                res.analysis.spacy_doc = None  # the parse stays in the worker; the store needs the mentions only
            out.append(res)
        else:
            out.append((res[0], res[1], f"{type(res[2]).__name__}: {res[2]}"))
    return out


def extract_batches(batches: Iterable[list[Document]], settings: Settings, pipeline: Pipeline | None = None
                    ) -> Iterator[Extraction | tuple[Document, str, Any]]:
    """Extractions for a stream of document batches, in worker processes when ``settings.workers > 1``."""
    if settings.engine == "ray":
        from faultlines.distributed import extract_batches_ray

        yield from extract_batches_ray(batches, settings)
        return
    batches = iter(batches)
    head: list[list[Document]] = []
    if settings.workers > 1:  # a pool only pays off past a few batches (each worker loads the models)
        for batch in batches:
            head.append(batch)
            if len(head) >= 2 * settings.workers:
                break
    if settings.workers <= 1 or len(head) < 2 * settings.workers:
        pipe = pipeline or Pipeline(settings)
        for batch in itertools.chain(head, batches):
            yield from pipe.extract(batch)
        return
    batches = itertools.chain(head, batches)
    with ProcessPoolExecutor(max_workers=settings.workers, initializer=_init_worker,
                             initargs=(settings, os.getpid())) as pool:
        pending: list[Any] = []
        for batch in batches:
            pending.append(pool.submit(_work, batch))
            while len(pending) > settings.workers * 2:  # bounded memory: a few batches in flight
                yield from pending.pop(0).result()
        for fut in pending:
            yield from fut.result()


# ---------------------------------------------------------------------------------------------------- ingest
def ingest(
    paths: Sequence[str | Path],
    db: Any,
    *,
    manifest: Path | None = None,
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
    progress: Callable[[int], None] | None = None,
    stdin: Any = None,
) -> IngestReport:
    """Read, store, analyse, extract and resolve ``paths`` into the database ``db`` (a path or a Store)."""
    from faultlines.ingest import read_paths
    from faultlines.store import Store

    s = settings or Settings()
    t0 = time.perf_counter()
    store = db if isinstance(db, Store) else Store(db)
    report = IngestReport(run_id=store.start_run([str(p) for p in paths]))
    resumed = [d for d in (store.load_document(i) for i in store.pending_document_ids()) if d is not None]
    report.resumed = len(resumed)

    def documents() -> Iterator[Document]:
        yield from resumed
        for item in read_paths(list(paths), manifest=manifest, settings=s, stdin=stdin):
            report.found += 1
            if progress:
                progress(1)
            if isinstance(item, IngestFailure) and item.reason == "duplicate":
                report.duplicates += 1  # the same content twice in one run: stored once, not a failure
            elif isinstance(item, IngestFailure):
                report.failures.append(item)
                store.record_failure(item, report.run_id)
            elif store.has_document(item.id):
                report.duplicates += 1
            else:
                try:
                    store.add_document(item)
                except Exception as exc:  # noqa: BLE001 - a value the store refuses: recorded, the batch goes on
                    log.warning("storing %s failed", printable(item.name), exc_info=True)
                    failure = IngestFailure(item.source_path or item.name, "store-error",
                                            f"{type(exc).__name__}: {exc}"[:500])
                    report.failures.append(failure)
                    store.record_failure(failure, report.run_id, stage="store")
                    continue
                report.stored += 1
                yield item

    def batches() -> Iterator[list[Document]]:
        batch: list[Document] = []
        for d in documents():
            batch.append(d)
            if len(batch) >= max(1, s.batch_size):
                yield batch
                batch = []
        if batch:
            yield batch

    def fail(doc: Document, stage: str, exc: Any) -> None:
        failure = IngestFailure(doc.name, f"{stage}-error", str(exc)[:500])
        report.failures.append(failure)
        store.record_failure(failure, report.run_id, stage=stage)
        store.mark_failed(doc.id, str(exc))

    for res in extract_batches(batches(), s, pipeline):
        if isinstance(res, Extraction):
            try:
                store.save_extraction(res)
            except Exception as exc:  # noqa: BLE001 - this document's results cannot be stored: recorded
                log.warning("storing the extraction of %s failed", printable(res.document.name), exc_info=True)
                fail(res.document, "store", f"{type(exc).__name__}: {exc}")
                continue
            report.extracted += 1
            if report.extracted % RESOLVE_EVERY == 0:  # keep the unresolved set (and memory) bounded
                report.incidents += _resolve_pending(store, s, report)
        else:
            fail(*res)
    report.incidents += _resolve_pending(store, s, report)
    store.finish_run(report.run_id, report.stored, report.duplicates, len(report.failures))
    report.seconds = time.perf_counter() - t0
    return report


RESOLVE_EVERY = 2000  # documents between incremental incident resolutions during a long ingest


def _resolve_pending(store: Any, settings: Settings, report: IngestReport | None = None) -> int:
    """Resolve every codable mention that has no incident yet (new ones, or ones a killed run left behind).

    A resolution that fails is recorded (stage ``resolve``) and retried by the next ingest; the stored documents
    and mentions stay.
    """
    from faultlines.resolve import resolve_new
    from faultlines.store import queries

    unresolved = queries.unresolved_event_ids(store.conn)
    try:
        touched = resolve_new(store, unresolved, settings, dirty_incidents=store.dirty_incidents)
    except Exception as exc:  # noqa: BLE001
        log.exception("incident resolution failed")
        failure = IngestFailure("incident resolution", "resolve-error", f"{type(exc).__name__}: {exc}"[:500])
        if report is not None:
            report.failures.append(failure)
            store.record_failure(failure, report.run_id, stage="resolve")
        return 0
    store.dirty_incidents.clear()
    release_memory()
    return touched


def release_memory() -> None:
    """Give the memory of a finished resolution back to the operating system, so that a long ingest stays flat.

    Python frees the objects, but glibc keeps the freed pages of its heap unless asked (as Dask workers do after a
    task); elsewhere only the garbage collection runs.
    """
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # another C library (musl): nothing to trim
            pass


def extract_records(records: Iterable[dict[str, Any]], settings: Settings | None = None,
                    pipeline: Pipeline | None = None) -> Iterator[dict[str, Any]]:
    """``faultlines extract``: one contract record per input record (see the README), in input order."""
    from faultlines.export.contract import empty_record, extraction_record
    from faultlines.ingest import read_records

    s = settings or Settings()
    pipe = pipeline or Pipeline(s)
    batch: list[tuple[str, Document | IngestFailure]] = []

    def flush() -> Iterator[dict[str, Any]]:
        docs = [d for _, d in batch if isinstance(d, Document)]
        results = iter(pipe.extract(docs)) if docs else iter(())
        for rid, item in batch:
            if isinstance(item, IngestFailure):
                yield empty_record(rid, f"{item.reason}: {item.detail}")
                continue
            res = next(results)
            if isinstance(res, Extraction):
                yield extraction_record(rid, res)
            else:
                yield empty_record(rid, f"{res[1]} failed: {res[2]}", text=item.clean_text)
        batch.clear()

    for n, rec in enumerate(records):
        rid = str(rec.get("id", n)) if isinstance(rec, dict) else str(n)
        if not isinstance(rec, dict):
            batch.append((rid, IngestFailure(f"record {n}", "malformed-record", "not a JSON object")))
        else:
            items = list(read_records([rec], settings=replace(s), source=f"record {rid}"))
            batch.append((rid, items[0] if items else IngestFailure(rid, "empty", "no text")))
        if len(batch) >= max(1, s.batch_size):
            yield from flush()
    yield from flush()
