"""Document event structure: distinct events of one article, sentences that refine them, reported totals."""

from __future__ import annotations

from datetime import date

import pytest

from faultlines.extract.events import EventExtractor
from faultlines.extract.structure import load_cues, place_fits, subtypes_fit, total_cue, total_source
from faultlines.model import Count, Event, Place, PlaceMention


@pytest.fixture(scope="module")
def events_of(analyzer):
    extractor = EventExtractor(analyzer.kb)

    def _events(text: str, published: date | None = date(2016, 3, 12)):
        from faultlines.ingest.documents import make_document

        doc = make_document(raw_text=text, clean_text=text, name="t.txt", published=published)
        return sorted(extractor(analyzer(doc)), key=lambda e: e.start)

    return _events


def _event(quote: str, killed: int | None = None, **kw) -> Event:
    return Event("Violence against civilians", "Attack", quote, 0, len(quote),
                 killed=Count(killed, killed) if killed else Count(), **kw)


@pytest.mark.parametrize("quote", [
    "The rebels have killed more than 3,000 villagers in the past eight months alone, the monitor said.",
    "The insurgency killed over 4,000 people last year alone, according to a rights group.",
    "The war has killed nearly 20,000 people since then, most of them civilians.",
    "Fighting claimed the lives of 900 civilians in 2015, the United Nations said.",
])
def test_period_tolls_are_reported_totals(quote):
    assert total_cue(_event(quote, killed=100)) is not None


@pytest.mark.parametrize("quote", [
    "Gunmen killed 14 people at a wedding in the village on Saturday.",
    "The death toll from last month's bombing at the market rose to 61.",
])
def test_tolls_of_one_attack_are_not_totals(quote):
    assert total_cue(_event(quote, killed=14)) is None


def test_total_source():
    assert total_source("The war has killed 9,000 people since 2014, according to the UN refugee agency.") \
        == "UN refugee agency"


def test_second_attack_in_another_district_is_its_own_event(events_of):
    text = ("A car bomb exploded outside a hotel in Mogadishu on Tuesday, killing 12 people.\n\n"
            "About an hour later, a second blast struck the city's Hamar Weyne district, wounding four.\n\n"
            "The death toll from the car bomb rose to 15 on Wednesday, police said.")
    evs = [e for e in events_of(text) if e.is_event]
    first = next(e for e in evs if "car bomb" in e.quote)
    second = next(e for e in evs if "second blast" in e.quote)
    third = next(e for e in evs if "toll" in e.quote)
    assert first.doc_event != second.doc_event
    assert third.doc_event == first.doc_event
    assert "a new event" in second.coding
    # the second blast is placed in the named part of the city, on the day of the first
    assert second.location is not None and second.location.text.startswith("Hamar Weyne")
    assert second.date.start == first.date.start


def test_toll_update_joins_the_main_event_without_moving_its_date(events_of):
    text = ("Militants stormed a village in Borno state on Monday, killing at least 20 farmers.\n\n"
            "By Thursday the death toll had risen to 45, a local official said.")
    evs = [e for e in events_of(text) if e.is_event]
    assert len({e.doc_event for e in evs}) == 1
    assert all(e.date.start == date(2016, 3, 7) for e in evs)


def test_aggregate_sentence_left_out_with_reason(events_of):
    text = ("Gunmen shot dead six traders at a market in Gao on Friday.\n\n"
            "The jihadists have killed more than 2,500 civilians in the past year alone, the UN says.")
    evs = events_of(text)
    total = next(e for e in evs if "2,500" in e.quote)
    assert total.factuality == "aggregate" and total.doc_event is None
    assert total.coding.startswith("left out: a reported total")
    assert any(e.is_event and "traders" in e.quote for e in evs)


def test_ongoing_campaign_is_background(events_of):
    text = "The army has been fighting the rebels in the hills since 2012 with little success."
    evs = events_of(text)
    assert not any(e.is_event for e in evs)


def test_place_fits_rules():
    def pm(name, lat, lon, precision="city", cc="SO", admin1="Banaadir"):
        return PlaceMention(name, 0, len(name), Place(None, name, lat, lon, cc, admin1, precision=precision))

    city = pm("Mogadishu", 2.04, 45.34)
    assert place_fits(city, pm("Somalia", 6.0, 47.0, "country"))
    assert place_fits(city, pm("Hamar Weyne district", 2.04, 45.34, "point"))
    assert not place_fits(city, pm("Kismayo", -0.36, 42.55, admin1="Lower Juba"))
    assert not place_fits(city, pm("Nairobi", -1.28, 36.82, cc="KE", admin1="Nairobi"))
    # two towns of one region far apart are two places, unless one is only "near" a town
    afgoye = pm("Afgoye", 2.14, 45.12, admin1="Lower Shabelle")
    merca = pm("Merca", 1.71, 44.77, admin1="Lower Shabelle")
    assert not place_fits(afgoye, merca)
    near = PlaceMention("Merca", 0, 5, merca.place, relation="near")
    assert place_fits(afgoye, near)
    assert not place_fits(city, near)  # not across regions


def test_subtypes():
    assert subtypes_fit("Suicide bomb", "Attack")
    assert subtypes_fit("Air/drone strike", "Shelling/artillery/missile attack")
    assert not subtypes_fit("Air/drone strike", "Suicide bomb")
    assert not subtypes_fit("Abduction/forced disappearance", "Remote explosive/landmine/IED")
    assert not subtypes_fit("Arrests", "Attack")


def test_cues_load():
    cues = load_cues()
    assert cues.period is not None and cues.new_event is not None and cues.toll_update is not None


def test_totals_and_reasons_reach_the_cli_and_the_document(tmp_path):
    """A document with one attack and one reported total: the total is listed on the document, never an incident,
    and ``incident show`` says why each source sentence was coded."""
    import json

    from click.testing import CliRunner

    from faultlines.cli import cli

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "gao.txt").write_text(
        "Gunmen shot dead six traders at a market in Gao on Friday, a local official said.\n\n"
        "The jihadists have killed more than 2,500 civilians in the past year alone, the UN says.\n",
        encoding="utf-8")
    meta = tmp_path / "meta.jsonl"
    meta.write_text(json.dumps({"file": "gao.txt", "published": "2016-03-12", "outlet": "Test Wire"}) + "\n")
    db = str(tmp_path / "t.db")
    r = CliRunner().invoke(cli, ["ingest", "--db", db, str(folder), "--meta", str(meta)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["incidents", "--db", db, "--format", "json"])
    incidents = json.loads(r.output)
    assert len(incidents) == 1 and incidents[0]["killed"]["low"] == 6
    r = CliRunner().invoke(cli, ["incident", "show", "--db", db, incidents[0]["id"]])
    assert "why: coded: opens document event 1" in r.output
    from faultlines.store import Store, queries

    with Store(db) as s:
        doc_id = s.conn.execute("SELECT id FROM documents").fetchone()[0]
        doc = queries.get_document(s.conn, doc_id)
    assert [t["killed_low"] for t in doc["totals"]] == [2501]
    assert doc["totals"][0]["coding"].startswith("left out: a reported total")


def test_a_government_seat_does_not_place_the_event(events_of):
    text = ("Gunmen killed nine farmers in Ogossagou, a village in central Mali, on Saturday.\n\n"
            "The government in Bamako has denied that it arms the militia that carried out the attack.")
    evs = [e for e in events_of(text) if e.is_event]
    assert evs and all(e.location is not None and e.location.place.name != "Bamako" for e in evs)


def test_telling_date_is_not_the_event_date(events_of):
    text = "Fifteen villagers were killed in an attack near Gao, a local official told reporters on Thursday."
    ev = next(e for e in events_of(text) if e.is_event)
    assert ev.date.start is None  # the article says when it was told, not when it happened


def test_two_named_days_are_two_events(events_of):
    text = ("Gunmen killed four soldiers at a checkpoint in Gao on Monday.\n\n"
            "Gunmen attacked a market in Gao on Wednesday, wounding two traders.")
    evs = [e for e in events_of(text) if e.is_event]
    assert len({e.doc_event for e in evs}) == 2


def test_a_later_event_without_day_place_or_figure_is_context(events_of):
    text = ("Gunmen killed 12 villagers in Gao on Monday, officials said.\n\n"
            "Separately, soldiers clashed with rebels, the army said.")
    evs = events_of(text)
    later = next(e for e in evs if "Separately" in e.quote)
    assert not later.is_event and later.coding.startswith("left out: background")
    assert any(e.is_event and "villagers" in e.quote for e in evs)


def test_a_country_that_owns_an_actor_does_not_place_the_event(events_of):
    text = ("Militants stormed an army base in Gwoza on Sunday, killing seven soldiers.\n\n"
            "Chad's President later offered troops to fight the group.")
    evs = [e for e in events_of(text) if e.is_event]
    assert all(e.location is None or e.location.place.country_code != "TD" for e in evs)


def test_a_toll_update_joins_the_first_event_whatever_its_wording(events_of):
    text = ("A suicide bomber blew himself up at a crowded bus station in Maiduguri, killing 12 people.\n\n"
            "The death toll rose to 30 on Tuesday as thousands of mourners protested at the funeral.")
    evs = [e for e in events_of(text) if e.is_event]
    update = next(e for e in evs if "toll" in e.quote)
    assert update.killed.low == 30
    first = next(e for e in evs if "suicide" in e.quote)
    assert update.doc_event == first.doc_event


def test_named_people_killed_count_as_dead(events_of):
    text = "Rebel commander Musa Abdalla Karim was killed in an air strike near Kidal on Monday, the army said."
    ev = next(e for e in events_of(text) if e.is_event)
    assert ev.killed.low == 1 and "Karim" in (ev.killed.text or "")


def test_a_detail_without_a_day_continues_the_story_just_told(events_of):
    text = ("A suicide bomber killed six people at a market in Potiskum on January 11.\n\n"
            "In an earlier attack on February 24, bombers targeted two bus stations in northern Nigeria, killing 27. "
            "The first explosion, in the town of Potiskum, killed at least 17 people.")
    evs = sorted((e for e in events_of(text, date(2015, 1, 20)) if e.is_event), key=lambda e: e.start)
    market = next(e for e in evs if "market" in e.quote)
    detail = next(e for e in evs if "first explosion" in e.quote)
    assert detail.doc_event != market.doc_event


def test_an_event_the_sentence_follows_is_its_own_event_with_its_own_toll(events_of):
    text = ("Air force jets bombed the hill town of Kidal on Sunday, after gunmen shot dead 14 road workers "
            "near Gao.")
    evs = [e for e in events_of(text) if e.is_event]
    strike = next(e for e in evs if e.sub_event_type == "Air/drone strike")
    shooting = next(e for e in evs if e is not strike)
    assert not strike.killed.known  # the 14 died in the shooting
    assert (shooting.killed.low, shooting.killed.high) == (14, 14)
    assert strike.doc_event != shooting.doc_event
    assert strike.location is not None and strike.location.place.name == "Kidal"
    assert shooting.date.start is None  # the Sunday is the bombing's day


def test_a_subjectless_after_clause_is_the_same_event(events_of):
    text = "Rebels overran the garrison town of Kidal on Sunday after killing 30 soldiers at a checkpoint."
    evs = [e for e in events_of(text) if e.is_event]
    assert len(evs) == 1 and evs[0].killed.low == 30


def test_a_response_keeps_the_type_of_its_main_clause(events_of):
    text = ("The navy fired cruise missiles at an air base near Homs on Friday in response to a poison gas "
            "attack that killed 40 people in Douma.")
    evs = [e for e in events_of(text) if e.is_event]
    main = next(e for e in evs if e.date.start is not None)
    assert main.sub_event_type != "Chemical weapon" and not main.killed.known
    assert any(e.sub_event_type == "Chemical weapon" and e.killed.low == 40 for e in evs)


def test_a_sentence_referring_back_tells_the_event_it_answers_as_its_own(events_of):
    text = ("Army jets bombed a rebel camp near Kalemie on Friday.\n\n"
            "The strike was in response to a rocket attack on the market of Moba that killed 12 traders "
            "on 3 March.")
    evs = [e for e in events_of(text) if e.is_event]
    answered = [e for e in evs if e.killed.low == 12]
    assert len(answered) == 1
    raid_frames = {e.doc_event for e in evs if "bombed" in e.quote}
    assert answered[0].doc_event not in raid_frames  # an event of its own, not a toll of the raid
    assert answered[0].date.start == date(2016, 3, 3)
    assert not any(e.killed.known for e in evs if e.doc_event in raid_frames)


def test_an_unplaced_sentence_takes_the_place_of_its_document_event(analyzer):
    from dataclasses import replace

    from faultlines.extract.events import _place_unplaced
    from faultlines.ingest.documents import make_document

    text = "Abuja and Lagos are far from the north."  # no place named twice: no article place to fall back on
    analysis = analyzer(make_document(raw_text=text, clean_text=text, name="t.txt", published=date(2014, 4, 15)))
    dikwa = PlaceMention("Dikwa", 0, 5, Place(2344854, "Dikwa", 12.04, 13.92, "NG", "Borno", precision="city"))
    lead = replace(_event("Fighters abducted 40 pupils from a school."), doc_event=0)
    detail = replace(_event("The abduction happened in Dikwa."), doc_event=0, location=dikwa)
    other = replace(_event("A bomb went off at a bus station."), doc_event=1)
    out = _place_unplaced([lead, detail, other], analysis)
    assert out[0].location == dikwa  # its document event's place
    assert out[2].location is None  # another event's place is not its own


def test_earlier_attacks_told_as_a_class_are_history(events_of):
    text = ("A car bomb killed nine people at a checkpoint in Gao on Monday.\n\n"
            "Previous attacks in the region mostly targeted soldiers and police in Timbuktu.")
    evs = events_of(text)
    history = next(e for e in evs if "Previous" in e.quote)
    assert history.factuality == "background" and "history" in history.coding


def test_a_date_alone_on_its_line_is_a_byline_not_the_event_date(events_of):
    text = ("Bomb blast in market\n\nby Staff Writer\nMarch 12, 2016\n\n"
            "A bomb exploded in a crowded market in Gao, killing six people, police said.")
    ev = next(e for e in events_of(text) if e.is_event and "exploded" in e.quote)
    assert ev.date.start is None


@pytest.mark.parametrize("text,kind", [
    ("The Sahel branch of the group claimed responsibility for Tuesday's ambush near Menaka in a statement.",
     "claimed"),
    ("The army said rebels from the north were behind the bombing of the bridge at Gao.", "suspected"),
    ("The ministry denied its jets were responsible for the air strikes that hit a clinic in Kidal.", "denied"),
])
def test_an_event_told_only_as_a_claim_is_not_reported_by_the_article(events_of, text, kind):
    evs = events_of(text)
    assert evs and not any(e.is_event for e in evs)
    assert all(e.attribution == kind and "responsibility" in e.coding for e in evs)


def test_a_claim_joins_the_event_the_article_reports(events_of):
    text = ("Gunmen ambushed a convoy near Menaka on Tuesday, killing eleven soldiers.\n\n"
            "The Sahel branch of the group claimed responsibility for the ambush in a statement.")
    evs = [e for e in events_of(text) if e.is_event]
    assert len(evs) == 2 and len({e.doc_event for e in evs}) == 1
    assert evs[1].attribution == "claimed"


def test_the_sentences_of_an_accident_are_not_conflict_events(events_of):
    text = ("Several propane tanks exploded in a warehouse in Kano on Monday.\n\n"
            "The explosion killed four workers and injured nine, the fire service said.")
    assert not any(e.is_event for e in events_of(text))


def test_an_event_no_sentence_places_is_where_the_article_is(events_of):
    text = ("Worshippers heard gunfire outside the mosque during Friday prayers, and dozens were killed.\n\n"
            "The mayor of Timbuktu said the city was calm on Sunday. Shops in Timbuktu reopened on Monday.")
    ev = next(e for e in events_of(text) if e.is_event and "mosque" in e.quote)
    assert ev.location is not None and ev.location.place.name == "Timbuktu"



def test_a_year_of_kidnappings_is_a_reported_total(events_of):
    text = "Gangs abducted 340 people in the state in 2015, more than in any other state, officials said."
    assert not any(e.is_event for e in events_of(text))


def test_the_date_of_an_embedded_post_is_not_the_event_date(events_of):
    text = ("The strike was a step towards peace, the spokesman wrote.\n"
            "— Jane Doe (@PressOfficeX) March 11, 2016\n"
            "A drone strike hit a convoy in Kunar province, officials said.")
    ev = next(e for e in events_of(text) if e.is_event and "drone" in e.quote)
    assert ev.date.start is None


def test_a_past_attack_told_with_its_day_and_toll_is_an_incident(events_of):
    text = ("Two years on, the survivors in Bankass still wait for justice.\n\n"
            "Gunmen burned the town of Bankass and killed 60 herders in a raid in Mali in 2019. "
            "Less than a year later, on January 9, 2020, the town was attacked again, killing 14 people.")
    evs = events_of(text, published=date(2022, 3, 1))
    again = next(e for e in evs if "again" in e.quote and e.is_event)
    assert again.is_event and again.killed.low == 14 and again.date.start == date(2020, 1, 9)
    assert again.location is not None and again.location.place.name == "Bankass"


@pytest.mark.parametrize("text", [
    "Gunmen shot dead nine people at a bar in Celaya on Friday.\n\nIn Celaya, a local gang is fighting a bloody turf "
    "war with a rival cartel.",
    "Gunmen killed nine villagers near Gao on Thursday.\n\nIn Gao, the army is battling a violent insurgency linked "
    "to al Qaeda.",
])
def test_a_war_being_fought_is_background(events_of, text):
    evs = events_of(text)
    assert [e for e in evs if e.is_event] and not any(e.is_event and "war" in e.quote or "insurgency" in e.quote
                                                      and e.is_event for e in evs)


def test_a_year_of_history_does_not_date_an_undated_attack(events_of):
    text = ("Gunmen kill 9 villagers in central Mali\n\n"
            "Gunmen killed nine villagers in an attack on a village in central Mali, officials said on Friday.\n\n"
            "The country has battled an insurgency that began with a separatist rebellion in 2012.\n\n"
            "The attack took place on Thursday evening near the town of Bankass.")
    evs = events_of(text, published=None)
    attacks = [e for e in evs if e.is_event and "attack" in e.quote.lower() or "Gunmen" in e.quote]
    assert attacks and all(e.date.start is None for e in attacks)
    assert not [e for e in evs if e.is_event and "2012" in e.quote]
