"""The shipped causal-sentence classifier: small spaCy ``textcat`` models trained on the Causal News Corpus.

The model directory holds ``faultlines.json`` (the members, the decision thresholds tuned on the development fold,
how the model was trained) and one blank-English spaCy pipeline per ensemble member, each with one ``textcat``
component (labels ``causal`` and ``other``).

The shipped members read the words only (a bag of n-grams and a small CNN of their own). Members trained with
``training.causal --arch parse`` (tried, not shipped: ``docs/causal-model.md``) read the parse's own token vectors
instead (``Doc.tensor``, set by the English pipeline's ``tok2vec`` that the analysis runs anyway) next to a small
hash embedding of the words (``faultlines.ParseFeatures.v1``). Such a model scores a sentence straight from its
span of the parsed document; a bare text (``predict``, ``score``) is first run through that ``tok2vec``.
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

from faultlines.analyze.nlp import load_nlp
from faultlines.analyze.parsed import parsed

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).parent / "models" / "causal"
CAUSAL, OTHER = "causal", "other"
META_FILE = "faultlines.json"
EXTRA_FILE = MODEL_DIR / "extra_sentences.tsv"

# Decision defaults, used when the model directory carries no tuned thresholds.
DEFAULT_THRESHOLDS = {"accept": 0.5, "cue_floor": 0.2, "strong_cue_floor": 0.05}
PARSE_FEATURES = "faultlines.ParseFeatures.v1"


@functools.cache
def register_architectures() -> None:
    """Make ``faultlines.ParseFeatures.v1`` known to spaCy's registry (before a member is built or loaded)."""
    from spacy.util import registry

    registry.architectures.register(PARSE_FEATURES, func=parse_features)


def parse_features(width: int = 32, tensor_width: int = 96, rows: Sequence[int] = (2000, 1000, 1000, 1000),
                   attrs: Sequence[str] = ("NORM", "PREFIX", "SUFFIX", "SHAPE")) -> Any:
    """Token vectors of Docs or Spans: the parse's ``tensor`` (``tensor_width`` wide, read, never trained) next to a
    hash embedding of ``attrs`` (``width`` wide, trained)."""
    from spacy.ml.models.tok2vec import MultiHashEmbed
    from thinc.api import Model, concatenate

    def forward(model: Any, docs: Any, is_train: bool) -> tuple[list[Any], Any]:
        out = []
        for doc in docs:
            tensor = doc.tensor
            if tensor is None or tensor.ndim != 2 or tensor.shape != (len(doc), tensor_width):
                raise ValueError(f"the causal model needs the parse's token vectors ({tensor_width} wide) on every "
                                 f"input; got {getattr(tensor, 'shape', None)} for {len(doc)} tokens")
            out.append(model.ops.asarray2f(tensor))
        return out, lambda d_out: []

    tensor: Any = Model("parse_tensor", forward, dims={"nO": tensor_width})
    embed = MultiHashEmbed(width=width, attrs=list(attrs), rows=list(rows), include_static_vectors=False)
    model: Any = concatenate(tensor, embed)
    model.set_dim("nO", tensor_width + width)
    return model


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

    def __init__(self, nlp: Any, thresholds: dict[str, float] | None = None, features: Any = None) -> None:
        """``features``: for members built on ``faultlines.ParseFeatures.v1``, the English pipeline whose
        ``tok2vec`` they read (``analyze.nlp.load_nlp``); None for members that read only the words."""
        self.members: list[Any] = list(nlp) if isinstance(nlp, list | tuple) else [nlp]
        self.nlp = self.members[0]
        self.thresholds = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
        self.features = features

    @classmethod
    def load(cls, path: Path | None = None) -> CausalModel:
        """Load the model from ``path`` (default: the weights shipped with the package)."""
        import spacy

        register_architectures()
        path = Path(path or MODEL_DIR)
        meta_path = path / META_FILE
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        members = meta.get("members") or []
        nlps = [spacy.load(path / m) for m in members] if members else [spacy.load(path)]
        features = None
        if meta.get("features"):
            features = load_nlp()
            trained = meta["features"]
            have = {"pipeline": features.meta.get("name"), "version": features.meta.get("version")}
            if any(have[k] != trained.get(k) for k in have):
                log.warning("causal model trained on the token vectors of %s %s, this parse is %s %s",
                            trained.get("pipeline"), trained.get("version"), have["pipeline"], have["version"])
        return cls(nlps, meta.get("thresholds"), features)

    def predict(self, texts: Iterable[Any], batch_size: int = 64) -> list[float]:
        """P(causal) for each text or sentence span (the mean over the ensemble's members)."""
        items = list(texts)
        return [p if p is not None else 0.0 for p in self.predict_reaching(items, [0.0] * len(items), batch_size)]

    def tokenize(self, texts: Iterable[Any]) -> list[Any]:
        """The inputs as the members read them, made once for every member.

        Members on the parse's vectors: a span of a document parsed by ``features`` is used as it is (its tokens
        and their vectors are already there); a text, or a span of another parse, is tokenized and run through
        the ``tok2vec`` of ``features``. Other members: the texts as Docs of the first member's tokenizer (the
        members are blank English pipelines with the same tokenizer, and their features are hashes of the token
        strings, so a Doc made by the first member scores exactly as the member's own would)."""
        items = list(texts)
        if self.features is None:
            make = self.nlp.make_doc
            return [make(t if isinstance(t, str) else t.text) for t in items]
        vocab = self.features.vocab
        out: list[Any] = [None] * len(items)
        todo = []
        for i, item in enumerate(items):
            doc = getattr(item, "doc", item)  # a Span's Doc, or the Doc itself
            if not isinstance(item, str) and doc.vocab is vocab and _has_vectors(doc):
                out[i] = item if doc is item else SpanInput(item)
            else:
                todo.append(i)
        if todo:
            nlp = self.features
            texts_todo = [items[i] if isinstance(items[i], str) else items[i].text for i in todo]
            parsed = nlp.get_pipe("tok2vec").pipe(nlp.tokenizer.pipe(texts_todo), batch_size=64)
            for i, doc in zip(todo, parsed, strict=True):
                out[i] = doc
        return out

    def _member_scores(self, nlp: Any, docs: list[Any], batch_size: int) -> list[float]:
        """One member's P(causal) for inputs made by ``tokenize``."""
        if self.features is None:
            return [doc.cats.get(CAUSAL, 0.0) for doc in nlp.pipe(docs, batch_size=batch_size)]
        textcat = nlp.get_pipe("textcat")
        col = list(textcat.labels).index(CAUSAL)
        out = [0.0] * len(docs)  # an input without tokens: probability 0, as spaCy's textcat gives it
        idx = [i for i, d in enumerate(docs) if len(d)]
        for b in range(0, len(idx), batch_size):
            chunk = idx[b:b + batch_size]
            scores = textcat.model.predict([docs[i] for i in chunk])
            for i, p in zip(chunk, scores[:, col].tolist(), strict=True):
                out[i] = p
        return out

    def score(self, text: str) -> float:
        return self.predict([text])[0]

    def predict_reaching(self, texts: Sequence[Any], floors: Sequence[float], batch_size: int = 64
                         ) -> list[float | None]:
        """``predict`` for the texts (or sentence spans) whose mean can still reach its floor; None for the others.

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
            for i, p in zip(alive, self._member_scores(nlp, [docs[i] for i in alive], batch_size), strict=True):
                sums[i] += p
            left = n - k - 1
            alive = [i for i in alive if (sums[i] + left) / n >= floors[i]]
        out: list[float | None] = [None] * len(texts)
        for i in alive:
            out[i] = sums[i] / n
        return out


class SpanInput:
    """A sentence span as the members read a Doc (its tokens' attributes and vectors), without copying it.

    ``to_array`` slices the whole document's array, made once per document and attribute list (``Span.to_array``
    is many times slower, and answers a one-attribute list in two dimensions where spaCy's layers expect the
    Doc's one)."""

    __slots__ = ("span",)

    def __init__(self, span: Any) -> None:
        self.span = span

    def __len__(self) -> int:
        return len(self.span)

    @property
    def tensor(self) -> Any:
        return self.span.tensor

    def to_array(self, attrs: Any) -> Any:
        span = self.span
        memo = parsed(span.doc).memo("causal_arrays")
        key = attrs if isinstance(attrs, str | int) else tuple(attrs)
        arr = memo.get(key)
        if arr is None:
            arr = memo[key] = span.doc.to_array(attrs)
        return arr[span.start:span.end]


def _has_vectors(doc: Any) -> bool:
    """The parse set a vector per token (``tok2vec`` ran on this Doc)."""
    tensor = doc.tensor
    return tensor is not None and tensor.ndim == 2 and tensor.shape[0] == len(doc) > 0


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
    "CausalModel", "Example", "MODEL_DIR", "PARSE_FEATURES", "is_heldout", "load_default", "parse_features", "prf",
    "read_cnc", "read_extra", "register_architectures", "split_of",
]
