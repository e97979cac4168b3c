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
from faultlines.limits import printable
from faultlines.model import Document, Extraction, IngestFailure, StageFailure
from faultlines.worker import Pipeline, run_batch

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


def _work(documents: list[Document]) -> list[Extraction | StageFailure]:
    assert _WORKER is not None
    return run_batch(_WORKER, documents)


def extract_batches(batches: Iterable[list[Document]], settings: Settings, pipeline: Pipeline | None = None
                    ) -> Iterator[Extraction | StageFailure]:
    """Extractions for a stream of document batches: the engine interface. The local engine runs them here, in
    worker processes when ``settings.workers > 1``; the Ray engine in its actors (``distributed``). Both run each
    batch through ``worker.run_batch``."""
    if settings.engine == "ray":
        from faultlines.distributed import extract_batches_ray

        yield from extract_batches_ray(batches, settings, factory=Pipeline)
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
    from faultlines.ingest import copies, read_paths
    from faultlines.store import Store, resolution

    s = settings or Settings()
    t0 = time.perf_counter()
    store = db if isinstance(db, Store) else Store(db)
    report = IngestReport(run_id=store.start_run([str(p) for p in paths]))
    resumed = [d for d in (store.load_document(i) for i in store.pending_document_ids()) if d is not None]
    report.resumed = len(resumed)

    def fingerprint(doc: Document) -> None:
        try:
            copies.register(store, doc.id, doc.clean_text)
        except Exception:  # noqa: BLE001 - a copy left unrecognised is no reason to lose the document
            log.warning("fingerprinting %s failed", printable(doc.name), exc_info=True)

    def documents() -> Iterator[Document]:
        for doc in resumed:
            fingerprint(doc)
            yield doc
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
                fingerprint(item)
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

    def fail(doc: Document, stage: str, error: str) -> None:
        failure = IngestFailure(doc.name, f"{stage}-error", error[:500])
        report.failures.append(failure)
        store.record_failure(failure, report.run_id, stage=stage)
        store.mark_failed(doc.id, error)

    replaced: set[str] = set()  # incidents whose member mentions a re-extraction replaced: re-resolve them
    for res in extract_batches(batches(), s, pipeline):
        if isinstance(res, Extraction):
            try:
                replaced |= resolution.incidents_of_document(store.conn, res.document.id)
                store.save_extraction(res)
            except Exception as exc:  # noqa: BLE001 - this document's results cannot be stored: recorded
                log.warning("storing the extraction of %s failed", printable(res.document.name), exc_info=True)
                fail(res.document, "store", f"{type(exc).__name__}: {exc}")
                continue
            report.extracted += 1
            if report.extracted % RESOLVE_EVERY == 0:  # keep the unresolved set (and memory) bounded
                report.incidents += _resolve_pending(store, s, report, replaced)
        else:
            fail(res.document, res.stage, res.error)
    report.incidents += _resolve_pending(store, s, report, replaced)
    store.finish_run(report.run_id, report.stored, report.duplicates, len(report.failures))
    report.seconds = time.perf_counter() - t0
    return report


RESOLVE_EVERY = 2000  # documents between incremental incident resolutions during a long ingest


def _resolve_pending(store: Any, settings: Settings, report: IngestReport | None = None,
                     replaced: set[str] | None = None) -> int:
    """Resolve every codable mention that has no incident yet (new ones, or ones a killed run left behind), and
    the incidents in ``replaced`` (emptied once they are resolved).

    A resolution that fails is recorded (stage ``resolve``) and retried by the next ingest; the stored documents
    and mentions stay.
    """
    from faultlines.resolve import resolve_new
    from faultlines.store import resolution

    unresolved = resolution.unresolved_event_ids(store.conn)
    try:
        touched = resolve_new(store, unresolved, settings, dirty_incidents=replaced or ())
    except Exception as exc:  # noqa: BLE001
        log.exception("incident resolution failed")
        failure = IngestFailure("incident resolution", "resolve-error", f"{type(exc).__name__}: {exc}"[:500])
        if report is not None:
            report.failures.append(failure)
            store.record_failure(failure, report.run_id, stage="resolve")
        return 0
    if replaced is not None:
        replaced.clear()
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
                yield empty_record(rid, f"{res.stage} failed: {res.error}", text=item.clean_text)
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
