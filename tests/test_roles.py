"""Roles (issue 17): unknown organisations typed by their own words, how a role is established, and what is never an
actor (outlets, journalists, places, numbers, tags). Sentences written for these tests."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from faultlines.analyze.actor_kb import DATA_DIR, ActorKB, name_key
from faultlines.extract.events import EventExtractor


@pytest.fixture(scope="module")
def kb() -> ActorKB:
    return ActorKB.load()


@pytest.fixture(scope="module")
def events_of(analyzer):
    extractor = EventExtractor(analyzer.kb)

    def _events(text: str):
        from faultlines.ingest.documents import make_document

        doc = make_document(raw_text=text, clean_text=text, name="t.txt", published=date(2019, 5, 2))
        analysis = analyzer(doc)
        return analysis, extractor(analysis)

    return _events


def _names(participants) -> list[str]:
    return [p.actor.name for p in participants]


# ------------------------------------------------------------------------------------------------ the outlet table


def test_outlet_table_is_well_formed() -> None:
    table = yaml.safe_load((DATA_DIR / "outlets.yaml").read_text(encoding="utf-8"))
    assert set(table) == {"outlets", "monitors", "heads", "credits"}
    for key in ("outlets", "monitors"):
        names = table[key]
        assert all(isinstance(n, str) and n.strip() == n and n for n in names), key
        dupes = {n for n in names if names.count(n) > 1}
        assert not dupes, f"{key}: listed twice: {dupes}"
    assert len(table["outlets"]) > 200


def test_no_armed_actor_of_the_base_is_an_outlet(kb) -> None:
    armed = [a for a in kb.actors if a.type in ("rebel group", "political militia", "identity militia", "state forces")]
    assert armed and not [a.name for a in armed if kb.is_outlet(a.name)]


@pytest.mark.parametrize("name", ["Reuters", "AFP", "CNN Philippines", "AFP news agency", "AP Photo/Jane Roe",
                                  "BBC's Hausa service", "Kivu Morning News", "Valley TV"])
def test_outlets(kb, name) -> None:
    assert kb.is_outlet(name)
    assert kb.unfit_name(name) == "outlet"


@pytest.mark.parametrize("name", ["Arakan Army", "Vice President Jane Roe", "Dawn Brigade", "Kivu Patriotic Front"])
def test_not_outlets(kb, name) -> None:
    assert not kb.is_outlet(name)


@pytest.mark.parametrize(("name", "why"), [("412 0 SHARES", "number"), ("#FreeTheTown", "tag"),
                                           ("Kayin State", "place"), ("Capital Kalemie", "place"),
                                           ("Huge Car Bomb", "event")])
def test_unfit_names(kb, name, why) -> None:
    assert kb.unfit_name(name) == why


def test_type_guessed_from_the_name(kb) -> None:
    assert kb.guess_type("Kivu Patriotic Front") == "rebel group"
    assert kb.guess_type("Red Hills Brigade") == "political militia"
    assert kb.guess_type("Tamba", head="herders") == "identity militia"
    assert kb.guess_type("Kivu Patriotic Council") is None


# ------------------------------------------------------------------------------------------------ in text


def test_dateline_outlet_is_no_perpetrator(events_of) -> None:
    analysis, events = events_of("Kalemie (CNN Philippines, June 3) -- Government forces killed four fighters of "
                                 "the Tamba Liberation Front near the river on Monday.")
    names = {m.actor.name for m in analysis.actors}
    assert not any("CNN" in n for n in names)
    assert events and not any("CNN" in n for e in events for n in _names(e.perpetrators))


def test_byline_and_photo_credit_make_no_actor(events_of) -> None:
    analysis, _ = events_of("Jane Roe / May 2, 2019\n\nPhoto: John Doe/AFP\n\nGunmen killed six villagers in "
                            "Kalemie on Tuesday, witnesses said.")
    names = {m.actor.name for m in analysis.actors}
    assert "Jane Roe" not in names and "John Doe" not in names


def test_unknown_front_is_its_own_actor(events_of) -> None:
    _, events = events_of("Fighters of the Tamba Liberation Front ambushed an army convoy near Kalemie on Monday.")
    perps = [p.actor for e in events for p in e.perpetrators]
    assert any(a.name == "Tamba Liberation Front" and not a.known and a.type == "rebel group" for a in perps)


def test_lower_cased_front_is_its_own_actor(events_of) -> None:
    _, events = events_of("the ruvuma patriotic front attacked a police station in kalemie on monday.")
    perps = [p.actor for e in events for p in e.perpetrators]
    assert any(a.name == "ruvuma patriotic front" and not a.known and a.type == "rebel group" for a in perps)


def test_generic_attackers_stay_unidentified(events_of) -> None:
    _, events = events_of("Unknown gunmen killed five traders at a market in Kalemie on Monday.")
    perps = [p.actor for e in events for p in e.perpetrators]
    assert perps and all(a.generic for a in perps)


def test_witnesses_are_no_perpetrators(events_of) -> None:
    _, events = events_of("The worshippers heard heavy gunfire outside the mosque in Kalemie on Friday.")
    assert not any(p.actor.type == "civilians" for e in events for p in e.perpetrators)


@pytest.mark.parametrize("text", [
    "A car bomb exploded at a market in Kalemie on Monday, killing six people. Soldiers closed the roads around the "
    "market after the blast.",
    "Police sealed off the area after the explosion, which killed four people in Kalemie on Monday.",
    "Troops searched the nearby houses in the wake of the ambush that killed three traders in Kalemie on Monday.",
    "The government banned the hunters' association after an attack killed forty herders in Kalemie.",
])
def test_who_acts_after_an_event_did_not_do_it(events_of, text) -> None:
    """An event named as the time of another act: that act's subject is not its perpetrator."""
    _, events = events_of(text)
    assert events
    assert not any(p.actor.type in ("state forces", "government") or p.actor.id in ("police", "military")
                   for e in events for p in e.perpetrators), [(e.trigger, _names(e.perpetrators)) for e in events]


@pytest.mark.parametrize("text", [
    "Rebels overran Kalemie on Friday, two days after Congolese soldiers abandoned their positions.",
])
def test_who_acted_before_the_event_did_not_do_it(events_of, text) -> None:
    """An actor named in a clause that only dates the event ("after soldiers abandoned their posts") is not its
    perpetrator."""
    _, events = events_of(text)
    assert events
    assert not any(p.actor.type == "state forces" for e in events for p in e.perpetrators), [
        (e.trigger, _names(e.perpetrators)) for e in events]


@pytest.mark.parametrize("text", [
    "Kalemie became the first town to fall to the rebels since Congolese troops began withdrawing from the province.",
])
def test_no_roles_borrowed_from_an_event_of_another_time(events_of, text) -> None:
    """A trigger without arguments of its own borrows none from a trigger in a clause that only dates it."""
    _, events = events_of(text)
    assert events
    assert not any(p.actor.type == "state forces" for e in events if "fall" in e.trigger for p in e.perpetrators), [
        (e.trigger, _names(e.perpetrators)) for e in events]


def test_an_actor_named_with_the_event_after_a_time_word_stays(events_of) -> None:
    _, events = events_of("Troops reached the village hours after the Tamba Liberation Front attack on Monday.")
    assert any("Tamba Liberation Front" in _names(e.perpetrators) for e in events)


def test_civilians_perpetrators_when_the_text_says_so(events_of) -> None:
    _, events = events_of("Angry villagers killed two suspected cattle thieves in Kalemie on Sunday.")
    assert any(p.actor.type == "civilians" for e in events for p in e.perpetrators)


def test_a_place_is_no_target(events_of) -> None:
    _, events = events_of("Rebels of the Tamba Liberation Front attacked Kalemie on Monday, killing nine people.")
    targets = [p.actor for e in events for p in e.targets]
    assert not any(name_key(a.name) == ("kalemie",) for a in targets)


@pytest.mark.parametrize("text", [
    "Rebel commander Juma Kitenge killed in army air strike near Kalemie",
    "Four Congolese soldiers died in an ambush near Kalemie on Monday.",
])
def test_who_is_killed_in_an_attack_is_its_victim(events_of, text) -> None:
    _, events = events_of(text)
    assert events
    assert not any(p.actor.type != "state forces" and "Kitenge" in p.text for e in events for p in e.perpetrators)
    assert not any("soldiers" in p.text for e in events for p in e.perpetrators)
    assert any("Kitenge" in p.text or "soldiers" in p.text for e in events for p in e.targets)


def test_killing_in_a_raid_keeps_its_attacker(events_of) -> None:
    _, events = events_of("Congolese troops killed five rebels in a raid near Kalemie on Monday.")
    assert any("troops" in p.text for e in events for p in e.perpetrators)


@pytest.mark.parametrize("text, forces", [
    ("Security forces opened fire on protesters in Khartoum on Monday, killing three.", "Military Forces of Sudan"),
    ("Police fired live rounds at demonstrators in Kano on Friday, killing two.", "Police Forces of Nigeria"),
])
def test_unspecified_forces_are_the_country_s_own(events_of, text, forces) -> None:
    _, events = events_of(text)
    names = [p.actor.name for e in events if e.is_event for p in e.perpetrators]
    assert forces in names and not any("unspecified" in n for n in names)


def test_unspecified_forces_of_no_known_place_stay_unspecified(events_of) -> None:
    _, events = events_of("Security forces opened fire on the crowd, killing three.")
    assert all(p.actor.generic for e in events for p in e.perpetrators)


def test_a_town_before_the_attack_noun_is_where_not_who(events_of) -> None:
    _, events = events_of("The Kabul market bombing killed 12 people on Monday.")
    assert events and not any(p.actor.type == "state" for e in events for p in e.perpetrators)
    _, events = events_of("A US drone strike killed five militants near Kabul on Monday.")
    assert any(p.actor.name == "United States" for e in events for p in e.perpetrators)
    # the country the report is about, before the noun: where it happened too
    _, events = events_of("Nigeria bomb blast: a bomb exploded at a bus station in Maiduguri on Monday, "
                          "killing 12 people.")
    assert events and not any(p.actor.type == "state" for e in events for p in e.perpetrators)


def test_a_byline_under_the_headline_is_no_actor(events_of) -> None:
    analysis, _ = events_of("Rebels overrun Kalemie\n\nJanet Okafor\nRebels of the Tamba Liberation Front "
                            "attacked Kalemie on Monday, killing nine people.")
    assert not any("Okafor" in m.actor.name for m in analysis.actors)


@pytest.mark.parametrize("text, name", [
    # a place by its context: a place word after it, a locative preposition before it, a bearing after it (then
    # throughout the article)
    ("The fighters withdrew into the Kivanda forest after the raid on Kalemie on Monday.", "Kivanda"),
    ("Gunmen opened fire on traders at a market in Kivanda on Monday, killing nine people.", "Kivanda"),
    ("Militiamen seized dozens of men who were fleeing Jurf Nasr, north-west of Fallujah, on 3 June.\n\n"
     "The Jurf Nasr inquiry has not been published.", "Jurf"),
    # a weapon: the name before its noun
    ("The station in Kramatorsk was hit by Zarnitsa-M tactical ballistic missiles on Friday, killing 50.", "Zarnitsa"),
    ("The army fired Kordon multiple rocket launchers at rebel positions near Kalemie on Monday.", "Kordon"),
])
def test_a_name_its_context_makes_a_place_or_a_weapon_is_no_actor(events_of, text, name) -> None:
    analysis, events = events_of(text)
    assert not any(name in m.actor.name for m in analysis.actors)
    assert not any(name in p.actor.name for e in events for p in (*e.perpetrators, *e.targets))


def test_who_uses_the_weapon_is_the_attacker(events_of) -> None:
    _, events = events_of("The governor said that the market was struck by Congolese troops using heavy "
                          "ballistic missiles.")
    assert any(p.actor.name == "Military Forces of the Democratic Republic of Congo"
               for e in events for p in e.perpetrators)


def test_a_name_the_article_places_is_a_place_throughout() -> None:
    from types import SimpleNamespace

    from faultlines.extract.participants import _named_place
    from faultlines.model import Place, PlaceMention

    town = PlaceMention("Kivanda", 21, 28, Place(None, "Kivanda", None, None, "CD", None, precision="city"), score=0.6)
    acting = PlaceMention("Kinshasa", 90, 98, Place(2314302, "Kinshasa", -4.3, 15.3, "CD", "Kinshasa"),
                          relation="metonym", score=0.3)
    analysis = SimpleNamespace(places=[town, acting])
    assert _named_place(analysis, "Kivanda")  # "the attack on Kivanda" later: where, not whom
    assert not _named_place(analysis, "Kinshasa")  # named as a government: may act
    assert not _named_place(analysis, "Tamba Liberation Front")


def test_monitor_is_no_perpetrator(events_of) -> None:
    _, events = events_of("Amnesty International said soldiers killed 30 civilians in Kalemie on Monday.")
    assert not any(p.actor.name == "Amnesty International" for e in events for p in e.perpetrators)


@pytest.mark.parametrize(("text", "how"), [
    ("The Tamba Liberation Front claimed responsibility for the bombing of a bus in Kalemie on Monday.", "claimed"),
    ("The bombing of a bus in Kalemie on Monday was blamed on the Tamba Liberation Front.", "blamed"),
])
def test_how_a_perpetrator_is_established(events_of, text, how) -> None:
    _, events = events_of(text)
    hows = {p.how for e in events for p in e.perpetrators if p.actor.name == "Tamba Liberation Front"}
    assert hows == {how}


# ------------------------------------------------------------------------------------------------ lower-cased reports
# Wire reports of the 1980s-90s come lower-cased: roles read off syntax and frames, not capitals.


def test_a_word_of_a_group_name_is_no_event(events_of) -> None:
    _, events = events_of("the people's liberation army named a new commander in the hills near tumaco on monday.")
    assert not [e for e in events if e.sub_event_type == "Government regains territory"]


def test_who_investigates_an_attack_did_not_make_it(events_of) -> None:
    _, events = events_of("the police are investigating the ambush against the convoy near tumaco on monday.")
    assert not [p for e in events for p in e.perpetrators if p.actor.type == "state forces"]


@pytest.mark.parametrize(("text", "who", "how"), [
    ("the governor blamed the popular revolutionary army for the murder of a judge in tumaco on monday.",
     "popular revolutionary army", "blamed"),
    ("the minister said that two soldiers were implicated in the killing of three farmers in tumaco on monday.",
     "soldiers", "suspected"),
    ("the party condemned the murder of the mayor of tumaco perpetrated by presumed rebels on monday.",
     "rebels", "stated"),
])
def test_who_is_held_responsible(events_of, text, who, how) -> None:
    _, events = events_of(text)
    found = {(p.text, p.how) for e in events for p in e.perpetrators}
    assert any(who in t and h == how for t, h in found), found


def test_unknown_persons_are_unidentified_attackers(events_of) -> None:
    _, events = events_of("the judge was kidnapped by a group of unknown persons in tumaco on tuesday.")
    perps = [p for e in events for p in e.perpetrators]
    assert [p.actor.name for p in perps] == ["Unidentified armed group"] and perps[0].text == "unknown persons"


def test_what_a_bomb_went_off_at_is_a_target(events_of) -> None:
    _, events = events_of("a car bomb exploded outside the courthouse of tumaco on monday, wounding a guard.")
    assert any(t.text.startswith("courthouse") for e in events for t in e.property_targets)



@pytest.mark.parametrize("text, name", [
    ("Karim Haddad, a Lebanese journalist, told the agency that the jets struck the market twice.", "Haddad"),
    ("The car was hit as it crossed the bridge, said his colleague, photojournalist Omar Sadiq.", "Sadiq"),
    ("Photographer Sami Aoun said the market was still burning after the strike.", "Aoun"),
])
def test_a_journalist_who_tells_is_no_actor(analyzer, text, name) -> None:
    from faultlines.ingest.documents import make_document

    analysis = analyzer(make_document(raw_text=text, clean_text=text, name="t.txt"))
    assert not [m for m in analysis.actors if name in m.text]


def test_a_person_with_another_calling_stays_an_actor(analyzer) -> None:
    from faultlines.ingest.documents import make_document

    text = "Ahmed Saleh, a local militia commander, said his men had struck the convoy twice."
    analysis = analyzer(make_document(raw_text=text, clean_text=text, name="t.txt"))
    assert [m for m in analysis.actors if m.text == "Ahmed Saleh"]


# ------------------------------------------------------------------------------------------------ datelines, claims
# A dateline tells where a report was filed; "claimed" is a claim of responsibility only with what was claimed.


@pytest.mark.parametrize("text", [
    "BAMAKO, Mali (AFP) — Gunmen killed twelve villagers on Sunday in central Mali.",
    "KABUL, March 3 -- A suicide bomber killed nine people near a mosque in the west of the city.",
    "NAIROBI: At least 20 people died when a bomb went off at a bus stop on Monday, police said.",
])
def test_a_dateline_names_no_actor(events_of, text) -> None:
    analysis, events = events_of(text)
    states = {"Mali", "Afghanistan", "Kenya"}
    assert not [m.text for m in analysis.actors if m.actor.name in states or m.text == "AFP"]
    assert not [p.text for e in events for p in (*e.perpetrators, *e.targets) if p.actor.name in states]


def test_datelines() -> None:
    from faultlines.analyze.datelines import dateline_at, in_dateline

    text = "KHARTOUM, Sudan (AFP) — Troops fired on the crowd."
    assert dateline_at(text, 3) == (0, text.index("—") + 1)
    assert in_dateline(text, 10, 15)  # ", Sudan" is part of it
    assert not in_dateline(text, text.index("Troops"), text.index("Troops") + 6)
    for plain in ("US strikes - Syria responds", "The IS group - in Iraq", "Damascus - the army said",
                  "Gunmen killed 12 people: officials", "Taliban capture Kunduz - reports"):
        assert dateline_at(plain, 0) is None, plain
    for lead in ("New Delhi: As many as 300 people", "Maputo — Insurgents beheaded", "Bogota, Dec 6 (EFE).- An attack"):
        assert dateline_at(lead, 0) is not None, lead


def test_an_agency_in_parentheses_is_no_short_name(analyzer) -> None:
    from faultlines.ingest.documents import make_document

    text = "GAO, Mali (Reuters) - Islamist fighters attacked an army camp near Gao on Friday."
    analysis = analyzer(make_document(raw_text=text, clean_text=text, name="t.txt"))
    assert not [m for m in analysis.actors if m.text == "Reuters"]


def test_a_group_that_claims_the_attack_is_its_perpetrator(events_of) -> None:
    _, events = events_of("The Taliban claimed the bombing, which killed nine people in Kabul on Monday.")
    perps = {(p.actor.name, p.how) for e in events for p in e.perpetrators}
    assert perps == {("Taliban", "claimed")}
    assert "Civilians" in {p.actor.name for e in events for p in e.targets}


@pytest.mark.parametrize("text", [
    "The gas attack in Idlib on Tuesday claimed the lives of some 70 people, rescuers said.",
    "Dozens of lives claimed by the bombing of a market in Kano on Friday",
    "The governor claimed that the bodies found near Iguala were not those of the students abducted by police.",
])
def test_claimed_lives_or_a_claim_that_name_no_perpetrator(events_of, text) -> None:
    _, events = events_of(text)
    assert not [p.text for e in events for p in e.perpetrators if p.actor.type == "civilians"]


def test_counted_people_killed_without_were_are_victims(events_of) -> None:
    _, events = events_of("Officials said the village was burned and as many as 300 people killed.")
    assert not [p for e in events for p in e.perpetrators]
    assert "Civilians" in {p.actor.name for e in events for p in e.targets}


@pytest.mark.parametrize(("text", "who"), [
    # men the text does not name who attack are unidentified, not civilians
    ("Two men blew themselves up at a crowded market in Maiduguri on Friday.", "Unidentified armed group"),
    ("About 40 men seized the town of Gamboru late on Tuesday, witnesses said.", "Unidentified armed group"),
    # a strike carried out by a named force names that force, not its country
    ("A mortar attack carried out by Sudan's paramilitary Rapid Support Forces killed six worshippers in a mosque "
     "in El Fasher.", "Rapid Support Forces"),
    ("An artillery strike carried out by Sudan’s paramilitary Rapid Support Forces (RSF) has killed 13 people "
     "sheltering in a school in El Fasher.", "Rapid Support Forces"),
])
def test_the_perpetrators_named(events_of, text, who) -> None:
    _, events = events_of(text)
    assert {p.actor.name for e in events for p in e.perpetrators} == {who}


def test_aid_workers_who_collect_the_dead_did_not_kill_them(events_of) -> None:
    _, events = events_of("Red Cross volunteers collected the bodies of 30 soldiers killed in fighting near Goma.")
    assert not [p for e in events for p in e.perpetrators if "Red Cross" in p.actor.name]


def test_no_new_name_spans_two_lines(kb) -> None:
    assert kb.unfit_name("Version 2 Version 3\nGoma") == "lines"
    assert kb.unfit_name("Tamba Liberation Front") is None


@pytest.mark.parametrize("text", [
    "Jets struck a convoy on Friday, killing a commander near the border region with Syria, officials said.",
    "Fighting broke out on the border between Chad and Sudan on Monday, killing six soldiers.",
])
def test_a_country_across_a_border_is_where(analyzer, text) -> None:
    from faultlines.ingest.documents import make_document

    analysis = analyzer(make_document(raw_text=text, clean_text=text, name="t.txt"))
    assert not [m.text for m in analysis.actors if m.actor.name in ("Syria", "Chad", "Sudan")]


@pytest.mark.parametrize("text", [
    "Fighter jets struck the port town of Sirte on Monday after the jihadists executed 21 Coptic Christians there.",
    "Jets bombed the town of Sirte on Monday after militants beheaded 12 fishermen.",
])
def test_an_earlier_event_lends_the_main_one_no_participants(events_of, text) -> None:
    _, events = events_of(text)
    strike = next(e for e in events if e.sub_event_type == "Air/drone strike")
    earlier = next(e for e in events if e is not strike)
    assert "Unidentified armed group" in _names(earlier.perpetrators)
    assert not {p.actor.id for p in (*strike.perpetrators, *strike.targets)} & \
        {p.actor.id for p in (*earlier.perpetrators, *earlier.targets)}


def test_a_force_sharing_a_monitor_s_short_name_can_perpetrate(events_of) -> None:
    _, events = events_of("RSF fighters shelled a camp for displaced people near El Fasher, killing 31 people.")
    assert "Rapid Support Forces" in {p.actor.name for e in events for p in e.perpetrators}


def test_a_country_modifying_a_person_is_not_an_actor(events_of) -> None:
    _, events = events_of("A Dutch birdwatcher abducted on a nearby island in 2012 is still held by the militants.")
    assert not [p for e in events for p in (*e.perpetrators, *e.targets) if p.actor.name == "Netherlands"]


@pytest.mark.parametrize(("text", "target"), [
    ("Egyptian jets struck Islamic State targets near Derna on Monday, killing 40 militants.", "Islamic State"),
    ("Al-Shabaab fighters stormed a military barracks near Kismayo, killing nine soldiers.", "Military Forces of Somalia"),
    ("Troops killed Tamba Liberation Front leader John Okello near Kalemie on Sunday.", "Tamba Liberation Front"),
])
def test_a_group_named_by_its_site_or_its_leader_is_the_target(events_of, text, target) -> None:
    _, events = events_of(text)
    assert target in {p.actor.name for e in events for p in e.targets}


def test_a_country_s_market_is_where_not_whom(events_of) -> None:
    _, events = events_of("A coalition air strike hit a crowded Yemeni market in Saada on Monday, killing ten civilians.")
    assert "Yemen" not in {p.actor.name for e in events for p in e.targets}


def test_a_time_zone_is_no_actor(kb) -> None:
    assert kb.unfit_name("GMT") == "time"


def test_a_group_that_says_how_many_died_did_not_kill_them(events_of) -> None:
    _, events = events_of("Gunmen killed 21 people in Jos on Thursday. A local youth group, the Tamba Youth "
                          "Movement, said 21 people had been killed in total.")
    assert "Tamba Youth Movement" not in {p.actor.name for e in events for p in e.perpetrators}


@pytest.mark.parametrize(("text", "kind"), [
    ("A gathering of soldiers near Baidoa was attacked with a grenade on Sunday, wounding four.", "state forces"),
    ("Tens of pro-government fighters were killed in heavy clashes with rebels near Marib on Friday.", None),
])
def test_an_actor_after_a_collective_noun_stays(events_of, text, kind) -> None:
    _, events = events_of(text)
    targets = [p for e in events for p in e.targets]
    assert targets and (kind is None or kind in {p.actor.type for p in targets})


@pytest.mark.parametrize("text", [
    "Officials said 12 people were killed and 20 hurt in air strikes on Abs district by a Saudi-led coalition "
    "fighting the Iran-aligned Houthi movement.",
    "Nine villagers were killed in a raid by Russian-backed separatists fighting Ukrainian troops near Donetsk.",
])
def test_the_enemy_of_a_group_s_war_is_not_the_target(events_of, text) -> None:
    """"A coalition fighting the Houthis" says who the coalition is: the Houthis are not whom the strike hit, and
    the strike on villagers is no clash."""
    _, events = events_of(text)
    assert events
    assert not any(p.actor.type in ("rebel group", "state forces") for e in events for p in e.targets), [
        (e.sub_event_type, _names(e.targets)) for e in events]
    assert all(e.event_type != "Battles" for e in events), [e.sub_event_type for e in events]
    assert any(p.actor.type == "civilians" for e in events for p in e.targets)


@pytest.mark.parametrize("text", [
    "Rebels attacked a school in Mpondwe on Friday night. They abducted six pupils and retreated back into the "
    "Democratic Republic of Congo.",
    "Gunmen raided a market in Mpondwe on Friday. The attackers shot dead four traders before fleeing into the "
    "Democratic Republic of Congo, police said.",
])
def test_where_attackers_fled_is_not_where_they_struck(events_of, text) -> None:
    _, events = events_of(text)
    assert events
    assert all(e.location is None or e.location.place.country_code != "CD" for e in events), [
        (e.trigger, e.location and e.location.text) for e in events]


def test_a_country_s_short_form_in_parentheses_is_no_actor(events_of) -> None:
    _, events = events_of("Rebels killed 22 people in eastern Democratic Republic of the Congo (DRC) on Friday.")
    assert events
    assert not any(p.actor.type == "state" for e in events for p in (*e.perpetrators, *e.targets)), [
        (_names(e.perpetrators), _names(e.targets)) for e in events]


@pytest.mark.parametrize("text", [
    "Paramilitary shelling of Al-Nasr Hospital killed nine patients on Monday.",
    "Gunmen stormed the Kasana Model Secondary School overnight and abducted 30 pupils.",
])
def test_a_named_building_is_no_actor(events_of, text) -> None:
    analysis, events = events_of(text)
    assert not any(m.actor.name.endswith(("Hospital", "School")) for m in analysis.actors), [
        m.actor.name for m in analysis.actors]


def test_rebel_fighters_are_rebels_only(events_of) -> None:
    """"rebel fighters" is one phrase: the rebels, not also an unidentified armed group."""
    _, events = events_of("Nine farmers were killed by rebel fighters near Kalemie on Friday.")
    assert events
    assert [_names(e.perpetrators) for e in events if e.perpetrators] == [["Rebels (unspecified)"]], [
        _names(e.perpetrators) for e in events]


@pytest.mark.parametrize("text", [
    "Somalia’s Al Shabaab militant group claimed responsibility for the bombing of the hotel in Kismayo.",
    "The bombing of the hotel in Kismayo was carried out by Somalia's Islamist rebels, al-Shabab, police said.",
])
def test_the_country_a_named_group_belongs_to_is_no_party(events_of, text) -> None:
    _, events = events_of(text)
    perps = [p.actor for e in events for p in e.perpetrators]
    assert perps and not any(a.type == "state" for a in perps), [a.name for a in perps]


def test_a_country_s_army_next_to_a_named_group_stays(events_of) -> None:
    _, events = events_of("Iran's army and Hezbollah fighters attacked the town of Qusayr on Monday.")
    perps = {p.actor.name for e in events for p in e.perpetrators}
    assert "Hezbollah" in perps and perps & {"Iran", "Military Forces of Iran"}, perps


@pytest.mark.parametrize(("text", "name"), [
    ("Police raided Morro Azul in Rio de Janeiro on Tuesday, killing 14 people.", "Morro Azul"),
    ("Gunmen attacked Tudun Kaura in Zamfara state overnight, killing nine villagers.", "Tudun Kaura"),
    ("Israel’s attack on Kfar Deen in Beirut’s southern suburbs killed a senior commander.", "Kfar Deen"),
])
def test_an_unknown_name_an_assault_struck_in_a_known_place_is_a_place(events_of, text, name) -> None:
    _, events = events_of(text)
    assert events
    assert not any(name in p.text for e in events for p in (*e.perpetrators, *e.targets)), [
        (_names(e.perpetrators), _names(e.targets)) for e in events]


def test_a_person_shot_in_a_town_stays_a_victim(events_of) -> None:
    _, events = events_of("Gunmen shot Abdullahi Yusuf in Mogadishu on Friday.")
    assert any("Abdullahi Yusuf" in p.text for e in events for p in e.targets)


@pytest.mark.parametrize("text", [
    "Three Kukis were shot dead near Churachandpur on Monday.",
    "The other four Meiteis were killed on Thursday in Bishnupur district.",
])
def test_counted_members_of_a_community_are_civilians_not_a_named_actor(events_of, text) -> None:
    _, events = events_of(text)
    targets = [p.actor for e in events for p in e.targets]
    assert targets and all(a.type == "civilians" for a in targets), [(a.name, a.type) for a in targets]
    assert all(e.killed.low in (None, 3, 4) for e in events), [e.killed for e in events]  # never one per "name"


@pytest.mark.parametrize("text", [
    "Officials in Nigeria said gunmen riding in three trucks killed at least nine farmers in the northern state of "
    "Zamfara on Sunday.",
])
def test_who_says_gunmen_struck_did_not_strike(events_of, text) -> None:
    _, events = events_of(text)
    assert events
    assert not any("officials" in p.actor.name.lower() for e in events for p in e.perpetrators), [
        _names(e.perpetrators) for e in events]
    assert any(p.actor.id == "unidentified-armed-group" for e in events for p in e.perpetrators)


def test_a_blame_without_for_names_the_perpetrator_of_the_event_told(events_of) -> None:
    text = ("The toll from Saturday's lorry bombing in Kismayo has risen to 80, the mayor says. Dozens are still "
            "missing. Officials have blamed the militant al-Shabaab group, which is linked to al-Qaeda.")
    _, events = events_of(text)
    told = [e for e in events if e.is_event]
    assert told and {e.doc_event for e in told} == {0}
    assert any(p.actor.id == "al-shabaab" and p.how == "blamed" for e in told for p in e.perpetrators), [
        (e.quote[:30], [(p.actor.name, p.how) for p in e.perpetrators]) for e in told]


@pytest.mark.parametrize("text", [
    "The opposition blamed the government. Prices rose again.",
    "Officials have blamed the militant al-Shabaab group.",
])
def test_a_blame_alone_is_no_incident(events_of, text) -> None:
    _, events = events_of(text)
    assert not [e for e in events if e.is_event]


@pytest.mark.parametrize("text", [
    "There was no immediate claim of responsibility for Saturday's blast in the market, though the Shabaab group "
    "has recently stepped up attacks.",
    "There was no immediate claim for Friday's bombing at the port, although al-Shabaab has intensified attacks in "
    "the city.",
])
def test_an_unclaimed_event_borrows_no_perpetrator(events_of, text) -> None:
    """A sentence saying no one claimed the event does not lend it the group it goes on to speak of."""
    _, events = events_of(text)
    assert events
    assert not any(p.actor.id == "al-shabaab" for e in events for p in e.perpetrators), [
        _names(e.perpetrators) for e in events]


@pytest.mark.parametrize("text", [
    "The alliance has carried out more than 9,000 air strikes against the group since last spring.",
    "Government jets conducted hundreds of raids on rebel towns over the past year.",
])
def test_a_tally_of_attacks_is_no_incident(events_of, text) -> None:
    _, events = events_of(text)
    assert not [e for e in events if e.is_event], [(e.sub_event_type, e.factuality) for e in events]


def test_many_strikes_on_one_named_day_stay_that_day_s_event(events_of) -> None:
    _, events = events_of("Russian jets carried out 40 air strikes around Idlib on Tuesday, killing 12 civilians.")
    assert [e for e in events if e.is_event]


def test_a_country_s_border_guards_are_its_police(events_of) -> None:
    _, events = events_of("In May, four Iranian border guards died in clashes with an armed group near Saravan.")
    targets = {p.actor.name for e in events for p in e.targets}
    assert "Police Forces of Iran" in targets and "Iran" not in targets, targets
