"""The learned role filler (``extract.roles``): its candidates, its arithmetic, how its choices join an event, the
shipped weights and the command that retrains them. Sentences written for these tests."""

from __future__ import annotations

import json
from datetime import date

import pytest

from faultlines.extract.events import EventExtractor
from faultlines.extract.roles import MODEL_FILE, RoleModel, candidates, shipped_model


@pytest.fixture(scope="module")
def run(analyzer):
    from faultlines.ingest.documents import make_document

    def _run(text: str, roles):
        doc = make_document(raw_text=text, clean_text=text, name="t.txt", published=date(1990, 3, 2))
        analysis = analyzer(doc)
        return [e for e in EventExtractor(analyzer.kb, roles=roles)(analysis) if e.is_event]

    return _run


def _texts(participants) -> list[str]:
    return [p.text for p in participants]


def test_candidates_are_noun_phrases_without_their_determiner(nlp) -> None:
    doc = nlp("The 6th infantry brigade burned the houses of three farmers near the river.")
    texts = [c.text for c in candidates(next(doc.sents))]
    assert "6th infantry brigade" in texts
    assert "houses" in texts and "farmers" in texts and "river" in texts
    assert not any(t.lower().startswith("the ") for t in texts)


def test_probabilities_are_a_softmax_of_the_summed_weights() -> None:
    model = RoleModel({"lem=commando": [0.0, 2.0, 0.0], "bias": [1.0, 0.0, 0.0]}, {"perpetrator": 0.5})
    none, perp, target = model.probabilities(["lem=commando", "bias", "unknown=feature"])
    assert none + perp + target == pytest.approx(1.0)
    assert perp > none > 0 and target < none
    assert model.probabilities(["nothing"]) == pytest.approx((1 / 3, 1 / 3, 1 / 3))


def test_a_missing_model_means_the_rules_alone(tmp_path, caplog) -> None:
    assert RoleModel.load(tmp_path / "absent.json") is None
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert RoleModel.load(bad) is None
    assert "rules alone" in caplog.text


def test_the_shipped_model_is_well_formed() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert set(data) == {"meta", "thresholds", "weights"}
    assert all(0.0 < data["thresholds"][k] < 1.0 for k in ("perpetrator", "target"))
    assert len(data["weights"]) > 1000
    assert all(isinstance(w, list) and len(w) == 3 for w in data["weights"].values())
    assert "MUC" in data["meta"]["source"] and data["meta"]["documents"] > 1000
    assert shipped_model() is not None


def test_a_phrase_the_model_picks_joins_the_event_once(run) -> None:
    # a hand-made model that makes every "front" a perpetrator, every "office" and "rumour" a target
    model = RoleModel({"lem=front": [0.0, 9.0, 0.0], "lem=office": [0.0, 0.0, 9.0], "lem=rumour": [0.0, 0.0, 9.0]},
                      {"perpetrator": 0.5, "target": 0.5})
    text = ("a bomb exploded yesterday in the offices of the coffee cooperative of san rafael, and a rumour "
            "said that urban commandos of the ndolo liberation front had been seen there.")
    bare = run(text, None)
    learned = run(text, model)
    assert len(bare) == len(learned) >= 1
    added = [p for e in learned for p in e.perpetrators if p not in {q for b in bare for q in b.perpetrators}]
    assert added, "the model's perpetrator was not added"
    assert [p.actor.name for p in added] == ["ndolo liberation front"]
    names = [p.actor.name for e in learned for p in e.perpetrators]
    assert len(names) == len(set(names))
    things = [t.text for e in learned for t in e.property_targets] + [p.text for e in learned for p in e.targets]
    assert "offices" in things  # a thing struck: property, as the rules' own property words say
    assert not any("rumour" in t for t in things)  # no actor, and no thing an attack strikes


def test_the_model_adds_no_civilians_as_perpetrators_and_no_outlet(run) -> None:
    model = RoleModel({"lem=villager": [0.0, 9.0, 0.0], "lem=reuters": [0.0, 9.0, 9.0]},
                      {"perpetrator": 0.5, "target": 0.5})
    text = "Villagers were at the market when a bomb exploded there on Sunday, Reuters reported."
    learned = run(text, model)
    actors = [p.actor for e in learned for p in (*e.perpetrators, *e.targets)]
    assert all(a.type != "civilians" for e in learned for a in (p.actor for p in e.perpetrators))
    assert not any(a.name == "Reuters" for a in actors)


def test_a_lower_cased_killer_the_rules_miss(run) -> None:
    # wire copy in lower case: the killers are the subject of "belonged", a clause away from the killing
    text = ("two judges were murdered in the city of cali on monday, the authorities said, adding that the "
            "killers belonged to the medellin cartel.")
    assert not [p for e in run(text, None) for p in e.perpetrators]
    perps = [p.actor.name for e in run(text, shipped_model()) for p in e.perpetrators]
    assert perps == ["Medellin Cartel"]


def test_the_retrain_command_writes_a_model_the_extractor_loads(tmp_path) -> None:
    from faultlines.training.roles import main

    stories = [
        ("urban commandos burned a bus in the capital on friday.", "urban commandos", "bus"),
        ("the rebel column attacked the power station near the port.", "rebel column", "power station"),
        ("gunmen killed the mayor of the town on monday.", "gunmen", "mayor"),
        ("a death squad shot two students in the university district.", "death squad", "students"),
        ("guerrillas blew up a bridge on the northern highway.", "guerrillas", "bridge"),
        ("soldiers of the 4th brigade burned the cooperative's warehouse.", "soldiers", "warehouse"),
    ]
    data = tmp_path / "train.json"
    data.write_text("".join(json.dumps({
        "docid": f"doc-{n}", "doctext": text,
        "extracts": {"PerpInd": [[[perp, 0]]], "PerpOrg": [], "Target": [[[target, 0]]], "Victim": []}}) + "\n"
        for n, (text, perp, target) in enumerate(stories)), encoding="utf-8")
    out = tmp_path / "roles.json"
    main(["--data", str(data), "--out", str(out), "--min-count", "1", "--epochs", "3"])
    model = RoleModel.load(out)
    assert model is not None and model.weights
    assert model.meta["documents"] == 6 and model.meta["examples"] > 0
    # trained on them, it rates the perpetrators of the training stories above their targets
    assert model.weights["lem=gunman"][1] > model.weights["lem=gunman"][2]
    assert model.weights["lem=student"][2] > model.weights["lem=student"][1]


_EAGER = RoleModel({"lem=group": [0.0, 9.0, 0.0], "lem=rebel": [0.0, 9.0, 0.0], "lem=government": [0.0, 0.0, 9.0],
                    "lem=kati": [0.0, 0.0, 9.0], "lem=village": [0.0, 0.0, 9.0], "lem=tv": [0.0, 0.0, 9.0]},
                   {"perpetrator": 0.5, "target": 0.5})


@pytest.mark.parametrize("text, role, word", [
    # who says it is a source, not the attacker
    ("A missile struck a bus near Saada on Thursday, killing 12 people, the armed Ndolo group said.",
     "perpetrators", "Ndolo"),
    # half of a hyphenated word is a modifier
    ("Jets bombed a market in the rebel-held town of Kafr Nabl on Monday, killing 9 people.", "perpetrators", "rebel"),
    # a noun that modifies another is not the phrase
    ("Gunmen raided a government secondary school in the northeast on Monday night and abducted 40 girls.",
     "targets", "government"),
    # an unknown name after a preposition of place is where it happened
    ("A jet dropped two bombs on a house in Zongo Kati on Tuesday, killing 8 people.", "targets", "Kati"),
    # an actor named only by a modifier of a word that is no armed man nor band ("Egyptian state TV")
    ("Images on Egyptian state TV showed the bodies of 30 worshippers killed in the mosque attack.",
     "targets", "Egypt"),
])
def test_what_the_model_may_not_add(run, text, role, word) -> None:
    added = [w for e in run(text, _EAGER) for p in getattr(e, role) for w in (p.text, p.actor.name)]
    bare = [w for e in run(text, None) for p in getattr(e, role) for w in (p.text, p.actor.name)]
    assert not [t for t in added if word in t and t not in bare]


def test_the_eager_model_does_add_where_nothing_forbids_it(run) -> None:
    # the same hand-made model, on a phrase no guard stops: the guards above are what keeps those out
    text = "Soldiers shelled the village of Zongo on Tuesday while a rebel group attacked a checkpoint, officials said."
    learned = run(text, _EAGER)
    assert any("group" in p.text or p.actor.type == "rebel group" for e in learned for p in e.perpetrators)


def test_a_photo_credit_is_no_actor(analyze) -> None:
    from faultlines.analyze.actor_kb import ActorKB

    assert ActorKB.load().unfit_name("Photo/Jane Doelittle") == "credit"
    analysis = analyze("Rebels shelled the camp on Friday. (AP Photo/Jane Doelittle)\nResidents fled the camp.")
    assert not [m for m in analysis.actors if "Doelittle" in m.text]


def test_a_headline_name_keeps_no_line_break(analyze) -> None:
    analysis = analyze("Militia attack kills 130 Ndolo\n\nGunmen attacked a camp of Ndolo herders on Sunday.")
    assert all("\n" not in m.text and m.text == m.text.strip() for m in analysis.actors)


def test_who_says_it_is_no_target_either(run) -> None:
    model = RoleModel({"lem=doctor": [0.0, 0.0, 9.0], "lem=doctors": [0.0, 0.0, 9.0]},
                      {"perpetrator": 0.5, "target": 0.5})
    text = "Three protesters were shot dead by police in Omdurman on Monday, the Central Committee of Ndolo Doctors said."
    assert not [p for e in run(text, model) for p in e.targets if "Doctors" in p.text]
