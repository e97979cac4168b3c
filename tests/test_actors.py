"""Actor knowledge base (data files, normalization, user files) and the actor recognizer on sentences we wrote."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from faultlines.analyze.actor_kb import name_key
from faultlines.analyze.actors import ActorKB, ActorRecognizer, normalize_name
from faultlines.model import Actor

ACTOR_TYPES = {
    "state forces", "rebel group", "political militia", "identity militia", "rioters", "protesters", "civilians",
    "external/other forces", "person", "political party", "organization", "coalition", "state",
}


@pytest.fixture(scope="module")
def kb() -> ActorKB:
    return ActorKB.load()


@pytest.fixture(scope="module")
def recognize(nlp, kb):
    recognizer = ActorRecognizer(kb, nlp)

    def _run(text: str) -> list[tuple[str, str, str]]:
        return [(m.text, m.actor.id, m.how) for m in recognizer(nlp(text))]

    return _run


def ids(found: list[tuple[str, str, str]]) -> list[str]:
    return [aid for _, aid, _ in found]


# ---------------------------------------------------------------------------------------------------- the KB


def test_kb_is_large_and_consistent(kb):
    assert len(kb) >= 150
    actor_ids = [a.id for a in kb.actors]
    assert len(actor_ids) == len(set(actor_ids))
    for actor in kb.actors:
        assert actor.type in ACTOR_TYPES, actor
        if actor.part_of:
            assert kb.get(actor.part_of) is not None, f"{actor.id}: part_of {actor.part_of}"


def test_no_alias_names_two_actors(kb):
    assert kb.conflicts == []
    owners: dict[tuple[str, ...], set[str]] = {}
    for actor in kb.actors:
        if actor.generic:
            continue
        for alias in actor.aliases:
            owners.setdefault(name_key(alias), set()).add(actor.id)
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    assert shared == {}


def test_loading_is_cached(kb):
    assert ActorKB.load() is kb


def test_ancestors_follow_part_of(kb):
    chain = [a.id for a in kb.ancestors("quds-force")]
    assert chain[:2] == ["irgc", "iran"]
    assert [a.id for a in kb.ancestors("badr")] == ["popular-mobilization-forces", "shia-militias"]
    assert kb.ancestors("iran") == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("al-Maliki", "Maliki"),
        ("Asa'ib Ahl al-Haq", "Asaib Ahl al Haq"),
        ("Asa’ib Ahl al-Haq", "asaʿib ahl al haq"),
        ("the Islamic State", "Islamic State"),
        ("Counter-Terrorism Service", "counter terrorism service"),
        ("Médecins Sans Frontières", "Medecins Sans Frontieres"),
        ("Iran's", "Iran"),
        ("U.S.", "US"),
    ],
)
def test_normalize_name_equates_variants(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_normalize_name_keeps_distinct_names_apart():
    assert normalize_name("Islamic State of Iraq") != normalize_name("Islamic State")
    assert normalize_name("Badr") != normalize_name("Baghdad")


def test_lookup_by_alias_variants(kb):
    assert kb.lookup("Da’wah Party").id == "dawa-party"
    assert kb.lookup("Nuri al-Maliki").id == "nouri-al-maliki"
    assert kb.lookup("DAESH").id == "isis"
    assert kb.lookup("Hashd al-Sha'abi").id == "popular-mobilization-forces"
    assert kb.lookup("no such group anywhere") is None


def test_generic_and_new_actors(kb):
    assert kb.generic("gunmen").id == "unidentified-armed-group"
    assert kb.generic("worshippers").id == "civilians"
    a = kb.new_actor("Brigade of the  Northern Lights", "organization")
    b = kb.new_actor("brigade of the northern lights", "organization")
    assert a.id == b.id and a.known is False and a.type == "organization"
    assert kb.get(a.id) == a


def test_user_files_add_actors_and_aliases(tmp_path: Path):
    yml = tmp_path / "mine.yaml"
    yml.write_text(
        "- id: crescent-guard\n  name: Crescent Guard\n  type: political militia\n  country: IQ\n"
        "  aliases: [Liwa al-Hilal]\n  part_of: shia-militias\n"
        "- id: isis\n  aliases: [Tanzim al-Dawla]\n",
        encoding="utf-8",
    )
    csv = tmp_path / "more.csv"
    csv.write_text("id,name,type,country,aliases,part_of\nriver-watch,River Watch,organization,IQ,RW|Nahr Watch,\n",
                   encoding="utf-8")
    kb = ActorKB.load([yml, csv])
    assert kb.lookup("Liwa al Hilal").id == "crescent-guard"
    assert kb.get("crescent-guard").part_of == "shia-militias"
    assert kb.lookup("Tanzim al-Dawla").id == "isis"
    assert kb.lookup("ISIL").id == "isis"  # the shipped aliases are kept
    assert kb.lookup("Nahr Watch").id == "river-watch"
    assert len(kb) == len(ActorKB.load()) + 2


# ---------------------------------------------------------------------------------------------------- recognizer


def test_isis_names_are_one_actor(recognize):
    found = recognize("ISIL took the town, Daesh lost a village and ISIS fighters shelled a road. "
                      "The Islamic State of Iraq and the Levant denied it.")
    assert set(ids(found)) == {"isis"}
    assert len(found) == 4


def test_lowercase_is_never_isis(recognize):
    assert "isis" not in ids(recognize("the town is quiet and the army is near."))
    assert "isis" not in ids(recognize("It IS hard to say, he said."))
    assert ids(recognize("IS fighters stormed the town."))[:1] == ["isis"]
    assert "isis" not in ids(recognize("the enemy is fighters and guns, said the mayor."))


def test_us_only_upper_case(recognize):
    assert "united-states" not in ids(recognize("They told us that the militia left."))
    assert "united-states" in ids(recognize("The US sent advisers."))
    assert ("US", "united-states", "kb") in recognize("An aide said that US operations would go on.")


def test_defined_acronym_maps_later_mentions(recognize):
    found = recognize("The Iraqi Security Forces (ISF) entered the city. By noon the ISF held the bridge.")
    isf = [f for f in found if f[0] == "ISF"]
    assert len(isf) == 2 and all(f[1] == "iraqi-security-forces" for f in isf)


def test_acronym_of_unknown_group_becomes_new_actor(recognize):
    found = recognize("The Tigris Valley Defenders (TVD) blocked the road. Later TVD gunmen withdrew.")
    long_name = [f for f in found if f[0] == "Tigris Valley Defenders"]
    assert long_name and long_name[0][2] == "new"
    assert [f[1] for f in found if f[0] == "TVD"] == [long_name[0][1]] * 2


def test_formerly_known_as_defines_aliases(recognize):
    found = recognize("The Islamic State (formerly known as ISIS or ISIL) attacked.")
    assert [(f[0], f[1]) for f in found] == [("Islamic State", "isis"), ("ISIS", "isis"), ("ISIL", "isis")]


def test_surname_backs_off_to_full_name(recognize):
    found = recognize("Haider al-Abadi met tribal leaders. Abadi later flew to Erbil.")
    assert [f[1] for f in found if f[0] in ("Haider al-Abadi", "Abadi")] == ["haider-al-abadi"] * 2


def test_backoff_for_unknown_person(recognize):
    found = recognize("Karim Hassan Dulaimi, a local sheikh, spoke on Monday. Dulaimi said the road was closed.")
    people = [f for f in found if "Dulaimi" in f[0]]
    assert len(people) == 2 and people[0][1] == people[1][1]
    assert people[1][2] == "backoff"


def test_generic_phrase_with_identity_adjective(recognize):
    found = recognize("A Shiite militia stormed the village and Sunni villagers fled.")
    assert ("shia-militias" in ids(found)) and ("sunni-civilians" in ids(found))
    found = recognize("Shiite gunmen opened fire on Kurdish villagers.")
    assert ("Shiite gunmen", "shia-militias", "demonym") in found
    assert [f[1] for f in found if "villagers" in f[0]] == ["kurdish-civilians"]


def test_generic_nouns_are_typed(kb, recognize):
    found = recognize("Gunmen killed five worshippers and two policemen.")
    assert ids(found) == ["unidentified-armed-group", "civilians", "police-unspecified"]
    assert all(kb.get(i) is not None for i in ids(found))


def test_demonym_names_a_state(recognize):
    found = recognize("The town was retaken with Iranian support and American air cover.")
    assert ("Iranian", "iran", "demonym") in found
    assert ("American", "united-states", "demonym") in found


def test_demonym_before_place_word_is_no_actor(recognize):
    assert ids(recognize("They fled across the Syrian border.")) == []


def test_country_adjective_with_force_noun_maps_to_forces(recognize):
    assert ids(recognize("Turkish troops crossed the river.")) == ["turkish-armed-forces"]
    assert ids(recognize("Iraqi troops and the Syrian regime traded blame.")) == [
        "iraqi-security-forces", "syria-government"]
    assert ids(recognize("Iraqi policemen guarded the gate.")) == ["iraqi-security-forces"]


def test_unknown_org_becomes_new_actor(recognize, kb):
    found = recognize("The Mesopotamian Relief Foundation said on Monday that food was short.")
    orgs = [f for f in found if "Mesopotamian" in f[0]]
    assert orgs and orgs[0][2] == "new"
    actor = kb.get(orgs[0][1])
    assert actor is not None and actor.known is False


def test_capital_as_agent_is_actor_but_as_location_is_not(recognize):
    found = recognize("Baghdad announced a curfew after the bombing in Baghdad.")
    assert [(f[0], f[1]) for f in found] == [("Baghdad", "iraq-government")]
    assert ids(recognize("Tehran's envoy arrived.")) == ["iran"]
    assert ids(recognize("The delegation flew to Tehran.")) == []


def test_country_name_as_place_is_not_actor(recognize):
    assert "iran" not in ids(recognize("Pilgrims travelled from Iran by bus."))
    assert "iran" in ids(recognize("Iran funds the militia."))
    assert "qatar" in ids(recognize("Money for the rebels came from Qatar."))
    assert "qatar" not in ids(recognize("The envoy came from Qatar."))


def test_mentions_are_sorted_and_disjoint(recognize, nlp, kb):
    text = ("Iran-backed Shia militias and the Iraqi army fought ISIS near Tikrit while US warplanes struck "
            "and Kurdish Peshmerga held the north. Maliki blamed Saudi Arabia.")
    mentions = ActorRecognizer(kb, nlp)(nlp(text))
    starts = [m.start for m in mentions]
    assert starts == sorted(starts)
    for a, b in zip(mentions, mentions[1:], strict=False):
        assert a.end <= b.start
    for m in mentions:
        assert text[m.start : m.end] == m.text
    assert [m.actor.id for m in mentions if m.how == "kb"][:2] == ["shia-militias", "iraqi-security-forces"]


def test_longest_alias_wins(recognize):
    found = recognize("The Islamic State of Iraq claimed the attack.")
    assert ids(found) == ["isi"]


def test_user_alias_recognized(tmp_path, nlp):
    yml = tmp_path / "extra.yaml"
    yml.write_text("- id: crescent-guard\n  name: Crescent Guard\n  type: political militia\n"
                   "  aliases: [Liwa al-Hilal]\n", encoding="utf-8")
    recognizer = ActorRecognizer(ActorKB.load([yml]), nlp)
    mentions = recognizer(nlp("Fighters of Liwa al-Hilal seized the bridge."))
    assert [m.actor.id for m in mentions if m.how == "kb"] == ["crescent-guard"]


def test_how_values_are_known(recognize):
    found = recognize("The Nineveh Border Brigade (NBB) and gunmen clashed; Iranian advisers watched. "
                      "Salwan Ibrahim Kanaan said Kanaan would leave. Maliki spoke.")
    assert set(Counter(f[2] for f in found)) <= {"kb", "acronym", "backoff", "demonym", "generic", "ner", "new"}


def test_generic_actor_records(kb):
    g = kb.get("unidentified-armed-group")
    assert isinstance(g, Actor) and g.generic
    assert kb.lookup("Unidentified armed group") is None  # generic actors are found by their nouns, not by name


def test_identity_of_a_site_passes_to_its_worshippers(recognize):
    found = recognize("Gunmen stormed a Sunni mosque and killed twenty worshippers.")
    assert [f[1] for f in found if f[0] == "worshippers"] == ["sunni-civilians"]
    found = recognize("Gunmen stormed a mosque and killed twenty worshippers.")
    assert [f[1] for f in found if f[0] == "worshippers"] == ["civilians"]


def test_lowercase_text_defines_acronyms(recognize):
    found = recognize("members of the river valley patriotic union (rvpu) burned a bus. later the rvpu denied it.")
    rvpu = [f for f in found if f[0] == "rvpu"]
    assert len(rvpu) == 2 and rvpu[0][1] == rvpu[1][1]
    assert "isis" not in ids(recognize("the mayor said the attack is over and the city is calm."))


def test_unicode_variants(recognize):
    assert ids(recognize("Da\u0301esh attacked the village.")) == ["isis"]
    assert ids(recognize("Asa\u2019ib Ahl al-Haq denied it.")) == ["asaib-ahl-al-haq"]


def test_arabic_article_kept_in_span(recognize):
    found = recognize("Officials loyal to al-Maliki resigned.")
    assert ("al-Maliki", "nouri-al-maliki", "kb") in found


def test_civilians_of_a_named_community(recognize):
    found = recognize("The militia detained residents from the Yazidi community.")
    assert [f[1] for f in found if f[0] == "residents"] == ["yazidis"]


def test_a_town_named_as_a_town_is_not_an_actor(recognize):
    found = recognize("Warplanes struck the coastal town of Zuwara in western Libya, killing four people.")
    assert not any(text == "Zuwara" for text, _, _ in found)



def test_a_state_and_its_capital_named_as_such_are_not_actors(analyzer):
    from datetime import date

    from faultlines.ingest.documents import make_document

    text = "On Monday, crowds angry at the police burned state offices in Guerrero’s capital, Chilpancingo."
    doc = make_document(raw_text=text, clean_text=text, name="t.txt", published=date(2015, 2, 20))
    names = {m.text for m in analyzer(doc).actors}
    assert "Guerrero" not in names and "Chilpancingo" not in names
