"""The shipped causal-sentence classifier: a small spaCy ``textcat`` trained on the Causal News Corpus.

The model directory holds a blank-English spaCy pipeline with one ``textcat`` component (labels ``causal`` and
``other``) and ``faultlines.json`` with the decision thresholds tuned on the training split.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).parent / "models" / "causal"
CAUSAL, OTHER = "causal", "other"
META_FILE = "faultlines.json"
EXTRA_FILE = MODEL_DIR / "extra_sentences.tsv"

# Decision defaults, used when the model directory carries no tuned thresholds.
DEFAULT_THRESHOLDS = {"accept": 0.5, "cue_floor": 0.2, "strong_cue_floor": 0.05}


def split_of(index: str, folds: int = 5) -> int:
    """Deterministic fold of a corpus row: sha1 of its ``index`` modulo ``folds`` (fold 0 is held out)."""
    return int(hashlib.sha1(index.encode("utf-8")).hexdigest(), 16) % folds


def is_heldout(index: str) -> bool:
    """True for the 20% of rows never used for training or tuning."""
    return split_of(index) == 0


@dataclass(frozen=True)
class Example:
    index: str
    text: str
    label: bool


def read_cnc(path: Path) -> list[Example]:
    """Rows of a Causal News Corpus subtask-1 CSV (columns index, text, label)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [
            Example(row["index"], row["text"], row["label"].strip() == "1")
            for row in csv.DictReader(fh)
            if row.get("text")
        ]


def read_extra(path: Path = EXTRA_FILE) -> list[Example]:
    """Our own training sentences (``label<TAB>text``, ``#`` comments): mostly non-causal news and opinion prose."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, _, text = line.partition("\t")
        rows.append(Example(f"extra-{n}", text.strip(), label.strip() == "1"))
    return rows


class CausalModel:
    """Scores sentences: probability that the sentence states a cause-effect relation.

    The shipped model is an ensemble: textcat pipelines trained with different seeds, whose probabilities are
    averaged (steadier than any single small model; about three points of development F1).
    """

    def __init__(self, nlp: Any, thresholds: dict[str, float] | None = None) -> None:
        self.members: list[Any] = list(nlp) if isinstance(nlp, list | tuple) else [nlp]
        self.nlp = self.members[0]
        self.thresholds = {**DEFAULT_THRESHOLDS, **(thresholds or {})}

    @classmethod
    def load(cls, path: Path | None = None) -> CausalModel:
        """Load the model from ``path`` (default: the weights shipped with the package)."""
        import spacy

        path = Path(path or MODEL_DIR)
        meta_path = path / META_FILE
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        members = meta.get("members") or []
        nlps = [spacy.load(path / m) for m in members] if members else [spacy.load(path)]
        return cls(nlps, meta.get("thresholds"))

    def predict(self, texts: Iterable[str], batch_size: int = 64) -> list[float]:
        """P(causal) for each text (the mean over the ensemble's members)."""
        docs = self.tokenize(texts)
        sums = [0.0] * len(docs)
        for nlp in self.members:
            for i, doc in enumerate(nlp.pipe(docs, batch_size=batch_size)):
                sums[i] += doc.cats.get(CAUSAL, 0.0)
        return [x / len(self.members) for x in sums]

    def tokenize(self, texts: Iterable[str]) -> list[Any]:
        """The texts as spaCy Docs, made once for every member: the members are blank English pipelines with the
        same tokenizer, and their features are hashes of the token strings, so a Doc made by the first member
        scores exactly as the member's own would (tokenizing was a third of the ensemble's time)."""
        make = self.nlp.make_doc
        return [make(t) for t in texts]

    def score(self, text: str) -> float:
        return self.predict([text])[0]

    def predict_reaching(self, texts: Sequence[str], floors: Sequence[float], batch_size: int = 64
                         ) -> list[float | None]:
        """``predict`` for the texts whose mean can still reach its floor; None for the others.

        The members run one after another, each only on the texts still alive: a text is dropped as soon as its
        sum so far plus 1 for every member not yet run stays under ``floor`` times the number of members. No
        member's probability exceeds 1, so a dropped text could never have reached its floor: the decisions are
        exactly those of ``predict``, and every returned mean is the same float as ``predict`` gives.
        """
        n = len(self.members)
        sums = [0.0] * len(texts)
        alive = [i for i in range(len(texts)) if floors[i] <= 1.0]
        docs = dict(zip(alive, self.tokenize(texts[i] for i in alive), strict=True))
        for k, nlp in enumerate(self.members):
            if not alive:
                break
            for i, doc in zip(alive, nlp.pipe([docs[i] for i in alive], batch_size=batch_size), strict=True):
                sums[i] += doc.cats.get(CAUSAL, 0.0)
            left = n - k - 1
            alive = [i for i in alive if (sums[i] + left) / n >= floors[i]]
        out: list[float | None] = [None] * len(texts)
        for i in alive:
            out[i] = sums[i] / n
        return out


@functools.lru_cache(maxsize=2)
def load_default(path: str | None = None) -> CausalModel | None:
    """The shipped model, loaded once per process; None (logged) when the weights are missing or unreadable."""
    try:
        return CausalModel.load(Path(path) if path else None)
    except Exception as exc:  # noqa: BLE001 - a missing model must not stop extraction; cues still work
        log.warning("causal model unavailable (%s); falling back to cue patterns only", exc)
        return None


def prf(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, float]:
    """Precision, recall, F1 and accuracy of binary predictions."""
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    acc = sum(g == q for g, q in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "accuracy": round(acc, 4), "n": len(gold)}


__all__ = [
    "CausalModel", "Example", "MODEL_DIR", "is_heldout", "load_default", "prf", "read_cnc", "read_extra", "split_of",
]
