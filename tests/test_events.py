"""Event detection and typing, participants, casualties, date and place binding, salience."""

from __future__ import annotations

from datetime import date

import pytest

from faultlines.extract.events import EventExtractor, load_lexicon
from faultlines.model import SUB_EVENT_TYPES


@pytest.fixture(scope="module")
def events_of(analyzer):
    extractor = EventExtractor(analyzer.kb)

    def _events(text: str, published: date | None = date(2015, 3, 10)):
        from faultlines.ingest.documents import make_document

        doc = make_document(raw_text=text, clean_text=text, name="t.txt", published=published)
        return extractor(analyzer(doc))

    return _events


def _first(events_of, text: str):
    events = [e for e in events_of(text) if e.is_event]
    assert events, f"no factual event in {text!r}"
    return events[0]


def test_lexicon_spells_acled_subtypes() -> None:
    assert all(c.sub in SUB_EVENT_TYPES for c in load_lexicon().cues)


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("A suicide bomber detonated his vest at a checkpoint in Samarra, killing six soldiers.", "Suicide bomb"),
        ("A roadside bomb struck a police patrol in Ramadi on Sunday.", "Remote explosive/landmine/IED"),
        ("Coalition warplanes struck militant positions near Hit overnight.", "Air/drone strike"),
        ("A drone strike hit a car outside Raqqa on Tuesday.", "Air/drone strike"),
        ("Mortar rounds landed in a market in Aleppo, wounding 12 people.", "Shelling/artillery/missile attack"),
        ("Attackers threw a hand grenade into a cafe in Kirkuk.", "Grenade"),
        ("Kurdish fighters clashed with jihadists near Sinjar on Monday.", "Armed clash"),
        ("Government troops recaptured the town of Baiji from the militants.", "Government regains territory"),
        ("Militants seized control of the town of Hit on Friday.", "Non-state actor overtakes territory"),
        ("Gunmen shot dead nine villagers in a village near Khalis.", "Attack"),
        ("Armed men kidnapped four aid workers in Idlib on Thursday.", "Abduction/forced disappearance"),
        ("Hundreds of students protested peacefully in Najaf on Friday.", "Peaceful protest"),
        ("Police fired tear gas to disperse protesters in Nasiriyah.", "Protest with intervention"),
        ("Soldiers opened fire on protesters in Basra, killing five of them.", "Excessive force against protesters"),
        ("Rioters torched cars and smashed shop windows in Kirkuk.", "Violent demonstration"),
        ("Police arrested 14 suspected militants in Mosul on Sunday.", "Arrests"),
        ("The two factions signed a ceasefire agreement in Geneva on Monday.", "Agreement"),
        ("Army engineers defused three bombs planted on a bridge in Tikrit.", "Disrupted weapons use"),
        ("Turkish forces set up a new military base near Bashiqa.", "Headquarters or base established"),
        ("Militiamen looted and burned houses in a village near Tuz Khurmatu.", "Looting/property destruction"),
        ("Soldiers raped two women at a checkpoint near Tal Afar on Sunday.", "Sexual violence"),
        ("Government aircraft dropped chlorine gas on a town near Hama on Tuesday.", "Chemical weapon"),
        ("An angry mob lynched a man accused of theft in a village near Erbil.", "Mob violence"),
        ("Government troops withdrew from the town of Rutba on Monday without a fight.",
         "Non-violent transfer of territory"),
        ("The rebel brigades merged into a single new alliance in Idlib on Monday.", "Change to group/activity"),
    ],
)
def test_sub_event_types(events_of, text: str, sub: str) -> None:
    event = _first(events_of, text)
    assert event.sub_event_type == sub
    assert event.event_type == SUB_EVENT_TYPES[sub]


def test_one_sentence_one_event_strongest_cue(events_of) -> None:
    events = events_of("A suicide bomber blew himself up inside a mosque in Baquba and gunmen then shot the worshippers.")
    factual = [e for e in events if e.is_event]
    assert len(factual) == 1
    assert factual[0].sub_event_type == "Suicide bomb"


def test_attack_on_soldiers_is_a_clash(events_of) -> None:
    event = _first(events_of, "Militants attacked an army checkpoint near Tikrit on Monday.")
    assert event.event_type == "Battles"


def test_abstract_mentions_are_not_events(events_of) -> None:
    assert not [e for e in events_of("The war on terror shaped a whole generation of policy.") if e.is_event]
    assert not events_of("An earthquake killed 40 people in the mountains on Monday.")


def test_killing_beats_abduction(events_of) -> None:
    event = _first(events_of, "Troops stormed the camp in Khalis, killing 30 residents and kidnapping five others.")
    assert event.sub_event_type == "Attack"
    assert (event.killed.low, event.abducted.low) == (30, 5)


def test_combined_figure_is_not_killed(events_of) -> None:
    event = _first(events_of, "A car bomb exploded at a wedding party in Samarra, killing and injuring at least 70 guests.")
    assert event.killed.known is False
    assert (event.casualties.low, event.casualties.high) == (70, None)


def test_bare_toll_sentence_is_an_event(events_of) -> None:
    event = _first(events_of, "Hospital sources put the number of dead at between 30 and 45.")
    assert (event.killed.low, event.killed.high) == (30, 45)


def test_participants_active_and_passive(events_of) -> None:
    active = _first(events_of, "ISIS fighters executed twelve soldiers in Tikrit on Monday.")
    assert any("ISIS" in p.text for p in active.perpetrators)
    passive = _first(events_of, "Twelve soldiers were executed by ISIS in Tikrit on Monday.")
    assert any("ISIS" in p.text for p in passive.perpetrators)
    assert not any("ISIS" in p.text for p in passive.targets)


def test_participants_attribution_and_possessive(events_of) -> None:
    attributed = _first(events_of, "The bombing in Hilla on Friday was blamed on ISIS.")
    assert [p.how for p in attributed.perpetrators if "ISIS" in p.text] == ["blamed"]
    possessive = _first(events_of, "An ISIS suicide bomber struck a market in Baghdad on Sunday.")
    assert any("ISIS" in p.text for p in possessive.perpetrators)


def test_date_and_place_of_the_clause(events_of) -> None:
    event = _first(events_of, "On 3 March, gunmen killed four farmers in Muqdadiya.")
    assert (event.date.start, event.date.precision) == (date(2015, 3, 3), "day")
    assert event.location is not None and event.location.text == "Muqdadiya"
    assert event.quote.startswith("On 3 March")


def test_no_date_means_unknown_not_publication(events_of) -> None:
    event = _first(events_of, "Gunmen killed four farmers in Muqdadiya.")
    assert event.date.precision == "unknown"
    assert event.date.start is None


def test_non_factual_mentions_are_kept_with_their_class(events_of) -> None:
    events = events_of("If the militias were unleashed against Tikrit, they would massacre its people.")
    assert events
    assert all(not e.is_event for e in events)
    assert events[0].factuality == "hypothetical"


def test_salience_puts_factual_and_deadly_first(events_of) -> None:
    text = ("The rebels will attack the capital soon. Police arrested two men in Basra. "
            "On Monday a car bomb killed 15 people in Karbala.")
    events = events_of(text)
    assert events[0].sub_event_type == "Remote explosive/landmine/IED"
    assert events[-1].factuality == "predicted"
    assert events[0].start == text.index("On Monday")


def test_bare_toll_refers_back_to_previous_event(events_of) -> None:
    text = ("Gunmen stormed a shrine near Balad on Friday, killing pilgrims. "
            "Later reports put the number of dead at between 30 and 45.")
    events = [e for e in events_of(text) if e.is_event]
    toll = next(e for e in events if e.start == text.index("Later"))
    assert (toll.killed.low, toll.killed.high) == (30, 45)
    assert toll.sub_event_type == "Attack"
    assert toll.date.precision == "day"
    assert toll.location is not None and toll.location.text == "Balad"


def test_participants_of_coordinated_verbs(events_of) -> None:
    event = _first(events_of, "On Friday a militia raided a shrine in Samarra and executed ten civilians.")
    assert event.perpetrators
    assert any(p.actor.type == "civilians" or "civilian" in p.text for p in event.targets)
    assert not any(p.text == "Samarra" for p in event.targets)


def test_reporting_source_is_not_the_perpetrator(events_of) -> None:
    event = _first(events_of, "State television reported that gunmen killed three farmers in Hawija on Monday.")
    assert event.factuality == "reported"
    assert not any("television" in p.text.lower() for p in event.perpetrators)


def test_definite_back_reference_takes_the_earlier_date(events_of) -> None:
    text = ("Gunmen killed 20 worshippers at a mosque in Baquba on Friday. "
            "A suicide bomber had first blown himself up at the gate of the mosque.")
    events = [e for e in events_of(text) if e.is_event]
    later = next(e for e in events if e.start == text.index("A suicide"))
    assert later.sub_event_type == "Suicide bomb"
    assert later.date.precision == "day" and later.date.start is not None
    assert later.location is not None and later.location.text == "Baquba"


def test_works_on_a_bare_analysis_without_kb(nlp, make_doc) -> None:
    from faultlines.model import Analysis

    text = "Rebels shelled the airport on Monday, killing three guards. Will they shell the town again?"
    doc = make_doc(text)
    analysis = Analysis(doc, nlp(text), [], [], [], [])
    events = EventExtractor(None)(analysis)
    assert events[0].sub_event_type == "Shelling/artillery/missile attack"
    assert (events[0].killed.low, events[0].killed.high) == (3, 3)
    assert events[0].date.precision == "unknown"
    assert [e.factuality for e in events if not e.is_event] == ["hypothetical"]
    assert EventExtractor(None)(Analysis(doc, None)) == []


def test_later_weapon_detail_refines_a_generic_attack(events_of) -> None:
    text = ("Police posts were hit by coordinated attacks in four towns of Anbar on Tuesday night. "
            "Officials said the attacks were carried out with hand grenades.")
    events = [e for e in events_of(text) if e.is_event]
    first = next(e for e in events if e.start == 0)
    assert first.sub_event_type == "Grenade"


def test_a_yearly_toll_for_a_country_is_a_statistic_not_an_incident(extract) -> None:
    ex = extract("More than 9,000 civilians were killed across Iraq in 2014, the United Nations said.",
                 published=date(2015, 1, 3))
    assert not ex.factual_events
    assert any(e.factuality == "aggregate" for e in ex.events)
    ex = extract("Gunmen killed nine civilians in the town of Hit on Monday.", published=date(2015, 1, 7))
    assert ex.factual_events and ex.factual_events[0].factuality in ("asserted", "reported")


def test_participant_mention_lookup_equals_a_scan():
    """``ParticipantFinder._mentions`` bisects sorted, disjoint mentions: random lists (sorted or not, some
    overlapping) must give exactly the mentions a plain scan gives, in order."""
    import random
    from types import SimpleNamespace

    from faultlines.extract.participants import ParticipantFinder

    rng = random.Random(5)
    finder = ParticipantFinder(None, frozenset())
    for _ in range(300):
        spans, pos = [], 0
        for _ in range(rng.randint(0, 12)):
            pos += rng.randint(0, 6)
            length = rng.randint(0, 5)
            spans.append((pos, pos + length))
            pos += length
        if rng.random() < 0.3:
            rng.shuffle(spans)
        if rng.random() < 0.2 and spans:
            spans.append((spans[0][0], spans[0][1] + 3))  # an overlap
        actors = [SimpleNamespace(start=s, end=e) for s, e in spans]
        analysis = SimpleNamespace(actors=actors)
        for _ in range(10):
            start = rng.randint(0, pos + 3)
            end = start + rng.randint(0, 8)
            want = [m for m in actors if m.start < end and start < m.end]
            assert finder._mentions(analysis, start, end) == want


def test_sentences_no_trigger_can_start_are_scanned_without_error(analyzer, caplog) -> None:
    """A sentence where no word begins like any trigger (nor like an off-topic phrase) gives no hits, quietly; a
    bare toll in such a sentence still refers back to the event before it."""
    from faultlines.ingest.documents import make_document

    extractor = EventExtractor(analyzer.kb)
    text = "Gunmen attacked a checkpoint in Baiji on Monday. Officials put the number of dead at between 6 and 9."
    analysis = analyzer(make_document(raw_text=text, clean_text=text, name="t.txt", published=date(2015, 3, 10)))
    quiet = list(analysis.spacy_doc.sents)[1]
    assert extractor.hits(quiet, analysis) == []
    with caplog.at_level("ERROR"):
        events = extractor(analysis)
    assert not [r for r in caplog.records if "event extraction failed" in r.getMessage()]
    assert [e.quote for e in events if e.quote.startswith("Officials")]  # the toll became an event


@pytest.mark.parametrize("text", [
    "A military jet fighter dropped two bombs on a crowded market in Kanbalu on Tuesday.",
    "Bombs were dropped on the village school near Falam on Monday, killing six pupils.",
])
def test_bombs_dropped_from_the_air_are_an_air_strike(events_of, text):
    evs = [e for e in events_of(text) if e.is_event]
    assert evs and evs[0].sub_event_type == "Air/drone strike"


@pytest.mark.parametrize("text,sub", [
    ("Mourners gathered for 21 fishermen seized by gunmen in the port city of Sirte last month.",
     "Abduction/forced disappearance"),
    ("Rebels seized the town of Walikale on Friday.", "Non-state actor overtakes territory"),
])
def test_people_seized_are_abducted_not_a_town_taken(events_of, text, sub):
    evs = [e for e in events_of(text) if e.is_event]
    assert evs and evs[0].sub_event_type == sub


def test_fighters_captured_in_a_battle_are_no_town_taken(events_of):
    evs = [e for e in events_of("Troops captured five militants near Beni on Friday.") if e.is_event]
    assert all(e.sub_event_type not in ("Non-state actor overtakes territory", "Government regains territory")
               for e in evs)


@pytest.mark.parametrize("text,sub", [
    # "riot police" is the police's unit, not a riot
    ("Riot police chased the marchers out of the main square of Nasiriyah on Monday.", "Protest with intervention"),
    # a hyphenated word between the blow and the protester
    ("Riot police officers kicked a pro-reform demonstrator during a rally in Basra on Friday.",
     "Excessive force against protesters"),
])
def test_riot_police_do_not_make_a_riot(events_of, text, sub):
    assert _first(events_of, text).sub_event_type == sub


def test_a_town_taken_in_fighting_leads_as_a_town_taken(events_of):
    # the attack and the takeover are one event; ACLED codes a battle that changes who holds a place by the change
    text = ("Rebels attacked an army base in North Kivu province on Friday, killing 12 soldiers. "
            "The rebels then took over the town of Mutwanga.")
    events = [e for e in events_of(text) if e.is_event]
    assert events[0].sub_event_type == "Non-state actor overtakes territory"
    assert {e.doc_event for e in events} == {events[0].doc_event}


@pytest.mark.parametrize("text,sub", [
    ("Nine villagers were killed on Tuesday after a roadside bomb tore through their minibus near Kandahar.",
     "Remote explosive/landmine/IED"),
    ("Four soldiers were killed near Kadugli on Monday after their truck drove over a landmine.",
     "Remote explosive/landmine/IED"),
    ("Seven guests were killed after a suicide bomber struck a wedding hall in Kunduz on Friday.", "Suicide bomb"),
])
def test_how_the_victims_died_is_the_event(events_of, text, sub):
    # a toll told without its killers ("were killed after ..."): the clause after it says how, not an earlier event
    assert _first(events_of, text).sub_event_type == sub


@pytest.mark.parametrize("text", [
    "Rebel fighters seized the town of Kalehe on Sunday after government troops withdrew.",
    "The militia recaptured the airport of Gao on Monday following the retreat of the army.",
])
def test_a_place_taken_after_its_holders_left_is_a_non_violent_transfer(events_of, text):
    assert _first(events_of, text).sub_event_type == "Non-violent transfer of territory"


@pytest.mark.parametrize("text", [
    "Insurgents drove a suicide vehicle-borne explosive device into the gate of a police base in Ramadi on Monday.",
    "A man set off explosives near the court in Kirkuk on Thursday, killing only himself.",
])
def test_suicide_vehicle_and_self_killing_blast_are_suicide_bombs(events_of, text):
    assert _first(events_of, text).sub_event_type == "Suicide bomb"


@pytest.mark.parametrize("text", [
    "Jihadists ambushed an army patrol close to the Niger border on Monday, killing eight soldiers.",
    "Gunmen attacked a police post near the border with Mali on Monday, killing five officers.",
])
def test_the_country_across_a_border_is_not_where(events_of, text) -> None:
    events = [e for e in events_of(text) if e.is_event]
    assert events and not [e for e in events if e.location is not None and e.location.place.name in ("Niger", "Mali")]


def test_a_title_case_dateline_is_not_where(events_of) -> None:
    events = [e for e in events_of("New Delhi: As many as 300 people were killed in an attack by gunmen in the "
                                   "village of Tole in Ethiopia's Oromia region, residents said.") if e.is_event]
    assert events and not [e for e in events if e.location is not None and e.location.place.name == "New Delhi"]


@pytest.mark.parametrize("text", [
    "Later the militants fired on a police picket near Anantnag, officers said.",
    "Militants fired at an army picket near Kupwara on Monday.",
])
def test_firing_on_a_police_post_is_an_armed_clash_not_a_protest(events_of, text) -> None:
    events = events_of(text)
    assert events and all(e.sub_event_type == "Armed clash" for e in events if e.is_event), [
        (e.sub_event_type, e.factuality) for e in events]
