"""Train the causal-sentence classifier shipped in ``faultlines/extract/models/causal``.

    python -m faultlines.training.causal --data train_subtask1.csv --out faultlines/extract/models/causal

Split (deterministic): sha1(index) % 5 == 0 is held out and never read here; fold 1 is the development fold used
to pick the number of epochs and the decision thresholds; the final models are then trained on folds 1-4 plus
our own sentences (``extra_sentences.tsv``), one per seed, and averaged.

Architectures (``--arch``): ``parse`` (the default and the shipped model) is spaCy's bag of n-grams ensembled with
attention over the English pipeline's own token vectors next to a small hash embedding of the words
(``causal_model.parse_features``), so in the pipeline it costs no convolution of its own; ``ensemble`` has a small
CNN of its own instead (the model shipped until 2026-11-23: ``--arch ensemble --dropout 0.2``); ``bow`` is the bag
of n-grams alone. The decision rule is tuned on the development fold (``--tune-on folds``: on out-of-fold
probabilities of folds 1-4), and the shipped model's rule is kept when it is within the slack of the best
(``--no-keep-rule``: always the strictest near-best rule).

Distillation (optional, ``--teacher-members 3 --members 2``; not used for the shipped model): each training
sentence's target is ``alpha`` times its label plus ``1 - alpha`` times the probability a teacher gives it, the
teacher being an ensemble of hard-label models trained without that sentence's group (its CNC fold, or our own
sentences as one group). The targets of the models that tune the thresholds come from teachers that never saw the
development fold. See ``docs/causal-model.md`` for what it gave and why the shipped model does not use it.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from faultlines.extract.causal_model import (
    CAUSAL,
    EXTRA_FILE,
    META_FILE,
    MODEL_DIR,
    OTHER,
    PARSE_FEATURES,
    CausalModel,
    Example,
    prf,
    read_cnc,
    read_extra,
    register_architectures,
    split_of,
)

log = logging.getLogger(__name__)

SEED = 13
DEV_FOLD = 1


WIDTHS = {"parse": 32, "ensemble": 64, "bow": 64}
DROPOUTS = {"parse": 0.3, "ensemble": 0.2, "bow": 0.2}


def textcat_config(arch: str, width: int = 64, ngram: int = 2) -> dict[str, Any]:
    """The textcat model config: bag of n-grams, alone or ensembled with attention over token vectors (the parse's
    vectors and a hash embedding for ``parse``, a small CNN of its own for ``ensemble``; no word vectors)."""
    bow = {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": True,
        "ngram_size": ngram,
        "no_output_layer": False,
        "length": 2**18,
    }
    if arch == "bow":
        return {"model": bow}
    if arch == "parse":
        return {"model": {"@architectures": "spacy.TextCatEnsemble.v2", "nO": None, "linear_model": bow,
                          "tok2vec": {"@architectures": PARSE_FEATURES, "width": width}}}
    return {
        "model": {
            "@architectures": "spacy.TextCatEnsemble.v2",
            "nO": None,
            "linear_model": bow,
            "tok2vec": {
                "@architectures": "spacy.Tok2Vec.v2",
                "embed": {
                    "@architectures": "spacy.MultiHashEmbed.v2",
                    "width": width,
                    "rows": [2000, 1000, 1000, 1000],
                    "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"],
                    "include_static_vectors": False,
                },
                "encode": {
                    "@architectures": "spacy.MaxoutWindowEncoder.v2",
                    "width": width,
                    "window_size": 1,
                    "maxout_pieces": 3,
                    "depth": 2,
                },
            },
        }
    }


def build(arch: str, width: int = 64, ngram: int = 2) -> Any:
    import spacy

    register_architectures()
    nlp = spacy.blank("en")
    textcat: Any = nlp.add_pipe("textcat", config=textcat_config(arch, width, ngram))
    textcat.add_label(CAUSAL)
    textcat.add_label(OTHER)
    return nlp


def features_for(arch: str) -> Any:
    """The English pipeline whose token vectors ``arch`` reads (None when it reads only the words)."""
    if arch != "parse":
        return None
    from faultlines.analyze.nlp import load_nlp

    return load_nlp()


def to_examples(nlp: Any, rows: Sequence[Example], targets: dict[str, float] | None = None,
                features: Any = None) -> list[Any]:
    """spaCy examples; ``targets`` (row index -> P(causal)) replaces the 0/1 labels by soft ones. With
    ``features`` the texts are tokenized and given their token vectors as ``CausalModel`` does it."""
    from spacy.training import Example as SpacyExample

    texts = [row.text for row in rows]
    docs = CausalModel(nlp, features=features).tokenize(texts) if features is not None else map(nlp.make_doc, texts)
    out = []
    for row, doc in zip(rows, docs, strict=True):
        p = targets[row.index] if targets is not None else float(row.label)
        example = SpacyExample.from_dict(doc, {"cats": {CAUSAL: p, OTHER: 1.0 - p}})
        if features is not None:
            example.reference.tensor = doc.tensor  # textcat initializes its layers from the reference Docs
        out.append(example)
    return out


def train(
    rows: Sequence[Example], arch: str, epochs: int, dev: Sequence[Example] = (), width: int = 64, ngram: int = 2,
    seed: int = SEED, targets: dict[str, float] | None = None, dropout: float | None = None,
) -> tuple[Any, list[float]]:
    """Train a fresh pipeline for ``epochs``; returns it (averaged weights) and the dev F1 after each epoch.
    ``targets``: soft P(causal) per row index instead of the labels (see ``soft_targets``); ``dropout``: by
    default the architecture's own (``DROPOUTS``)."""
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = build(arch, width, ngram)
    if targets is not None:
        # spaCy's textcat refuses cats other than 0 and 1; its loss (score - target) is right for soft ones too
        nlp.get_pipe("textcat")._validate_categories = lambda examples: None
    features = features_for(arch)
    examples = to_examples(nlp, rows, targets, features)
    # a parse-vector model's dev sentences go through the parse's tok2vec once, not once per epoch
    dev_docs = CausalModel(nlp, features=features).tokenize([r.text for r in dev]) if features else [r.text for r in dev]
    optimizer = nlp.initialize(lambda: examples)
    curve: list[float] = []
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer, drop=DROPOUTS[arch] if dropout is None else dropout, losses=losses)
        if dev:
            with nlp.use_params(optimizer.averages):
                probs = CausalModel(nlp, features=features).predict(dev_docs)
            curve.append(prf([r.label for r in dev], [p >= 0.5 for p in probs])["f1"])
            log.info("epoch %d loss %.3f dev f1 %.4f", epoch + 1, losses.get("textcat", 0.0), curve[-1])
    with nlp.use_params(optimizer.averages):  # keep the averaged weights, as spaCy's own training loop does
        data = nlp.to_bytes()
    final = build(arch, width, ngram)
    final.from_bytes(data)
    return final, curve


def group_of(row: Example) -> str:
    """The cross-fitting group of a training row: its CNC fold, or all our own sentences together."""
    return "extra" if row.index.startswith("extra-") else f"fold-{split_of(row.index)}"


def soft_targets(
    rows: Sequence[Example], arch: str, epochs: int, seeds: Sequence[int], alpha: float = 0.5, **hyper: Any,
) -> dict[str, float]:
    """Distillation targets: per row, ``alpha * label + (1 - alpha) * teacher``, the teacher being the mean of
    hard-label models (one per seed) trained on the rows of every other group (``group_of``)."""
    groups: dict[str, list[Example]] = {}
    for row in rows:
        groups.setdefault(group_of(row), []).append(row)
    out: dict[str, float] = {}
    for name, members in sorted(groups.items()):
        rest = [r for r in rows if group_of(r) != name]
        teacher = CausalModel([train(rest, arch, epochs, seed=seed, **hyper)[0] for seed in seeds],
                              features=features_for(arch))
        for row, p in zip(members, teacher.predict(r.text for r in members), strict=True):
            out[row.index] = alpha * float(row.label) + (1.0 - alpha) * p
        log.info("teacher for %s (%d rows) trained on %d", name, len(members), len(rest))
    return out


def dev_features(dev: Sequence[Example], probs: Sequence[float]) -> list[list[tuple[float, float, bool]]]:
    """Per row, per sentence with a clause: (probability, cue strength, cause and effect both recovered)."""
    from faultlines.analyze import Analyzer
    from faultlines.extract.claims import ClaimExtractor, has_clause
    from faultlines.ingest.documents import make_document

    analyzer = Analyzer()
    extractor = ClaimExtractor()
    docs = [make_document(raw_text=r.text, clean_text=r.text, name=f"{r.index}.txt") for r in dev]
    rows = []
    for analysis, prob in zip(analyzer.analyze(docs), probs, strict=True):
        feats = []
        for k, sentence in enumerate(analysis.sentences):
            span = analysis.spacy_doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
            if span is None or not len(span) or not has_clause(span):
                continue
            matches = extractor.cues.matches(span)
            claim = extractor._claim(analysis, k, span, matches, prob)
            feats.append((prob, max((m.strength for m in matches), default=0.0), bool(claim.cause and claim.effect)))
        rows.append(feats)
    return rows


def tune_thresholds(dev: Sequence[Example], probs: Sequence[float], slack: float = 0.02,
                    keep: dict[str, float] | None = None) -> dict[str, float]:
    """Grid-search the claim decision on the development fold: the strictest rule within ``slack`` of the best F1,
    unless ``keep`` (the rule users have now) is itself within ``slack``: then it stays.

    CNC rows are about half causal, opinion and news prose far less: among rules of near-equal F1 the one with
    the highest ``accept`` (the probability that makes a claim without a cue) is the one that floods prose least.
    Near-ties are within the noise of a 610-row fold, so a new model does not change the rule users see for a
    difference the fold cannot tell apart.
    """
    from faultlines.extract.claims import decide

    feats = dev_features(dev, probs)
    gold = [r.label for r in dev]
    results: list[tuple[float, dict[str, float]]] = []
    grid = [x / 100 for x in range(50, 100, 5)]
    for accept in grid:
        for cue_floor in [0.1, 0.2, 0.3, 0.4, 0.5]:
            for strong in [0.01, 0.05, 0.1]:
                th = {"accept": accept, "cue_floor": cue_floor, "strong_cue_floor": strong}
                pred = [any(decide(p, s, th, f) for p, s, f in row) for row in feats]
                results.append((prf(gold, pred)["f1"], th))
    best = max(f for f, _ in results)
    if keep is not None:
        kept = {k: float(keep[k]) for k in ("accept", "cue_floor", "strong_cue_floor")}
        f = prf(gold, [any(decide(p, s, kept, fl) for p, s, fl in row) for row in feats])["f1"]
        if f >= best - slack:
            log.info("kept thresholds %s (dev f1 %.4f, best %.4f)", kept, f, best)
            return kept
    near = [(f, th) for f, th in results if f >= best - slack]
    f, th = max(near, key=lambda x: (x[1]["accept"], x[1]["cue_floor"], x[0]))
    log.info("tuned thresholds %s (dev f1 %.4f, best %.4f)", th, f, best)
    return th


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="Causal News Corpus train_subtask1.csv")
    ap.add_argument("--out", type=Path, required=True, help="output model directory")
    ap.add_argument("--arch", choices=["parse", "ensemble", "bow"], default="parse")
    ap.add_argument("--max-epochs", type=int, default=10)
    ap.add_argument("--width", type=int, default=None,
                    help="hash embedding width (parse: 32) or CNN width (ensemble: 64)")
    ap.add_argument("--dropout", type=float, default=None, help="dropout while training (parse: 0.3, others: 0.2)")
    ap.add_argument("--ngram", type=int, default=2, help="longest n-gram of the bag-of-words model")
    ap.add_argument("--seed", type=int, default=SEED, help="seed of the first member (the next ones count up)")
    ap.add_argument("--members", type=int, default=3, help="models in the ensemble (probabilities averaged)")
    ap.add_argument("--teacher-members", type=int, default=0,
                    help="hard-label models per distillation teacher (default 0: train on the plain labels)")
    ap.add_argument("--teacher-epochs", type=int, default=4, help="epochs of each teacher model")
    ap.add_argument("--alpha", type=float, default=0.5, help="weight of the label in a distillation target")
    ap.add_argument("--extra", type=Path, default=EXTRA_FILE, help="our own labelled sentences (TSV), added to training")
    ap.add_argument("--no-cues", action="store_true", help="tune the probability threshold only")
    ap.add_argument("--no-keep-rule", dest="keep_rule", action="store_false",
                    help="always take the strictest near-best rule (default: keep the shipped model's rule when it "
                         "is within 0.02 F1 of the best)")
    ap.add_argument("--tune-on", choices=["dev", "folds"], default="dev",
                    help="tune the decision rule on the development fold (default), or on out-of-fold "
                         "probabilities of folds 1-4")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    t0 = time.perf_counter()

    rows = [r for r in read_cnc(args.data) if split_of(r.index) != 0]  # the held-out fold is never read
    dev = [r for r in rows if split_of(r.index) == DEV_FOLD]
    inner = [r for r in rows if split_of(r.index) != DEV_FOLD]
    extra = read_extra(args.extra) if args.extra and args.extra.exists() else []
    inner += extra  # the development fold stays pure CNC: it is the tuning yardstick
    log.info("train %d (inner %d, dev %d, extra %d)", len(rows) + len(extra), len(inner), len(dev), len(extra))

    hyper = {"width": args.width or WIDTHS[args.arch], "ngram": args.ngram,
             "dropout": DROPOUTS[args.arch] if args.dropout is None else args.dropout}
    features = features_for(args.arch)
    seeds = [args.seed + k for k in range(max(1, args.members))]
    teacher_seeds = [args.seed + k for k in range(max(0, args.teacher_members))]

    def targets_for(train_rows: list[Example]) -> dict[str, float] | None:
        if not teacher_seeds:
            return None
        return soft_targets(train_rows, args.arch, args.teacher_epochs, teacher_seeds, args.alpha, **hyper)

    inner_targets = targets_for(inner)  # its teachers never see the development fold either
    _, curve = train(inner, args.arch, args.max_epochs, dev, seed=seeds[0], targets=inner_targets, **hyper)
    epochs = max(range(len(curve)), key=lambda i: (curve[i], -i)) + 1
    # the same epochs and seeds as the final ensemble, trained without the development fold, for threshold tuning
    tuning = CausalModel([train(inner, args.arch, epochs, seed=seed, targets=inner_targets, **hyper)[0]
                          for seed in seeds], features=features)
    dev_probs = tuning.predict(r.text for r in dev)
    tune_rows, tune_probs = list(dev), list(dev_probs)
    if args.tune_on == "folds":  # out-of-fold probabilities of folds 2-4 too: four times the tuning rows
        for fold in sorted({split_of(r.index) for r in rows} - {DEV_FOLD}):
            held = [r for r in rows if split_of(r.index) == fold]
            rest = [r for r in rows if split_of(r.index) != fold] + extra
            model = CausalModel([train(rest, args.arch, epochs, seed=seed, targets=targets_for(rest), **hyper)[0]
                                 for seed in seeds], features=features)
            tune_rows += held
            tune_probs += model.predict(r.text for r in held)
            log.info("out-of-fold probabilities for fold %d (%d rows)", fold, len(held))
    if args.no_cues:
        thresholds = {"accept": 0.5, "cue_floor": 1.0, "strong_cue_floor": 1.0}
    else:
        keep = None
        if args.keep_rule and (MODEL_DIR / META_FILE).exists():
            keep = json.loads((MODEL_DIR / META_FILE).read_text(encoding="utf-8")).get("thresholds")
        thresholds = tune_thresholds(tune_rows, tune_probs, keep=keep)
    dev_scores = prf([r.label for r in dev], [p >= 0.5 for p in dev_probs])

    final_targets = targets_for(rows + extra)
    finals = [train(rows + extra, args.arch, epochs, seed=seed, targets=final_targets, **hyper)[0] for seed in seeds]
    probs = CausalModel(finals, features=features).predict(r.text for r in rows)
    train_scores = prf([r.label for r in rows], [p >= 0.5 for p in probs])
    args.out.mkdir(parents=True, exist_ok=True)
    members = [f"member-{seed}" for seed in seeds]
    for name, nlp in zip(members, finals, strict=True):
        nlp.to_disk(args.out / name)
    meta = {
        "data": args.data.name,
        "licence": "CC0 1.0 (Causal News Corpus)",
        "split": "sha1(index) % 5: fold 0 held out (not read), fold 1 dev (epochs), "
                 + ("thresholds on out-of-fold probabilities of folds 1-4, " if args.tune_on == "folds"
                    else "fold 1 thresholds, ")
                 + "final on folds 1-4 + extra_sentences.tsv",
        "tuned_on_rows": len(tune_rows),
        "arch": args.arch,
        "features": {"pipeline": features.meta.get("name"), "version": features.meta.get("version"),
                     "component": "tok2vec", "width": 96} if features is not None else None,
        "distillation": {"teacher_members": len(teacher_seeds), "teacher_epochs": args.teacher_epochs,
                         "alpha": args.alpha, "groups": "CNC fold, extra sentences"} if teacher_seeds else None,
        "epochs": epochs,
        "seeds": seeds,
        "members": members,
        **hyper,
        "dev_curve_f1": curve,
        "dev_classifier_only": dev_scores,
        "train_classifier_only": train_scores,
        "thresholds": thresholds,
        "train_rows": len(rows),
        "extra_rows": len(extra),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    (args.out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    log.info("saved %s: %s", args.out, json.dumps(meta))


if __name__ == "__main__":
    main()
