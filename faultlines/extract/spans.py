"""Cause and effect spans of a causal sentence, chosen by a learned ranker over phrases of the parse.

The candidates are the phrases the parse offers: the subtree of every word, each such subtree cut at a causal
cue (the part before it and the part after it), the clauses before and after each cue, and what the cue rules of
``extract.claims`` take as cause and effect. Two logistic scorers, one for causes and one for effects, rate each
candidate from case-blind features: its head word, dependency relation and the word it hangs on, first and last
words, length, where it stands against the nearest cue (before, after, around it; adjacent or not) and which of
the above offered it. The claim takes the best-scoring pair that does not overlap.

Trained on the Causal News Corpus' cause/effect spans (subtask 2, CC0) with the training folds only
(``python -m faultlines.training.spans``); see ``docs/causal-model.md``. Pure NumPy at training, plain Python here.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faultlines.analyze.parsed import parsed

MODEL_PATH = Path(__file__).parent / "models" / "spans.json"
DIM = 1 << 20  # hashed feature space
_EDGES = (1, 2, 4, 8, 16, 32)
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})
TIME_ENTS = frozenset({"DATE", "TIME"})
# linking words a phrase does not start or end with
TRIM = frozenset({"and", "but", "or", ",", ";", ":", ".", "-", "--", "that", "which", "who", "to", "so", "then",
                  "thus", "also"})


def _bucket(n: int) -> int:
    for e in _EDGES:
        if n <= e:
            return e
    return 99


_IDS: dict[str, int] = {}  # feature name -> index, remembered (most names recur from phrase to phrase)


def _hash(name: str) -> int:
    got = _IDS.get(name)
    if got is None:
        if len(_IDS) > 200_000:  # a bound: lemmas and cue words keep coming over a long ingest
            _IDS.clear()
        got = _IDS[name] = zlib.crc32(name.encode()) & (DIM - 1)
    return got


def trim(doc: Any, start: int, end: int) -> tuple[int, int]:
    """Without the punctuation, spaces and linking words at either end."""
    while start < end and (doc[start].lower_ in TRIM or doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].lower_ in TRIM or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end


def candidates(doc: Any, s0: int, s1: int, cues: Iterable[tuple[int, int]],
               rule: Iterable[tuple[str, tuple[int, int] | None]] = ()) -> dict[tuple[int, int], set[str]]:
    """Token spans (start, end) within the sentence ``s0:s1``, each with what offered it; ``cues`` are the cue
    matches' (start, end), ``rule`` the cue rules' (name, span) guesses."""
    out: dict[tuple[int, int], set[str]] = {}

    def add(a: int, b: int, why: str) -> None:
        a, b = trim(doc, max(a, s0), min(b, s1))
        if b > a:
            out.setdefault((a, b), set()).add(why)

    marks = list(cues)
    for i in range(s0, s1):
        t = doc[i]
        lo, hi = t.left_edge.i, t.right_edge.i + 1
        add(lo, hi, "subtree")
        for c0, c1 in marks:
            if lo <= c0 and c1 <= hi:
                add(lo, c0, "subtree-left")
                add(c1, hi, "subtree-right")
    for c0, c1 in marks:
        add(s0, c0, "before-cue")
        add(c1, s1, "after-cue")
    for name, span in rule:
        if span is not None:
            add(span[0], span[1], name)
    return out


class Words:
    """The token attributes the features read, taken once per document (plain lists, no Token objects per read)."""

    __slots__ = ("lower", "lemma", "pos", "dep", "head", "verbs", "subjects", "contents")

    def __init__(self, doc: Any) -> None:
        from spacy.attrs import DEP, ENT_TYPE, HEAD, IS_STOP, POS

        self.lower, self.lemma = parsed(doc).words
        arr = doc.to_array([POS, DEP, HEAD, ENT_TYPE, IS_STOP]).tolist() if len(doc) else []
        strings = doc.vocab.strings
        names: dict[int, str] = {}

        def name(v: int) -> str:
            got = names.get(v)
            if got is None:
                got = names[v] = strings[v]
            return got

        self.pos = [name(row[0]) for row in arr]
        self.dep = [name(row[1]) for row in arr]
        self.head = [i + (h - (1 << 64) if h >= 1 << 63 else h) for i, (_, _, h, _, _) in enumerate(arr)]  # unsigned
        self.verbs = [0]  # running counts: how many verbs, subjects and content words before each token
        self.subjects = [0]
        self.contents = [0]
        for p, d, (_, _, _, ent, stop) in zip(self.pos, self.dep, arr, strict=True):
            self.verbs.append(self.verbs[-1] + (p in ("VERB", "AUX")))
            self.subjects.append(self.subjects[-1] + (d in ("nsubj", "nsubjpass")))
            content = p in CONTENT_POS and not stop and (not ent or name(ent) not in TIME_ENTS)
            self.contents.append(self.contents[-1] + content)

    def substantive(self, a: int, b: int) -> bool:
        """Whether tokens ``a:b`` can be a cause or an effect: they hold a content word (a noun, name, verb or
        adjective that is not a stop word or part of a date or time). "what", "this", "be", "for years" cannot."""
        return self.contents[b] > self.contents[a]


def features(doc: Any, a: int, b: int, origins: set[str], s0: int, s1: int,
             cues: list[tuple[int, int, str, str]], words: Words | None = None) -> list[int]:
    """Hashed features of the candidate ``a:b`` of sentence ``s0:s1``; ``cues``: (start, end, text, role);
    ``words``: the document's ``Words`` (made here when not given)."""
    w = words or Words(doc)
    r = doc[a:b].root.i
    h = w.head[r]
    n = max(s1 - s0, 1)
    dep = w.dep[r]
    f = ["bias", f"len={_bucket(b - a)}", f"frac={round((b - a) / n * 4)}", f"start0={a == s0}",
         f"endN={b >= s1 - 1}", f"rootpos={w.pos[r]}", f"rootdep={dep}", f"rootlem={w.lemma[r]}",
         f"headlem={w.lemma[h]}", f"rootdep|head={dep}|{w.pos[h]}",
         f"first={w.lower[a]}", f"firstpos={w.pos[a]}", f"last={w.pos[b - 1]}",
         f"prev={w.lower[a - 1] if a > s0 else '<s>'}", f"next={w.lower[b] if b < s1 else '</s>'}",
         f"hasverb={w.verbs[b] > w.verbs[a]}", f"hassubj={w.subjects[b] > w.subjects[a]}"]
    f += [f"o={o}" for o in sorted(origins)]
    if cues:
        c0, c1, text, role = min(cues, key=lambda c: min(abs(c[0] - a), abs(c[0] - b)))
        rel = ("contains" if a <= c0 and c1 <= b else "before" if b <= c0 else "after" if a >= c1 else "overlap")
        dist = _bucket(min(abs(c0 - b), abs(a - c1)))
        f += [f"rel={rel}", f"cue={text}|{rel}", f"role={role}|{rel}", f"dist={dist}|{rel}",
              f"role={role}|{rel}|{dep}", f"o|rel={'/'.join(sorted(origins))}|{rel}",
              f"adj={'left' if b == c0 else ('right' if a == c1 else 'no')}|{role}"]
    else:
        f += ["nocue", f"nocue|{dep}", f"nocue|first={w.lower[a]}"]
    return [_hash(x) for x in f]


@dataclass(frozen=True)
class Pair:
    cause: tuple[int, int]
    effect: tuple[int, int]
    score: float  # mean probability of the two ends


class SpanModel:
    """The two scorers (sparse weights over the hashed features)."""

    def __init__(self, cause: dict[int, float], effect: dict[int, float], meta: dict[str, Any] | None = None) -> None:
        self.cause, self.effect, self.meta = cause, effect, meta or {}
        # both weights of a feature in one look-up
        self._both = {i: (cause.get(i, 0.0), effect.get(i, 0.0)) for i in set(cause) | set(effect)}

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> SpanModel | None:
        if not path.exists():
            return None
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls({int(k): v for k, v in raw["cause"].items()}, {int(k): v for k, v in raw["effect"].items()},
                   raw.get("meta"))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"meta": self.meta, "cause": {str(k): v for k, v in sorted(self.cause.items())},
                                    "effect": {str(k): v for k, v in sorted(self.effect.items())}},
                                   separators=(",", ":")), encoding="utf-8")

    def best(self, doc: Any, s0: int, s1: int, cues: list[tuple[int, int, str, str]],
             rule: Iterable[tuple[str, tuple[int, int] | None]] = ()) -> Pair | None:
        """The best-scoring pair of non-overlapping cause and effect in sentence ``s0:s1``."""
        cands = candidates(doc, s0, s1, [(c[0], c[1]) for c in cues], rule)
        words = words_of(doc)
        scored = []
        for (a, b), origins in cands.items():
            if not words.substantive(a, b):
                continue  # a pronoun, a date, a function word: not an end
            zc = ze = 0.0
            for i in features(doc, a, b, origins, s0, s1, cues, words):
                wc_we = self._both.get(i)
                if wc_we is not None:
                    zc += wc_we[0]
                    ze += wc_we[1]
            scored.append((a, b, zc, ze))
        found = self.pairs(scored, 1)
        return found[0] if found else None

    @staticmethod
    def pairs(scored: list[tuple[int, int, float, float]], n: int) -> list[Pair]:
        by_cause = sorted(scored, key=lambda c: -c[2])[:12]
        by_effect = sorted(scored, key=lambda c: -c[3])[:12]
        options = sorted(((zc + ze, (a, b), (c, d), zc, ze) for a, b, zc, _ in by_cause for c, d, _, ze in by_effect
                          if (a, b) != (c, d) and (b <= c or d <= a)), key=lambda o: (-o[0], o[1], o[2]))
        out: list[Pair] = []
        for _, cause, effect, zc, ze in options:
            if any(cause == p.cause or effect == p.effect for p in out):
                continue
            out.append(Pair(cause, effect, (_sigmoid(zc) + _sigmoid(ze)) / 2))
            if len(out) == n:
                break
        return out


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


_DEFAULT: list[SpanModel | None] = []


def shipped_model() -> SpanModel | None:
    """The shipped span model, loaded once."""
    if not _DEFAULT:
        _DEFAULT.append(SpanModel.load())
    return _DEFAULT[0]


def words_of(doc: Any) -> Words:
    """The document's ``Words``, made once per parse."""
    memo = parsed(doc).memo("span-words")
    got = memo.get(0)
    if got is None:
        got = memo[0] = Words(doc)
    return got


__all__ = ["TRIM", "Pair", "SpanModel", "Words", "candidates", "features", "shipped_model", "trim", "words_of"]
