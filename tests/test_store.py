"""The SQLite store: migrations, idempotent documents, atomic extraction results, incremental resolution."""

from __future__ import annotations

import random
import sqlite3
from datetime import date

import pytest

from faultlines.errors import StoreError
from faultlines.model import Count
from faultlines.resolve import resolve_all, resolve_new
from faultlines.resolve.corrections import edit_incident, merge_incidents, split_incident
from faultlines.store import Store, queries, resolution
from faultlines.store.schema import MIGRATIONS
from tests.factories import DIYALA, MOSUL, incident, report


@pytest.fixture()
def store(tmp_path):
    s = Store(tmp_path / "t.db")
    yield s
    s.close()


def _ingest(store: Store, extractions) -> None:
    for ex in extractions:
        store.add_document(ex.document)
        replaced = resolution.incidents_of_document(store.conn, ex.document.id)
        ids = store.save_extraction(ex)
        resolve_new(store, ids, dirty_incidents=replaced)


def _reports():
    return [
        report("a.txt", "Militiamen attacked a mosque near Baquba, killing more than 40.", killed=Count(41, None)),
        report("b.txt", "Between 64 and 75 worshippers died in the Diyala mosque raid.", place=DIYALA,
               killed=Count(64, 75), outlet="Other Paper"),
        report("c.txt", "Fighters overran parts of Mosul in a dawn assault.", place=MOSUL, when=date(2014, 6, 10),
               sub="Non-state actor overtakes territory", typ="Battles"),
    ]


def test_migrations_and_file_is_plain_sqlite(tmp_path):
    path = tmp_path / "m.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "events", "incidents", "actors", "actor_aliases", "relations", "claims",
            "ingest_failures", "corrections", "schema_migrations"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert Store(path).version == len(MIGRATIONS)  # reopening applies nothing twice


def test_document_is_stored_once(store):
    ex = _reports()[0]
    assert store.add_document(ex.document) is True
    assert store.add_document(ex.document) is False
    assert queries.stats(store.conn)["documents"] == 1


def test_two_outlets_one_incident_with_both_figures(store):
    _ingest(store, _reports())
    rows = queries.list_incidents(store.conn, with_sources=True)
    assert len(rows) == 2
    mosque = next(r for r in rows if r["source_count"] == 2)
    assert mosque["killed"] == {"low": 41, "high": 75}
    assert "killed" in mosque["disputed"]
    assert {s["document"] for s in mosque["sources"]} == {"a.txt", "b.txt"}
    assert {(s["killed"]["low"], s["killed"]["high"]) for s in mosque["sources"]} == {(41, None), (64, 75)}


def test_incremental_equals_full_and_order_does_not_matter(tmp_path):
    results = []
    for seed in range(3):
        s = Store(tmp_path / f"o{seed}.db")
        reps = _reports()
        random.Random(seed).shuffle(reps)
        _ingest(s, reps)
        inc = sorted(tuple(sorted(x["document"] for x in r["sources"]))
                     for r in queries.list_incidents(s.conn, with_sources=True))
        resolve_all(s)
        full = sorted(tuple(sorted(x["document"] for x in r["sources"]))
                      for r in queries.list_incidents(s.conn, with_sources=True))
        assert inc == full
        results.append(full)
        s.close()
    assert results[0] == results[1] == results[2]


def test_non_factual_events_never_become_incidents(store):
    _ingest(store, [report("h.txt", "If militias were let loose on the town, many would die.",
                           factuality="hypothetical")])
    assert queries.stats(store.conn)["incidents"] == 0
    assert queries.stats(store.conn)["event_mentions"] == 1


def test_corrections_survive_full_reresolution(store):
    _ingest(store, _reports())
    mosque = next(r for r in queries.list_incidents(store.conn) if r["source_count"] == 2)
    parts = split_incident(store, mosque["id"], "b.txt")
    assert len(parts) == 2
    resolve_all(store)
    assert queries.stats(store.conn)["incidents"] == 3
    ids = [r["id"] for r in queries.list_incidents(store.conn)]
    merged = merge_incidents(store, ids[0], ids[1])
    edit_incident(store, merged, "killed_low", "12")
    resolve_all(store)
    inc = queries.get_incident(store.conn, merged)
    assert inc is not None and inc["corrected"] and inc["killed"]["low"] == 12


def test_reextraction_replaces_rows_atomically(store):
    ex = _reports()[0]
    _ingest(store, [ex])
    store.save_extraction(ex)
    assert queries.stats(store.conn)["event_mentions"] == 1
    assert store.integrity_check() == "ok"


def test_readonly_store_refuses_writes(store, tmp_path):
    _ingest(store, _reports()[:1])
    ro = Store(store.path, readonly=True)
    with pytest.raises(StoreError):
        ro.add_correction("edit", {})
    assert queries.stats(ro.conn)["documents"] == 1


def test_a_stage_that_hangs_is_stopped_and_recorded(monkeypatch):
    import time

    from faultlines.config import Settings
    from faultlines.ingest.documents import make_document
    from faultlines.worker import Pipeline, StageTimeout

    class Slow:
        def __call__(self, analysis):
            time.sleep(5)

    class FakeAnalyzer:
        class nlp:  # noqa: N801 - a stand-in for the spaCy pipeline
            @staticmethod
            def pipe(texts, batch_size=1):
                return [t for t in texts]

        def analyze_parsed(self, doc, sdoc):
            return doc

    pipe = Pipeline(Settings(doc_timeout=0.2), analyzer=FakeAnalyzer(), extractor=Slow())
    t0 = time.perf_counter()
    [res] = list(pipe.extract([make_document(raw_text="text", name="slow.txt")]))
    assert time.perf_counter() - t0 < 3
    assert res.stage == "extract" and isinstance(res.exception, StageTimeout) and res.error.startswith("_Timeout")


def test_mentions_without_date_or_subnational_place_are_not_coded_as_incidents(store):
    from faultlines.model import Place

    iraq = Place(99237, "Iraq", 33.0, 44.0, "IQ", None, None, "PCLI", 0, "country")
    _ingest(store, [report("v.txt", "Militias attack Sunnis.", place=iraq, when=None)])
    assert queries.stats(store.conn)["incidents"] == 0 and queries.stats(store.conn)["event_mentions"] == 1
    _ingest(store, [report("w.txt", "Militias attacked Sunnis in Iraq on Friday.", place=iraq)])
    assert queries.stats(store.conn)["incidents"] == 1  # a date makes it codable


def _random_incidents(rng, n):
    from datetime import date, timedelta

    rows = []
    for i in range(n):
        start = date(2015, 1, 1) + timedelta(days=rng.randrange(1500))
        kind = rng.random()
        if kind < 0.1:
            start_s = end_s = None
        elif kind < 0.25:  # a year, a month or a vague range: long spans
            end = start + timedelta(days=rng.choice([30, 364, 700]))
            start_s, end_s = start.isoformat(), end.isoformat()
        else:
            start_s = end_s = start.isoformat()
        killed = rng.choice([None, rng.randrange(50)])
        rows.append({"id": f"inc-{i:04d}", "event_type": rng.choice(["Battles", "Riots"]),
                     "sub_event_type": "Armed clash", "date_start": start_s, "date_end": end_s,
                     "date_precision": "day", "place_precision": "city", "country_code": rng.choice(["IQ", "SY"]),
                     "killed_low": killed, "killed_high": killed, "source_count": 1 + rng.randrange(3),
                     "disputed": ["killed"] if rng.random() < 0.2 else [], "corrected": 0})
    return rows


def test_incident_filters_and_sorts_match_a_plain_scan(tmp_path):
    """The index bounds (longest date range, null-free date order) never change what a page returns."""
    import random

    from faultlines.store import queries

    rng = random.Random(5)
    store = Store(tmp_path / "s.db")
    rows = _random_incidents(rng, 400)
    store.replace_incidents([], [incident(r["id"], **{k: v for k, v in r.items() if k != "id"}) for r in rows])
    assert queries.max_span_days(store.conn) == 700

    def expected(f):
        out = []
        for r in rows:
            if f.get("date_from") and not (r["date_end"] and r["date_end"] >= f["date_from"]):
                continue
            if f.get("date_to") and not (r["date_start"] and r["date_start"] <= f["date_to"]):
                continue
            if f.get("country") and r["country_code"] != f["country"]:
                continue
            if f.get("disputed") and not r["disputed"]:
                continue
            out.append(r["id"])
        return set(out)

    for _ in range(40):
        f = {}
        if rng.random() < 0.7:
            f["date_from"] = f"{rng.choice([2015, 2016, 2017, 2018])}-{rng.randrange(1, 13):02d}-01"
        if rng.random() < 0.4:
            f["date_to"] = f"{rng.choice([2016, 2017, 2018, 2019])}-06-30"
        if rng.random() < 0.4:
            f["country"] = rng.choice(["IQ", "SY"])
        if rng.random() < 0.3:
            f["disputed"] = True
        want = expected(f)
        for sort in queries.INCIDENT_SORTS:
            got = [i["id"] for i in queries.list_incidents(store.conn, limit=1000, sort=sort, **f)]
            assert set(got) == want and len(got) == len(want), (f, sort)
        assert queries.count_incidents(store.conn, **f) == len(want)
    dated = [i["date"]["start"] for i in queries.list_incidents(store.conn, limit=1000, sort="-date")]
    known = [d for d in dated if d]
    assert known == sorted(known, reverse=True) and all(d is None for d in dated[len(known):])
    store.close()


def test_longest_span_is_measured_for_a_store_made_before_it_was_kept(tmp_path):
    from faultlines.store import queries

    store = Store(tmp_path / "old.db")
    rows = _random_incidents(__import__("random").Random(2), 50)
    store.replace_incidents([], [incident(r["id"], **{k: v for k, v in r.items() if k != "id"}) for r in rows])
    store.conn.execute("DELETE FROM store_meta")  # as if written by a version that did not keep it
    assert queries.max_span_days(store.conn) is None
    store.close()
    reopened = Store(tmp_path / "old.db")
    want = max(queries.span_days(r["date_start"], r["date_end"]) for r in rows)
    assert queries.max_span_days(reopened.conn) == want > 0
    reopened.close()


def _random_reports(rng, n):
    from dataclasses import replace as dc_replace
    from datetime import timedelta

    from faultlines.model import Place, TimeExpression
    from tests.factories import BAQUBA, DIYALA, MOSUL

    iraq = Place(99237, "Iraq", 33.0, 44.0, "IQ", None, None, "PCLI", 0, "country")
    raqqa = Place(163915, "Ar Raqqah", 35.95, 39.01, "SY", "Raqqa", None, "PPLA", 200000, "city")
    baga = Place(None, "Baga", None, None, "NG", None, None, "PPL", 0, "city")  # a town the gazetteer lacks
    out = []
    for i in range(n):
        day = date(2014, 1, 1) + timedelta(days=rng.randrange(700))
        published = day + timedelta(days=rng.randrange(0, 40))
        ex = report(f"r{i}.txt", f"Report number {i} of an attack.", published=published,
                    place=rng.choice([BAQUBA, DIYALA, MOSUL, iraq, raqqa, baga]), when=day,
                    killed=Count(k := rng.randrange(1, 30), k), outlet=f"Wire {i % 4}")
        kind = rng.random()
        if kind < 0.15:  # undated
            time = TimeExpression.unknown()
        elif kind < 0.35:  # a month, a year or a long range
            length = rng.choice([29, 95, 364, 500])
            time = TimeExpression("then", 0, 4, day, day + timedelta(days=length), "range")
        else:
            time = ex.events[0].date
        ex.events[0] = dc_replace(ex.events[0], date=time)
        out.append(ex)
    return out


def test_candidate_lookup_covers_the_blocking_rule_and_incremental_equals_full(tmp_path):
    """Index-friendly candidate queries never miss a pair the full run would compare, so both runs agree."""
    from faultlines.config import Settings
    from faultlines.resolve.incidents import may_match, may_reach, score_pair

    rng = random.Random(11)
    reps = _random_reports(rng, 120)
    s = Store(tmp_path / "c.db")
    _ingest(s, reps)
    window = Settings().date_window_days
    records = resolution.event_records(s.conn)
    assert len(records) > 80
    settings = Settings()
    reachable = 0
    for ev in records:
        want = {c.id for c in records if may_match(ev, c, window)}
        got = set(resolution.candidate_ids(s.conn, ev, window))
        assert want <= got, ev.id
        # the light lookup of incremental resolution: every pair that can score, and the bound never lies
        light = {c.id for c in resolution.candidate_light(s.conn, ev, window)}
        for c in records:
            if c.id == ev.id or not may_match(ev, c, window):
                continue
            res = score_pair(ev, c, window=window, max_km=settings.max_place_km)
            if res is not None:
                assert c.id in light, (ev.id, c.id)
            if not may_reach(ev, c, settings.merge_threshold, window=window, max_km=settings.max_place_km):
                assert res is None or res[0] < settings.merge_threshold, (ev.id, c.id)
            elif res is not None and res[0] >= settings.merge_threshold:
                reachable += 1
    assert reachable > 20  # the random store has links for the checks above to guard
    incremental = sorted(tuple(sorted(x["document"] for x in r["sources"]))
                         for r in queries.list_incidents(s.conn, limit=1000, with_sources=True))
    resolve_all(s)
    full = sorted(tuple(sorted(x["document"] for x in r["sources"]))
                  for r in queries.list_incidents(s.conn, limit=1000, with_sources=True))
    assert incremental == full and any(len(c) > 1 for c in full)
    s.close()


def _chain(n: int, start: date = date(2015, 3, 1)):
    """Reports of look-alike attacks in one city, one a day: each links to the next, a chain through the store."""
    from datetime import timedelta

    return [report(f"chain{i:02d}.txt", f"Gunmen attacked a checkpoint in Mosul, report {i}.", place=MOSUL,
                   when=start + timedelta(days=i), killed=Count(5, 5), outlet=f"Wire {i % 3}") for i in range(n)]


def _incidents(s: Store) -> list[tuple[str, ...]]:
    return sorted(tuple(sorted(x["document"] for x in r["sources"]))
                  for r in queries.list_incidents(s.conn, limit=1000, with_sources=True))


def test_incremental_resolution_of_a_long_chain_is_bounded_past_the_budget(tmp_path):
    """Exact while the re-clustered set is small; past the budget, only the new mention's neighbourhood moves."""
    from faultlines.config import Settings

    chain = _chain(40)
    extra = report("late.txt", "A late report of the checkpoint attack in Mosul.", place=MOSUL,
                   when=date(2015, 3, 21), killed=Count(5, 5), outlet="Late Wire")
    sizes = {}
    for name, settings in (("exact", Settings()), ("bounded", Settings(resolve_budget=0, resolve_hops=1))):
        s = Store(tmp_path / f"{name}.db")
        _ingest(s, chain)
        before = _incidents(s)
        resolve_all(s)
        assert _incidents(s) == before  # the chain itself was resolved exactly
        s.add_document(extra.document)
        sizes[name] = resolve_new(s, s.save_extraction(extra), settings)
        got = _incidents(s)
        # every mention in exactly one incident, and no incident longer than the date window allows
        members = [d for inc in got for d in inc]
        assert sorted(members) == sorted([c.document.name for c in chain] + ["late.txt"])
        for inc in got:  # chainNN is dated day NN of the chain, the late report day 20
            days = [20 if d == "late.txt" else int(d[5:7]) for d in inc]
            assert max(days) - min(days) <= 3, inc
        if name == "exact":
            resolve_all(s)
            assert got == _incidents(s)
        s.close()
    assert sizes["bounded"] < sizes["exact"]  # the bounded run re-clustered only part of the chain
