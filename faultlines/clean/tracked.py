"""Text that remembers where each character came from, so cleaning passes can be chained without losing offsets."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from faultlines.model import OffsetMap

SYNTHETIC = -1  # raw_start of a piece whose characters were produced by a rule (not copied from the raw text)


@dataclass(frozen=True)
class Edit:
    """Replace current-text span [start, end) with ``replacement``; ``rule`` names why."""

    start: int
    end: int
    replacement: str
    rule: str


class TrackedText:
    """The current text plus pieces (text_start, raw_start | SYNTHETIC, length) covering it in order."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text = raw
        self.pieces: list[tuple[int, int, int]] = [(0, 0, len(raw))] if raw else []
        self.removed: list[tuple[int, int, str]] = []

    def apply(self, edits: Iterable[Edit]) -> None:
        """Apply non-overlapping edits given in current-text coordinates (overlapping later ones are dropped)."""
        accepted: list[Edit] = []
        last_end = -1
        for e in sorted(edits, key=lambda e: (e.start, -e.end)):
            if e.start < last_end or (e.start == e.end and not e.replacement):
                continue
            accepted.append(e)
            last_end = max(last_end, e.end)
        if not accepted:
            return
        parts: list[str] = []
        pieces: list[tuple[int, int, int]] = []
        starts = [p[0] for p in self.pieces]
        pos = 0
        out = 0
        for e in accepted:
            out = self._copy(pos, e.start, out, parts, pieces, starts)
            raw_span = self._raw_span(e.start, e.end, starts)
            if raw_span is not None:
                self.removed.append((raw_span[0], raw_span[1], e.rule))
            if e.replacement:
                parts.append(e.replacement)
                _push(pieces, (out, SYNTHETIC, len(e.replacement)))
                out += len(e.replacement)
            pos = e.end
        self._copy(pos, len(self.text), out, parts, pieces, starts)
        self.text = "".join(parts)
        self.pieces = pieces

    def _copy(self, a: int, b: int, out: int, parts: list[str], pieces: list[tuple[int, int, int]],
              starts: list[int]) -> int:
        if b <= a:
            return out
        parts.append(self.text[a:b])
        i = max(bisect.bisect_right(starts, a) - 1, 0)
        while i < len(self.pieces):
            cs, rs, n = self.pieces[i]
            if cs >= b:
                break
            lo, hi = max(a, cs), min(b, cs + n)
            if hi > lo:
                raw = SYNTHETIC if rs == SYNTHETIC else rs + (lo - cs)
                _push(pieces, (out + (lo - a), raw, hi - lo))
            i += 1
        return out + (b - a)

    def _raw_span(self, a: int, b: int, starts: list[int]) -> tuple[int, int] | None:
        """The raw extent of the raw-backed characters in current-text [a, b), or None when all are synthetic."""
        lo = hi = None
        i = max(bisect.bisect_right(starts, a) - 1, 0)
        while i < len(self.pieces):
            cs, rs, n = self.pieces[i]
            if cs >= b:
                break
            s, e = max(a, cs), min(b, cs + n)
            if e > s and rs != SYNTHETIC:
                if lo is None:
                    lo = rs + (s - cs)
                hi = rs + (e - cs)
            i += 1
        return None if lo is None or hi is None else (lo, hi)

    def offset_map(self) -> OffsetMap:
        return OffsetMap(tuple((c, r, n) for c, r, n in self.pieces if r != SYNTHETIC and n > 0))


def _push(pieces: list[tuple[int, int, int]], piece: tuple[int, int, int]) -> None:
    """Append, merging with the previous piece when both are contiguous in the text and in the raw text."""
    c, r, n = piece
    if n <= 0:
        return
    if pieces:
        pc, pr, pn = pieces[-1]
        if pc + pn == c and ((pr == SYNTHETIC and r == SYNTHETIC) or (pr != SYNTHETIC and pr + pn == r)):
            pieces[-1] = (pc, pr, pn + n)
            return
    pieces.append(piece)


def compose(outer: Sequence[tuple[int, int, int]], inner: Sequence[tuple[int, int, int]]) -> OffsetMap:
    """Chain two maps: ``outer`` maps text C to text B, ``inner`` maps B to raw A; the result maps C to A."""
    starts = [s[0] for s in inner]
    out: list[tuple[int, int, int]] = []
    for c, b, n in outer:
        i = max(bisect.bisect_right(starts, b) - 1, 0)
        while i < len(inner):
            bs, rs, m = inner[i]
            if bs >= b + n:
                break
            lo, hi = max(b, bs), min(b + n, bs + m)
            if hi > lo:
                _push(out, (c + (lo - b), rs + (lo - bs), hi - lo))
            i += 1
    return OffsetMap(tuple(out))


def check_map(text: str, raw: str, omap: OffsetMap) -> bool:
    """True when every segment of ``omap`` copies ``raw`` exactly (the invariant every cleaner keeps)."""
    return all(text[c:c + n] == raw[r:r + n] for c, r, n in omap.segments)
