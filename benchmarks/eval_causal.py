"""Score the shipped causal-claim extractor on the held-out CNC split and, optionally, on annotated article folders.

    python benchmarks/eval_causal.py [--data /work/shared/bench/external/cnc/train_subtask1.csv] [--train] \
        [--write-heldout /tmp/cnc_heldout.csv] \
        [--corpus /work/shared/corpus/seeds --gold /work/shared/bench/seeds/gold.json] \
        [--corpus faultlines/demo/corpus --gold tests/gold/demo_gold.json]

Held out: sha1(index) % 5 == 0 (see faultlines.extract.causal_model.is_heldout); the model never saw those rows.
A CNC row counts as causal when the extractor returns a claim for it, as ``bench.py cnc`` does through the CLI.
For article folders: claims predicted, claims with both cause and effect, and gold claims found (a predicted
quote of the same document holding >= 60% of the gold quote's words, as score_seeds.py checks).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import time
import unicodedata
from pathlib import Path
from typing import Any

from faultlines.analyze import Analyzer
from faultlines.extract.causal_model import Example, is_heldout, prf, read_cnc
from faultlines.extract.claims import ClaimExtractor
from faultlines.ingest import read_paths
from faultlines.ingest.documents import make_document
from faultlines.model import Document


def _words(text: str) -> set[str]:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("\u2019", "'")
    text = re.sub(r"\b(al|el|ad|as|an|ar)[- ]", "", text)
    return set(re.sub(r"[^a-z0-9]+", " ", text).split())


def overlap(gold: str, pred: str) -> float:
    g = _words(gold)
    return len(g & _words(pred)) / len(g) if g else 0.0


def score_cnc(rows: list[Example], analyzer: Analyzer, extractor: ClaimExtractor) -> dict[str, Any]:
    gold = [r.label for r in rows]
    probs = extractor.model.predict(r.text for r in rows) if extractor.model else [0.0] * len(rows)
    docs = [make_document(raw_text=r.text, clean_text=r.text, name=f"{r.index}.txt") for r in rows]
    claims = [extractor(a) for a in analyzer.analyze(docs)]
    flat = [c for cs in claims for c in cs]
    return {
        "classifier@0.5": prf(gold, [p >= 0.5 for p in probs]),
        "extractor": prf(gold, [bool(cs) for cs in claims]),
        "claims": len(flat),
        "cause_and_effect": sum(1 for c in flat if c.cause and c.effect),
    }


def score_corpus(folder: Path, gold_path: Path, analyzer: Analyzer, extractor: ClaimExtractor) -> dict[str, Any]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))["causal_claims"]
    docs = [d for d in read_paths([folder]) if isinstance(d, Document)]
    preds = [(Path(a.document.name).name, c) for a in analyzer.analyze(docs) for c in extractor(a)]
    found = [any(d == g["doc"] and overlap(g["quote"], c.quote) >= 0.6 for d, c in preds) for g in gold]
    return {
        "documents": len(docs),
        "gold": len(gold),
        "found": sum(found),
        "claims": len(preds),
        "cause_and_effect": sum(1 for _, c in preds if c.cause and c.effect),
        "missed": [g["quote"][:80] for g, ok in zip(gold, found, strict=True) if not ok],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("/work/shared/bench/external/cnc/train_subtask1.csv"))
    ap.add_argument("--model", type=Path, default=None, help="model directory (default: the shipped one)")
    ap.add_argument("--train", action="store_true", help="also score the 80%% training split, for contrast")
    ap.add_argument("--write-heldout", type=Path, default=None, help="write the held-out rows as CSV for bench.py")
    ap.add_argument("--corpus", type=Path, action="append", default=[], help="article folder (repeatable)")
    ap.add_argument("--gold", type=Path, action="append", default=[], help="gold JSON for each --corpus")
    args = ap.parse_args()
    t0 = time.perf_counter()
    analyzer, extractor = Analyzer(), ClaimExtractor(model_path=args.model)
    rows = read_cnc(args.data)
    held = [r for r in rows if is_heldout(r.index)]
    report: dict[str, Any] = {"thresholds": extractor.thresholds,
                              "heldout": {"rows": len(held), **score_cnc(held, analyzer, extractor)}}
    if args.train:
        train = [r for r in rows if not is_heldout(r.index)]
        report["train"] = {"rows": len(train), **score_cnc(train, analyzer, extractor)}
    for folder, gold in zip(args.corpus, args.gold, strict=True):
        report[str(folder)] = score_corpus(folder, gold, analyzer, extractor)
    if args.write_heldout:
        with open(args.write_heldout, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["index", "text", "label"])
            w.writerows([r.index, r.text, int(r.label)] for r in held)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
