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


def test_demonyms_are_low_score_country_references(nlp, resolver: PlaceResolver) -> None:
    found = by_text(places(nlp, resolver, "Iranian advisers and Syrian officers met Iraqi commanders."))
    assert {k: v.place.country_code for k, v in found.items()} == {"Iranian": "IR", "Syrian": "SY", "Iraqi": "IQ"}
    assert all(m.relation == "demonym" and m.score < 0.5 for m in found.values())


def test_document_country_breaks_ties(nlp, resolver: PlaceResolver) -> None:
    m = by_text(places(nlp, resolver, "Voters in Texas lined up early, and Paris saw the largest crowd in the state."))
    assert m["Paris"].place.country_code == "US"
    m = by_text(places(nlp, resolver, "In France, protesters marched through Paris on Saturday."))
    assert m["Paris"].place.country_code == "FR"


def test_place_inside_a_longer_actor_mention_is_a_modifier(nlp, resolver: PlaceResolver) -> None:
    text = "The Kirkuk Brigade said it would hold the road to Kirkuk."
    actor = Actor("kirkuk-brigade", "Kirkuk Brigade", "militia")
    mentions = [m for m in places(nlp, resolver, text, [ActorMention("Kirkuk Brigade", 4, 18, actor)])
                if m.text == "Kirkuk"]
    assert [(m.start, m.relation) for m in mentions] == [(4, "modifier"), (text.rindex("Kirkuk"), None)]
    assert mentions[0].score < 0.5 <= mentions[1].score


def test_unknown_name_inside_an_actor_is_not_a_modifier(nlp, resolver: PlaceResolver) -> None:
    text = "Fighters of the Dhuluiya Jabour Tribe met in Tikrit."
    start = text.index("Dhuluiya")
    actor = Actor("tribe", "Dhuluiya Jabour Tribe", "identity militia")
    found = by_text(places(nlp, resolver, text, [ActorMention("Dhuluiya Jabour Tribe", start, start + 21, actor)]))
    assert found["Tikrit"].score >= 0.5
    assert "Jabour" not in found


def test_metonym_actor_keeps_the_place(nlp, resolver: PlaceResolver) -> None:
    text = "Baghdad rejected the demand on Monday."
    actor = Actor("iraq-government", "Government of Iraq", "state")
    mentions = places(nlp, resolver, text, [ActorMention("Baghdad", 0, 7, actor)])
    assert [(m.text, m.relation) for m in mentions] == [("Baghdad", "metonym")]
    assert mentions[0].score == pytest.approx(0.3)
    assert places(nlp, resolver, text)[0].score >= 0.5  # without the actor it is a location


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


# ------------------------------------------------------------------------------------------ precision safeguards


def test_district_is_not_matched_by_heavy_folding(nlp, resolver: PlaceResolver) -> None:
    text = "A car bomb went off in Karrada on Friday, and police in Baghdad closed the bridges."
    found = by_text(places(nlp, resolver, text))
    assert found["Karrada"].place.country_code == "IQ"
    assert found["Karrada"].place.admin1 == "Baghdad"


def test_baghdad_district_beats_a_same_named_us_town(nlp, resolver: PlaceResolver) -> None:
    text = "Mortars fell in Dora after the curfew, police in Baghdad said, and Mosul was quiet."
    found = by_text(places(nlp, resolver, text))
    assert found["Dora"].place.country_code == "IQ"


def test_small_far_town_without_support_is_dropped(nlp, resolver: PlaceResolver) -> None:
    iraq = "After clashes in Baghdad, Mosul and Kirkuk, the fighters regrouped in Opelika."
    assert "Opelika" not in by_text(places(nlp, resolver, iraq))
    us = "After storms in Montgomery and Birmingham, the volunteers regrouped in Opelika."
    assert by_text(places(nlp, resolver, us))["Opelika"].place.country_code == "US"


@pytest.mark.parametrize(
    "text",
    [
        "RAMADI, Iraq, Aug 3 (Desk) - Two soldiers were hurt by a mine.",
        "Clashes resumed in May near Kirkuk, officials in Baghdad said.",
        "On Sun the convoy left Mosul, and by Wed it had reached Erbil.",
    ],
)
def test_calendar_words_are_never_places(nlp, resolver: PlaceResolver, text: str) -> None:
    found = {m.text for m in places(nlp, resolver, text)}
    assert found and not found & {"Aug", "May", "Sun", "Wed"}


def test_capital_acting_as_government_is_a_metonym(analyze) -> None:
    an = analyze("Washington said on Monday that it would send more advisers to Baghdad.")
    found = by_text(an.places)
    assert found["Washington"].relation == "metonym" and found["Washington"].score < 0.5
    assert found["Baghdad"].score >= 0.5


def test_country_owning_an_actor_is_a_modifier_toponym(analyze) -> None:
    an = analyze("U.S. officials met tribal leaders in Ramadi on Tuesday.")
    found = by_text(an.places)
    assert found["U.S."].place.country_code == "US" and found["U.S."].relation == "modifier"
    assert found["U.S."].score < 0.5 <= found["Ramadi"].score


def test_offset_quick_test_never_skips_a_match():
    """``_offset`` skips the regular expression when the text before a place cannot end a match: on random
    text built from the pattern's own words it must agree with the plain search every time."""
    import random

    from faultlines.analyze.places import _OFFSET_RE, PlaceResolver

    rng = random.Random(3)
    words = ["north", "northern", "south-east", "of", "the", "near", "close", "to", "city", "town", "5", "km",
             "miles", "(8 km)", "around", "nearby", "outskirts", "in", "on", "x-north", "Mosul", "NORTH", "Of",
             "\u017fouth", "-", ",", "\n"]
    found = 0
    for _ in range(20000):
        text = "".join(rng.choice(words) + rng.choice([" ", "", "  ", "\n", ","]) for _ in range(rng.randint(0, 8)))
        m = _OFFSET_RE.search(text[-80:])
        assert (m is None) == (PlaceResolver._offset(text, len(text)) == (None, None)), repr(text)
        found += m is not None
    assert found > 1000


@pytest.mark.parametrize("text", [
    "  Leading spaces.\n\n\tA tab, then  double  spaces.\r\nWindows line.  ",
    "Ünïcödé — dashes … and emoji 🙂 in Raqqa.\u00a0Non-breaking space.",
    "x",
])
def test_analysis_text_is_the_parsed_text(analyzer, text):
    """The analysis takes the document's text as the parse's text (spaCy keeps it exactly): the same string."""
    from faultlines.analyze.parsed import parsed
    from faultlines.ingest.documents import make_document

    analysis = analyzer(make_document(raw_text=text, clean_text=text, name="t.txt"))
    assert parsed(analysis.spacy_doc).text == analysis.spacy_doc.text == text


@pytest.mark.parametrize(("text", "name", "cc"), [
    ("Raiders burned huts in Tandjari, a village in central Mali, on Sunday.", "Tandjari", "ML"),
    ("Soldiers searched the village of Koboko-Sare after the raid, officials in Mali said.", "Koboko-Sare", "ML"),
    ("Jets dropped two bombs on Tawbyin village in Sagaing Region of Myanmar.", "Tawbyin", "MM"),
    ("Cruise missiles struck the Syrian airbase of Tiyasfar at dawn.", "Tiyasfar", "SY"),
])
def test_unlisted_villages_the_text_names(analyzer, make_doc, text, name, cc):
    """A settlement the gazetteer does not list, named as one by the text, is a place in the text's country,
    with unknown coordinates."""
    places = analyzer(make_doc(text)).places
    hit = next((p for p in places if p.text == name), None)
    assert hit is not None, [p.text for p in places]
    assert hit.place.country_code == cc and hit.place.lat is None
    assert hit.place.precision == ("point" if "airbase" in text else "city")


def test_bearing_adjectives_are_not_offsets(analyzer, make_doc):
    text = "Gunmen raided the eastern town of Gwoza in Nigeria's northeast Borno state on Monday."
    places = {p.text: p for p in analyzer(make_doc(text)).places}
    assert places["Gwoza"].relation is None
    borno = next(p for t, p in places.items() if t.startswith("Borno"))
    assert borno.relation is None and borno.place.country_code == "NG" and borno.place.precision == "admin1"


def test_lower_case_words_are_not_places_in_mixed_case_text(analyzer, make_doc):
    text = "Bodies lay in the bush outside the town of Gwoza in Nigeria after the attack."
    assert "bush" not in {p.text for p in analyzer(make_doc(text)).places}


def test_city_named_without_its_city_word(analyzer, make_doc):
    """'Marawi' for the gazetteer's 'Marawi City', as news writes it."""
    places = analyzer(make_doc("Soldiers killed two rebel leaders in Marawi on Monday, the army said.")).places
    assert any(p.text == "Marawi" and p.place.name == "Marawi City" for p in places)


def test_a_name_after_a_title_is_a_person(analyzer, make_doc):
    text = "A drone strike near Quetta killed Mullah Mansour and his driver, officials said."
    assert "Mansour" not in {p.text for p in analyzer(make_doc(text)).places}


@pytest.mark.parametrize("text,name", [
    ("Soldiers found 60 bodies at the north-eastern fishing settlement of Tumbun Rego in Nigeria on Sunday.", "Tumbun Rego"),
    ("Fighters shelled the rebel-held town of Kafr Nabl in Syria at dawn.", "Kafr Nabl"),
    ("Jets bombed the hill town of Kidal in Mali overnight.", "Kidal"),
])
def test_a_place_the_text_calls_a_town_or_settlement(nlp, resolver: PlaceResolver, text: str, name: str) -> None:
    found = by_text(places(nlp, resolver, text))
    assert name in found and found[name].place.precision in ("city", "point")


def test_sinai_is_north_sinai(nlp, resolver: PlaceResolver) -> None:
    found = by_text(places(nlp, resolver, "Egyptian jets struck militant hideouts in Sinai on Friday, the army said."))
    assert found["Sinai"].place.country_code == "EG" and found["Sinai"].place.admin1 == "North Sinai"


def test_an_unlisted_village_near_a_border_stays_in_its_district_s_country(analyzer) -> None:
    from faultlines.ingest.documents import make_document

    text = ("Gunmen attacked the village of Kolongo, in the district of Bankass, near the border with Burkina Faso, "
            "killing 30 people in Mali.")
    analysis = analyzer(make_document(raw_text=text, clean_text=text, name="t.txt"))
    kolongo = next(p for p in analysis.places if p.text == "Kolongo")
    assert kolongo.place.country_code == "ML"


@pytest.mark.parametrize(("text", "name", "country"), [
    ("Rebels raided a village in eastern Congo on Friday.", "Congo", "CD"),
    ("Militiamen burned homes in the Democratic Republic of Congo last week.", "Democratic Republic of Congo", "CD"),
    ("ADF fighters kill nine farmers in DRC", "DRC", "CD"),
    ("Gunmen shot four people in the Republic of Congo on Monday.", "Republic of Congo", "CG"),
    ("Junta jets bombed a school in Burma on Tuesday.", "Burma", "MM"),
])
def test_countries_by_the_names_the_news_uses(nlp, resolver: PlaceResolver, text, name, country) -> None:
    """Countries under the names reports give them, not only GeoNames' own ("Congo" is not El Congo, El Salvador)."""
    found = by_text(places(nlp, resolver, text))
    assert found[name].place.country_code == country and found[name].place.precision == "country", found


@pytest.mark.parametrize(("text", "name"), [
    ("El-Fasher, the capital of a state in Darfur, has been besieged for months.", "El-Fasher"),
    ("The paramilitaries shelled El-Obeid overnight, residents said.", "El-Obeid"),
])
def test_a_hyphenated_town_name_the_model_calls_an_organisation(nlp, resolver: PlaceResolver, text, name) -> None:
    found = by_text(places(nlp, resolver, text))
    assert name in found and found[name].place.country_code == "SD", found


def test_a_long_country_name_the_model_splits(nlp, resolver: PlaceResolver) -> None:
    found = by_text(places(nlp, resolver, "Militiamen burned a church in eastern Democratic Republic of the Congo."))
    assert found["Democratic Republic of the Congo"].place.country_code == "CD", found
