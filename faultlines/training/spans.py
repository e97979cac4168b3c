"""Train the cause/effect span ranker (``faultlines.extract.spans``) on the Causal News Corpus, subtask 2.

    python -m faultlines.training.spans --data PATH/train_subtask2_grouped.csv [--out faultlines/extract/models/spans.json]
    python -m faultlines.training.spans --data PATH --evaluate   # five-fold figures, nothing written

Rows are split as the causal classifier's are, by sentence: a row's fold is the fold its sentence has in subtask 1
(``fold_of``: sha1 of the subtask-1 index modulo 5, ``causal_model.split_of``), so fold 0 is held out from both
models. Fold 0 is never read here except by ``--evaluate``, which trains on four folds and scores the fifth in turn. The
shipped model is trained on folds 1-4. The labels of a candidate are its token F1 against the sentence's gold
cause and effect (the best over its pairs), used as soft targets of two logistic regressions (Adam, L2).
"""

from __future__ import annotations

import argparse
import ast
import csv
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from faultlines.extract.causal_model import split_of
from faultlines.extract.spans import DIM, MODEL_PATH, SpanModel, Words, candidates, features

_TAG = re.compile(r"<(/?)(ARG0|ARG1|SIG\d*)>|[^<]+|<")


def gold_spans(tagged: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """(plain text, cause character spans, effect character spans) of one tagged example."""
    text, stack = "", []
    res: dict[str, list[tuple[int, int]]] = {"ARG0": [], "ARG1": []}
    for m in _TAG.finditer(tagged):
        if m.group(2):
            if not m.group(1):
                stack.append((m.group(2), len(text)))
                continue
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == m.group(2):
                    name, start = stack.pop(k)
                    if name in res:
                        res[name].append((start, len(text)))
                    break
        else:
            text += m.group(0)
    return text, res["ARG0"], res["ARG1"]


def _tokens(doc: Any, spans: list[tuple[int, int]]) -> frozenset[int]:
    return frozenset(t.i for t in doc if not t.is_punct and any(t.idx < e and t.idx + len(t) > s for s, e in spans))


def _f1(pred: set[int], gold: frozenset[int]) -> float:
    common = len(pred & gold)
    if not common:
        return 0.0
    p, r = common / len(pred), common / len(gold)
    return 2 * p * r / (p + r)


def fold_of(index: str) -> int:
    """The fold of a subtask-2 row: the fold of its sentence in subtask 1, whose index it extends
    ("cnc_train_01_0_892_0" is example 0 of sentence "train_01_0_892"). Splitting by the subtask-2 index instead
    would put four in five of the held-out rows in the causal classifier's training folds."""
    if index.startswith("cnc_") and index.count("_") >= 2:
        return split_of(index[4:].rsplit("_", 1)[0])
    return split_of(index)  # a row of another corpus: its own index


def sentence_cues(doc: Any, matcher: Any) -> tuple[list[tuple[int, int, str, str]], list[tuple[str, Any]]]:
    """The cue matches of a one-sentence ``doc`` and the cue rules' guesses, as ``SpanModel.best`` takes them."""
    from faultlines.extract.claims import _spans

    sent = doc[0:len(doc)]
    matches = matcher.matches(sent)
    cues = [(m.start, m.end, doc[m.start:m.end].text.lower(), m.cue.role) for m in matches]
    rule: list[tuple[str, Any]] = []
    for m in matches:
        c, e, _ = _spans(doc, m, sent)
        rule += [("rule-cause", c), ("rule-effect", e)]
    return cues, rule


def examples(rows: list[dict[str, str]], nlp: Any) -> list[dict[str, Any]]:
    """Per sentence with gold pairs: its candidates' features and soft labels."""
    from faultlines.extract.claims import CueMatcher

    matcher = CueMatcher.load()
    out = []
    for r, doc in zip(rows, nlp.pipe([r["text"] for r in rows], batch_size=64), strict=True):
        golds = []
        for tagged in ast.literal_eval(r["causal_text_w_pairs"] or "[]"):
            text, cause, effect = gold_spans(tagged)
            if cause and effect and text == r["text"]:
                g = (_tokens(doc, cause), _tokens(doc, effect))
                if g[0] and g[1]:
                    golds.append(g)
        if not golds:
            continue
        cues, rule = sentence_cues(doc, matcher)
        rows_x, yc, ye, spans = [], [], [], []
        words = Words(doc)
        for (a, b), origins in candidates(doc, 0, len(doc), [(c[0], c[1]) for c in cues], rule).items():
            toks = {i for i in range(a, b) if not doc[i].is_punct}
            rows_x.append(features(doc, a, b, origins, 0, len(doc), cues, words))
            yc.append(max(_f1(toks, g[0]) for g in golds))
            ye.append(max(_f1(toks, g[1]) for g in golds))
            spans.append(toks)
        out.append({"index": r["index"], "x": rows_x, "yc": yc, "ye": ye, "spans": spans, "golds": golds})
    return out


def fit(xs: list[list[int]], y: np.ndarray, iters: int = 300, lr: float = 0.05, l2: float = 1e-5) -> dict[int, float]:
    """Logistic regression on hashed features with soft targets (full batch, Adam); the non-zero weights."""
    idx = np.concatenate([np.array(x, dtype=np.int64) for x in xs])
    counts = np.array([len(x) for x in xs])
    offs = np.concatenate([[0], np.cumsum(counts)[:-1]])
    w, m, v = np.zeros(DIM), np.zeros(DIM), np.zeros(DIM)
    for t in range(1, iters + 1):
        p = 1 / (1 + np.exp(-np.add.reduceat(w[idx], offs)))
        g = np.zeros(DIM)
        np.add.at(g, idx, np.repeat(p - y, counts))
        g = g / len(y) + l2 * w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return {int(i): round(float(w[i]), 5) for i in np.flatnonzero(np.abs(w) >= 1e-5)}


def train(exs: list[dict[str, Any]], meta: dict[str, Any]) -> SpanModel:
    xs = [x for e in exs for x in e["x"]]
    cause = fit(xs, np.array([y for e in exs for y in e["yc"]]))
    effect = fit(xs, np.array([y for e in exs for y in e["ye"]]))
    return SpanModel(cause, effect, meta)


def score(model: SpanModel, exs: list[dict[str, Any]]) -> float:
    """Mean over gold pairs of the mean token F1 of the best pair's cause and effect (given causal sentences)."""
    total = n = 0.0
    for e in exs:
        zs = [(sum(model.cause.get(i, 0.0) for i in x), sum(model.effect.get(i, 0.0) for i in x)) for x in e["x"]]
        best, pick = None, None
        for i, (zc, _) in enumerate(zs):
            for j, (_, ze) in enumerate(zs):
                if i != j and not (e["spans"][i] & e["spans"][j]) and (best is None or zc + ze > best):
                    best, pick = zc + ze, (i, j)
        for gc, ge in e["golds"]:
            n += 1
            if pick:
                total += (_f1(e["spans"][pick[0]], gc) + _f1(e["spans"][pick[1]], ge)) / 2
    return total / n if n else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="train_subtask2_grouped.csv of the Causal News Corpus V2")
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--evaluate", action="store_true", help="five-fold cross-validation figures; writes nothing")
    args = ap.parse_args(argv)
    from faultlines.analyze.nlp import load_nlp

    t0 = time.time()
    rows = list(csv.DictReader(open(args.data, encoding="utf-8-sig")))
    by_fold: dict[int, list[dict[str, Any]]] = {f: [] for f in range(5)}
    exs = examples(rows, load_nlp())
    for e in exs:
        by_fold[fold_of(e["index"])].append(e)
    if args.evaluate:
        for f in range(5):
            model = train([e for g in range(5) if g != f for e in by_fold[g]], {})
            print(f"fold {f}: {len(by_fold[f])} sentences, span F1 given causal sentences {score(model, by_fold[f]):.3f}")
        return 0
    training = [e for f in (1, 2, 3, 4) for e in by_fold[f]]
    meta = {"data": "Causal News Corpus V2, subtask 2 (train_subtask2_grouped.csv), CC0",
            "folds": "sha1(subtask-1 index of the sentence) % 5 (fold_of); trained on folds 1-4, fold 0 held out", "sentences": len(training),
            "candidates": sum(len(e["x"]) for e in training), "dim": DIM}
    model = train(training, meta)
    model.save(Path(args.out))
    print(f"{len(training)} sentences, {meta['candidates']} candidates, held-out fold 0: span F1 given causal "
          f"sentences {score(model, by_fold[0]):.3f} ({time.time() - t0:.0f} s) -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
