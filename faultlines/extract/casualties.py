"""Casualty figures: who was killed, injured, abducted or arrested, and how many, as low-high ranges.

Quantity convention (``parse_quantity``; every figure is a ``Count(low, high, text)``, ``high`` None = open):

- exact numbers, digits or words ("52", "1,200", "seven", "two dozen", "1.5 million"): low = high = N
- "at least N", "no fewer than N": low N, high None
- "more than N", "over N", "upwards of N": low N+1, high None
- "up to N", "as many as N", "fewer than N", "under N": low 1, high N (N-1 for strict "fewer/less than/under")
- "nearly N", "almost N", "close to N": low N - max(1, N//10), high N-1
- "about N", "around N", "some N", "an estimated N": low and high N (as casualty recorders code them)
- "between X and Y", "X to Y", "X-Y", "X or Y": low X, high Y
- vague words (casualties.yaml ``vague``): "dozens" 24.., "scores" 20.., "hundreds" 200.., "several" 3..,
  "a dozen" 12..12; "a"/"one"/"another" before a singular victim noun: 1
- figures above ``max_count`` are refused (logged), never coded; years (1900-2099) without a victim noun,
  ages ("a 12-year-old"), distances, money, durations and counts of weapons or strikes are never victims.

Figures of one kind in one sentence combine as: a death-toll update ("the toll rose to N") wins over
everything else and the last update wins; a list joined by "and" ("5 soldiers and 3 civilians") is summed;
otherwise different figures become one range (the lowest low to the highest bound: conflicting reports).
A single figure for killed *and* injured together ("killing and injuring 70", "70 casualties") is coded as
``casualties``, never as killed.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from faultlines.analyze.parsed import span_text
from faultlines.model import Count

log = logging.getLogger(__name__)

LEXICON = Path(__file__).resolve().parent.parent / "data" / "lexicon" / "casualties.yaml"
KINDS = ("casualties", "killed", "injured", "abducted", "arrested")

_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_STOPWORDS = ("said|says|say|told|were|was|is|are|be|been|had|has|have|and|or|but|who|which|that|while|when|after|"
              "before|died|killed|wounded|injured|the|in|on|at|of|by|from|with|to|for|as|than")
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000, "dozen": 12}


@dataclass(frozen=True)
class CasualtyFigures:
    """The figures one sentence gives for each kind of victim."""

    killed: Count = field(default_factory=Count)
    injured: Count = field(default_factory=Count)
    casualties: Count = field(default_factory=Count)
    abducted: Count = field(default_factory=Count)
    arrested: Count = field(default_factory=Count)

    @property
    def any(self) -> bool:
        return any(getattr(self, k).known for k in KINDS)


def _alt(words: list[str]) -> str:
    """A regex alternation of literal phrases, longest first, spaces matching any whitespace."""
    uniq = sorted({w.lower() for w in words if w}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in uniq)


class _Lexicon:
    """Compiled patterns built from casualties.yaml."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.max_count = int(data.get("max_count", 10_000_000))
        self.vague = {k.lower(): tuple(v) for k, v in (data.get("vague") or {}).items()}
        self.qualifiers = {kind: [w.lower() for w in words] for kind, words in (data.get("qualifiers") or {}).items()}
        self.qual_kind = {w: kind for kind, words in self.qualifiers.items() for w in words}
        word_atom = "(?:" + "|".join(sorted(list(_ONES) + list(_SCALES), key=len, reverse=True)) + ")"
        words = rf"{word_atom}(?:(?:\s+|-)(?:and\s+)?{word_atom}){{0,5}}"
        digits = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
        atom = rf"(?:(?:{digits})(?:\s+(?:hundred|thousand|million|billion))?|{words})"
        quals = _alt([w for ws in self.qualifiers.values() for w in ws])
        vague = _alt(list(self.vague))
        self.quantity = (
            rf"(?:(?:{quals})\s+)?(?:(?:between\s+)?{atom}(?:\s*(?:-|–|to|or|and)\s*{atom})?|(?:{vague}))"
        )
        self.quantity_re = re.compile(rf"^\s*(?P<q>{self.quantity})\s*$", re.I)
        units = _alt(data.get("units") or [])
        victims = _alt(data.get("victims") or [])
        mods = int(data.get("victim_modifiers_max", 4))
        num = rf"(?<![\w$£€.,-])(?P<num>{self.quantity})(?![\w%-]|\.\d|,\d)"
        self.not_unit = rf"(?!\s+(?:{units})\b)(?!-(?:year|day|month|week|hour|km|mile))"
        word = rf"(?!(?:{_STOPWORDS})\b)(?!\d)[\w'-]+\s+"  # a modifier: not a number, verb or function word
        np = rf"(?P<np>\s+(?:{word}){{0,{mods}}}?(?:{victims})\b)?"
        self.number_np = num + self.not_unit + np
        self.victims_re = re.compile(rf"\b(?:{victims})$", re.I)
        kinds = data.get("kinds") or {}
        self.patterns: list[tuple[str, str, re.Pattern[str]]] = []
        link = r"(?:\s+(?:were|was|have\s+been|has\s+been|had\s+been|are|is|been|being|got|reportedly|also|all|"
        link += r"later|allegedly|initially|now|believed|feared|reported|confirmed|to\s+have\s+been|,))*"
        for kind in KINDS:
            spec = kinds.get(kind) or {}
            needs_after = set(spec.get("before_needs_after") or [])
            after = _alt(spec.get("after") or [])
            before = _alt([w for w in spec.get("before") or [] if w not in needs_after])
            toll = _alt(spec.get("toll") or [])
            if toll:
                self.patterns.append((kind, "toll", re.compile(
                    rf"\b(?:{toll})\b(?:\s+[a-z,'-]+){{0,9}}?\s+(?:at|as|to|of|reached|hit|is|was|stands\s+at|"
                    rf"stood\s+at|climbed\s+to|rose\s+to|risen\s+to|rises\s+to|raised\s+to|increased\s+to|"
                    rf"jumped\s+to|numbered|exceeded|passed|topped)\s+"
                    + num + self.not_unit, re.I)))
            if before:
                self.patterns.append((kind, "before", re.compile(
                    rf"\b(?:{before})\s+(?:the\s+|off\s+)?" + self.number_np, re.I)))
            if needs_after and after:
                self.patterns.append((kind, "before", re.compile(
                    rf"\b(?:{_alt(list(needs_after))})\s+" + self.number_np + rf"\s+(?:{after})\b", re.I)))
            if after:
                self.patterns.append((kind, "after", re.compile(self.number_np + link + rf"\s+(?:{after})\b", re.I)))
                ones = _alt(data.get("one") or [])
                self.patterns.append((kind, "one", re.compile(
                    rf"\b(?P<num>{ones})\s+(?:{word}){{0,3}}?(?P<np>{victims})\b" + link + rf"\s+(?:{after})\b",
                    re.I)))
                if before:
                    self.patterns.append((kind, "one", re.compile(
                        rf"\b(?:{before})\s+(?P<num>{ones})\s+(?:{word}){{0,3}}?(?P<np>{victims})\b", re.I)))
                zero_subj = _alt(data.get("zero_subjects") or [])
                self.patterns.append((kind, "zero", re.compile(
                    rf"\b(?P<num>{zero_subj})\b" + link + rf"\s+(?:{after})\b", re.I)))
            zero_nouns = (data.get("zero_nouns") or {}).get(kind)
            if zero_nouns:
                self.patterns.append((kind, "zero", re.compile(rf"\b(?P<num>{_alt(zero_nouns)})\b", re.I)))
        # every pattern needs one of the kind phrases: a sentence without any of them has no figures at all
        needed = [w for spec in kinds.values() for key in ("after", "before", "toll", "before_needs_after")
                  for w in (spec or {}).get(key) or []]
        needed += [w for ws in (data.get("zero_nouns") or {}).values() for w in ws]
        self.any_kind = re.compile(rf"\b(?:{_alt(needed)})\b", re.I) if needed else None
        order = {"zero": 0, "toll": 1, "before": 2, "after": 3, "one": 4}
        self.patterns.sort(key=lambda p: (KINDS.index(p[0]), order[p[1]]))
        self.and_more = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)" + self.number_np, re.I)


@functools.lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> _Lexicon:
    """The compiled casualty lexicon (the shipped one unless ``path`` is given)."""
    with open(path or LEXICON, encoding="utf-8") as fh:
        return _Lexicon(yaml.safe_load(fh) or {})


def _words_to_int(text: str) -> int | None:
    """'two hundred and fifty' -> 250, 'two dozen' -> 24, '1.5 million' -> 1500000."""
    total = current = 0
    seen = False
    for tok in re.split(r"[\s-]+", text.lower()):
        if not tok or tok == "and":
            continue
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?", tok):
            current += float(tok.replace(",", ""))  # type: ignore[assignment]
            seen = True
        elif tok in _ONES:
            value = _ONES[tok]
            if current % 100 and (current % 10 or value >= 10):
                return None  # "five six", "twenty thirty": not one number
            current += value
            seen = True
        elif tok in _SCALES:
            scale = _SCALES[tok]
            current = (current or 1) * scale
            if scale >= 1000:
                total += current
                current = 0
            seen = True
        else:
            return None
    return int(round(total + current)) if seen else None


def parse_quantity(text: str) -> Count | None:
    """A number expression ("over 40", "between 64 and 75", "dozens") as a Count; None if it is not one."""
    lex = load_lexicon()
    if not text or len(text) > 200:
        return None
    m = lex.quantity_re.match(text)
    if not m:
        return None
    raw = m.group("q").strip()
    s = re.sub(r"\s+", " ", raw.lower())
    qual = None
    for q in sorted(lex.qual_kind, key=len, reverse=True):
        if s.startswith(q + " "):
            qual, s = lex.qual_kind[q], s[len(q) + 1:]
            break
    if s in lex.vague:
        low, high = lex.vague[s]
        return Count(low, high, raw)
    between = s.startswith("between ")
    if between:
        s = s[len("between "):]
    seps = r"–|\bto\b|\bor\b|(?<=\d)-(?=\d)" + (r"|\band\b" if between else "")
    parts = re.split(rf"\s*(?:{seps})\s*", s) if s else []
    if between or len(parts) == 2:
        if len(parts) == 2:
            a, b = _words_to_int(parts[0]), _words_to_int(parts[1])
            if a is not None and b is not None:
                return _bounded(Count(min(a, b), max(a, b), raw), lex)
    n = _words_to_int(s)
    if n is None:
        return None
    if qual == "min":
        c = Count(n, None, raw)
    elif qual == "over":
        c = Count(n + 1, None, raw)
    elif qual == "upto":
        strict = re.match(r"(fewer|less) than|under", raw.lower()) is not None
        c = Count(1 if n else 0, max(n - 1, 0) if strict else n, raw)
    elif qual == "near":
        c = Count(max(n - max(1, n // 10), 0), max(n - 1, 0), raw)
    elif qual == "about":
        c = Count(n, n, raw)  # the figure the source gives: a range around it would be figures nobody reported
    else:
        c = Count(n, n, raw)
    return _bounded(c, lex)


def _bounded(c: Count, lex: _Lexicon) -> Count | None:
    """Refuse absurd figures instead of coding them."""
    if any(v is not None and v > lex.max_count for v in (c.low, c.high)):
        log.warning("refusing absurd casualty figure %r", c.text)
        return None
    return c


def _is_year(num: str, np: str | None) -> bool:
    return not np and re.fullmatch(r"(?:19|20)\d\d", num.strip()) is not None


def _count_of(m: re.Match[str], how: str) -> Count | None:
    num = m.group("num")
    np = m.groupdict().get("np")
    if how == "zero":
        return Count(0, 0, num)
    if how == "one":
        return Count(1, 1, f"{num} {np}" if np else num)
    if _is_year(num, np):
        return None
    return parse_quantity(num)


def _combine(found: list[tuple[int, str, str, Count]]) -> Count:
    """One Count from the figures of one kind (toll updates win, last first; else a sum or a range)."""
    if not found:
        return Count()
    found = sorted(found, key=lambda f: f[0])
    tolls = [c for _, how, _, c in found if how == "toll"]
    if tolls:
        return tolls[-1]
    counts = [c for _, _, _, c in found]
    if len(counts) == 1 or all(c == counts[0] for c in counts):
        return counts[0]
    nouns = [np for _, _, np, _ in found]
    if all(nouns) and len(set(nouns)) == len(nouns):  # different victims: "20 protesters ... three journalists"
        total = counts[0]
        for c in counts[1:]:
            total = _sum(total, c)
        return total
    lows = [c.low for c in counts if c.low is not None]
    highs = [c.high if c.high is not None else c.low for c in counts]
    open_ended = any(c.high is None for c in counts) and max(lows, default=0) >= max(
        (h for h in highs if h is not None), default=0)
    low = min(lows) if lows else None
    high = None if open_ended else max((h for h in highs if h is not None), default=None)
    text = "; ".join(c.text or "" for c in counts)
    return Count(low, high, text)


def _sum(a: Count, b: Count) -> Count:
    low = (a.low or 0) + (b.low or 0)
    high = a.high + b.high if a.high is not None and b.high is not None else None
    return Count(low, high, f"{a.text} and {b.text}")


def victims_noun(word: str) -> bool:
    """The word is one of the lexicon's nouns for people who can be victims ("fishermen", "soldiers")."""
    return bool(load_lexicon().victims_re.search(word))


def parse_casualties(span: Any) -> CasualtyFigures:
    """The casualty figures of one sentence (a spaCy Span, Doc or plain string)."""
    return _parse_text(span_text(span))


@functools.lru_cache(maxsize=256)  # the same sentence is asked about by several extractors
def _parse_text(text: str) -> CasualtyFigures:
    lex = load_lexicon()
    if lex.any_kind is not None and not lex.any_kind.search(text):
        return _NONE
    masked = text
    found: dict[str, list[tuple[int, str, str, Count]]] = {k: [] for k in KINDS}
    for kind, how, pattern in lex.patterns:
        for m in pattern.finditer(masked):
            count = _count_of(m, how)
            if count is None:
                continue
            end = m.end()
            if how == "before" and m.group("np"):
                while (more := lex.and_more.match(masked, end)) and more.group("np"):
                    extra = parse_quantity(more.group("num"))
                    if extra is None or _is_year(more.group("num"), more.group("np")):
                        break
                    count, end = _sum(count, extra), more.end()
            noun = (m.groupdict().get("np") or "").strip().lower().split(" ")[-1]
            found[kind].append((m.start(), how, noun, count))
            masked = masked[: m.start()] + " " * (end - m.start()) + masked[end:]
    return CasualtyFigures(**{k: _combine(v) for k, v in found.items()})


_NONE = CasualtyFigures()


__all__ = ["CasualtyFigures", "load_lexicon", "parse_casualties", "parse_quantity", "victims_noun"]
