"""Toponym resolution with document context, on sentences written for these tests."""

from __future__ import annotations

import pytest

from faultlines.analyze.gazetteer import Gazetteer
from faultlines.analyze.places import RULER_NAME, PlaceResolver
from faultlines.model import Actor, ActorMention


@pytest.fixture(scope="module")
def resolver(nlp) -> PlaceResolver:
    gaz = Gazetteer.load()
    PlaceResolver.add_to_pipeline(nlp, gaz)
    return PlaceResolver(gaz)


def places(nlp, resolver: PlaceResolver, text: str, actors=()):
    return resolver(nlp(text), None, list(actors))


def by_text(mentions):
    return {m.text: m for m in mentions}


def test_ruler_is_added_once(nlp, resolver: PlaceResolver) -> None:
    PlaceResolver.add_to_pipeline(nlp, resolver.gazetteer)
    assert nlp.pipe_names.count(RULER_NAME) == 1
    assert nlp.pipe_names.index(RULER_NAME) < nlp.pipe_names.index("ner")


def test_province_phrase_resolves_to_admin1(nlp, resolver: PlaceResolver) -> None:
    m = by_text(places(nlp, resolver, "Police reported a bombing in Diyala province late on Tuesday."))
    assert "Diyala province" in m
    assert m["Diyala province"].place.precision == "admin1"
    assert m["Diyala province"].place.admin1 == "Diyala"


@pytest.mark.parametrize(
    ("sentence", "name", "admin1"),
    [
        ("Two roadside bombs went off in Baquba on Sunday morning.", "Baquba", "Diyala"),
        ("Refugees from Camp Ashraf were moved by bus.", "Camp Ashraf", "Diyala"),
        ("Tribal fighters gathered near Hawija before dawn.", "Hawija", "Kirkuk"),
        ("Food was dropped over Amerli after weeks of siege.", "Amerli", "Salah ad Din"),
        ("Army units pushed north of Mosul during the week.", "Mosul", "Nineveh"),
        ("Shelling continued in Al-Fallujah for a third day.", "Al-Fallujah", "Anbar"),
        ("The convoy reached Fallujah at noon.", "Fallujah", "Anbar"),
        ("Militiamen entered Tikrit from the south.", "Tikrit", "Salah ad Din"),
    ],
)
def test_seed_places(nlp, resolver: PlaceResolver, sentence: str, name: str, admin1: str) -> None:
    m = by_text(places(nlp, resolver, sentence))
    assert name in m, [x.text for x in m.values()]
    assert m[name].place.country_code == "IQ"
    assert m[name].place.admin1 == admin1


def test_town_is_not_a_person(nlp, resolver: PlaceResolver) -> None:
    sdoc = nlp("Amerli held out for eighty days while its residents waited for help.")
    assert not [e for e in sdoc.ents if e.text == "Amerli" and e.label_ == "PERSON"]
    assert "Amerli" in by_text(resolver(sdoc, None, []))


def test_bearing_and_distance_in_miles(nlp, resolver: PlaceResolver) -> None:
    m = by_text(places(nlp, resolver, "The town lies 75 miles northeast of Baghdad, close to the border."))
    assert m["Baghdad"].relation == "northeast"
    assert m["Baghdad"].distance_km == pytest.approx(120.7, abs=0.2)


def test_near_relation(nlp, resolver: PlaceResolver) -> None:
    m = by_text(places(nlp, resolver, "A checkpoint near Samarra was attacked, and Kirkuk stayed calm."))
    assert m["Samarra"].relation == "near"
    assert m["Kirkuk"].relation is None


def test_demonyms_are_not_places(nlp, resolver: PlaceResolver) -> None:
    found = {m.text for m in places(nlp, resolver, "Iranian advisers and Syrian officers met Iraqi commanders.")}
    assert not found & {"Iranian", "Syrian", "Iraqi"}


def test_document_country_breaks_ties(nlp, resolver: PlaceResolver) -> None:
    m = by_text(places(nlp, resolver, "Voters in Texas lined up early, and Paris saw the largest crowd in the state."))
    assert m["Paris"].place.country_code == "US"
    m = by_text(places(nlp, resolver, "In France, protesters marched through Paris on Saturday."))
    assert m["Paris"].place.country_code == "FR"


def test_span_inside_a_longer_actor_mention_is_skipped(nlp, resolver: PlaceResolver) -> None:
    text = "The Kirkuk Brigade said it would hold the road to Kirkuk."
    actor = Actor("kirkuk-brigade", "Kirkuk Brigade", "militia")
    mentions = places(nlp, resolver, text, [ActorMention("Kirkuk Brigade", 4, 18, actor)])
    assert [m.start for m in mentions if m.text == "Kirkuk"] == [text.rindex("Kirkuk")]


def test_metonym_actor_keeps_the_place(nlp, resolver: PlaceResolver) -> None:
    text = "Baghdad rejected the demand on Monday."
    actor = Actor("iraq-government", "Government of Iraq", "state")
    mentions = places(nlp, resolver, text, [ActorMention("Baghdad", 0, 7, actor)])
    assert [m.text for m in mentions] == ["Baghdad"]


def test_mentions_are_sorted_and_offsets_index_the_text(nlp, resolver: PlaceResolver) -> None:
    text = "Fighting spread from Ramadi to Haditha and then to Mosul."
    mentions = places(nlp, resolver, text)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    for m in mentions:
        assert text[m.start:m.end] == m.text


def test_empty_text(nlp, resolver: PlaceResolver) -> None:
    assert places(nlp, resolver, "") == []


def test_bare_city_name_beats_its_namesake_province(nlp, resolver: PlaceResolver) -> None:
    m = by_text(places(nlp, resolver, "Displaced families reached Irbil and Kirkuk by road."))
    assert m["Irbil"].place.precision == "city" and m["Irbil"].place.admin1 == "Erbil"
    assert m["Kirkuk"].place.precision == "city"


def test_acronyms_and_surnames_are_not_places(nlp, resolver: PlaceResolver) -> None:
    text = "NATO officials met Haider al-Abadi and Maliki in the capital, and US envoys joined them."
    found = by_text(places(nlp, resolver, text))
    assert "NATO" not in found and "Abadi" not in found and "Maliki" not in found
    assert found["US"].place.precision == "country"


def test_capitalised_dateline_is_a_place(nlp, resolver: PlaceResolver) -> None:
    text = "KIRKUK, Iraq - Officials said the road had reopened.\nBASRA (Staff) - Crowds gathered."
    found = by_text(places(nlp, resolver, text))
    assert found["KIRKUK"].place.admin1 == "Kirkuk"
    assert found["BASRA"].place.country_code == "IQ"
