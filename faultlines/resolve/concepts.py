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
_LEADING = frozenset({"the", "a", "an", "in", "on", "for", "of", "by", "to", "as", "at", "after", "over", "with",
                      "this", "that", "these", "those", "its", "their", "his", "her"})  # dropped from a label's start
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
    """A short phrase that says what the concept's phrases share: among the phrases of at most six words (leading
    articles and prepositions dropped), the one nearest the concept's centre, shorter ones preferred; when there is
    none, the words of the most central phrase that carry the heaviest lemmas."""
    short = []
    for text, vec in zip(phrases, vectors, strict=True):
        words = text.split()
        while len(words) > 1 and words[0].lower() in _LEADING:
            words = words[1:]
        if len(words) <= MAX_LABEL_WORDS and vec:
            short.append((_cosine(vec, centroid) / (1 + 0.15 * len(words)), " ".join(words)))
    if short:
        return _balanced(max(short, key=lambda s: (s[0], -len(s[1]), s[1]))[1])
    k = max(range(len(phrases)), key=lambda j: (_cosine(vectors[j], centroid), -len(phrases[j]), phrases[j]))
    phrase = phrases[k]
    heavy = set(sorted(centroid, key=lambda t: (-centroid[t], t))[:MAX_LABEL_WORDS - 2])
    words = [w for w in _SURFACE.findall(phrase) if concept_tokens(w) & heavy]
    return " ".join(list(dict.fromkeys(words))[:MAX_LABEL_WORDS]) or " ".join(phrase.split()[:MAX_LABEL_WORDS])




UNKNOWN_OUTLET = "(unknown outlet)"
STORY_CHAINS = 3  # strongest chains per outlet in ``graph``'s stories
MAX_CHAIN = 3  # edges in a chain


def graph(claims: list[dict[str, Any]], *, outlet: str | None = None, actor: str | None = None, min_weight: int = 1,
          threshold: float = THRESHOLD) -> dict[str, Any]:
    """The causal map as a concept graph: concepts are nodes, and each (cause concept, effect concept, outlet) with
    at least ``min_weight`` claims is an edge carrying those claims (the quotes behind it). ``outlet`` and ``actor``
    keep the claims of that outlet / naming that actor id; concepts are grouped over all claims, so a concept's id is
    the same whatever the filter. Also: every outlet and actor id (for filters), and each outlet's story, its
    strongest chains of up to ``MAX_CHAIN`` edges."""
    concepts, where = group(claims, threshold)
    by_id = {c.id: c for c in concepts}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    for c in claims:
        a, b = where.get((c["id"], "cause")), where.get((c["id"], "effect"))
        if a is None or b is None:
            continue
        if outlet and c.get("outlet") != outlet:
            continue
        if actor and actor not in (c.get("actors") or []):
            continue
        src = str(c.get("outlet") or UNKNOWN_OUTLET)
        e = edges.setdefault((a, b, src), {"source": a, "target": b, "outlet": src, "weight": 0, "claims": []})
        e["weight"] += 1
        doc = (c.get("sources") or [{}])[0].get("document")
        e["claims"].append({"id": c["id"], "cause": c["cause"], "effect": c["effect"], "cue": c.get("cue") or "",
                            "quote": c.get("quote") or "", "document": doc, "start": c.get("start"),
                            "end": c.get("end"), "actors": list(c.get("actors") or [])})
    kept = sorted((e for e in edges.values() if e["weight"] >= min_weight),
                  key=lambda e: (-e["weight"], e["outlet"], _num(e["source"]), _num(e["target"])))
    for i, e in enumerate(kept):
        e["id"] = f"edge-{i + 1}"
    size: Counter[str] = Counter()
    for e in kept:
        size[e["source"]] += e["weight"]
        size[e["target"]] += e["weight"]
    nodes = [{"id": cid, "label": by_id[cid].label, "claims": size[cid], "mentions": by_id[cid].mentions[:12],
              "actors": by_id[cid].actors, "outlets": by_id[cid].outlets}
             for cid in sorted(size, key=lambda k: (-size[k], _num(k)))]
    return {"nodes": nodes, "edges": kept,
            "outlets": sorted({str(c.get("outlet") or UNKNOWN_OUTLET) for c in claims}),
            "actors": sorted({a for c in claims for a in (c.get("actors") or [])}),
            "stories": stories(kept, {cid: by_id[cid].label for cid in size})}


def stories(edges: list[dict[str, Any]], labels: dict[str, str], per_outlet: int = STORY_CHAINS
            ) -> dict[str, list[dict[str, Any]]]:
    """Each outlet's causal story: its strongest chains of concepts (the most claims along the chain, then the
    longest), which share no edge with a stronger one."""
    by_outlet: dict[str, dict[tuple[str, str], int]] = {}
    for e in edges:
        by_outlet.setdefault(e["outlet"], {})[(e["source"], e["target"])] = e["weight"]
    out: dict[str, list[dict[str, Any]]] = {}
    for name, weights in sorted(by_outlet.items()):
        chains = _chains({k: w for k, w in weights.items() if k[0] != k[1]})  # a concept causing itself: no story
        chosen: list[dict[str, Any]] = []
        used: set[tuple[str, str]] = set()
        for total, path in sorted(chains, key=lambda c: (-c[0], -len(c[1]), [_num(p) for p in c[1]])):
            steps = set(zip(path, path[1:], strict=False))
            if steps & used:
                continue
            used |= steps
            chosen.append({"concepts": path, "labels": [labels.get(p, p) for p in path], "claims": total})
            if len(chosen) == per_outlet:
                break
        out[name] = chosen
    return out


def _balanced(label: str) -> str:
    """A label without the half of a quotation its phrase cut ("has not “made decisions" -> "has not made
    decisions")."""
    for a, b in (("“", "”"), ("(", ")")):  # not ‘’: ’ is mostly an apostrophe ("West’s")
        if label.count(a) != label.count(b):
            label = label.replace(a, "").replace(b, "")
    if label.count('"') % 2:
        label = label.replace('"', "")
    return " ".join(label.split())


def _chains(weights: dict[tuple[str, str], int], limit: int = 5000) -> list[tuple[int, list[str]]]:
    """Every path of one to ``MAX_CHAIN`` edges through ``weights`` (edge -> claims) that visits no concept twice,
    with its claims summed (at most ``limit`` paths: a dense graph stops early)."""
    nxt: dict[str, list[str]] = {}
    for a, b in weights:
        nxt.setdefault(a, []).append(b)
    out: list[tuple[int, list[str]]] = []
    stack = [([a, b], w) for (a, b), w in sorted(weights.items(), key=lambda kv: (_num(kv[0][0]), _num(kv[0][1])),
                                                   reverse=True)]
    while stack and len(out) < limit:
        path, total = stack.pop()
        out.append((total, path))
        if len(path) <= MAX_CHAIN:
            stack.extend(([*path, b], total + weights[(path[-1], b)]) for b in nxt.get(path[-1], []) if b not in path)
    return out


def _num(concept_id: str) -> int:
    """The number of ``concept-N`` (ids sort by it, not as text)."""
    tail = concept_id.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


__all__ = ["Concept", "MAX_CHAIN", "STORY_CHAINS", "THRESHOLD", "UNKNOWN_OUTLET", "graph", "group", "stories"]
