"""Text that remembers where each character came from, so cleaning passes can be chained without losing offsets."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from faultlines.model import OffsetMap

SYNTHETIC = -1  # raw_start of a piece whose characters were produced by a rule (not copied from the raw text)


class Edit(NamedTuple):
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
        accepted = _accept(edits)
        if not accepted:
            return
        text, old = self.text, self.pieces
        parts: list[str] = []
        pieces: list[tuple[int, int, int]] = []
        i = 0  # first old piece that may overlap the current position (pieces and edits are both in order)
        pos = out = 0
        for e in [*accepted, Edit(len(text), len(text), "", "")]:
            if e.start > pos:  # copy [pos, e.start) with its pieces
                parts.append(text[pos:e.start])
                while i < len(old) and old[i][0] + old[i][2] <= pos:
                    i += 1
                j = i
                while j < len(old) and old[j][0] < e.start:
                    cs, rs, n = old[j]
                    lo, hi = max(pos, cs), min(e.start, cs + n)
                    if hi > lo:
                        _push(pieces, (out + lo - pos, rs if rs == SYNTHETIC else rs + lo - cs, hi - lo))
                    j += 1
                out += e.start - pos
            if e.end > e.start:  # record the raw extent of what is dropped
                while i < len(old) and old[i][0] + old[i][2] <= e.start:
                    i += 1
                j, lo_raw, hi_raw = i, -1, -1
                while j < len(old) and old[j][0] < e.end:
                    cs, rs, n = old[j]
                    lo, hi = max(e.start, cs), min(e.end, cs + n)
                    if hi > lo and rs != SYNTHETIC:
                        if lo_raw < 0:
                            lo_raw = rs + lo - cs
                        hi_raw = rs + hi - cs
                    j += 1
                if lo_raw >= 0:
                    self.removed.append((lo_raw, hi_raw, e.rule))
            if e.replacement:
                parts.append(e.replacement)
                _push(pieces, (out, SYNTHETIC, len(e.replacement)))
                out += len(e.replacement)
            pos = max(pos, e.end)
        self.text = "".join(parts)
        self.pieces = pieces

    def offset_map(self) -> OffsetMap:
        return OffsetMap(tuple((c, r, n) for c, r, n in self.pieces if r != SYNTHETIC and n > 0))


def _accept(edits: Iterable[Edit]) -> list[Edit]:
    """Sorted edits without overlaps (the earlier, then longer, one wins); adjacent same-rule deletions joined."""
    accepted: list[Edit] = []
    last_end = -1
    for e in sorted(edits, key=lambda e: (e.start, -e.end)):
        if e.start < last_end or (e.start == e.end and not e.replacement):
            continue
        prev = accepted[-1] if accepted else None
        if prev and prev.end == e.start and not prev.replacement and not e.replacement and prev.rule == e.rule:
            accepted[-1] = Edit(prev.start, e.end, "", e.rule)
        else:
            accepted.append(e)
        last_end = max(last_end, e.end)
    return accepted


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
