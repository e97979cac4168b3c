"""Relations between actor mentions: each type, direction, coordination, apposition, hyphen forms, factuality."""

from __future__ import annotations

import re

import pytest

from faultlines.model import Actor, ActorMention, Analysis, Sentence

ACTORS = {
    "Tehran": Actor("iran", "Iran", "state"),
    "Iran": Actor("iran", "Iran", "state"),
    "Washington": Actor("united-states", "United States", "state"),
    "Riyadh": Actor("saudi-arabia", "Saudi Arabia", "state"),
    "Doha": Actor("qatar", "Qatar", "state"),
    "Oman": Actor("oman", "Oman", "state"),
    "Falcon Brigade": Actor("falcon-brigade", "Falcon Brigade", "militia"),
    "Hawk Battalion": Actor("hawk-battalion", "Hawk Battalion", "militia"),
    "the northern militias": Actor("northern-militias", "Northern militias", "militia"),
    "the national army": Actor("national-army", "National Army", "military"),
    "the rebels": Actor("rebels", "Rebels", "rebel group"),
    "villagers": Actor("villagers", "Villagers", "civilians", generic=True),
    "Unity Party": Actor("unity-party", "Unity Party", "political party"),
    "Storm Corps": Actor("storm-corps", "Storm Corps", "military"),
    "Omar Haddad": Actor("omar-haddad", "Omar Haddad", "person"),
    "Karim Nasser": Actor("karim-nasser", "Karim Nasser", "person"),
    "Front": Actor("the-front", "The Front", "rebel group"),
    "Network": Actor("the-network", "The Network", "rebel group"),
}


def fake_mentions(text: str) -> list[ActorMention]:
    """A tiny stand-in for the actor recogniser: longest names first, no overlaps."""
    taken: list[tuple[int, int]] = []
    out = []
    for name in sorted(ACTORS, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text, flags=re.IGNORECASE):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            out.append(ActorMention(m.group(), m.start(), m.end(), ACTORS[name]))
    return sorted(out, key=lambda x: x.start)


@pytest.fixture(scope="module")
def relations_of(nlp):
    from faultlines.extract.relations import RelationExtractor
    from faultlines.ingest.documents import make_document

    extract = RelationExtractor(kb=None)

    def run(text: str) -> set[tuple[str, str, str]]:
        sdoc = nlp(text)
        doc = make_document(raw_text=text, clean_text=text, name="t.txt")
        sents = [Sentence(s.start_char, s.end_char, s.text) for s in sdoc.sents]
        analysis = Analysis(doc, sdoc, sents, fake_mentions(text))
        rels = extract(analysis)
        for r in rels:
            assert text[r.start : r.end] == r.quote
            assert r.subject_text and r.object_text
        return {(r.subject.id, r.relation, r.object.id) for r in rels}

    return run


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tehran finances and trains the northern militias.", ("iran", "supports", "northern-militias")),
        ("The northern militias are backed by Tehran.", ("iran", "supports", "northern-militias")),
        ("The Iran-backed Falcon Brigade entered the town.", ("iran", "supports", "falcon-brigade")),
        ("The Falcon Brigade took the bridge with the help of Tehran.", ("iran", "supports", "falcon-brigade")),
        ("The national army works hand in hand with the Falcon Brigade.", ("falcon-brigade", "allied", "national-army")),
        ("The national army is battling the rebels inside the city.", ("national-army", "fights", "rebels")),
        ("Washington carried out ten airstrikes against the rebels.", ("united-states", "fights", "rebels")),
        ("The Falcon Brigade attacked villagers near the river.", ("falcon-brigade", "attacks", "villagers")),
        ("The Unity Party condemned the Falcon Brigade on Monday.", ("unity-party", "opposes", "falcon-brigade")),
        ("The old rivalry between Riyadh and Tehran shapes the region.", ("iran", "rivals", "saudi-arabia")),
        ("The Unity Party controls the Hawk Battalion.", ("unity-party", "controls", "hawk-battalion")),
        ("Omar Haddad, head of the Storm Corps, arrived yesterday.", ("omar-haddad", "leads", "storm-corps")),
        ("The Storm Corps is led by Omar Haddad.", ("omar-haddad", "leads", "storm-corps")),
        ("Karim Nasser, a member of the Unity Party, spoke first.", ("karim-nasser", "member_of", "unity-party")),
        ("The leader is a veteran politician from the Unity Party, Karim Nasser.",
         ("karim-nasser", "member_of", "unity-party")),
        ("The Network-affiliated Front claimed the attack.", ("the-front", "member_of", "the-network")),
    ],
)
def test_relation_types(relations_of, text, expected):
    assert expected in relations_of(text)


def test_coordination_gives_each_subject(relations_of):
    found = relations_of("Support for the rebels has come from Riyadh, Doha and Oman.")
    for state in ("saudi-arabia", "qatar", "oman"):
        assert (state, "supports", "rebels") in found


def test_examples_are_members(relations_of):
    found = relations_of("Powerful groups among the northern militias such as the Falcon Brigade and the Hawk Battalion"
                         " refused.")
    found |= relations_of("They fear the northern militias, such as the Falcon Brigade and the Hawk Battalion.")
    assert ("falcon-brigade", "member_of", "northern-militias") in found
    assert ("hawk-battalion", "member_of", "northern-militias") in found


@pytest.mark.parametrize(
    "text",
    [
        "Does Tehran fund the northern militias?",
        "Tehran does not fund the northern militias.",
        "If Tehran funded the northern militias, the war would spread.",
        "Washington wants to arm the rebels.",
    ],
)
def test_not_asserted_is_not_a_relation(relations_of, text):
    found = relations_of(text)
    assert not any(rel == "supports" for _, rel, _ in found)


def test_no_relation_without_two_actors(relations_of):
    assert relations_of("The militias were funded generously last year.") == set()


def test_one_relation_per_triple_and_sentence(relations_of, nlp):
    from faultlines.extract.relations import RelationExtractor
    from faultlines.ingest.documents import make_document

    text = "Tehran has financed, armed and trained the northern militias."
    sdoc = nlp(text)
    doc = make_document(raw_text=text, clean_text=text, name="t.txt")
    rels = RelationExtractor(None)(Analysis(doc, sdoc, [Sentence(0, len(text), text)], fake_mentions(text)))
    keys = [(r.subject.id, r.relation, r.object.id, r.start) for r in rels]
    assert len(keys) == len(set(keys)) and keys


def test_lexicon_rejects_unknown_type(tmp_path):
    from faultlines.extract.relations import Lexicon

    bad = tmp_path / "rel.yaml"
    bad.write_text("verbs:\n  befriends: [like]\n", encoding="utf-8")
    with pytest.raises(ValueError):
        Lexicon.load(bad)


def test_hyphen_inside_one_mention_uses_the_kb(nlp):
    """"Iran-backed militias" recognised as a single mention still yields Iran supports the militias."""
    from faultlines.extract.relations import RelationExtractor
    from faultlines.ingest.documents import make_document

    class TinyKB:
        def lookup(self, text: str) -> Actor | None:
            return ACTORS.get(text)

    text = "Iran-backed northern militias shelled the town."
    militias = ACTORS["the northern militias"]
    mention = ActorMention("Iran-backed northern militias", 0, len("Iran-backed northern militias"), militias)
    sdoc = nlp(text)
    doc = make_document(raw_text=text, clean_text=text, name="t.txt")
    analysis = Analysis(doc, sdoc, [Sentence(0, len(text), text)], [mention])
    assert RelationExtractor(None)(analysis) == []  # one mention and no KB: nothing to relate
    found = {(r.subject.id, r.relation, r.object.id) for r in RelationExtractor(TinyKB())(analysis)}
    assert found == {("iran", "supports", "northern-militias")}


def test_main_clause_of_a_conditional_is_not_asserted(relations_of):
    assert relations_of("If the talks fail, the national army will fight the rebels.") == set()
    assert ("national-army", "fights", "rebels") in relations_of("The national army will fight the rebels.")


def test_participle_does_not_spread_over_coordination(relations_of):
    found = relations_of("The rebels and other factions led by Omar Haddad left the town.")
    assert ("omar-haddad", "leads", "rebels") not in found


def test_attributed_relation_is_reported(nlp):
    from faultlines.extract.relations import RelationExtractor
    from faultlines.ingest.documents import make_document

    def factualities(text: str) -> set[str]:
        sdoc = nlp(text)
        doc = make_document(raw_text=text, clean_text=text, name="t.txt")
        analysis = Analysis(doc, sdoc, [Sentence(0, len(text), text)], fake_mentions(text))
        return {r.factuality for r in RelationExtractor(None)(analysis) if r.relation == "supports"}

    assert factualities("Officials said that Tehran trains the northern militias.") == {"reported"}
    assert factualities("Tehran trains the northern militias.") == {"asserted"}


def test_lexicon_rejects_bare_yaml_booleans(tmp_path):
    from faultlines.extract.relations import Lexicon

    bad = tmp_path / "rel.yaml"
    bad.write_text("object_preps:\n  attacks: [on, against]\n", encoding="utf-8")
    with pytest.raises(ValueError):
        Lexicon.load(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The rebels received weapons from Doha.", ("qatar", "supports", "rebels")),
        ("Washington declared war on the rebels.", ("united-states", "fights", "rebels")),
        ("The Falcon Brigade fought alongside the national army.", ("falcon-brigade", "allied", "national-army")),
    ],
)
def test_more_cue_shapes(relations_of, text, expected):
    assert expected in relations_of(text)
