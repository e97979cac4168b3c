"""Scale-out: the Ray engine, analysis and extraction on a Ray cluster.

``extract_batches_ray`` runs on a pool of Ray actors that each load the NLP model once and keeps a bounded number
of batches in flight; results come back in input order and are written by the caller (SQLite has one writer, or
``export.partitions`` for Parquet). Ray is imported lazily; without it this raises ``OptionalDependencyMissing``.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from faultlines.config import Settings
from faultlines.errors import OptionalDependencyMissing
from faultlines.model import Document, Extraction, StageFailure
from faultlines.worker import Pipeline, run_batch

log = logging.getLogger(__name__)

Result = Extraction | StageFailure
LOCAL_OBJECT_STORE_BYTES = 512 * 1024 * 1024  # a local instance needs little: batches are small


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise OptionalDependencyMissing("the Ray engine", "ray") from exc
    return ray


class _Worker:
    """The Ray actor body: builds its worker once, then serves batches."""

    def __init__(self, settings: Settings, factory: Callable[[Settings], Any]) -> None:
        self.worker = factory(settings)

    def run(self, documents: list[Document]) -> list[Result]:
        return run_batch(self.worker, documents)


def connect(settings: Settings) -> bool:
    """Join the cluster at ``settings.ray_address`` or start a local instance; True when this call started it."""
    ray = _import_ray()
    if ray.is_initialized():
        return False
    if settings.ray_address:
        log.info("connecting to Ray at %s", settings.ray_address)
        ray.init(address=settings.ray_address)  # ray:// (client) accepts few options: keep the cluster's own
    else:
        log.info("starting a local Ray instance with %d CPUs", max(1, settings.workers))
        ray.init(num_cpus=max(1, settings.workers), include_dashboard=False, log_to_driver=False,
                 configure_logging=False, object_store_memory=LOCAL_OBJECT_STORE_BYTES)
    return True


def extract_batches_ray(batches: Iterable[list[Document]], settings: Settings, *,
                        factory: Callable[[Settings], Any] = Pipeline, actors: int | None = None,
                        in_flight: int | None = None) -> Iterator[Result]:
    """Extractions (or StageFailures) for a stream of batches, computed by Ray actors, in order: the Ray engine.
    Each actor builds its worker with ``factory`` (by default a full ``Pipeline``) once, then runs each batch
    through ``worker.run_batch``, as the local engine's processes do.

    ``actors`` defaults to ``settings.workers`` (on a cluster: one actor per CPU you want to use); at most
    ``in_flight`` batches (default two per actor) are submitted and not yet collected, so memory stays bounded.
    A batch whose actor fails is reported as failures of its documents; the run goes on.
    """
    ray = _import_ray()
    started = connect(settings)
    n = max(1, actors or settings.workers)
    limit = max(n, in_flight or 2 * n)
    # a crashed actor (e.g. killed for memory) is restarted and its batch retried once
    remote_cls = ray.remote(num_cpus=1, max_restarts=2, max_task_retries=1)(_Worker)
    handles = [remote_cls.remote(settings, factory) for _ in range(n)]
    submitted: deque[tuple[list[Document], Any, int]] = deque()  # (batch, result ref, actor index), input order
    busy = [0] * n

    def collect() -> list[Result]:
        batch, ref, who = submitted.popleft()
        busy[who] -= 1
        try:
            return list(ray.get(ref))
        except Exception as exc:  # noqa: BLE001 - an actor died or raised: its documents are recorded as failed
            log.error("a Ray batch of %d documents failed: %s", len(batch), exc)
            return [StageFailure(d, "extract", f"ray: {type(exc).__name__}: {str(exc)[:300]}") for d in batch]

    try:
        for batch in batches:
            if not batch:
                continue
            while len(submitted) >= limit:
                yield from collect()
            if submitted:  # prefer an actor with nothing queued: count finished batches as done
                done, _ = ray.wait([r for _, r, _ in submitted], num_returns=len(submitted), timeout=0)
                finished = set(done)
                load = list(busy)
                for _, r, w in submitted:
                    if r in finished:
                        load[w] -= 1
            else:
                load = busy
            who = min(range(n), key=lambda i: load[i])
            submitted.append((batch, handles[who].run.remote(batch), who))
            busy[who] += 1
        while submitted:
            yield from collect()
    finally:
        for h in handles:
            try:
                ray.kill(h)
            except Exception:  # noqa: BLE001 - already gone
                pass
        if started:
            ray.shutdown()


__all__ = ["connect", "extract_batches_ray"]
