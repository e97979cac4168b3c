"""An index of character spans: "is this span strictly inside a longer one?" in log time, not a scan of all."""

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


_LAST: list[Any] = [None, -1, None]  # (the mention list, its length, its cover): the list asked about last


def actor_cover(actors: Sequence[Any]) -> SpanCover:
    """The cover of ``actors``' spans (``.start``/``.end``), rebuilt only when asked about another list."""
    if _LAST[0] is not actors or _LAST[1] != len(actors):
        _LAST[:] = [actors, len(actors), SpanCover((a.start, a.end) for a in actors)]
    cover: SpanCover = _LAST[2]
    return cover
