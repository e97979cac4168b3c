"""The learned role filler: which noun phrases of an event's sentence are its perpetrators and its targets.

The syntax rules of ``participants`` find the roles a sentence states plainly ("guerrillas attacked the farm").
Many reports say it less plainly: lower-cased wire copy, the perpetrator as the object of a blame several clauses
away, the victim as an apposition. A small multinomial logistic model reads every noun phrase of a sentence that
tells an event and gives each the chance that it is a perpetrator, a target, or neither. Its features are the
phrase's head and words, its syntactic relation and the word it hangs on, what the actor knowledge base and the
rules made of it, the event's sub-type and where the phrase stands in the article; never the letter case.

The shipped weights (``models/roles.json``) were trained on the MUC-3/4 training documents (terrorist incidents
in Latin America, 1989-1991, released free of charge by NIST courtesy of FBIS), with the thresholds chosen on a
part of those training documents held out from fitting; ``docs/roles-model.md`` records the data, the figures and
the command that retrains them (``python -m faultlines.training.roles``).
"""

from __future__ import annotations

import functools
import json
import logging
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faultlines.model import Analysis, Event
from faultlines.spans import Overlaps

log = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).parent / "models" / "roles.json"
NONE, PERPETRATOR, TARGET = 0, 1, 2

_RESPONSIBILITY = re.compile(r"responsib|claim|blam|attribut|accus|suspect", re.I)
_PERSONAL = frozenset({"they", "he", "she", "we"})
_LEFT_DROP = ("punct", "cc", "prep", "det", "poss", "nummod", "predet")
_LEFT_TRIM = ("det", "predet", "punct", "cc")


@dataclass(frozen=True)
class Candidate:
    """A noun phrase that may fill a role: its head token and its first and last tokens."""

    head: Any
    left: int
    right: int

    @property
    def start(self) -> int:
        return int(self.head.doc[self.left].idx)

    @property
    def end(self) -> int:
        last = self.head.doc[self.right]
        return int(last.idx + len(last))

    @property
    def text(self) -> str:
        return str(self.head.doc[self.left:self.right + 1].text)


def heads(sent: Any) -> Iterator[Any]:
    """The tokens that head the sentence's noun phrases: nouns and names (not inside a compound), personal
    pronouns."""
    for t in sent:
        if t.pos_ not in ("NOUN", "PROPN", "PRON") or t.dep_ in ("compound", "flat"):
            continue
        if t.pos_ == "PRON" and t.lower_ not in _PERSONAL:
            continue
        yield t


def candidates(sent: Any) -> list[Candidate]:
    """Every noun phrase of the sentence, by its head (nouns, names and personal pronouns), without its
    determiner: "the 6th infantry brigade" gives "6th infantry brigade"."""
    out = []
    for t in heads(sent):
        left = min([t.i] + [c.left_edge.i for c in t.lefts if c.dep_ not in _LEFT_DROP])
        while left < t.i and t.doc[left].dep_ in _LEFT_TRIM:
            left += 1
        right = t.i
        for c in t.rights:
            if c.dep_ in ("compound", "flat") and c.i == right + 1:
                right = c.right_edge.i
        out.append(Candidate(t, left, right))
    return out


class DocumentStats:
    """What the features need to know of the whole article: how often each head word occurs, which occur
    before, and where its actor mentions are."""

    def __init__(self, analysis: Analysis) -> None:
        self.counts: dict[str, int] = {}
        for t in analysis.spacy_doc:
            if t.pos_ in ("NOUN", "PROPN"):
                lem = t.lemma_.lower()
                self.counts[lem] = self.counts.get(lem, 0) + 1
        self.seen: set[str] = set()
        self.actors = Overlaps(analysis.actors)


def features(c: Candidate, sent: Any, index: int, events: Sequence[Event], analysis: Analysis,
             stats: DocumentStats) -> list[str]:
    """The candidate's features; ``events`` are the sentence's events with the rules' participants. Call in
    document order: whether the head word was seen before is remembered in ``stats``."""
    t = c.head
    doc = t.doc
    lem, dep, governor = t.lemma_.lower(), t.dep_, t.head.lemma_.lower()
    f = [f"lem={lem}", f"dep={dep}", f"dh={dep}|{governor}", f"hl={governor}", f"pos={t.pos_}", f"ent={t.ent_type_}"]
    if dep == "pobj":
        f += [f"prep={t.head.lower_}", f"ph={t.head.lower_}|{t.head.head.lemma_.lower()}",
              f"pdep={t.head.lower_}|{t.head.head.dep_}"]
    if dep in ("conj", "appos"):
        f.append(f"cdep={t.head.dep_}|{t.head.head.lemma_.lower()}")
    f += [f"w={w.lower_}" for w in doc[c.left:c.right + 1] if w.i != t.i]
    if any(ch.dep_ == "nummod" for ch in t.children):
        f.append("num")
    f.append(f"len={min(c.right - c.left + 1, 4)}")
    start, end = c.start, c.end
    for m in stats.actors.of(start, end):
        f += [f"atype={m.actor.type}", "known" if m.how != "new" else "newactor"]
    if not events:
        f.append("noev")
    rules: set[str] = set()
    for e in events:
        f += [f"evt={e.sub_event_type}", f"evt_dep={e.sub_event_type}|{dep}"]
        rules.update("perp:" + p.how for p in e.perpetrators if _overlaps(p, start, end))
        rules.update("tgt" for p in e.targets if _overlaps(p, start, end))
    for r in sorted(rules):
        f += [f"r={r}", f"r_lem={r}|{lem}"]
    if _RESPONSIBILITY.search(sent.text):
        f += ["resp", f"resp_dep={dep}"]
    f.append(f"sidx={min(index, 6)}")
    if lem not in stats.seen:
        f.append("first")
        stats.seen.add(lem)
    f += [f"cnt={min(stats.counts.get(lem, 0), 4)}", f"lem_dep={lem}|{dep}", "bias"]
    return f


def _overlaps(p: Any, start: int, end: int) -> bool:
    return p.start is not None and p.end is not None and p.start < end and start < p.end


class RoleModel:
    """The weights of the role filler and its two decision thresholds (how likely a phrase must be to fill the
    perpetrator, the target role)."""

    def __init__(self, weights: Mapping[str, Sequence[float]], thresholds: Mapping[str, float],
                 meta: dict[str, Any] | None = None) -> None:
        self.weights = weights
        self.perpetrator = float(thresholds.get("perpetrator", 0.5))  # a phrase this likely fills the role
        self.target = float(thresholds.get("target", 0.5))
        self.meta = meta or {}

    @classmethod
    def load(cls, path: Path | str = MODEL_FILE) -> RoleModel | None:
        """The model of ``path``; None (and a warning) when it is missing or unreadable: the rules alone then."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls(data["weights"], data.get("thresholds", {}), data.get("meta"))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("no role model at %s (%s): roles come from the rules alone", path, exc)
            return None

    def probabilities(self, feats: Iterable[str]) -> tuple[float, float, float]:
        """P(neither), P(perpetrator), P(target) of a candidate with these features."""
        z = [0.0, 0.0, 0.0]
        for name in set(feats):
            w = self.weights.get(name)
            if w is not None:
                z[0] += w[0]
                z[1] += w[1]
                z[2] += w[2]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return e[0] / total, e[1] / total, e[2] / total

    def to_json(self) -> dict[str, Any]:
        return {"meta": self.meta, "thresholds": self.thresholds(), "weights": self.weights}

    def thresholds(self) -> dict[str, float]:
        return {"perpetrator": self.perpetrator, "target": self.target}


@functools.cache
def shipped_model() -> RoleModel | None:
    return RoleModel.load()


__all__ = ["Candidate", "DocumentStats", "RoleModel", "candidates", "features", "heads", "shipped_model"]
