"""Issue 22: corrections do what the analyst said (merge, split, edit, undo), hold through re-resolution and new
documents, travel between databases, and every incident keeps its history."""

from __future__ import annotations

import shutil
from collections import defaultdict
from datetime import date

import pytest

from faultlines.model import Count, Incident, IncidentSource
from faultlines.resolve import history, resolve_all, resolve_new
from faultlines.resolve.corrections import (
    edit_incident,
    export_corrections,
    import_corrections,
    merge_incidents,
    split_incident,
    undo_last,
)
from faultlines.store import Store, queries, resolution
from tests.factories import MOSUL, report

# a report of something else entirely, written for this test: another city, another year
UNRELATED = ("Gunmen shot dead two shopkeepers in a market in Mosul on Friday, police said.")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, analyzer, extractor):
    """The demo corpus ingested once by the real pipeline; each test works on its own copy."""
    from faultlines.config import Settings
    from faultlines.demo import corpus_dir, manifest_path
    from faultlines.pipeline import Pipeline, ingest

    db = tmp_path_factory.mktemp("demo-corrections") / "demo.db"
    settings = Settings(workers=1)
    ingest([corpus_dir()], str(db), manifest=manifest_path(), settings=settings,
           pipeline=Pipeline(settings, analyzer=analyzer, extractor=extractor))
    return db


def _copy(demo_db, tmp_path, name="work.db") -> Store:
    target = tmp_path / name
    with Store(demo_db) as s:  # checkpoint the write-ahead log into the file before copying it
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(demo_db, target)
    return Store(target)


def _members(store: Store, incident_id: str) -> set[str]:
    return {m[0] for m in resolution.incident_members(store.conn, incident_id)}


def _pairs(store: Store, n: int = 3) -> list[tuple[str, str]]:
    """The ``n`` pairs of incidents that share a place and have the most sources between them."""
    by_place = defaultdict(list)
    for inc in queries.list_incidents(store.conn, limit=1000):
        if inc["location"]["name"]:
            by_place[(inc["location"]["name"], inc["location"]["country_code"])].append(inc)
    pairs = []
    for incs in by_place.values():
        for i, a in enumerate(incs):
            for b in incs[i + 1:]:
                pairs.append((-(a["source_count"] + b["source_count"]), a["id"], b["id"]))
    return [(a, b) for _, a, b in sorted(pairs)[:n]]


def _unrelated_report(store: Store) -> None:
    ex = report("unrelated-mosul.txt", UNRELATED, published=date(2019, 4, 6), when=date(2019, 4, 5), place=MOSUL,
                killed=Count(2, 2))
    store.add_document(ex.document)
    resolve_new(store, store.save_extraction(ex))


def _state(store: Store) -> list[tuple[str, tuple[str, ...], int | None, int | None]]:
    return sorted((i["id"], tuple(sorted(_members(store, i["id"]))), i["killed"]["low"], i["killed"]["high"])
                  for i in queries.list_incidents(store.conn, limit=1000))


def _holds(store: Store, a: str, bs: list[str], both: set[str], high: int) -> None:
    inc = queries.get_incident(store.conn, a)
    assert _members(store, a) >= both, "a source of A or B left the merged incident"
    assert inc["killed"]["high"] == high, "the analyst's toll was lost"
    assert "killed_high" in inc["machine"]  # the machine's figure is kept to compare
    assert all(queries.current_incident_id(store.conn, b) == a for b in bs)  # B's id points to its successor


def test_merge_puts_every_source_of_both_in_one_incident_and_it_holds(demo_db, tmp_path):
    store = _copy(demo_db, tmp_path)
    pairs = _pairs(store)
    assert len(pairs) == 3
    done: dict[str, tuple[list[str], set[str], int]] = {}  # merged incident -> ids merged into it, reports, toll
    for k, (a, b) in enumerate(pairs):
        a, b = queries.current_incident_id(store.conn, a), queries.current_incident_id(store.conn, b)
        if a == b:  # an earlier pair already put them together
            continue
        both = _members(store, a) | _members(store, b)
        assert merge_incidents(store, a, b, note="one event") == a  # the merged incident keeps A's id
        assert _members(store, a) == both
        high = (queries.get_incident(store.conn, a)["killed"]["high"] or 0) + 100 + k
        edit_incident(store, a, "killed_high", high)
        done[a] = ([*done.get(a, ([], set(), 0))[0], b], both, high)  # a later edit of the same incident wins
        for key, args in done.items():
            _holds(store, key, *args)
    assert len(pairs) == 3
    resolve_all(store)
    for key, args in done.items():
        _holds(store, key, *args)
    _unrelated_report(store)
    for key, args in done.items():
        _holds(store, key, *args)
    store.close()


def test_history_lists_the_merge_and_the_edit_in_order_and_undo_restores(demo_db, tmp_path):
    store = _copy(demo_db, tmp_path)
    (a, b), *_ = _pairs(store)
    before = _state(store)
    merge_incidents(store, a, b)
    merged = _state(store)
    edit_incident(store, a, "killed_low", 7)
    rows = queries.incident_history(store.conn, a)
    kinds = [r["kind"] for r in rows]
    assert kinds[0] == "created" and "analyst merge" in kinds and "merged" in kinds
    edit = next(i for i, r in enumerate(rows) if r["detail"].get("why") == "analyst edit")
    assert rows[edit]["detail"]["field"] == "killed_low" and rows[edit]["detail"]["to"] == 7
    assert kinds.index("analyst merge") < edit and all(r["at"] for r in rows)
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)
    assert any(r["kind"] == "merged into" for r in rows)  # B's history comes along
    undone = undo_last(store, a)
    assert undone["kind"] == "edit" and _state(store) == merged
    assert undo_last(store, a)["kind"] == "merge"
    assert [(m, lo, hi) for _, m, lo, hi in _state(store)] == [(m, lo, hi) for _, m, lo, hi in before]
    assert queries.incident_history(store.conn, a)[-1]["cause"].startswith("undo of")
    store.close()


def test_split_takes_exactly_the_named_source_out_and_it_holds(demo_db, tmp_path):
    store = _copy(demo_db, tmp_path)
    inc = max(queries.list_incidents(store.conn, limit=1000), key=lambda i: i["source_count"])
    members = resolution.incident_members(store.conn, inc["id"])
    doc = members[-1][1]
    moved = {e for e, name, _ in members if name == doc}
    kept = {e for e, name, _ in members if name != doc}
    split_incident(store, inc["id"], doc)
    for _ in range(2):
        assert _members(store, inc["id"]) == kept  # the rest keeps the id
        other = resolution.incident_of_event(store.conn, next(iter(moved)))
        assert other != inc["id"] and _members(store, other) == moved
        resolve_all(store)
    assert any(r["kind"] == "split" for r in queries.incident_history(store.conn, inc["id"]))
    store.close()


def test_corrections_travel_to_a_database_built_without_them(demo_db, tmp_path):
    one = _copy(demo_db, tmp_path, "one.db")
    (a, b), (c, d), _ = _pairs(one)
    merge_incidents(one, a, b)
    edit_incident(one, a, "killed_low", 3)
    if queries.current_incident_id(one.conn, c) != queries.current_incident_id(one.conn, d):
        merge_incidents(one, c, d)
    rows = export_corrections(one)
    two = _copy(demo_db, tmp_path, "two.db")  # the same documents, ingested without the corrections
    got = import_corrections(two, rows)
    assert got["applied"] == len(rows) and not got["not_applied"]
    assert _state(two) == _state(one)
    assert import_corrections(two, rows)["already_present"] == len(rows)  # importing again changes nothing
    one.close()
    two.close()


def test_corrections_whose_reports_are_gone_are_reported(demo_db, tmp_path):
    store = _copy(demo_db, tmp_path)
    rows = [{"kind": "merge", "payload": {"a": "ev-gone-1", "b": "ev-gone-2", "members_a": ["ev-gone-1"],
                                          "members_b": ["ev-gone-2"], "incidents": ["inc-x", "inc-y"],
                                          "documents": {"ev-gone-1": "doc-1", "ev-gone-2": "doc-2"}}},
            {"kind": "rename", "payload": {}}]
    got = import_corrections(store, rows)
    assert got["applied"] == 0
    assert got["not_applied"][0]["documents"] == ["doc-1", "doc-2"] and got["not_applied"][1]["line"] == 2
    store.close()


# ---------------------------------------------------------------------------------------------------- ids (no NLP)
def _inc(iid: str, *events: str) -> Incident:
    return Incident(id=iid, event_type="Battles", sub_event_type="Armed clash", date_start=None, date_end=None,
                    date_precision="unknown", place_name=None, admin1=None, country_code=None, lat=None, lon=None,
                    geonameid=None, place_precision="unknown", killed_low=None, killed_high=None, injured_low=None,
                    injured_high=None, perpetrators=(), targets=(), disputed=(),
                    sources=tuple(IncidentSource(f"d-{e}", f"d-{e}", None, (e,)) for e in events))


def _stored(iid: str, *events: str) -> history.Stored:
    return history.Stored(iid, {}, {e: f"d-{e}" for e in events})


def test_an_incident_keeps_its_id_when_an_earlier_report_joins():
    old = {"inc-old": _stored("inc-old", "e5", "e6")}
    found, successors = history.identify([_inc("inc-hash-of-e1", "e1", "e5", "e6")], old, [], lambda ids: set())
    assert [f.id for f in found] == ["inc-old"] and successors == {}


def test_a_lost_id_points_to_the_incident_holding_most_of_its_reports():
    old = {"inc-a": _stored("inc-a", "e1", "e2"), "inc-b": _stored("inc-b", "e3")}
    found, successors = history.identify([_inc("inc-new", "e1", "e2", "e3")], old, [], lambda ids: set())
    assert [f.id for f in found] == ["inc-a"] and successors == {"inc-b": "inc-a"}
    # an analyst's pin wins over the larger overlap: a merge of B with A that keeps B's id
    found, _ = history.identify([_inc("inc-new", "e1", "e2", "e3")], old, [(frozenset({"e3"}), "inc-b")],
                                lambda ids: set())
    assert [f.id for f in found] == ["inc-b"]


def test_a_fresh_id_never_takes_one_the_store_already_holds():
    found, _ = history.identify([_inc("inc-same", "e9")], {}, [], lambda ids: ids & {"inc-same"})
    assert found[0].id != "inc-same" and found[0].id.startswith("inc-")


def test_the_web_shows_history_and_undoes(demo_db, tmp_path):
    from starlette.testclient import TestClient

    from faultlines.serve.app import create_app

    store = _copy(demo_db, tmp_path)
    (a, b), *_ = _pairs(store)
    store.close()
    c = TestClient(create_app(str(tmp_path / "work.db"), allow_edits=True, token="t"), raise_server_exceptions=False)
    assert c.post(f"/api/incidents/{a}/merge", json={"other": b}, headers={"X-Faultlines-Token": "t"}).json() == {
        "incident": a}
    kinds = [h["kind"] for h in c.get(f"/api/incidents/{b}/history").json()["items"]]
    assert "analyst merge" in kinds and "merged into" in kinds
    assert c.get(f"/api/incidents/{b}").json()["successor_of"] == b
    page = c.get(f"/incidents/{a}").text
    assert "<h2>History</h2>" in page and "analyst merge" in page and f"/api/incidents/{a}/undo" in page
    undo = c.post(f"/api/incidents/{a}/undo", json={}, headers={"X-Faultlines-Token": "t"})
    assert undo.status_code == 200 and undo.json()["undone"]["kind"] == "merge"
    assert c.get(f"/api/incidents/{b}").json()["id"] == b  # B is back under its own id
    assert c.post(f"/api/incidents/{a}/undo", json={}, headers={"X-Faultlines-Token": "t"}).status_code == 404


def test_the_command_line_merges_shows_history_and_undoes(demo_db, tmp_path):
    from click.testing import CliRunner

    from faultlines.cli import cli

    store = _copy(demo_db, tmp_path)
    (a, b), *_ = _pairs(store)
    store.close()
    db = str(tmp_path / "work.db")
    run = CliRunner()
    assert run.invoke(cli, ["incident", "merge", "--db", db, a, b]).output.strip() == a
    assert run.invoke(cli, ["incident", "edit", "--db", db, a, "killed_low=5"]).exit_code == 0
    shown = run.invoke(cli, ["incident", "show", "--db", db, b]).output
    assert f"({b} was merged into {a})" in shown and "set by an analyst (the resolver's value): killed_low" in shown
    told = run.invoke(cli, ["incident", "history", "--db", db, a]).output
    assert told.index("analyst merge") < told.index("killed_low") and "[analyst: edit #2]" in told
    assert "undid edit #2" in run.invoke(cli, ["incident", "undo", "--db", db, a]).output
    out = tmp_path / "c.jsonl"
    assert run.invoke(cli, ["corrections", "export", "--db", db, "--out", str(out)]).exit_code == 0
    assert len(out.read_text().splitlines()) == 2
