"""Issue 20: claim ends grouped into concepts with short labels, and exported (no NLP needed)."""

from __future__ import annotations

import json

from faultlines.resolve.concepts import group


def _claim(i: int, cause: str, effect: str, outlet: str = "Wire", actors: tuple[str, ...] = ()) -> dict:
    return {"id": i, "cause": cause, "effect": effect, "outlet": outlet, "actors": list(actors)}


CLAIMS = [
    _claim(1, "the sectarian rift", "the rise of the insurgents", "Wire", ("insurgents",)),
    _claim(2, "a deepening sectarian rift across the provinces", "rising bread prices", "Daily"),
    _claim(3, "the drought", "bread prices rose sharply in every market town of the northern provinces", "Daily"),
    _claim(4, "the long drought", "the insurgents' rise", "Post"),
]


def test_paraphrases_share_a_concept_and_other_ideas_stay_apart():
    concepts, where = group(CLAIMS)
    assert where[(1, "cause")] == where[(2, "cause")]  # sectarian rift
    assert where[(3, "cause")] == where[(4, "cause")]  # drought
    assert where[(2, "effect")] == where[(3, "effect")]  # bread prices
    assert where[(1, "effect")] == where[(4, "effect")]  # the rise of the insurgents
    assert len({where[(1, "cause")], where[(3, "cause")], where[(2, "effect")], where[(1, "effect")]}) == 4
    rift = next(c for c in concepts if c.id == where[(1, "cause")])
    assert rift.outlets == ["Daily", "Wire"] and rift.claims == [1, 2] and "insurgents" in rift.actors


def test_labels_have_at_most_six_words_and_come_from_the_phrases():
    concepts, _ = group(CLAIMS)
    for c in concepts:
        assert 0 < len(c.label.split()) <= 6
        assert all(w in " ".join(c.mentions) for w in c.label.split())


def test_the_result_does_not_depend_on_the_order_of_the_claims():
    a, wa = group(CLAIMS)
    b, wb = group(list(reversed(CLAIMS)))
    assert [c.row() for c in a] == [c.row() for c in b] and wa == wb


def test_the_export_writes_concepts_and_names_them_in_claims(tmp_path):
    from faultlines.export import export_jsonl
    from faultlines.store import Store
    from tests.factories import report

    store = Store(tmp_path / "c.db")
    ex = report("a.txt", "The long drought led to a sharp rise in bread prices.")
    from faultlines.model import Claim

    text = ex.document.clean_text
    claim = Claim("The long drought", "a sharp rise in bread prices", text, 0, len(text), cue="led to")
    ex = type(ex)(ex.document, ex.events, ex.relations, [claim], ex.framing, ex.analysis)
    store.add_document(ex.document)
    store.save_extraction(ex)
    export_jsonl(store, tmp_path / "out")
    concepts = [json.loads(line) for line in (tmp_path / "out" / "concepts.jsonl").read_text().splitlines()]
    [row] = [json.loads(line) for line in (tmp_path / "out" / "claims.jsonl").read_text().splitlines()]
    ids = {c["id"] for c in concepts}
    assert row["cause_concept"] in ids and row["effect_concept"] in ids and row["cause_concept"] != row["effect_concept"]
    assert {"id", "label", "mentions", "actors", "outlets", "claims"} <= set(concepts[0])
    store.close()
