"""Worker processes change nothing: ``workers=2`` ingests the demo corpus into the same events and incidents."""

from __future__ import annotations

import pytest

from faultlines.config import Settings


def snapshot(db) -> dict[str, object]:
    """What an ingest produced, independent of timing: events, incident membership, relations, claims, failures."""
    from faultlines.store import Store

    with Store(db, readonly=True) as st:
        c = st.conn
        events = sorted(tuple(r) for r in c.execute(
            "SELECT d.name, e.quote, e.sub_event_type, e.factuality, e.killed_low, e.killed_high, e.date_start, "
            "e.place_name FROM events e JOIN documents d ON d.id = e.document_id"))
        members: dict[str, list[str]] = {}
        for iid, eid in c.execute("SELECT incident_id, id FROM events WHERE incident_id IS NOT NULL"):
            members.setdefault(iid, []).append(eid)
        incidents = sorted(tuple(sorted(m)) for m in members.values())
        rows = sorted(tuple(r) for r in c.execute(
            "SELECT id, sub_event_type, date_start, place_name, killed_low, killed_high, source_count FROM incidents"))
        docs = sorted(tuple(r) for r in c.execute("SELECT name, status FROM documents"))
        relations = sorted(tuple(r) for r in c.execute(
            "SELECT document_id, subject_id, relation, object_id, start FROM relations"))
        claims = sorted(tuple(r) for r in c.execute("SELECT document_id, cause, effect, start FROM claims"))
    return {"documents": docs, "events": events, "incidents": incidents, "incident_rows": rows,
            "relations": relations, "claims": claims}


@pytest.fixture(scope="module")
def demo():
    from faultlines.demo import corpus_dir, manifest_path

    if not corpus_dir().is_dir():
        pytest.skip("the demo corpus is not bundled in this checkout")
    return corpus_dir(), manifest_path()


@pytest.fixture(scope="module")
def one_worker_db(tmp_path_factory, demo, analyzer, extractor):
    """The demo corpus ingested in-process (the reference the other engines and sinks are compared with)."""
    from faultlines.pipeline import Pipeline, ingest

    corpus, manifest = demo
    one = Settings(workers=1, batch_size=4)
    db = tmp_path_factory.mktemp("one") / "one.db"
    report = ingest([corpus], db, manifest=manifest, settings=one,
                    pipeline=Pipeline(one, analyzer=analyzer, extractor=extractor))
    return db, report


def test_two_workers_give_the_same_database_as_one(tmp_path, demo, one_worker_db):
    from faultlines.pipeline import ingest

    corpus, manifest = demo
    db1, r1 = one_worker_db
    r2 = ingest([corpus], tmp_path / "two.db", manifest=manifest, settings=Settings(workers=2, batch_size=4))
    assert r1.extracted == r2.extracted > 10
    assert not r2.failures
    a, b = snapshot(db1), snapshot(tmp_path / "two.db")
    assert len(a["events"]) > 20 and len(a["incidents"]) > 5  # the corpus does yield events and incidents
    for key in a:
        assert a[key] == b[key], key


def test_parquet_partitions_hold_the_same_events_and_incidents(tmp_path, demo, one_worker_db, analyzer, extractor):
    pq = pytest.importorskip("pyarrow.parquet", reason="Parquet output needs the 'parquet' extra")
    from faultlines.export.partitions import resolve_parquet, write_parquet_partitions
    from faultlines.ingest import read_paths
    from faultlines.model import Document
    from faultlines.worker import Pipeline, run_batch

    corpus, manifest = demo
    docs = [d for d in read_paths([corpus], manifest=manifest) if isinstance(d, Document)]
    pipe = Pipeline(Settings(workers=1), analyzer=analyzer, extractor=extractor)
    results = (r for i in range(0, len(docs), 4) for r in run_batch(pipe, docs[i:i + 4]))
    counts = write_parquet_partitions(results, tmp_path / "out", docs_per_part=6)
    parts = sorted((tmp_path / "out" / "events").glob("part-*.parquet"))
    assert len(parts) >= 3 and not list((tmp_path / "out").rglob("*.tmp"))  # several partitions, none half-written
    assert counts["documents"] == len(docs)
    resolve_parquet(tmp_path / "out")

    db, _ = one_worker_db
    ref = snapshot(db)
    events = sorted(
        (r["document"], r["quote"], r["sub_event_type"], r["factuality"], r["killed_low"], r["killed_high"],
         r["date_start"], r["place_name"])
        for f in parts for r in pq.read_table(f).to_pylist())
    assert events == ref["events"]
    incidents = sorted(tuple(sorted(r["event_ids"])) for r in
                       pq.read_table(tmp_path / "out" / "incidents" / "part-00000.parquet").to_pylist())
    assert incidents == ref["incidents"]  # resolving the partitions equals the store's incremental resolution
