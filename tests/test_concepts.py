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


def _story_claims() -> list[dict]:
    rows = [
        _claim(1, "the sectarian rift", "the rise of the insurgents", "Wire", ("insurgents",)),
        _claim(2, "a sectarian rift that deepened", "the insurgents rise again", "Wire"),
        _claim(3, "the rise of the insurgents", "a long drought of investment", "Wire"),
        _claim(4, "the long drought", "rising bread prices", "Daily"),
        _claim(5, "the sectarian rift", "the sectarian rift", "Daily"),
    ]
    for r in rows:
        r["quote"] = f"Quote {r['id']}."
        r["sources"] = [{"document": f"doc-{r['id']}.txt"}]
    return rows


def test_the_graph_carries_each_edges_claims_and_sizes_concepts_by_claims():
    from faultlines.resolve.concepts import graph

    g = graph(_story_claims())
    _, where = group(_story_claims())
    rift, rise = where[(1, "cause")], where[(1, "effect")]
    edge = next(e for e in g["edges"] if (e["source"], e["target"], e["outlet"]) == (rift, rise, "Wire"))
    assert edge["weight"] == 2 and [c["id"] for c in edge["claims"]] == [1, 2]
    assert [c["quote"] for c in edge["claims"]] == ["Quote 1.", "Quote 2."]
    assert edge["claims"][0]["document"] == "doc-1.txt"
    sizes = {n["id"]: n["claims"] for n in g["nodes"]}
    assert sum(sizes.values()) == 2 * 5 and sizes[rift] == 4  # claims 1, 2 and both ends of 5
    assert g["outlets"] == ["Daily", "Wire"] and g["actors"] == ["insurgents"]
    # the Wire's story: rift -> rise -> drought, the strongest chain; a concept causing itself is no story
    wire = g["stories"]["Wire"]
    assert wire[0]["concepts"][:2] == [rift, rise] and wire[0]["claims"] == 3 and len(wire[0]["concepts"]) == 3
    assert all(len(set(s["concepts"])) == len(s["concepts"]) for v in g["stories"].values() for s in v)


def test_the_graph_filters_by_outlet_actor_and_weight_with_stable_ids():
    from faultlines.resolve.concepts import graph

    full = graph(_story_claims())
    daily = graph(_story_claims(), outlet="Daily")
    assert {e["outlet"] for e in daily["edges"]} == {"Daily"} and set(daily["stories"]) == {"Daily"}
    ids = {n["id"]: n["label"] for n in full["nodes"]}
    assert all(ids[n["id"]] == n["label"] for n in daily["nodes"])  # a concept keeps its id under a filter
    assert [c["id"] for e in graph(_story_claims(), actor="insurgents")["edges"] for c in e["claims"]] == [1]
    assert [e["weight"] for e in graph(_story_claims(), min_weight=2)["edges"]] == [2]
    assert graph([])["nodes"] == [] and graph([])["stories"] == {}


def test_a_label_keeps_no_half_of_a_quotation():
    claims = [_claim(1, "the council has not “made decisions", "the long drought"),
              _claim(2, "the council has not “made decisions", 'a "temporary" truce')]
    concepts, _ = group(claims)
    labels = {c.label for c in concepts}
    assert "council has not made decisions" in labels
    assert any('"temporary"' in label for label in labels)


def test_a_label_keeps_its_apostrophes():
    concepts, _ = group([_claim(1, "the West’s vision", "the council’s decision")])
    assert {c.label for c in concepts} == {"West’s vision", "council’s decision"}
