"""Skip regular expressions that cannot match a text, by the first letters of their matches.

The event lexicon's patterns (triggers, off-topic phrases) only match at the start of a word, and most of them
never match a given sentence. ``starts`` reads a pattern's syntax tree and lists every string its matches can begin
with (their first ``K`` characters, or the whole match when it is shorter); ``word_starts`` lists the same-length
beginnings of every word of a text. When the two sets are disjoint the pattern cannot match, and the (much slower)
regular-expression scan is skipped. The test is exact: a pattern is only skipped when no match is possible, so
results never change. Patterns whose first characters cannot be listed (a leading ``\\w``, ``.``, a negated class)
get ``None`` and are always scanned; a construct that cannot be listed after the first letters (``hid\\w*``) leaves
the letters before it as the start.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

_c: Any
_p: Any
try:  # the parser of Python's own ``re`` (private, but stable across 3.11-3.13); without it nothing is skipped
    _c, _p = importlib.import_module("re._constants"), importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - other Pythons: every pattern is scanned
    _c = _p = None

K = 5  # characters compared
_MAX = 4096  # more possible starts than this: not worth it (None)
_HEADS = re.compile(rf"(?<![\w-])(?=(\w.{{0,{K - 1}}}))", re.DOTALL)  # K characters from each word start
_REPEATS = tuple(getattr(_c, n) for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_c, n))

Prods = set[str]  # the first K characters of a production, or all of it when it is shorter (then it ended)
OPEN = "\x00"  # pads a production whose next characters cannot be listed (``hid\w*``): its known part is its start


class _Unknown(Exception):
    """A construct whose possible characters are not listed."""


def _concat(left: Prods, right: Prods) -> Prods:
    out = {a for a in left if len(a) >= K}  # K characters known: what follows does not change them
    out.update((a + b)[:K] for a in left if len(a) < K for b in right)
    if len(out) > _MAX:
        raise _Unknown
    return out


def _seq(items: Iterable[tuple[Any, Any]]) -> Prods:
    prods: Prods = {""}
    for op, av in items:
        if all(len(a) >= K for a in prods):
            break  # the rest cannot change the first K characters (and may be a construct not listed)
        try:
            following = _item(op, av)
        except _Unknown:
            # what follows cannot be listed: every match still begins with the characters known so far, so each
            # shorter production becomes an open one (padded with OPEN: nothing may be appended to it any more)
            return {a if len(a) >= K else a + OPEN * (K - len(a)) for a in prods}
        prods = _concat(prods, following)
    return prods


def _item(op: Any, av: Any) -> Prods:
    if op is _c.LITERAL:
        return {chr(av)}
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return {""}  # zero width: dropping the condition only widens the set
    if op is _c.IN:
        chars: Prods = set()
        for sub_op, sub_av in av:
            if sub_op is _c.LITERAL:
                chars.add(chr(sub_av))
            elif sub_op is _c.RANGE and sub_av[1] - sub_av[0] < 64:
                chars.update(chr(x) for x in range(sub_av[0], sub_av[1] + 1))
            else:
                raise _Unknown  # negated sets, categories (\w, \d), wide ranges
        return chars
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, p = av
        if add_flags or del_flags:
            raise _Unknown
        return _seq(p)
    if op is _c.BRANCH:
        out: Prods = set()
        for alt in av[1]:
            out |= _seq(alt)
        return out
    if op in _REPEATS:
        lo, hi, p = av
        if lo > 8:
            raise _Unknown
        one = _seq(p)
        out = set()
        chain: Prods = {""}
        # every count from lo to lo + K + 1: more copies only add characters past K, or empty copies
        top = lo + K + 1 if hi == _c.MAXREPEAT else min(hi, lo + K + 1)
        for n in range(top + 1):
            if n >= lo:
                out |= chain
            chain = _concat(chain, one)
        return out
    raise _Unknown  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, ...


def starts(pattern: str) -> frozenset[str] | None:
    """The strings (the first ``K`` characters, or the whole match when it is shorter, or as many as can be
    listed when a construct that cannot be listed follows: ``hid\\w*`` gives ``hid``) that every match of
    ``pattern`` (compiled without flags) begins with; None when they cannot be listed, when a match can be empty,
    or when a match can begin with a character that is not a word character (``word_starts`` only sees words)."""
    if _p is None:
        return None
    try:
        prods = _seq(_p.parse(pattern))
    except (_Unknown, RecursionError, re.error):
        return None
    known = {s.rstrip(OPEN) for s in prods}
    # a string with a shorter one of the set as its beginning adds nothing: wherever it is a word's start, so is that
    out = frozenset(s for s in known if not any(s[:n] in known for n in range(1, len(s))))
    if not out or any(not s or not re.match(r"\w", s[0]) for s in out):
        return None
    return out


def word_starts(low: str, lengths: Iterable[int] = range(1, K + 1)) -> frozenset[str]:
    """The first ``n`` characters (for each ``n`` in ``lengths``, at most ``K``) at every word start of ``low``: a
    word character not preceded by a word character or a hyphen, where the lexicon patterns anchor. Fewer at the
    end of the text. A pattern whose ``starts`` has strings of length ``n`` needs ``n`` in ``lengths``."""
    heads = _HEADS.findall(low)
    out = set(heads)
    for n in lengths:
        if n < K:
            out.update(h[:n] for h in heads)
    return frozenset(out)


def lengths_of(*firsts: frozenset[str] | None) -> tuple[int, ...]:
    """The string lengths ``word_starts`` must produce for these ``starts`` results."""
    return tuple(sorted({len(x) for f in firsts if f for x in f}))


class StartIndex:
    """Many patterns' ``starts`` at once: ``candidates`` gives, in order, the patterns that may match a text (the
    same as ``may_match`` pattern by pattern, with one dictionary look-up per word beginning instead of one set
    test per pattern)."""

    def __init__(self, firsts: Iterable[frozenset[str] | None]) -> None:
        firsts = list(firsts)
        self.lengths = lengths_of(*firsts)
        self.always = frozenset(i for i, f in enumerate(firsts) if f is None)
        self.by_start: dict[str, list[int]] = {}
        for i, first in enumerate(firsts):
            for s in first or ():
                self.by_start.setdefault(s, []).append(i)

    def candidates(self, low: str) -> list[int]:
        """The positions (ascending) of the patterns that ``may_match`` the lower-cased text ``low``."""
        found = set(self.always)
        get = self.by_start.get
        lengths = self.lengths
        for head in _HEADS.findall(low):
            for n in lengths:
                if n > len(head):
                    break
                ids = get(head[:n])
                if ids:
                    found.update(ids)
        return sorted(found)


def may_match(first: frozenset[str] | None, keys: frozenset[str]) -> bool:
    """False only when a pattern with starts ``first`` cannot match the text whose ``word_starts`` are ``keys``."""
    return first is None or not first.isdisjoint(keys)


# ---------------------------------------------------------------------------------------------------- the cue matcher
def lowered(text: str) -> str:
    """``text`` in lower case, or "" when lower-casing changes its length (offsets would shift): the patterns are
    then searched case-insensitively in ``text`` itself."""
    low = text.lower()
    return low if len(low) == len(text) else ""


@functools.lru_cache(maxsize=512)
def case_sensitive(rx: re.Pattern[str]) -> re.Pattern[str] | None:
    """The pattern without re.IGNORECASE, for text already in lower case (2-3x faster in Python's re); None when
    the pattern has upper-case letters of its own. (re.IGNORECASE also equates a few letters that lower-casing
    keeps apart, such as the long s and s; news text does not use them.)"""
    if rx.pattern != rx.pattern.lower():
        return None
    return re.compile(rx.pattern, rx.flags & ~re.IGNORECASE)


def search(rx: re.Pattern[str], text: str, low: str) -> bool:
    """``rx`` occurs in ``text`` (``low``: its ``lowered`` form, "" when there is none)."""
    fast = case_sensitive(rx) if low else None
    return (fast.search(low) if fast is not None else rx.search(text)) is not None


def _all_spans(rx: re.Pattern[str], fast: re.Pattern[str] | None, text: str, low: str) -> list[tuple[int, int]]:
    if low and fast is not None:
        return [m.span() for m in fast.finditer(low)]
    return [m.span() for m in rx.finditer(text)]


class CueMatcher:
    """The event lexicon's trigger patterns and its off-topic pattern, searched in one sentence.

    ``candidates`` tells with one look-up per word beginning which triggers can match and whether the off-topic
    pattern can (``StartIndex``: exact, nothing that can match is skipped); ``spans`` and ``off_topic`` search a
    pattern in the lower-cased text without re.IGNORECASE when it has no capitals of its own, else
    case-insensitively in the text.
    """

    def __init__(self, triggers: Sequence[re.Pattern[str] | None], trigger_starts: Sequence[frozenset[str] | None],
                 off_topic: re.Pattern[str] | None = None, off_topic_starts: frozenset[str] | None = None) -> None:
        self.triggers = list(triggers)
        self._fast = [case_sensitive(rx) if rx is not None else None for rx in self.triggers]
        self.off_topic_pattern = off_topic
        self._index = StartIndex([*trigger_starts, off_topic_starts])

    def candidates(self, low: str) -> tuple[list[int], bool]:
        """The triggers (their positions, ascending) that may match the sentence, and whether the off-topic
        pattern may; without ``low`` (see ``lowered``), all of them."""
        n = len(self.triggers)
        ids = self._index.candidates(low) if low else [*range(n), n]
        maybe_off_topic = bool(ids) and ids[-1] == n
        if maybe_off_topic:
            ids.pop()
        return ids, maybe_off_topic and self.off_topic_pattern is not None

    def spans(self, i: int, text: str, low: str) -> list[tuple[int, int]]:
        """Where trigger ``i`` matches the sentence (character offsets in ``text``)."""
        rx = self.triggers[i]
        return _all_spans(rx, self._fast[i], text, low) if rx is not None else []

    def off_topic(self, text: str, low: str) -> bool:
        """The off-topic pattern (disasters, accidents, ordinary crime) occurs in the sentence."""
        rx = self.off_topic_pattern
        return rx is not None and search(rx, text, low)


__all__ = ["K", "CueMatcher", "StartIndex", "case_sensitive", "lengths_of", "lowered", "may_match", "search",
           "starts", "word_starts"]
