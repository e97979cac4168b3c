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


def test_two_workers_give_the_same_database_as_one(tmp_path, demo, analyzer, extractor):
    from faultlines.pipeline import Pipeline, ingest

    corpus, manifest = demo
    one = Settings(workers=1, batch_size=4)
    r1 = ingest([corpus], tmp_path / "one.db", manifest=manifest, settings=one,
                pipeline=Pipeline(one, analyzer=analyzer, extractor=extractor))
    r2 = ingest([corpus], tmp_path / "two.db", manifest=manifest, settings=Settings(workers=2, batch_size=4))
    assert r1.extracted == r2.extracted > 10
    assert not r2.failures
    a, b = snapshot(tmp_path / "one.db"), snapshot(tmp_path / "two.db")
    assert len(a["events"]) > 20 and len(a["incidents"]) > 5  # the corpus does yield events and incidents
    for key in a:
        assert a[key] == b[key], key
