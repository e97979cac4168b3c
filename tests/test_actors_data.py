"""The actor data files: schema of the shipped YAML, and every cross-reference resolving to a known actor."""

from __future__ import annotations

from pathlib import Path

import yaml

from faultlines.analyze.actor_kb import ACTOR_DIR, DATA_DIR, ActorKB, name_key

ALLOWED_KEYS = {"id", "name", "type", "country", "aliases", "part_of", "codes", "metonyms"}


def test_actor_files_use_the_documented_fields():
    files = sorted(ACTOR_DIR.glob("*.yaml"))
    assert len(files) >= 6
    for path in files:
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(records, list), path
        for rec in records:
            assert set(rec) <= ALLOWED_KEYS, (path.name, rec.get("id"), set(rec) - ALLOWED_KEYS)
            assert rec["id"] == rec["id"].lower() and " " not in rec["id"], rec["id"]
            assert rec.get("country") is None or (len(rec["country"]) == 2 and rec["country"].isupper())
            assert isinstance(rec.get("aliases", []), list)


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
