"""Causal claims: sentences that say something causes something else, with cause and effect where the cue parses.

A sentence is a claim when a cue pattern from ``data/lexicon/causal.yaml`` matches, its syntax yields both a cause
and an effect, and the trained classifier (``causal_model``) does not object; or, without such a cue, when the
classifier is very confident on its own (``decide``). Cause and effect come from the cue's syntax (subject/object of
"lead to", the complement of "in response to", the previous sentence for "This is why").
``concept_key``/``group_claims``/``find_loops`` turn claims from many articles into a causal map.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from faultlines.analyze.parsed import parsed
from faultlines.extract.spans import shipped_model, trim, words_of
from faultlines.model import Analysis, Claim
from faultlines.spans import ByStart

log = logging.getLogger(__name__)

CUE_FILE = Path(__file__).resolve().parents[1] / "data" / "lexicon" / "causal.yaml"
STRENGTH = {"strong": 1.0, "weak": 0.5}
ROLES = ("verb", "passive", "marker", "result", "anaphoric", "purpose")
MAX_GAP = 6
PRONOUN_CAUSES = {"this", "that", "it", "these", "those"}
RELATIVE = {"which", "that", "who"}
TIME_ENTS = {"DATE", "TIME", "CARDINAL", "PERCENT", "QUANTITY", "MONEY", "ORDINAL"}


@dataclass(frozen=True)
class Cue:
    phrase: str
    words: tuple[frozenset[str], ...]  # each element: accepted words; the empty set is a gap
    role: str
    strength: float


@dataclass(frozen=True)
class CueMatch:
    cue: Cue
    start: int  # token indices in the spaCy Doc
    end: int

    @property
    def strength(self) -> float:
        return self.cue.strength


def has_clause(tokens: Any) -> bool:
    """A causal claim needs a predicate: fragments without a verb ("Pingback: ...", headings) never are."""
    return any(t.pos_ == "VERB" or (t.pos_ == "AUX" and t.dep_ == "ROOT") for t in tokens)


def decide(prob: float, strength: float, thresholds: dict[str, float], filled: bool = True) -> bool:
    """Claim or not: a very confident classifier, or a cue with cause and effect that the classifier accepts.

    One rule for every input. ``filled`` says the cue's syntax gave both a cause and an effect; without it (or
    without any cue) only a probability of at least ``accept`` makes a claim.
    """
    if prob >= thresholds["accept"]:
        return True
    if strength <= 0 or not filled:
        return False
    if strength >= 1.0:
        return prob >= thresholds["strong_cue_floor"]
    return prob >= thresholds["cue_floor"]


class CueMatcher:
    """Finds cue phrases (as lemmas, with gaps) in parsed sentences."""

    def __init__(self, cues: Iterable[Cue]) -> None:
        self.cues = list(cues)
        self.by_first: dict[str, list[Cue]] = {}
        for cue in self.cues:
            for word in cue.words[0]:
                self.by_first.setdefault(word, []).append(cue)

    @classmethod
    def load(cls, path: Path | None = None) -> CueMatcher:
        data = yaml.safe_load(Path(path or CUE_FILE).read_text(encoding="utf-8")) or {}
        cues = []
        for level, roles in data.items():
            for role, phrases in (roles or {}).items():
                if role not in ROLES or level not in STRENGTH:
                    raise ValueError(f"{path or CUE_FILE}: unknown cue level/role {level}/{role}")
                for phrase in phrases or []:
                    words = tuple(
                        frozenset() if w == "*" else frozenset(w.lower().split("|")) for w in str(phrase).split()
                    )
                    cues.append(Cue(str(phrase), words, role, STRENGTH[level]))
        return cls(cues)

    def matches(self, tokens: Any) -> list[CueMatch]:
        """Every cue match in a span of tokens (a sentence), strongest and earliest first, non-overlapping."""
        span = hasattr(tokens, "start")  # a Span (else the whole Doc)
        off, n = (tokens.start, len(tokens)) if span else (0, len(tokens))
        lowers, lemmas = parsed(tokens.doc if span else tokens).words
        by_first = self.by_first
        found: list[CueMatch] = []
        for i in range(n):
            lower, lemma = lowers[off + i], lemmas[off + i]
            if lower not in by_first and lemma not in by_first:
                continue  # no cue starts here (most tokens): no Token built
            tok = tokens[i]
            for key in {lower, lemma}:
                for cue in by_first.get(key, ()):
                    end = _match_at(lowers, lemmas, off, n, i + 1, cue.words[1:])
                    if end is not None and _plausible(cue, tok):
                        found.append(CueMatch(cue, tok.i, off + end))
        found.sort(key=lambda m: (-m.strength, -(m.end - m.start), m.start))
        kept: list[CueMatch] = []
        for m in found:
            if all(m.end <= k.start or m.start >= k.end for k in kept):
                kept.append(m)
        return kept

    def strength(self, doc: Any) -> float:
        """Strength of the strongest cue anywhere in ``doc`` (0 when none)."""
        return max((m.strength for m in self.matches(doc)), default=0.0)


def _match_at(lowers: list[str], lemmas: list[str], off: int, n: int, i: int, rest: tuple[frozenset[str], ...]
              ) -> int | None:
    """Index (exclusive, relative to the span of ``n`` tokens from ``off``) where ``rest`` ends when matched from
    ``i``; None if no match. A word matches by its lower case or its lemma."""
    if not rest:
        return i
    words, tail = rest[0], rest[1:]
    if not words:  # a gap of 1..MAX_GAP tokens, shortest first
        for j in range(i + 1, min(i + MAX_GAP, n) + 1):
            end = _match_at(lowers, lemmas, off, n, j, tail)
            if end is not None:
                return end
        return None
    if i < n and (lowers[off + i] in words or lemmas[off + i] in words):
        return _match_at(lowers, lemmas, off, n, i + 1, tail)
    return None


def _plausible(cue: Cue, tok: Any) -> bool:
    """Filter by part of speech: a verb cue must be a verb ("the cause of" is not "caused")."""
    if cue.role in ("verb", "passive"):
        return tok.pos_ in ("VERB", "AUX")
    if cue.role == "marker" and len(cue.words) == 1 and cue.strength < 1.0 and tok.pos_ in ("ADP", "SCONJ"):
        return _causal_use(tok)
    if cue.role == "result" and len(cue.words) == 1 and cue.strength < 1.0:  # "so" before a clause, not "so much"
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        return tok.head.pos_ in ("VERB", "AUX") and (nxt is None or nxt.pos_ not in ("ADJ", "ADV", "PUNCT", "SCONJ"))
    if cue.role == "purpose":  # "to" of an infinitive that modifies a clause: "gathered to demand ..."
        return tok.dep_ == "aux" and tok.head.dep_ == "advcl" and tok.head.i > tok.head.head.i
    return True


def _causal_use(tok: Any) -> bool:
    """A one-word weak marker ("after", "since", "over") counts only when it introduces a clause or an event.

    "after the army shelled the town" / "after the shelling" may be causal; "since 2003", "over 20%",
    "after three days" only place something in time or quantity.
    """
    if tok.dep_ == "mark":
        return True
    if tok.dep_ != "prep":
        return False
    objects = [c for c in tok.children if c.dep_ in ("pobj", "pcomp")]
    if not objects:
        return False
    head = objects[0]
    if head.dep_ == "pcomp":
        return True
    return head.pos_ in ("NOUN", "PROPN") and not head.like_num and head.ent_type_ not in TIME_ENTS


# ------------------------------------------------------------------------------------------------ cause / effect


def _trim(doc: Any, start: int, end: int) -> tuple[int, int]:
    return trim(doc, start, end)


def _subject(verb: Any) -> tuple[Any | None, bool]:
    """The subject of ``verb`` (climbing xcomp/conj chains); True when it is the noun a relative clause modifies."""
    tok = verb
    for _ in range(4):
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "csubj", "expl") and c.i < tok.i]
        if subjects:
            child = subjects[-1]  # the closest one when the parser found two
            if child.lower_ in RELATIVE and tok.dep_ == "relcl":  # "militias, which stoke ..."
                return tok.head, True
            return child, False
        if tok.dep_ in ("xcomp", "conj", "ccomp") and tok.head.i != tok.i:
            tok = tok.head
            continue
        if tok.dep_ == "relcl":
            return tok.head, True
        break
    return None, False


def _noun_phrase(doc: Any, head: Any, whole: bool) -> tuple[int, int]:
    """The phrase of a subject: its subtree (or only up to the head for a relative clause's noun), cut at a comma."""
    lo, hi = head.left_edge.i, (head.right_edge.i + 1 if whole else head.i + 1)
    commas = [t.i for t in doc[lo : head.i] if t.text == ","]
    if commas:  # "If X endures, the vacuum will ...": the clause before the comma is not the subject
        lo = commas[-1] + 1
    return _trim(doc, lo, hi)


def _spans(doc: Any, match: CueMatch, sent: Any) -> tuple[tuple[int, int] | None, tuple[int, int] | None, bool]:
    """Token spans (cause, effect) for a cue match; the bool says the cause is the previous sentence."""
    role = match.cue.role
    s0, s1 = sent.start, sent.end
    if role in ("anaphoric", "result"):
        before = _trim(doc, s0, match.start)
        if before[1] <= before[0]:  # "This is why Y", "Therefore, Y": the cause is the previous sentence
            return None, _trim(doc, match.end, s1), True
        return before, _trim(doc, match.end, s1), False  # "X, which is why Y"
    if role == "purpose":  # the aim (the clause after "to") moves the action of the main clause
        goal = doc[match.end - 1].head if doc[match.end - 1].lower_ == "to" else doc[match.start].head
        hi = min(max(goal.right_edge.i + 1, match.end), s1)
        action = _trim(doc, s0, match.start)
        return _trim(doc, match.end, hi), action, False
    if role == "marker":
        last = doc[match.end - 1]
        if any(c.i >= match.end for c in last.children):
            c_end = last.right_edge.i + 1
        elif last.head.i >= match.end:
            c_end = last.head.right_edge.i + 1
        else:
            c_end = s1
        c_end = min(max(c_end, match.end), s1)
        cause = _trim(doc, match.end, c_end)
        before, after = _trim(doc, s0, match.start), _trim(doc, c_end, s1)
        effect = before if before[1] - before[0] >= after[1] - after[0] else after
        return cause, effect, False
    verb = doc[match.start]
    if role == "passive":
        subj = next((c for c in verb.children if c.dep_ in ("nsubjpass", "nsubj")), None)
        effect = _trim(doc, subj.left_edge.i, subj.right_edge.i + 1) if subj is not None else _trim(doc, s0, verb.i)
        by = doc[match.end - 1]
        return _trim(doc, match.end, min(max(by.right_edge.i + 1, match.end), s1)), effect, False
    subj, relative = _subject(verb)
    gap = any(not w for w in match.cue.words)
    e_start = verb.i + 1 if gap else match.end
    e_end = min(max(verb.right_edge.i + 1, e_start), s1)
    effect = _trim(doc, e_start, e_end)
    if subj is None:
        return _trim(doc, s0, match.start), effect, False
    if not relative and subj.lower_ in PRONOUN_CAUSES and len(list(subj.subtree)) == 1:
        return None, effect, True  # "This has sharpened ...": the previous sentence
    return _noun_phrase(doc, subj, whole=not relative), effect, False


# ------------------------------------------------------------------------------------------------ extractor


@dataclass(frozen=True)
class ScoredSentences:
    """One document's sentences ready for ``ClaimExtractor.__call__``.

    ``probs[k]``: P(causal) of sentence k, or None when it cannot be a claim (no clause, or a probability that
    cannot reach its threshold). ``candidates[k]``: (span, cue matches) of a sentence with a clause, else None.
    """

    probs: list[float | None]
    candidates: list[tuple[Any, list[CueMatch]] | None]


class ClaimExtractor:
    """Causal claims of one analysed document."""

    def __init__(self, model_path: Path | None = None, cue_path: Path | None = None) -> None:
        from faultlines.extract.causal_model import DEFAULT_THRESHOLDS, load_default

        self.model = load_default(str(model_path) if model_path else None)
        self.thresholds = self.model.thresholds if self.model else dict(DEFAULT_THRESHOLDS)
        self.cues = CueMatcher.load(cue_path)
        self.spans = shipped_model()

    def floor(self, strength: float) -> float:
        """The lowest probability at which ``decide`` can say yes for a sentence whose best cue has ``strength``."""
        t = self.thresholds
        if strength <= 0:
            return t["accept"]
        return min(t["accept"], t["strong_cue_floor"] if strength >= 1.0 else t["cue_floor"])

    def _candidates(self, analysis: Analysis) -> list[tuple[Any, list[CueMatch]] | None]:
        """Per sentence: (its span, its cue matches) when it has a clause (the only sentences that can be claims)."""
        doc = analysis.spacy_doc
        out: list[tuple[Any, list[CueMatch]] | None] = []
        for sentence in analysis.sentences:
            span = parsed(doc).span(sentence.start, sentence.end) if doc is not None else None
            if span is None or not len(span) or not has_clause(span):
                out.append(None)
            else:
                out.append((span, self.cues.matches(span)))
        return out

    def probabilities(self, analyses: list[Analysis]) -> list[ScoredSentences]:
        """Score the sentences of many documents in one batch (far cheaper than one call per document).

        Only sentences that can become claims are scored, and each only as far as its decision needs
        (``CausalModel.predict_reaching``): the claims are the same as with every sentence fully scored.
        """
        cands = [self._candidates(a) for a in analyses]
        spans = getattr(self.model, "features", None) is not None
        texts: list[Any] = []  # a model on the parse's vectors reads a candidate's span of the parse, others the text
        floors: list[float] = []
        for a, cs in zip(analyses, cands, strict=True):
            for sentence, c in zip(a.sentences, cs, strict=True):
                texts.append(c[0] if spans and c is not None else sentence.text)
                strength = max((m.strength for m in c[1]), default=0.0) if c is not None else 0.0
                if c is None or (not self.model and strength < 1.0):
                    floors.append(2.0)  # never a claim: not scored
                else:
                    floors.append(self.floor(strength))
        if self.model:
            flat = self.model.predict_reaching(texts, floors, batch_size=256)
        else:
            flat = [0.0 if f <= 1.0 else None for f in floors]
        out, k = [], 0
        for a, cs in zip(analyses, cands, strict=True):
            out.append(ScoredSentences(flat[k:k + len(a.sentences)], cs))
            k += len(a.sentences)
        return out

    def __call__(self, analysis: Analysis, scored: ScoredSentences | None = None) -> list[Claim]:
        """The claims of one document; ``scored`` (from ``probabilities``) spares scoring its sentences again."""
        doc = analysis.spacy_doc
        if doc is None or not analysis.sentences:
            return []
        if not isinstance(scored, ScoredSentences) or len(scored.probs) != len(analysis.sentences):
            scored = self.probabilities([analysis])[0]
        claims: list[Claim] = []
        by_start = ByStart(analysis.actors)
        for k, (prob, cand) in enumerate(zip(scored.probs, scored.candidates, strict=True)):
            if prob is None or cand is None:
                continue  # no clause, or a probability that cannot reach its threshold
            span, matches = cand
            strength = max((m.strength for m in matches), default=0.0)
            if self.model and not decide(prob, strength, self.thresholds, filled=True):
                continue  # not a claim whatever its ends: spare finding them
            claim = self._claim(analysis, k, span, matches, prob, by_start)
            # a sentence without both ends is no claim, however sure the classifier is
            if claim.cause and claim.effect and (not self.model or decide(prob, strength, self.thresholds)):
                claims.append(claim)
        return claims

    def _claim(self, analysis: Analysis, k: int, span: Any, matches: list[CueMatch], prob: float,
               by_start: ByStart | None = None) -> Claim:
        """The claim of sentence ``k``; ``by_start`` (the analysis' actors indexed) spares a scan of all of them."""
        doc, sentence = analysis.spacy_doc, analysis.sentences[k]
        cause = effect = cue = ""
        cause_span = effect_span = None
        c: tuple[int, int] | None = None
        e: tuple[int, int] | None = None
        previous = False
        if matches:
            best = matches[0]
            cue = doc[best.start : best.end].text
            c, e, previous = _spans(doc, best, span)
        # a strong cue's rule with both ends ("X led to Y"), or "This is why Y" (the cause is the sentence before),
        # stands; otherwise the learned ranker chooses among the parse's phrases and the rules' guesses
        words = words_of(doc)
        filled = bool(c and e and words.substantive(*c) and words.substantive(*e))
        ruled = previous or (filled and matches[0].strength >= 1.0)
        if self.spans is not None and not ruled:
            rule: list[tuple[str, tuple[int, int] | None]] = []
            for m in matches:
                mc, me, _ = (c, e, previous) if m is matches[0] else _spans(doc, m, span)
                rule += [("rule-cause", mc), ("rule-effect", me)]
            cues = [(m.start, m.end, doc[m.start:m.end].text.lower(), m.cue.role) for m in matches]
            pair = self.spans.best(doc, span.start, span.end, cues, rule)
            if pair is not None:
                c, e = pair.cause, pair.effect
        if previous and k > 0:
            prev = analysis.sentences[k - 1]
            cause, cause_span = prev.text.strip(), (prev.start, prev.end)
        elif c and words.substantive(*c):
            cause, cause_span = doc[c[0] : c[1]].text, (doc[c[0]].idx, doc[c[1] - 1].idx + len(doc[c[1] - 1]))
        if e and words.substantive(*e):
            effect, effect_span = doc[e[0] : e[1]].text, (doc[e[0]].idx, doc[e[1] - 1].idx + len(doc[e[1] - 1]))
        lo = min(sentence.start, cause_span[0] if cause_span else sentence.start)
        near = (by_start or ByStart(analysis.actors)).between(lo, sentence.end)
        actors = tuple(dict.fromkeys(m.actor.id for m in near if m.end <= sentence.end))
        return Claim(
            cause=cause,
            effect=effect,
            quote=sentence.text,
            start=sentence.start,
            end=sentence.end,
            cue=cue,
            cause_span=cause_span,
            effect_span=effect_span,
            score=round(float(prob), 4),
            actors=actors,
            cause_concept=concept_key(cause, ()),
            effect_concept=concept_key(effect, ()),
        )


# ------------------------------------------------------------------------------------------------ causal map

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SUFFIXES = (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {"'s", "s", "also", "said", "new"}


STOP = _stop_words()


def _lemma(word: str) -> str:
    """A crude, dependency-free lemma: enough to merge "militias"/"militia", "deepening"/"deepen"."""
    word = word.split("'")[0]
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + repl
    return word


def concept_tokens(text: str, actor_ids: Iterable[str] = ()) -> frozenset[str]:
    """Content-word lemmas of ``text`` plus ``actor:ID`` for each actor."""
    words = {_lemma(w) for w in _WORD.findall(text.lower()) if w not in STOP and not w.isdigit()}
    return frozenset(w for w in words if w and w not in STOP) | {f"actor:{a}" for a in actor_ids}


def concept_key(text: str, actor_ids: Iterable[str] = ()) -> str:
    """A normalised key for a cause or effect phrase: sorted lemmas of content words and actor ids."""
    return " ".join(sorted(concept_tokens(text, actor_ids)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def group_claims(claims_with_doc: Iterable[tuple[str, Claim]], threshold: float = 0.4) -> dict[str, Any]:
    """Concept graph of claims from many documents: similar phrases share a node; edges run cause -> effect.

    Returns ``{"nodes": [{"id", "label", "key", "phrases", "count"}], "edges": [{"source", "target", "sources"}]}``.
    """
    nodes: list[dict[str, Any]] = []
    node_tokens: list[list[frozenset[str]]] = []

    def node_for(text: str) -> str | None:
        toks = concept_tokens(text)
        if not toks:
            return None
        best, best_sim = -1, 0.0
        for i, members in enumerate(node_tokens):
            sim = max(jaccard(toks, m) for m in members)
            if sim > best_sim:
                best, best_sim = i, sim
        if best >= 0 and best_sim >= threshold:
            node_tokens[best].append(toks)
            nodes[best]["phrases"].append(text)
            nodes[best]["count"] += 1
            return str(nodes[best]["id"])
        nodes.append({"id": f"c{len(nodes)}", "label": text, "key": " ".join(sorted(toks)), "phrases": [text],
                      "count": 1})
        node_tokens.append([toks])
        return str(nodes[-1]["id"])

    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for document, claim in claims_with_doc:
        if not claim.cause or not claim.effect:
            continue
        src, dst = node_for(claim.cause), node_for(claim.effect)
        if src is None or dst is None or src == dst:
            continue
        edge = edges.setdefault((src, dst), {"source": src, "target": dst, "sources": []})
        edge["sources"].append({"document": document, "quote": claim.quote, "start": claim.start,
                                "end": claim.end, "cue": claim.cue})
    return {"nodes": nodes, "edges": list(edges.values())}


def find_loops(graph: dict[str, Any], max_length: int = 6, limit: int = 100) -> list[list[str]]:
    """Feedback loops of the concept graph: simple cycles of at most ``max_length`` nodes (node ids)."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_edges_from((e["source"], e["target"]) for e in graph.get("edges", []))
    loops: list[list[str]] = []
    for cycle in nx.simple_cycles(g, length_bound=max_length):
        loops.append([str(n) for n in cycle])
        if len(loops) >= limit:
            break
    return loops


__all__ = ["ClaimExtractor", "CueMatcher", "concept_key", "decide", "find_loops", "group_claims", "has_clause"]
