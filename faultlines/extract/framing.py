"""Framing: the words a text uses for each actor, the loaded terms around it, and a tone in [-1, 1].

One ``FramingMention`` per (actor, sentence). The lexicon (loaded terms by category, hedges, agent/patient verbs)
is data: ``data/lexicon/framing.yaml``. ``framing_table`` and ``compare_outlets`` aggregate mentions per outlet.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from faultlines.analyze.parsed import parsed
from faultlines.model import ActorMention, Analysis, FramingMention
from faultlines.spans import ByStart

log = logging.getLogger(__name__)

LEXICON = Path(__file__).resolve().parents[1] / "data" / "lexicon" / "framing.yaml"
NOMINAL_DEPS = ("amod", "compound", "poss", "nmod")
LABEL_DEPS = {"amod", "compound", "poss", "nmod", "det", "nummod", "quantmod", "case", "punct", "advmod"}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}


@dataclass
class FramingLexicon:
    """Loaded terms (phrase -> category), category tones, hedges and verb valences."""

    terms: dict[tuple[str, ...], str] = field(default_factory=dict)
    tones: dict[str, float] = field(default_factory=dict)
    hedges: set[str] = field(default_factory=set)
    agent: dict[str, float] = field(default_factory=dict)  # lemma -> valence when the actor does it
    patient: dict[str, float] = field(default_factory=dict)  # lemma -> valence when it is done to the actor
    verb_weight: float = 0.5
    victim_weight: float = 0.25
    window: int = 5
    max_len: int = 1
    first_words: set[str] = field(default_factory=set)  # first word of every term: most positions start none

    @classmethod
    def load(cls, path: Path | None = None) -> FramingLexicon:
        data = yaml.safe_load(Path(path or LEXICON).read_text(encoding="utf-8")) or {}
        lex = cls()
        for category, spec in (data.get("loaded") or {}).items():
            tone = float(spec.get("tone", 0.0))
            if not -1.0 <= tone <= 1.0:
                raise ValueError(f"framing lexicon: tone of {category!r} must lie in [-1, 1]")
            lex.tones[str(category)] = tone
            for term in spec.get("terms", []):
                words = tuple(str(term).lower().replace("-", " - ").split())
                lex.terms[words] = str(category)
                lex.max_len = max(lex.max_len, len(words))
                if words:
                    lex.first_words.add(words[0])
        lex.hedges = {str(h).lower() for h in data.get("hedges", [])}
        for table, key in ((lex.agent, "agent_verbs"), (lex.patient, "patient_verbs")):
            for sign, words in (data.get(key) or {}).items():
                for w in words:
                    table[str(w)] = -1.0 if sign == "negative" else 1.0
        lex.verb_weight = float(data.get("verb_weight", lex.verb_weight))
        lex.victim_weight = float(data.get("victim_weight", lex.victim_weight))
        lex.window = int(data.get("window", lex.window))
        return lex


class FramingAnalyzer:
    """How each sentence of a document speaks of each actor it mentions."""

    def __init__(self, lexicon: FramingLexicon | None = None) -> None:
        self.lex = lexicon or FramingLexicon.load()

    def __call__(self, analysis: Analysis) -> list[FramingMention]:
        doc = analysis.spacy_doc
        if doc is None:
            return []
        out: list[FramingMention] = []
        by_start = ByStart(analysis.actors)
        for sentence in analysis.sentences:
            mentions = [m for m in by_start.between(sentence.start, sentence.end) if m.end <= sentence.end]
            if not mentions:
                continue
            span = parsed(doc).span(sentence.start, sentence.end)
            if span is None:
                continue
            terms = self._terms(span)
            by_actor: dict[str, list[ActorMention]] = defaultdict(list)
            for m in mentions:
                by_actor[m.actor.id].append(m)
            for group in by_actor.values():
                out.append(self._frame(doc, span, terms, group, sentence.start, sentence.end))
        return out

    def _terms(self, span: Any) -> list[tuple[int, int, str, str]]:
        """Loaded terms of the sentence: (first token, end token, text, category), hedges marked "hedge"."""
        s0 = span.start
        words = parsed(span.doc).words[0][s0:span.end]
        found: list[tuple[int, int, str, str]] = []
        i = 0
        while i < len(words):
            longest = min(self.lex.max_len, len(words) - i) if words[i] in self.lex.first_words else 0
            for n in range(longest, 0, -1):
                cat = self.lex.terms.get(tuple(words[i : i + n]))
                if cat:
                    found.append((s0 + i, s0 + i + n, span[i : i + n].text, cat))
                    i += n - 1
                    break
            else:
                hedge = self._hedge_at(words, i)
                if hedge:
                    found.append((s0 + i, s0 + i + hedge, span[i : i + hedge].text, "hedge"))
                    i += hedge - 1
            i += 1
        return found

    def _hedge_at(self, words: list[str], i: int) -> int:
        if words[i] in self.lex.hedges:
            return 1
        if i + 2 < len(words) and words[i + 1] == "-" and f"{words[i]}-{words[i + 2]}" in self.lex.hedges:
            return 3
        return 0

    def _frame(
        self, doc: Any, span: Any, terms: list[tuple[int, int, str, str]], group: list[ActorMention], s0: int, s1: int
    ) -> FramingMention:
        labels: list[str] = []
        near: dict[str, tuple[str, bool]] = {}  # term -> (category, hedged)
        hedges = [t1 for _, t1, _, cat in terms if cat == "hedge"]
        hedged_label = False
        signals: list[float] = []
        for m in group:
            mspan = parsed(doc).span(m.start, m.end)
            if mspan is None or not len(mspan):
                labels.append(m.text)
                continue
            lo, hi = self._label_bounds(mspan)
            label_span = doc[lo:hi]  # its text sliced from the document's (``Span.text`` joins every token)
            labels.append(parsed(doc).text[label_span.start_char:label_span.end_char])
            hedged_label = hedged_label or any(lo - 1 <= h <= lo for h in hedges)
            linked = self._linked_tokens(mspan)
            for t0, t1, text, cat in terms:
                if cat == "hedge":
                    continue
                inside = lo <= t0 and t1 <= hi
                close = mspan.start - self.lex.window <= t0 < mspan.end + self.lex.window
                if inside or close or any(t0 <= i < t1 for i in linked):
                    hedged = any(t0 - 2 <= h <= t0 for h in hedges)
                    near[text.lower()] = (cat, hedged)
            signals.extend(self._verb_signals(mspan))
        for cat, hedged in near.values():
            tone = self.lex.tones.get(cat, 0.0)
            signals.append(-abs(tone) if hedged and tone > 0 else tone)
        if hedged_label:
            signals.append(-0.3)
        tone = max(-1.0, min(1.0, sum(signals) / len(signals))) if signals else 0.0
        label = max(labels, key=lambda lab: (sum(t in lab.lower() for t in near), len(lab)))
        return FramingMention(
            actor=group[0].actor,
            label=label,
            sentence_start=s0,
            sentence_end=s1,
            loaded_terms=tuple(sorted(near)),
            tone=round(tone, 3),
        )

    def _label_bounds(self, mspan: Any) -> tuple[int, int]:
        """Token bounds of the noun phrase naming the actor ("Iranian regime", "Iran's proxy militias")."""
        root = mspan.root
        head = root
        while head.dep_ in NOMINAL_DEPS and head.head.pos_ in ("NOUN", "PROPN") and head.head.i > head.i:
            head = head.head
        lefts = [t.i for t in head.lefts if t.dep_ in LABEL_DEPS]
        lo = min(mspan.start, min(lefts, default=head.i))
        hi = max(mspan.end, head.i + 1)
        if any(t.is_space or "\n" in t.text for t in mspan.doc[lo:hi]):  # never across a line break
            lo, hi = mspan.start, mspan.end
        while lo < hi - 1 and (mspan.doc[lo].lower_ in DETERMINERS or mspan.doc[lo].is_punct):
            lo += 1
        return lo, hi

    def _linked_tokens(self, mspan: Any) -> set[int]:
        """Tokens said of the actor: appositions and copular predicates ("ISIS, a terror group"; "X is a proxy")."""
        root = mspan.root
        out: set[int] = set()
        for child in root.children:
            if child.dep_ == "appos":
                out.update(t.i for t in child.subtree)
        if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_ == "be":
            for child in root.head.children:
                if child.dep_ in ("attr", "acomp"):
                    out.update(t.i for t in child.subtree)
        return out

    def _verb_signals(self, mspan: Any) -> list[float]:
        """Valence of verbs the actor does (subject) or undergoes (object, passive subject)."""
        root = mspan.root
        verb = root.head
        if verb.pos_ not in ("VERB", "AUX"):
            return []
        lemma = verb.lemma_.lower()
        w = self.lex.verb_weight
        if root.dep_ == "nsubj" and lemma in self.lex.agent:
            return [w * self.lex.agent[lemma]]
        if root.dep_ == "pobj" and verb.dep_ == "agent" and verb.head.lemma_.lower() in self.lex.agent:
            return [w * self.lex.agent[verb.head.lemma_.lower()]]
        if root.dep_ in ("dobj", "nsubjpass") and lemma in self.lex.patient:
            return [w * self.lex.patient[lemma]]
        if root.dep_ in ("dobj", "nsubjpass") and self.lex.agent.get(lemma, 0.0) < 0:  # "militias killed villagers"
            return [self.lex.victim_weight]
        return []


# ------------------------------------------------------------------------------------------------ aggregation


def framing_table(rows: Iterable[tuple[str, FramingMention]], examples: int = 5) -> list[dict[str, Any]]:
    """Per (outlet, actor): labels and loaded terms with counts, mean tone, sentence count, example offsets."""
    groups: dict[tuple[str, str], list[FramingMention]] = defaultdict(list)
    names: dict[str, str] = {}
    for outlet, fm in rows:
        groups[(outlet or "", fm.actor.id)].append(fm)
        names[fm.actor.id] = fm.actor.name
    table: list[dict[str, Any]] = []
    for (outlet, actor_id), fms in groups.items():
        table.append({
            "outlet": outlet,
            "actor": actor_id,
            "actor_name": names[actor_id],
            "labels": dict(Counter(f.label for f in fms).most_common()),
            "loaded_terms": dict(Counter(t for f in fms for t in f.loaded_terms).most_common()),
            "tone": round(sum(f.tone for f in fms) / len(fms), 3),
            "sentences": len(fms),
            "examples": [[f.sentence_start, f.sentence_end] for f in fms[:examples]],
        })
    table.sort(key=lambda r: (r["outlet"], -r["sentences"], r["actor"]))
    return table


def compare_outlets(table: Iterable[dict[str, Any]], actor_id: str) -> dict[str, Any]:
    """How outlets differ on one actor: per-outlet labels/terms/tone, labels only one outlet uses, tone extremes."""
    rows = [r for r in table if r["actor"] == actor_id]
    outlets = {
        r["outlet"]: {"labels": r["labels"], "loaded_terms": r["loaded_terms"], "tone": r["tone"],
                      "sentences": r["sentences"]}
        for r in rows
    }
    label_sets = {o: {lab.lower() for lab in v["labels"]} for o, v in outlets.items()}
    distinct = {
        o: sorted(labs - set().union(*(s for p, s in label_sets.items() if p != o))) for o, labs in label_sets.items()
    }
    tones = {o: v["tone"] for o, v in outlets.items()}
    return {
        "actor": actor_id,
        "outlets": outlets,
        "distinct_labels": distinct,
        "most_hostile": min(tones, key=lambda o: tones[o]) if tones else None,
        "most_favourable": max(tones, key=lambda o: tones[o]) if tones else None,
        "tone_spread": round(max(tones.values()) - min(tones.values()), 3) if tones else 0.0,
    }


__all__ = ["FramingAnalyzer", "FramingLexicon", "compare_outlets", "framing_table"]
