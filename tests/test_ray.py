"""The Ray engine: a real local Ray instance gives the same extractions as the local engine, in input order."""

from __future__ import annotations

from datetime import date

import pytest

from faultlines.config import Settings
from faultlines.model import Document, Event, Extraction, StageFailure

ray = pytest.importorskip("ray", reason="the Ray engine needs the 'ray' extra (pip install 'faultlines[ray]')")

TEXTS = [
    ("a.txt", "Gunmen killed four shepherds near Kirkuk on Tuesday, police said."),
    ("b.txt", "A suicide bomber blew himself up at a checkpoint in Ramadi on Sunday, killing six soldiers."),
    ("c.txt", "Protesters gathered in Basra on Friday to demand clean water and jobs."),
    ("d.txt", "Islamic State fighters seized two villages south of Mosul after clashes with the army."),
    ("e.txt", "The weather in Erbil was mild and the markets were busy."),
]


@pytest.fixture(scope="module")
def ray_local():
    """One local Ray instance for the module (2 CPUs), shut down at the end."""
    import sys

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             object_store_memory=128 * 1024 * 1024)
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    yield ray
    ray.shutdown()


class EchoWorker:
    """A stand-in pipeline: one event per document whose quote is the text; fails on texts containing 'BOOM'."""

    def __init__(self, settings: Settings) -> None:
        import os

        self.pid = os.getpid()

    def extract(self, documents):
        for d in documents:
            if "BOOM" in d.clean_text:
                yield StageFailure.of(d, "extract", ValueError("boom"))
            else:
                yield Extraction(d, [Event("Battles", "Armed clash", d.clean_text, 0, len(d.clean_text),
                                           trigger=str(self.pid))])


def echo_factory(settings: Settings) -> EchoWorker:
    return EchoWorker(settings)


def _docs(make_doc, texts):
    return [make_doc(t, published=date(2015, 3, 1), name=n) for n, t in texts]


def _key(res):
    """What must agree between engines: per document, the events and relations as plain tuples."""
    if not isinstance(res, Extraction):
        return (res.document.id, "failed", res.stage)
    return (res.document.id,
            sorted((e.sub_event_type, e.quote, e.start, e.end, e.factuality, e.killed.low, e.killed.high,
                    tuple(p.actor.id for p in e.perpetrators), e.location.place.name if e.location else None,
                    e.date.start) for e in res.events),
            sorted((r.subject.id, r.relation, r.object.id, r.start) for r in res.relations),
            sorted((c.cause, c.effect, c.start) for c in res.claims))


def test_ray_pool_keeps_order_bounds_flight_and_records_failures(ray_local, make_doc):
    from faultlines.distributed import extract_batches_ray

    texts = [(f"{i}.txt", f"Document number {i} {'BOOM' if i == 7 else 'calm'}.") for i in range(23)]
    docs = _docs(make_doc, texts)
    batches = [docs[i:i + 3] for i in range(0, len(docs), 3)]
    pulled: list[int] = []

    def lazy():
        for i, b in enumerate(batches):
            pulled.append(i)
            yield b

    seen_batches = []
    out = []
    for res in extract_batches_ray(lazy(), Settings(workers=2), factory=echo_factory, in_flight=2):
        out.append(res)
        seen_batches.append(len(pulled))
    assert [r.document.id for r in out] == [d.id for d in docs]
    failed = [r for r in out if not isinstance(r, Extraction)]
    assert len(failed) == 1 and failed[0].document.name == "7.txt" and "boom" in failed[0].error
    # the first result arrives before the whole input was pulled: batches are streamed, not all submitted at once
    assert seen_batches[0] < len(batches)
    # both actors worked (each built its worker once, in its own process)
    assert len({r.events[0].trigger for r in out if isinstance(r, Extraction)}) == 2


def test_ray_engine_equals_local_engine(ray_local, make_doc):
    from faultlines.distributed import extract_batches_ray
    from faultlines.pipeline import Pipeline

    docs = _docs(make_doc, TEXTS)
    settings = Settings(workers=2, batch_size=2)
    local = list(Pipeline(settings).extract(docs))
    remote = list(extract_batches_ray([docs[:2], docs[2:4], docs[4:]], settings))
    assert [_key(r) for r in remote] == [_key(r) for r in local]
    assert sum(len(r.events) for r in remote if isinstance(r, Extraction)) >= 3  # the texts do report events
    assert all(r.analysis is None or r.analysis.spacy_doc is None for r in remote if isinstance(r, Extraction))


def test_missing_ray_raises_a_clear_error(monkeypatch):
    import builtins

    from faultlines import distributed
    from faultlines.errors import OptionalDependencyMissing

    real = builtins.__import__

    def fake(name, *a, **k):
        if name == "ray" or name.startswith("ray."):
            raise ImportError("no ray")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(OptionalDependencyMissing, match=r"faultlines\[ray\]"):
        list(distributed.extract_batches_ray([[Document("x", "x", "t", "t")]], Settings()))
