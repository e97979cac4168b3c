"""Perpetrator disputes across sources (issue 17): listed with their sources, flagged in ``disputed``, exported and
shown on the incident page; levels of one actor and unidentified groups dispute nothing."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from starlette.testclient import TestClient

from faultlines.export import export
from faultlines.model import Actor, EventRecord, Participant
from faultlines.resolve import resolve_new
from faultlines.resolve.incidents import perpetrators_disputed
from faultlines.serve.app import create_app
from faultlines.store import Store
from tests.factories import DIYALA, MILITIA, report

IS = Actor("islamic-state", "Islamic State", "rebel group")
IS_PROVINCE = Actor("islamic-state-diyala", "Islamic State Diyala Province", "rebel group", part_of="islamic-state")
GUNMEN = Actor("unidentified-armed-group", "Unidentified armed group", "political militia", generic=True)


def _rec(doc: str, *lines: tuple[str, ...]) -> EventRecord:
    return EventRecord(id=doc, document_id=doc, document=doc, event_type="Explosions/Remote violence",
                       sub_event_type="Suicide bomb", perpetrator_lines=lines)


def test_different_perpetrators_across_documents_are_disputed() -> None:
    assert perpetrators_disputed([_rec("a", ("shia-militias",)), _rec("b", ("islamic-state",))])


def test_levels_of_one_actor_and_unnamed_groups_are_no_dispute() -> None:
    assert not perpetrators_disputed([_rec("a", ("islamic-state-diyala", "islamic-state")),
                                      _rec("b", ("islamic-state",))])
    assert not perpetrators_disputed([_rec("a", ("nigeria-military", "nigeria")), _rec("b", ("nigeria",))])
    assert not perpetrators_disputed([_rec("a"), _rec("b", ("islamic-state",))])  # an unidentified group
    assert not perpetrators_disputed([_rec("a", ("shia-militias",)), _rec("a", ("islamic-state",))])  # one source


def _report(name: str, text: str, perp: Actor, how: str, **kw):
    ex = report(name, text, perp=perp, **kw)
    event = replace(ex.events[0], perpetrators=(Participant(perp.name, perp, how),))
    return replace(ex, events=[event])


def _store(path, *reports) -> str:
    with Store(path) as s:
        for ex in reports:
            s.add_document(ex.document)
            resolve_new(s, s.save_extraction(ex))
    return str(path)


@pytest.fixture()
def disputed_db(tmp_path):
    return _store(tmp_path / "d.db",
                  _report("a.txt", "The mosque bombing near Baquba was blamed on a Shia militia.", MILITIA, "blamed"),
                  _report("b.txt", "Islamic State claimed the bombing of the Diyala mosque.", IS, "claimed",
                          place=DIYALA, outlet="Other Paper"))


def test_dispute_is_exported_with_each_source_and_how(disputed_db, tmp_path) -> None:
    with Store(disputed_db) as s:
        export(s, "jsonl", tmp_path / "out")
    [inc] = [json.loads(x) for x in (tmp_path / "out" / "incidents.jsonl").read_text().splitlines()]
    assert "perpetrators" in inc["disputed"]
    assert set(inc["actors"]["perpetrators"]) == {"Shia militias", "Islamic State"}
    hows = {(h["actor"], h["how"], s["document"]) for s in inc["sources"] for h in s["perpetrators_how"]}
    assert hows == {("Shia militias", "blamed", "a.txt"), ("Islamic State", "claimed", "b.txt")}


def test_incident_page_shows_the_dispute(disputed_db) -> None:
    with Store(disputed_db) as s:
        inc_id = s.conn.execute("SELECT id FROM incidents").fetchone()[0]
    html = TestClient(create_app(disputed_db)).get(f"/incidents/{inc_id}").text
    assert '<tr class="disputed"><th>Perpetrators</th>' in html
    assert "Islamic State: claimed" in html and "Shia militias: blamed" in html


def test_a_province_of_the_claimed_group_is_no_dispute(tmp_path) -> None:
    db = _store(tmp_path / "n.db",
                _report("a.txt", "The mosque bombing near Baquba was claimed by Islamic State.", IS, "claimed"),
                _report("b.txt", "Islamic State Diyala Province said it bombed the mosque.", IS_PROVINCE, "stated",
                        place=DIYALA, outlet="Other Paper"),
                _report("c.txt", "Gunmen bombed a mosque near Baquba.", GUNMEN, "stated", outlet="Third Paper"))
    with Store(db) as s:
        rows = s.conn.execute("SELECT disputed FROM incidents").fetchall()
    assert len(rows) == 1 and "perpetrators" not in json.loads(rows[0][0])
