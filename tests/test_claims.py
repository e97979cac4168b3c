"""Causal claims: cue patterns with cause/effect spans, the shipped classifier, and the concept map."""

from __future__ import annotations

import json

import pytest

from faultlines.model import Actor, ActorMention, Analysis, Claim, Sentence


@pytest.fixture(scope="module")
def claim_extractor():
    from faultlines.extract.claims import ClaimExtractor

    return ClaimExtractor()


@pytest.fixture(scope="module")
def claims_of(nlp, claim_extractor):
    from faultlines.ingest.documents import make_document

    def run(text: str, mentions: list[ActorMention] | None = None) -> list[Claim]:
        sdoc = nlp(text)
        doc = make_document(raw_text=text, clean_text=text, name="t.txt")
        sents = [Sentence(s.start_char, s.end_char, s.text) for s in sdoc.sents]
        claims = claim_extractor(Analysis(doc, sdoc, sents, mentions or []))
        for c in claims:
            assert text[c.start : c.end] == c.quote
            for span, part in ((c.cause_span, c.cause), (c.effect_span, c.effect)):
                if span is not None:
                    assert text[span[0] : span[1]] == part
        return claims

    return run


@pytest.mark.parametrize(
    ("text", "cause", "effect"),
    [
        ("The long drought led to a sharp rise in bread prices.", "The long drought", "a sharp rise in bread prices"),
        ("Rebels burned the depot in response to the arrest of their commander.", "the arrest of their commander",
         "Rebels burned the depot"),
        ("Years of neglect created the perfect conditions for the insurgents to recruit.", "Years of neglect",
         "the perfect conditions for the insurgents to recruit"),
        ("Weapons deliveries to the rebels stoke fears of a wider war.", "Weapons deliveries to the rebels",
         "fears of a wider war"),
        ("The blockade allowed the militia to tighten its grip on the port.", "The blockade",
         "the militia to tighten its grip on the port"),
        ("The siege led many families to flee across the river.", "The siege",
         "many families to flee across the river"),
    ],
)
def test_cue_gives_cause_and_effect(claims_of, text, cause, effect):
    claims = claims_of(text)
    assert len(claims) == 1
    assert claims[0].cause == cause
    assert claims[0].effect == effect
    assert claims[0].cue


def test_this_is_why_takes_previous_sentence_as_cause(claims_of):
    text = "The army shelled the valley for weeks. This is why thousands of families fled to the border."
    claims = [c for c in claims_of(text) if c.quote.startswith("This is why")]
    assert claims
    assert claims[0].cause == "The army shelled the valley for weeks."
    assert claims[0].effect.startswith("thousands of families fled")


@pytest.mark.parametrize(
    "text",
    [
        "The minister visited the capital on Tuesday.",
        "The museum opens at nine in the morning.",
        "She is the spokeswoman of the provincial council.",
        "Reply: cheap watches and discount shoes",
        "The ambush happened on a desert road west of the provincial capital.",
        "The brigade's commander is a former police officer from the south.",
    ],
)
def test_plain_statements_are_not_claims(claims_of, text):
    assert claims_of(text) == []


def test_claim_lists_actor_ids(claims_of):
    text = "The embargo on the Storm Corps led to a fuel shortage in the north."
    start = text.index("Storm Corps")
    actor = Actor("storm-corps", "Storm Corps", "military")
    claims = claims_of(text, [ActorMention("Storm Corps", start, start + len("Storm Corps"), actor)])
    assert claims and claims[0].actors == ("storm-corps",)


def test_classifier_loads_from_package_and_ranks():
    from faultlines.extract.causal_model import MODEL_DIR, CausalModel

    members = json.loads((MODEL_DIR / "faultlines.json").read_text(encoding="utf-8"))["members"]
    assert len(members) >= 2 and all((MODEL_DIR / m / "config.cfg").exists() for m in members)
    model = CausalModel.load()
    assert len(model.members) == len(members)
    causal = model.score("The protests erupted because the government raised fuel prices overnight.")
    plain = model.score("The committee will meet in the new building next spring.")
    assert 0.0 <= plain < causal <= 1.0


SENTENCES = [
    "The protests erupted because the government raised fuel prices overnight.",
    "The committee will meet in the new building next spring.",
    "Shelling forced thousands of families to leave the valley.",
    "The ceasefire collapsed after the convoy was ambushed near the bridge.",
    "The minister visited the port on Tuesday.",
    "Food prices doubled as the siege cut the last road into the city.",
    "Rain fell on the hills.",
]


def test_shipped_members_read_the_parse_vectors(nlp):
    """The shipped members are built on the parse's own token vectors, and read those of the analysis' parse."""
    from faultlines.extract.causal_model import PARSE_FEATURES, CausalModel

    model = CausalModel.load()
    assert model.features is nlp
    for member in model.members:
        assert member.config["components"]["textcat"]["model"]["tok2vec"]["@architectures"] == PARSE_FEATURES


def test_shared_tokens_score_as_each_members_own_pipeline():
    """A model on the words only tokenizes once (with the first member) for all members: every member must give
    the same probability as when it tokenizes the text itself."""
    from faultlines.extract.causal_model import CAUSAL, CausalModel, Example
    from faultlines.training import causal as tc

    rows = [Example(f"r{i}", t, "because" in t or "forced" in t) for i, t in enumerate(SENTENCES * 2)]
    model = CausalModel([tc.train(rows, "ensemble", 1, width=16, seed=seed)[0] for seed in (1, 2)])
    own = [sum(nlp(t).cats[CAUSAL] for nlp in model.members) / len(model.members) for t in SENTENCES]
    assert model.predict(SENTENCES) == own


@pytest.fixture(scope="module")
def parse_model(nlp, tmp_path_factory):
    """A small model on the parse's token vectors (``--arch parse``), trained here, saved and loaded back."""
    from faultlines.extract.causal_model import META_FILE, CausalModel, Example
    from faultlines.training import causal as tc

    rows = [Example(f"r{i}", text, "because" in text or "forced" in text or "after" in text or "as" in text.split())
            for i, text in enumerate(SENTENCES * 3)]
    members = [tc.train(rows, "parse", 2, width=16, seed=seed)[0] for seed in (1, 2)]
    out = tmp_path_factory.mktemp("parse-model")
    for k, member in enumerate(members):
        member.to_disk(out / f"m{k}")
    (out / META_FILE).write_text(json.dumps({"members": ["m0", "m1"], "features": {
        "pipeline": nlp.meta["name"], "version": nlp.meta["version"]}}), encoding="utf-8")
    loaded = CausalModel.load(out)
    assert loaded.features is nlp  # the same parse object as the analysis (None and its name load it once)
    assert CausalModel(members, features=nlp).predict(SENTENCES) == loaded.predict(SENTENCES)
    return loaded


def test_a_span_of_the_parse_scores_as_its_text(nlp, parse_model):
    """In the pipeline a sentence is scored from its span of the parsed document (its vectors are already
    there); a document that is just that sentence must score exactly as the bare text does."""
    spans = [nlp(t)[:] for t in SENTENCES]
    assert all(s.doc.tensor.shape == (len(s.doc), 96) for s in spans)
    from_text = parse_model.predict(SENTENCES)
    assert parse_model.predict(spans) == from_text
    assert len(set(from_text)) > 1  # the scores depend on the sentence


def test_early_exit_on_spans_equals_the_full_ensemble(nlp, parse_model):
    doc = nlp(" ".join(SENTENCES))
    spans = list(doc.sents)
    assert [s.text for s in spans] == SENTENCES
    full = parse_model.predict(spans)
    for floor in (0.0, 0.3, 0.5, 0.7, 1.0, 2.0):
        got = parse_model.predict_reaching(spans, [floor] * len(spans))
        assert got == [p if p >= floor else None for p in full], floor


def test_a_span_without_the_parse_vectors_is_parsed_again(parse_model):
    """A span of another pipeline (another vocabulary, no token vectors) is scored from its text, not refused."""
    import spacy

    blank = spacy.blank("en")
    assert parse_model.predict([blank(t)[:] for t in SENTENCES]) == parse_model.predict(SENTENCES)


def test_parse_features_refuse_docs_without_vectors(parse_model):
    import spacy

    textcat = parse_model.members[0].get_pipe("textcat")
    with pytest.raises(ValueError, match="token vectors"):
        textcat.model.predict([spacy.blank("en")("No vectors here.")])


def test_claims_read_spans_with_a_parse_model(nlp, parse_model):
    """With a model on the parse's vectors the extractor scores each candidate sentence's span of the parse."""
    from faultlines.extract.claims import ClaimExtractor
    from faultlines.ingest.documents import make_document

    text = " ".join(SENTENCES)
    sdoc = nlp(text)
    sents = [Sentence(s.start_char, s.end_char, s.text) for s in sdoc.sents]
    analysis = Analysis(make_document(raw_text=text, clean_text=text, name="t.txt"), sdoc, sents, [])
    extractor = ClaimExtractor()
    extractor.model = parse_model
    extractor.thresholds = {"accept": 0.0, "cue_floor": 0.0, "strong_cue_floor": 0.0}
    probs = extractor.probabilities([analysis])[0].probs
    in_context = parse_model.predict(list(sdoc.sents))
    assert [p for p in probs if p is not None] == [p for p, q in zip(in_context, probs, strict=True) if q is not None]
    assert any(p is not None for p in probs)


def test_early_exit_scoring_equals_the_full_ensemble():
    from faultlines.extract.causal_model import CausalModel

    model = CausalModel.load()
    full = model.predict(SENTENCES)
    for floor in (0.0, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0, 2.0):
        got = model.predict_reaching(SENTENCES, [floor] * len(SENTENCES))
        assert got == [p if p >= floor else None for p in full], floor
    mixed = [0.7, 0.1, 0.01, 2.0, 0.5, 0.7, 0.0]
    assert model.predict_reaching(SENTENCES, mixed) == [p if p >= f else None for p, f in zip(full, mixed, strict=True)]


def test_claims_are_those_of_scoring_every_sentence(nlp, claim_extractor):
    """Skipping sentences that cannot be claims changes nothing: compare with a model that scores everything."""
    from faultlines.extract.claims import ClaimExtractor
    from faultlines.ingest.documents import make_document

    class Full:
        def __init__(self, model):
            self.model = model
            self.features = model.features  # the same inputs as the model's own: spans of the parse

        def predict_reaching(self, texts, floors, batch_size=64):
            probs = self.model.predict(texts)
            return [p if f <= 1.0 else None for p, f in zip(probs, floors, strict=True)]

    full = ClaimExtractor()
    full.model = Full(claim_extractor.model)
    text = " ".join(SENTENCES) + (" The raids led to a wave of arrests. Because of the curfew, the market closed early. "
                                  "Officials said the blast was caused by a car bomb.")
    sdoc = nlp(text)
    doc = make_document(raw_text=text, clean_text=text, name="t.txt")
    an = Analysis(doc, sdoc, [Sentence(s.start_char, s.end_char, s.text) for s in sdoc.sents], [])
    lazy = claim_extractor(an)
    assert lazy == full(an)
    assert lazy  # the text has claims, so the comparison means something


def test_heldout_split_is_deterministic():
    from faultlines.extract.causal_model import is_heldout, split_of

    assert split_of("row-1") == split_of("row-1")
    share = sum(is_heldout(f"row-{i}") for i in range(2000)) / 2000
    assert 0.15 < share < 0.25


def test_distillation_teachers_never_see_the_rows_they_label(monkeypatch):
    """Each row's soft target comes from a teacher trained on the other groups only (its CNC fold, or our own
    sentences as one group), and mixes the label and the teacher's probability by ``alpha``."""
    from faultlines.extract.causal_model import Example, split_of
    from faultlines.training import causal as tc

    rows = [Example(f"row-{i}", f"sentence number {i}", i % 3 == 0) for i in range(40)]
    rows += [Example(f"extra-{i}", f"our sentence {i}", False) for i in range(5)]
    seen: list[set[str]] = []

    class Teacher:  # what train() returns: scores every text 0.25, remembers what it was trained on
        def __init__(self, trained_on):
            self.trained_on = {r.text for r in trained_on}
            seen.append(self.trained_on)

        def make_doc(self, text):
            return text

        def pipe(self, docs, batch_size=64):
            for text in docs:
                assert text not in self.trained_on
                yield type("D", (), {"cats": {"causal": 0.25}})()

    monkeypatch.setattr(tc, "train", lambda rest, arch, epochs, seed=0, **kw: (Teacher(rest), []))
    targets = tc.soft_targets(rows, "bow", 1, seeds=[1, 2], alpha=0.5)
    assert set(targets) == {r.index for r in rows}
    for r in rows:
        assert targets[r.index] == pytest.approx(0.5 * r.label + 0.5 * 0.25)
    groups = {tc.group_of(r) for r in rows}
    assert "extra" in groups and {f"fold-{split_of(r.index)}" for r in rows[:40]} <= groups
    assert len(seen) == 2 * len(groups)  # one teacher of two members per group


def test_soft_targets_train_a_textcat():
    """spaCy's textcat only accepts 0/1 categories; training on soft targets must still work."""
    from faultlines.extract.causal_model import CausalModel, Example
    from faultlines.training import causal as tc

    rows = [Example(f"r{i}", text, label) for i, (text, label) in enumerate(
        [("The strike was called because wages fell.", True), ("The market opened at nine.", False)] * 6)]
    targets = {r.index: 0.8 if r.label else 0.1 for r in rows}
    nlp, _ = tc.train(rows, "bow", 2, targets=targets)
    p_causal, p_plain = CausalModel(nlp).predict([rows[0].text, rows[1].text])
    assert 0.0 <= p_plain < p_causal <= 1.0


def test_decide_combines_probability_and_cue():
    from faultlines.extract.claims import decide

    th = {"accept": 0.6, "cue_floor": 0.3, "strong_cue_floor": 0.1}
    assert decide(0.7, 0.0, th)
    assert not decide(0.5, 0.0, th)
    assert decide(0.35, 0.5, th) and not decide(0.2, 0.5, th)
    assert decide(0.15, 1.0, th) and not decide(0.05, 1.0, th)


def test_decide_needs_cause_and_effect_below_accept():
    from faultlines.extract.claims import decide

    th = {"accept": 0.9, "cue_floor": 0.3, "strong_cue_floor": 0.1}
    assert decide(0.5, 1.0, th) and not decide(0.5, 1.0, th, filled=False)
    assert decide(0.95, 0.0, th, filled=False)


def test_every_claim_has_cause_and_effect(claims_of):
    text = ("Gunmen stormed a police post near the border before dawn. The killings angered local tribes, "
            "who cut the main road. Food prices rose after the road was closed. The council met on Sunday.")
    claims = claims_of(text)
    assert claims
    assert all(c.cause and c.effect for c in claims)


def test_an_end_needs_a_content_word(nlp):
    """A pronoun, a question word, a bare verb "be" or a date names no cause or effect."""
    from faultlines.extract.spans import Words

    doc = nlp("Nobody knew what set off the riot, which lasted for two weeks, but it was over.")
    words = Words(doc)

    def span(text: str) -> tuple[int, int]:
        got = doc.text.index(text)
        sp = doc.char_span(got, got + len(text))
        return sp.start, sp.end

    assert words.substantive(*span("set off the riot")) and words.substantive(*span("the riot"))
    for text in ("what", "it", "for two weeks", "was"):
        assert not words.substantive(*span(text)), text


def test_no_claim_whose_cause_is_a_question_word(claims_of):
    for text in ("Officials could not say what sparked the clashes in the market on Friday.",
                 "It remains unclear what triggered the fighting between the two clans."):
        assert not [c for c in claims_of(text) if c.cause.lower() in ("what", "it")], text


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("He has lived in the city since 2003.", None),
        ("The prisoners were freed after three days.", None),
        ("Over 40 people attended the meeting.", None),
        ("The traders left the market after the army shelled the town.", "after"),
        ("The talks collapsed following the assassination of the mediator.", "following"),
    ],
)
def test_weak_markers_only_before_clauses_or_events(nlp, text, cue):
    from faultlines.extract.claims import CueMatcher

    found = [nlp(text)[m.start : m.end].text.lower() for m in CueMatcher.load().matches(nlp(text))]
    assert (cue in found) if cue else not any(w in found for w in ("since", "after", "over"))


def test_purpose_clause_gives_aim_as_cause(nlp):
    from faultlines.extract.claims import CueMatcher, _spans

    doc = nlp("Hundreds of farmers blocked the highway to demand payment for their harvest.")
    matches = [m for m in CueMatcher.load().matches(doc) if m.cue.role == "purpose"]
    assert matches
    cause, effect, previous = _spans(doc, matches[0], doc[:])
    assert doc[cause[0] : cause[1]].text == "demand payment for their harvest"
    assert doc[effect[0] : effect[1]].text == "Hundreds of farmers blocked the highway"
    assert not previous
    assert not [m for m in CueMatcher.load().matches(nlp("They want to leave.")) if m.cue.role == "purpose"]


def test_concept_key_normalises_paraphrases():
    from faultlines.extract.claims import concept_key

    assert concept_key("the deepening sectarian rifts", ["iraq"]) == concept_key("sectarian rift deepens", ["iraq"])
    assert "actor:iraq" in concept_key("rift", ["iraq"])


def test_group_claims_merges_paraphrases_and_finds_loops():
    from faultlines.extract.claims import find_loops, group_claims

    def claim(cause: str, effect: str) -> Claim:
        return Claim(cause=cause, effect=effect, quote=f"{cause} -> {effect}", start=0, end=10)

    graph = group_claims([
        ("a.txt", claim("militia abuses against villagers", "support for the insurgents")),
        ("b.txt", claim("the insurgents' support grows", "more insurgent attacks")),
        ("c.txt", claim("insurgent attacks increase", "abuses by militias against villagers")),
        ("c.txt", claim("the harvest failed", "bread prices rose")),
    ])
    assert len(graph["nodes"]) == 5
    loops = find_loops(graph)
    assert any(len(loop) == 3 for loop in loops)
    sources = [s["document"] for e in graph["edges"] for s in e["sources"]]
    assert sorted(set(sources)) == ["a.txt", "b.txt", "c.txt"]


def test_cue_file_rejects_unknown_role(tmp_path):
    from faultlines.extract.claims import CueMatcher

    bad = tmp_path / "causal.yaml"
    bad.write_text("strong:\n  sideways: [lead to]\n", encoding="utf-8")
    with pytest.raises(ValueError):
        CueMatcher.load(bad)


def test_sentence_initial_therefore_points_back(claims_of):
    text = "The dam burst after days of rain. Therefore the lower valley flooded within hours."
    claims = [c for c in claims_of(text) if c.quote.startswith("Therefore")]
    assert claims and claims[0].cause == "The dam burst after days of rain."
    assert claims[0].effect == "the lower valley flooded within hours"


def test_relative_clause_cause_is_the_noun(claims_of):
    text = "The army armed the village guards, which stoked fears among the herders."
    claims = claims_of(text)
    assert claims and claims[0].cause == "the village guards"
    assert claims[0].effect == "fears among the herders"


def test_which_is_why_keeps_the_cause_in_the_sentence(claims_of):
    text = "The bridge was closed for repairs, which is why the convoy took the mountain road."
    claims = claims_of(text)
    assert claims and claims[0].cause == "The bridge was closed for repairs"
    assert claims[0].effect == "the convoy took the mountain road"


def test_the_span_ranker_finds_both_ends_where_no_cue_rule_does(claims_of, claim_extractor):
    """A causal sentence whose linking word no cue rule reads: the learned ranker still gives a cause and an
    effect (the rules alone give neither)."""
    text = "The workers ended their strike on Monday when the mine owners agreed to raise wages."
    [claim] = claims_of(text)
    assert "mine owners agreed to raise wages" in claim.cause and "strike" in claim.effect
    model = claim_extractor.spans
    try:
        claim_extractor.spans = None
        assert not any(c.cause and c.effect for c in claims_of(text))
    finally:
        claim_extractor.spans = model


def test_the_span_model_is_well_formed_and_records_its_data():
    from faultlines.extract.spans import DIM, shipped_model

    model = shipped_model()
    assert model is not None and model.cause and model.effect
    assert all(0 <= k < DIM for k in (*model.cause, *model.effect))
    assert "CC0" in model.meta["data"] and "fold 0 held out" in model.meta["folds"]


def test_span_rows_take_the_fold_of_their_sentence():
    """A subtask-2 row is held out exactly when its sentence is held out from the causal classifier."""
    from faultlines.extract.causal_model import split_of
    from faultlines.training.spans import fold_of

    for k in range(30):
        sentence = f"train_07_{k}_{k * 37}"
        for example in range(3):
            assert fold_of(f"cnc_{sentence}_{example}") == split_of(sentence)


def test_span_training_reads_tagged_examples(tmp_path):
    """The retrain command on a tiny corpus written here (the cause/effect tags of the Causal News Corpus)."""
    import csv

    from faultlines.extract.spans import SpanModel
    from faultlines.training.spans import gold_spans, main

    text, cause, effect = gold_spans("<ARG1>The market closed</ARG1> <SIG0>because</SIG0> <ARG0>gunmen attacked it"
                                     "</ARG0> .")
    assert text == "The market closed because gunmen attacked it ." and cause == [(26, 44)] and effect == [(0, 17)]
    rows = []
    for k in range(40):
        sent = f"The market in town {k} closed because gunmen attacked it ."
        tagged = f"<ARG1>The market in town {k} closed</ARG1> because <ARG0>gunmen attacked it</ARG0> ."
        rows.append({"index": f"own_{k}", "text": sent, "causal_text_w_pairs": repr([tagged])})
    path = tmp_path / "own.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["index", "text", "causal_text_w_pairs"])
        w.writeheader()
        w.writerows(rows)
    assert main(["--data", str(path), "--out", str(tmp_path / "spans.json")]) == 0
    model = SpanModel.load(tmp_path / "spans.json")
    assert model is not None and model.cause and model.meta["sentences"] > 0
