"""Framing: labels used for actors, loaded terms near them, tone, and the per-outlet table."""

from __future__ import annotations

import re

import pytest

from faultlines.model import Actor, ActorMention, Analysis, FramingMention, Sentence

STATE = Actor("northland", "Northland", "state")
GROUP = Actor("falcon-brigade", "Falcon Brigade", "militia")
NAMES = {"Northland": STATE, "Northlandish": STATE, "Falcon Brigade": GROUP}


def mentions_in(text: str) -> list[ActorMention]:
    out = []
    for name in sorted(NAMES, key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(name)}\b", text):
            if not any(o.start < m.end() and m.start() < o.end for o in out):
                out.append(ActorMention(m.group(), m.start(), m.end(), NAMES[name]))
    return sorted(out, key=lambda x: x.start)


@pytest.fixture(scope="module")
def frame(nlp):
    from faultlines.extract.framing import FramingAnalyzer
    from faultlines.ingest.documents import make_document

    analyzer = FramingAnalyzer()

    def run(text: str) -> list[FramingMention]:
        sdoc = nlp(text)
        doc = make_document(raw_text=text, clean_text=text, name="t.txt")
        sents = [Sentence(s.start_char, s.end_char, s.text) for s in sdoc.sents]
        return analyzer(Analysis(doc, sdoc, sents, mentions_in(text)))

    return run


def test_label_includes_the_noun_used(frame):
    fms = frame("The Northlandish regime closed the border crossing.")
    assert len(fms) == 1
    assert fms[0].label == "Northlandish regime"
    assert fms[0].loaded_terms == ("regime",)
    assert fms[0].tone < 0


def test_loaded_terms_near_the_actor(frame):
    fms = frame("The Falcon Brigade, a brutal terrorist outfit, burned the market.")
    fm = next(f for f in fms if f.actor.id == "falcon-brigade")
    assert {"brutal", "terrorist"} <= set(fm.loaded_terms)
    assert fm.tone <= -0.5


def test_hostile_wording_has_lower_tone(frame):
    hostile = frame("The savage Falcon Brigade butchered prisoners.")[0]
    neutral = frame("The Falcon Brigade held a meeting.")[0]
    friendly = frame("The brave Falcon Brigade rescued the families.")[0]
    assert hostile.tone < neutral.tone < friendly.tone
    assert neutral.tone == 0.0


def test_hedge_turns_a_favourable_label(frame):
    plain = frame("Northland armed the moderate Falcon Brigade.")
    hedged = frame("Northland armed the so-called moderate Falcon Brigade.")
    tone = {f.actor.id: f.tone for f in plain}["falcon-brigade"]
    hedged_tone = {f.actor.id: f.tone for f in hedged}["falcon-brigade"]
    assert hedged_tone < 0 < tone


def test_one_mention_per_actor_and_sentence(frame):
    fms = frame("Northland said Northland would never talk to the Falcon Brigade. Northland then left.")
    keys = [(f.actor.id, f.sentence_start) for f in fms]
    assert len(keys) == len(set(keys)) == 3


def test_framing_table_and_compare_outlets():
    from faultlines.extract.framing import compare_outlets, framing_table

    rows = [
        ("Daily A", FramingMention(GROUP, "terrorist Falcon Brigade", 0, 10, ("terrorist",), -1.0)),
        ("Daily A", FramingMention(GROUP, "Falcon Brigade", 20, 30, (), -0.5)),
        ("Daily B", FramingMention(GROUP, "Falcon Brigade fighters", 0, 12, ("heroes",), 0.8)),
        ("Daily B", FramingMention(STATE, "Northland", 0, 12, (), 0.0)),
    ]
    table = framing_table(rows)
    a = next(r for r in table if r["outlet"] == "Daily A" and r["actor"] == "falcon-brigade")
    assert a["sentences"] == 2 and a["tone"] == -0.75
    assert a["loaded_terms"] == {"terrorist": 1}
    assert a["examples"] == [[0, 10], [20, 30]]
    cmp = compare_outlets(table, "falcon-brigade")
    assert cmp["most_hostile"] == "Daily A" and cmp["most_favourable"] == "Daily B"
    assert cmp["distinct_labels"]["Daily A"] == ["falcon brigade", "terrorist falcon brigade"]
    assert cmp["tone_spread"] == pytest.approx(1.55)


def test_lexicon_rejects_tone_out_of_range(tmp_path):
    from faultlines.extract.framing import FramingLexicon

    bad = tmp_path / "framing.yaml"
    bad.write_text("loaded:\n  odd:\n    tone: 3\n    terms: [odd]\n", encoding="utf-8")
    with pytest.raises(ValueError):
        FramingLexicon.load(bad)


def test_victims_of_violence_are_framed_sympathetically(frame):
    victim = {f.actor.id: f.tone for f in frame("The Falcon Brigade shelled Northland.")}
    assert victim["northland"] > 0 > victim["falcon-brigade"]
    label = frame("The Falcon Brigade shelled Northland.")
    assert {f.label for f in label} == {"Falcon Brigade", "Northland"}
