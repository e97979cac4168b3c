"""Concepts of the causal map: the causes and effects of claims from every document, grouped when they say the same.

Each claim end is read as its content-word lemmas (``extract.claims.concept_tokens``), weighted by how rare each is
among all the ends (inverse document frequency: "sectarian" tells more than "Iraq"). Ends are taken shortest
first and join the concept whose summed vector is nearest by cosine, when it is at least ``threshold``; otherwise
they start a concept. The order is fixed (shortest, then alphabetical), so the result does not depend on the order
the claims were stored in. A concept's label is its most central phrase when that has at most six words, else the
words of that phrase that carry the concept's heaviest lemmas.

Measured on the seed articles' causal story (``score_causal_map.py``, 88 claims, every one with both ends): at 0.2,
6 of 8 gold links and 103 concepts; at 0.15, 6 and 79; at 0.1 (the default), 7 and 58, the largest concept holding
7% of the claim ends; at 0.08, 7 and 55 with unrelated ends starting to join. Word overlap alone leaves some
paraphrases apart ("sectarian rift" and "sectarian gap" join, "the divide between Sunnis and Shias" does not). No
pipeline with static word vectors is on the package index this project installs from, so vectors were not tried.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from faultlines.extract.claims import concept_tokens

THRESHOLD = 0.1
MAX_LABEL_WORDS = 6
_SURFACE = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass
class Concept:
    id: str
    label: str = ""
    mentions: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    claims: list[Any] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "mentions": self.mentions, "actors": self.actors,
                "outlets": self.outlets, "claims": self.claims}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    if not dot:
        return 0.0
    return dot / (math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values())))


def group(claims: Iterable[dict[str, Any]], threshold: float = THRESHOLD
          ) -> tuple[list[Concept], dict[tuple[Any, str], str]]:
    """Concepts of ``claims`` (rows with ``id``, ``cause``, ``effect``, ``actors``, ``outlet``), and the concept id
    of each (claim id, "cause" | "effect")."""
    ends = [(c["id"], role, str(c[role]).strip(), c.get("actors") or [], c.get("outlet"))
            for c in claims for role in ("cause", "effect") if str(c.get(role) or "").strip()]
    tokens = [concept_tokens(e[2]) for e in ends]
    df = Counter(t for ts in tokens for t in ts)
    n = len(ends)
    idf = {t: math.log((n + 1) / (k + 0.5)) for t, k in df.items()}
    vectors = [{t: idf[t] for t in ts} for ts in tokens]
    centroids: list[dict[str, float]] = []
    members: list[list[int]] = []
    where: dict[tuple[Any, str], str] = {}
    for i in sorted(range(n), key=lambda i: (len(tokens[i]), ends[i][2], str(ends[i][0]), ends[i][1])):
        v = vectors[i]
        if not v:
            continue
        best, best_sim = -1, 0.0
        for k, cen in enumerate(centroids):
            sim = _cosine(v, cen)
            if sim > best_sim:
                best, best_sim = k, sim
        if best < 0 or best_sim < threshold:
            centroids.append({})
            members.append([])
            best = len(centroids) - 1
        for t, w in v.items():
            centroids[best][t] = centroids[best].get(t, 0.0) + w
        members[best].append(i)
    concepts = []
    for k, (cen, mem) in enumerate(zip(centroids, members, strict=True)):
        cid = f"concept-{k + 1}"
        concept = Concept(cid, _label(cen, [ends[i][2] for i in mem], [vectors[i] for i in mem]),
                          sorted({ends[i][2] for i in mem}), sorted({a for i in mem for a in ends[i][3]}),
                          sorted({str(ends[i][4]) for i in mem if ends[i][4]}), sorted({ends[i][0] for i in mem}))
        concepts.append(concept)
        for i in mem:
            where[(ends[i][0], ends[i][1])] = cid
    return concepts, where


def _label(centroid: dict[str, float], phrases: list[str], vectors: list[dict[str, float]]) -> str:
    """The most central phrase when it is short enough, else its words that carry the heaviest lemmas."""
    k = max(range(len(phrases)), key=lambda j: (_cosine(vectors[j], centroid), -len(phrases[j]), phrases[j]))
    phrase = phrases[k]
    if len(phrase.split()) <= MAX_LABEL_WORDS:
        return phrase
    heavy = set(sorted(centroid, key=lambda t: (-centroid[t], t))[:MAX_LABEL_WORDS - 2])
    words = [w for w in _SURFACE.findall(phrase) if concept_tokens(w) & heavy]
    return " ".join(list(dict.fromkeys(words))[:MAX_LABEL_WORDS]) or " ".join(phrase.split()[:MAX_LABEL_WORDS])


__all__ = ["Concept", "THRESHOLD", "group"]
