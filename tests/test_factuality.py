"""Factuality classes of event mentions, read off the parse around the trigger."""

from __future__ import annotations

from datetime import date

import pytest

from faultlines.extract.factuality import classify_factuality, clause_chain
from faultlines.model import TimeExpression


def _classify(nlp, text: str, trigger: str, **kw) -> str:
    doc = nlp(text)
    tok = next(t for t in doc if t.text == trigger)
    return classify_factuality(doc[:], None, trigger=tok, **kw)


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        ("Rebels shelled the airport on Monday.", "shelled", "asserted"),
        ("Witnesses said rebels shelled the airport on Monday.", "shelled", "reported"),
        ("According to the governor, rebels shelled the airport.", "shelled", "reported"),
        ("What would happen if the militias were sent against the northern towns?", "sent", "hypothetical"),
        ("Officials fear revenge attacks if the army retakes the valley.", "retakes", "hypothetical"),
        ("If the rebels had won, the capital would look very different today.", "look", "hypothetical"),
        ("Is the army going to shell the town?", "shell", "hypothetical"),
        ("The rebels will attack the base next week.", "attack", "predicted"),
        ("The outcome could be a massacre on a huge scale.", "massacre", "predicted"),
        ("The group has threatened to bomb the bridge.", "bomb", "predicted"),
        ("The army plans to storm the valley.", "storm", "predicted"),
        ("Villagers armed themselves against a possible attack by the rebels.", "attack", "predicted"),
        ("The militia did not attack the convoy.", "attack", "negated"),
        ("The ministry denied that troops fired on the crowd.", "fired", "negated"),
        ("Almost every day, traders are kidnapped by armed gangs on the road.", "kidnapped", "habitual"),
        ("Smugglers routinely abduct migrants near the border.", "abduct", "habitual"),
        ("Bandits ambush buses on remote roads, killing passengers.", "killing", "habitual"),
        ("They loot, they burn, they kill anyone who resists.", "loot", "habitual"),
    ],
)
def test_factuality_classes(nlp, text: str, trigger: str, expected: str) -> None:
    assert _classify(nlp, text, trigger) == expected


def test_headline_present_is_not_habitual(nlp) -> None:
    assert _classify(nlp, "Rebels seize key town in the north", "seize") == "asserted"


def test_background_needs_an_old_date_and_framing(nlp) -> None:
    class _Doc:
        published = date(2015, 5, 1)

    class _Analysis:
        document = _Doc()
        places: list = []
        times: list = []

    old = TimeExpression("2006", 0, 4, date(2006, 1, 1), date(2006, 12, 31), "year")
    text = "During the civil war of 2006, militias killed thousands of people."
    doc = nlp(text)
    tok = next(t for t in doc if t.text == "killed")
    assert classify_factuality(doc[:], _Analysis(), trigger=tok, event_date=old) == "background"
    recent = TimeExpression("April", 0, 5, date(2015, 4, 1), date(2015, 4, 30), "month")
    assert classify_factuality(doc[:], _Analysis(), trigger=tok, event_date=recent) == "asserted"
    dated = nlp("In 2013 police violently dispersed a sit-in in the town of Qaraqosh.")
    tok = next(t for t in dated if t.text == "dispersed")
    two_years = TimeExpression("2013", 3, 7, date(2013, 1, 1), date(2013, 12, 31), "year")
    # a named place and a concrete action a year or two back: a dated past incident
    assert classify_factuality(dated[:], _Analysis(), trigger=tok, event_date=two_years, specific=True) == "asserted"
    # more than three years back it is history told as context, even with a named place (ACLED codes events
    # from near-time reports)
    assert classify_factuality(dated[:], _Analysis(), trigger=tok, event_date=old, specific=True) == "background"


def test_clause_chain_stops_at_relative_clause(nlp) -> None:
    doc = nlp("Police said the men who planted the bomb would be tried.")
    planted = next(t for t in doc if t.text == "planted")
    assert [t.text for t in clause_chain(planted)] == ["planted"]
    would = next(t for t in doc if t.text == "tried")
    assert "said" in [t.text for t in clause_chain(would)]


@pytest.mark.parametrize("published", [date(2015, 5, 1), date(2007, 3, 1)])
def test_background_test_alone_agrees_with_the_full_classification(nlp, published) -> None:
    """Events re-check a factual mention with its date through ``is_background`` alone: for every mention that
    ``classify_factuality`` finds asserted or reported, the two must agree, whatever the date and place."""
    from faultlines.extract.factuality import is_background
    from faultlines.model import EVENT_FACTUALITIES

    class _Doc:
        pass

    class _Analysis:
        document = _Doc()
        places: list = []
        times: list = []

    _Analysis.document.published = published  # type: ignore[attr-defined]
    texts = [
        "During the civil war of 2006, militias killed thousands of people.",
        "In 2013 police violently dispersed a sit-in in the town of Qaraqosh.",
        "Witnesses said rebels shelled the airport in 2005.",
        "Rebels shelled the airport on Monday.",
        "The militia did not attack the convoy in 2004.",
        "The massacre of 1988 is still remembered as a turning point of the war.",
    ]
    dates = [None, TimeExpression("2006", 0, 4, date(2006, 1, 1), date(2006, 12, 31), "year"),
             TimeExpression("April", 0, 5, date(2015, 4, 1), date(2015, 4, 30), "month"),
             TimeExpression("1988", 0, 4, date(1988, 1, 1), date(1988, 12, 31), "year")]
    checked = backgrounds = 0
    for text in texts:
        doc = nlp(text)
        for tok in doc:
            if tok.pos_ not in ("VERB", "NOUN"):
                continue
            if classify_factuality(doc[:], _Analysis(), trigger=tok) not in EVENT_FACTUALITIES:
                continue
            for when in dates:
                for specific in (False, True):
                    full = classify_factuality(doc[:], _Analysis(), trigger=tok, event_date=when, specific=specific)
                    alone = is_background(doc[:], _Analysis(), when, specific)
                    assert (full == "background") == alone, (text, tok.text, when, specific)
                    checked += 1
                    backgrounds += alone
    assert checked > 50 and backgrounds > 5


def test_a_modal_above_a_past_tense_clause_does_not_make_it_predicted(nlp):
    doc = nlp("We will remind readers that on March 3 the enemy shelled the bridge near Izium.")
    trigger = next(t for t in doc if t.lower_ == "shelled")
    assert classify_factuality(doc[:], trigger=trigger) == "asserted"
    doc = nlp("The army will shell the bridge near Izium tomorrow.")
    trigger = next(t for t in doc if t.lower_ == "shell")
    assert classify_factuality(doc[:], trigger=trigger) == "predicted"
