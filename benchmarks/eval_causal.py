"""Score the shipped causal classifier (alone and combined with the cue patterns) on the held-out CNC split.

    python benchmarks/eval_causal.py --data /work/shared/bench/external/cnc/train_subtask1.csv [--train] \
        [--write-heldout /tmp/cnc_heldout.csv]

Held out: sha1(index) % 5 == 0 (see faultlines.extract.causal_model.is_heldout); the model never saw those rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

from faultlines.analyze.nlp import load_nlp
from faultlines.extract.causal_model import CausalModel, Example, is_heldout, prf, read_cnc
from faultlines.extract.claims import CueMatcher, decide, has_clause


def score(rows: list[Example], model: CausalModel, matcher: CueMatcher) -> dict[str, dict[str, float]]:
    gold = [r.label for r in rows]
    probs = model.predict(r.text for r in rows)
    parser = load_nlp()
    docs = list(parser.pipe((r.text for r in rows), batch_size=64))
    strengths = [matcher.strength(doc) for doc in docs]
    clause = [any(has_clause(s) for s in doc.sents) for doc in docs]
    return {
        "classifier@0.5": prf(gold, [p >= 0.5 for p in probs]),
        "classifier+cues": prf(gold, [
            c and decide(p, s, model.thresholds) for p, s, c in zip(probs, strengths, clause, strict=True)
        ]),
        "cues_only(strong)": prf(gold, [s >= 1.0 for s in strengths]),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("/work/shared/bench/external/cnc/train_subtask1.csv"))
    ap.add_argument("--model", type=Path, default=None, help="model directory (default: the shipped one)")
    ap.add_argument("--train", action="store_true", help="also score the 80%% training split, for contrast")
    ap.add_argument("--write-heldout", type=Path, default=None, help="write the held-out rows as CSV for bench.py")
    args = ap.parse_args()
    t0 = time.perf_counter()
    rows = read_cnc(args.data)
    held = [r for r in rows if is_heldout(r.index)]
    model, matcher = CausalModel.load(args.model), CueMatcher.load()
    report = {"heldout": {"rows": len(held), **score(held, model, matcher)}, "thresholds": model.thresholds}
    if args.train:
        train = [r for r in rows if not is_heldout(r.index)]
        report["train"] = {"rows": len(train), **score(train, model, matcher)}
    if args.write_heldout:
        with open(args.write_heldout, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["index", "text", "label"])
            w.writerows([r.index, r.text, int(r.label)] for r in held)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
