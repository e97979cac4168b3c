"""Train the role filler (``extract.roles``) on MUC-3/4 style documents and write ``models/roles.json``.

    python -m faultlines.training.roles --data PATH/train.json [--out faultlines/extract/models/roles.json]

``--data`` is a JSON Lines file of documents as the GRIT authors processed MUC-3/4 (``docid``, ``doctext``,
``extracts`` with ``PerpInd``, ``PerpOrg``, ``Target`` and ``Victim``: lists of entities, each a list of
``[mention, offset]``). Every document is run through the pipeline with the role model switched off; each noun
phrase of a sentence that tells an event is a training example, labelled perpetrator or target when its words
match a mention of such an entity (the same words, or one holding the other, as MUC scoring counts a match) and
neither otherwise. A multinomial logistic model is fitted by AdaGrad on the features of ``extract.roles``. The two
thresholds (how likely a phrase must be to fill each role) are chosen on one fifth of the documents held out from
a first fit, by the F1 of the entities the pipeline's events then name (the words and the actor's name of each
participant, the words of each property target); the shipped weights are then fitted on every document.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from faultlines.extract.roles import (
    MODEL_FILE,
    NONE,
    PERPETRATOR,
    TARGET,
    DocumentStats,
    RoleModel,
    candidates,
    features,
    heads,
)
from faultlines.spans import Overlaps

ROLE_KEYS = {PERPETRATOR: ("PerpInd", "PerpOrg"), TARGET: ("Target", "Victim")}


def norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def matches(text: str, entities: Sequence[Sequence[str]]) -> bool:
    return any(text == m or (len(text) > 3 and (text in m or m in text)) for mentions in entities for m in mentions)


Examples = list[tuple[str, list[tuple[str, list[str], int]]]]


def examples(rows: Sequence[dict[str, Any]], keep: frozenset[str] = frozenset()) -> tuple[Examples, dict[str, Any]]:
    """(document id, [(phrase, features, label)]) for each document, through the pipeline without the model;
    and the extractions (analysis and events) of the documents named in ``keep``, with the pipeline."""
    from faultlines.config import Settings
    from faultlines.ingest import read_records
    from faultlines.model import Document, Extraction
    from faultlines.pipeline import Pipeline

    settings = Settings()
    pipe = Pipeline(settings)
    pipe.extractor.events.roles = None
    out: Examples = []
    kept: dict[str, Any] = {"pipeline": pipe}
    for at in range(0, len(rows), 32):
        chunk = rows[at:at + 32]
        read = [next(iter(read_records([{"id": r["docid"], "text": r["doctext"]}], settings=replace(settings),
                                       source=r["docid"]))) for r in chunk]
        chunk = [r for r, d in zip(chunk, read, strict=True) if isinstance(d, Document)]  # an empty text: none
        docs = [d for d in read if isinstance(d, Document)]
        for row, result in zip(chunk, pipe.extract(docs), strict=True):
            items: list[tuple[str, list[str], int]] = []
            out.append((row["docid"], items))
            if not isinstance(result, Extraction) or result.analysis is None:
                continue
            gold = {role: [[norm(m[0]) for m in entity] for k in keys for entity in row["extracts"].get(k, [])]
                    for role, keys in ROLE_KEYS.items()}
            analysis = result.analysis
            if row["docid"] in keep:
                kept[row["docid"]] = result
            events = [e for e in result.events if e.is_event]
            stats = DocumentStats(analysis)
            told_by = Overlaps(events)
            for index, sent in enumerate(analysis.spacy_doc.sents):
                told = told_by.of(sent.start_char, sent.end_char)
                if not told:
                    stats.seen.update(t.lemma_.lower() for t in heads(sent))
                    continue
                for c in candidates(sent):
                    text = norm(c.text)
                    label = PERPETRATOR if matches(text, gold[PERPETRATOR]) else \
                        TARGET if matches(text, gold[TARGET]) else NONE
                    items.append((text, features(c, sent, index, told, analysis, stats), label))
        print(f"{min(at + 32, len(rows))}/{len(rows)} documents", file=sys.stderr, flush=True)
    return out, kept


def fit(data: Iterable[tuple[str, list[tuple[str, list[str], int]]]], min_count: int = 2, epochs: int = 8,
        l2: float = 1e-4, rate: float = 0.2, seed: int = 0) -> dict[str, list[float]]:
    """Weights of a 3-class logistic model (AdaGrad, L2) for the features seen at least ``min_count`` times."""
    import numpy as np

    rows = [(f, y) for _, items in data for _, f, y in items]
    counts = Counter(name for f, _ in rows for name in set(f))
    vocab = {name: i for i, name in enumerate(sorted(n for n, c in counts.items() if c >= min_count))}
    xs = [np.array(sorted({vocab[n] for n in f if n in vocab}), dtype=np.int64) for f, _ in rows]
    ys = [y for _, y in rows]
    w = np.zeros((len(vocab), 3))
    g2 = np.full_like(w, 1e-8)
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        loss = 0.0
        for n in rng.permutation(len(xs)):
            x, y = xs[n], ys[n]
            z = w[x].sum(0)
            p = np.exp(z - z.max())
            p /= p.sum()
            loss -= float(np.log(p[y] + 1e-12))
            grad = p.copy()
            grad[y] -= 1.0
            step = grad[None, :] + l2 * w[x]
            g2[x] += step * step
            w[x] -= rate * step / np.sqrt(g2[x])
        print(f"epoch {epoch + 1}: loss {loss / max(len(xs), 1):.4f}", file=sys.stderr, flush=True)
    w -= w.mean(axis=1, keepdims=True)  # softmax is blind to a constant per feature: keep the smallest numbers
    names = sorted(vocab, key=vocab.__getitem__)
    return {name: [round(float(v), 4) for v in w[i]] for i, name in enumerate(names) if np.abs(w[i]).max() >= 1e-3}


def found(entities: Sequence[Sequence[str]], chosen: set[str]) -> tuple[int, int, int]:
    """(true, false, missed) entities of one document: each entity matched by one chosen phrase at most."""
    tp = fn = 0
    matched = set()
    for mentions in entities:
        hit = next((t for t in chosen if matches(t, [mentions])), None)
        if hit is None:
            fn += 1
        else:
            tp += 1
            matched.add(hit)
    return tp, len(chosen - matched), fn


def end_to_end_f1(model: RoleModel, kept: dict[str, Any], rows: dict[str, dict[str, Any]], role: int) -> float:
    """F1 of the entities of ``role`` the pipeline's events name with ``model`` (each participant's words and
    its actor's name, each property target's words), over the documents of ``kept``."""
    extractor = kept["pipeline"].extractor.events
    tp = fp = fn = 0
    for doc_id, result in kept.items():
        if doc_id == "pipeline":
            continue
        events = extractor.learned_roles(result.events, result.analysis, model)
        chosen: set[str] = set()
        for e in events:
            if not e.is_event:
                continue
            for p in (e.perpetrators if role == PERPETRATOR else e.targets):
                chosen.update(norm(x) for x in (p.text, p.actor.name) if x)
            if role == TARGET:
                chosen.update(norm(t.text) for t in e.property_targets)
        chosen.discard("")
        entities = [[norm(m[0]) for m in e] for k in ROLE_KEYS[role] for e in rows[doc_id]["extracts"].get(k, [])]
        a, b, c = found(entities, chosen)
        tp, fp, fn = tp + a, fp + b, fn + c
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="MUC-3/4 training documents (GRIT JSON Lines)")
    ap.add_argument("--out", default=str(MODEL_FILE))
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    rows = [json.loads(line) for line in Path(args.data).read_text(encoding="utf-8").splitlines() if line.strip()]
    order = [r["docid"] for r in rows]
    random.Random(args.seed).shuffle(order)
    held = frozenset(order[: len(order) // 5])
    data, kept = examples(rows, keep=held)
    by_id = {r["docid"]: r for r in rows}
    first = fit([d for d in data if d[0] not in held], args.min_count, args.epochs, seed=args.seed)
    grid = [round(0.2 + 0.05 * i, 2) for i in range(14)]
    thresholds: dict[str, float] = {}
    tuning: dict[str, Any] = {}
    for role, name in ((PERPETRATOR, "perpetrator"), (TARGET, "target")):
        other = "target" if name == "perpetrator" else "perpetrator"
        scores = {t: round(end_to_end_f1(RoleModel(first, {name: t, other: 1.01}), kept, by_id, role), 3)
                  for t in [*grid, 1.01]}
        thresholds[name] = max(grid, key=lambda t: (scores[t], t))
        tuning[name] = {"held_out_f1": scores[thresholds[name]], "rules_alone_f1": scores[1.01]}
        print(f"{name}: threshold {thresholds[name]} (held-out end-to-end F1 {scores[thresholds[name]]:.3f}; "
              f"rules alone {scores[1.01]:.3f})", file=sys.stderr, flush=True)
    weights = fit(data, args.min_count, args.epochs, seed=args.seed)
    meta = {"data": Path(args.data).name, "documents": len(rows), "examples": sum(len(i) for _, i in data),
            "features": len(weights), "min_count": args.min_count, "epochs": args.epochs, "seed": args.seed,
            "labels": ["neither", "perpetrator", "target"], "tuning": tuning, "held_out_documents": len(held),
            "source": "MUC-3/4 training documents (GRIT processing); released free of charge by NIST, courtesy of FBIS"}
    model = RoleModel(weights, thresholds, meta)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(model.to_json(), separators=(",", ":"), sort_keys=True) + "\n",
                              encoding="utf-8")
    print(f"wrote {args.out}: {len(weights)} features, thresholds {thresholds}", file=sys.stderr)


if __name__ == "__main__":
    main()
