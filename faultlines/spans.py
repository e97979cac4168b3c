"""Indexes of character spans: "is this span strictly inside a longer one?" and "which items start between these
offsets?" in log time, not a scan of all (asked once per sentence or event, a scan made long reports quadratic)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import Any


class SpanCover:
    """Answers ``any(s <= start and end <= e and e - s > end - start for s, e in spans)`` for many queries."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.reach: list[int] = []  # reach[i]: the furthest end among ordered[:i + 1]
        for _, end in ordered:
            self.reach.append(max(end, self.reach[-1]) if self.reach else end)

    def strictly_inside(self, start: int, end: int) -> bool:
        """True when a longer span contains ``start:end``."""
        i = bisect.bisect_right(self.starts, start)  # spans starting at or before it: a longer one ends after it
        if i and self.reach[i - 1] > end:
            return True
        j = bisect.bisect_left(self.starts, start)  # spans starting strictly before it: longer if they reach its end
        return bool(j) and self.reach[j - 1] >= end


class ByStart:
    """Items with a character start (``.start`` unless ``key`` says otherwise), sorted once by it (ties keep
    their order): ``between(lo, hi)`` gives those starting in ``[lo, hi)``, in document order."""

    def __init__(self, items: Iterable[Any], key: Any = None) -> None:
        self.key = key or (lambda item: item.start)
        self.items = sorted(items, key=self.key)
        self.starts = [self.key(item) for item in self.items]

    def between(self, lo: int, hi: int) -> list[Any]:
        return self.items[bisect.bisect_left(self.starts, lo):bisect.bisect_left(self.starts, hi)]


class Overlaps:
    """Which items (``.start``/``.end``) overlap a character span, in their list order, in log time: a ``ByStart``
    index read back as far as the longest item reaches."""

    def __init__(self, items: Sequence[Any]) -> None:
        self.by_start = ByStart(list(enumerate(items)), key=lambda pair: pair[1].start)
        self.longest = max((item.end - item.start for item in items), default=0)

    def _pairs(self, start: int, end: int) -> list[tuple[int, Any]]:
        found = [pair for pair in self.by_start.between(start - self.longest, end) if pair[1].end > start]
        return sorted(found, key=lambda pair: pair[0])

    def of(self, start: int, end: int) -> list[Any]:
        """The items overlapping ``[start, end)``."""
        return [item for _, item in self._pairs(start, end)]

    def positions(self, start: int, end: int) -> list[int]:
        """The list positions of the items overlapping ``[start, end)``, ascending."""
        return [i for i, _ in self._pairs(start, end)]


_LAST: list[Any] = [None, -1, None]  # (the mention list, its length, its cover): the list asked about last


def actor_cover(actors: Sequence[Any]) -> SpanCover:
    """The cover of ``actors``' spans (``.start``/``.end``), rebuilt only when asked about another list."""
    if _LAST[0] is not actors or _LAST[1] != len(actors):
        _LAST[:] = [actors, len(actors), SpanCover((a.start, a.end) for a in actors)]
    cover: SpanCover = _LAST[2]
    return cover
