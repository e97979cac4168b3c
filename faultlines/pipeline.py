"""Runs the stages over documents: ingest -> clean -> analyze -> extract -> store -> resolve.

One bad document never stops a batch: its failure is recorded with the document and the stage. An interrupted
ingest is resumed by the next one (documents stored but not yet extracted are picked up again), and re-running
on the same inputs adds nothing (documents are keyed by content hash).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import itertools
import logging
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
        try:
            parsed = list(an.nlp.pipe((d.clean_text for d in documents), batch_size=self.settings.batch_size))
        except Exception:  # one bad text broke the batch: parse one by one to isolate it
            parsed = []
            for d in documents:
                try:
                    parsed.append(an.nlp(d.clean_text))
                except Exception as exc:  # noqa: BLE001 - recorded, the batch goes on
                    parsed.append(exc)
        analyses: list[tuple[Document, Any]] = []  # (document, its analysis or (document, stage, error))
        for doc, sdoc in zip(documents, parsed, strict=True):
            if isinstance(sdoc, Exception):
                analyses.append((doc, (doc, "analyze", sdoc)))
                continue
            try:
                with time_limit(self.settings.doc_timeout):
                    analyses.append((doc, an.analyze_parsed(doc, sdoc)))
            except Exception as exc:  # noqa: BLE001
                log.exception("analysis failed for %s", doc.name)
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
            except Exception as exc:  # noqa: BLE001
                log.exception("extraction failed for %s", doc.name)
                yield doc, "extract", exc
                continue
            yield result


class StageTimeout(Exception):
    """A stage took longer than ``Settings.doc_timeout`` on one document."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Bound one document's stage time (main thread only, where SIGALRM can be used; elsewhere a no-op)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def _raise(signum: int, frame: Any) -> None:
        raise StageTimeout(f"took longer than {seconds:g}s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------------------------------------------- worker processes
_WORKER: Pipeline | None = None


def _init_worker(settings: Settings) -> None:
    global _WORKER
    _WORKER = Pipeline(settings)


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
    with ProcessPoolExecutor(max_workers=settings.workers, initializer=_init_worker, initargs=(settings,)) as pool:
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
                store.add_document(item)
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

    for res in extract_batches(batches(), s, pipeline):
        if isinstance(res, Extraction):
            store.save_extraction(res)
            report.extracted += 1
            if report.extracted % RESOLVE_EVERY == 0:  # keep the unresolved set (and memory) bounded
                report.incidents += _resolve_pending(store, s)
        else:
            doc, stage, exc = res
            failure = IngestFailure(doc.name, f"{stage}-error", str(exc)[:500])
            report.failures.append(failure)
            store.record_failure(failure, report.run_id, stage=stage)
            store.mark_failed(doc.id, str(exc))
    report.incidents += _resolve_pending(store, s)
    store.finish_run(report.run_id, report.stored, report.duplicates, len(report.failures))
    report.seconds = time.perf_counter() - t0
    return report


RESOLVE_EVERY = 2000  # documents between incremental incident resolutions during a long ingest


def _resolve_pending(store: Any, settings: Settings) -> int:
    """Resolve every codable mention that has no incident yet (new ones, or ones a killed run left behind)."""
    from faultlines.resolve import resolve_new
    from faultlines.store import queries

    unresolved = [r[0] for r in store.conn.execute(
        f"SELECT e.id FROM events e WHERE e.incident_id IS NULL AND {queries.FACTUAL}")]
    touched = resolve_new(store, unresolved, settings, dirty_incidents=store.dirty_incidents)
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
