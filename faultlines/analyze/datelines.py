"""News datelines: the place in capitals that opens a wire report ("KABUL, March 3 --", "BAMAKO, Mali (AFP) —",
"NAIROBI: ..."). It tells where the report was filed, so nothing in it is an actor, and it is only a fallback for
where the event happened."""

from __future__ import annotations

import re

_OPENING = re.compile(r"[ \t]*[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}")
# what follows the place of a dateline on its line (right after it: a comma, a parenthesis, a dash or a colon): a dash between spaces, an agency in parentheses and a dash or
# colon, or a colon or dash right after ("KHARTOUM, Sudan (AFP) —", "ISLAMABAD, May 22 --", "MOGADISHU: More")
_DATELINE_END = re.compile(r"^(?=,| ?\(| ?[-\u2013\u2014:])[^\n]{0,60}?"
                           r"(\s[-\u2013\u2014]\s|\)\s*[-\u2013\u2014:]|\s*[-\u2013\u2014:]\s)")


def dateline_at(text: str, offset: int) -> tuple[int, int] | None:
    """The dateline of the line holding ``offset``, as (start, end) characters up to its dash or colon, or None."""
    line_start = text.rfind("\n", 0, offset) + 1
    opening = _OPENING.match(text, line_start)
    if opening is None:
        return None
    end = _DATELINE_END.match(text[opening.end():opening.end() + 80])
    if end is None:
        return None
    return line_start, opening.end() + end.end(1)


def in_dateline(text: str, start: int, end: int) -> bool:
    """The characters [start, end) lie in a dateline: its place in capitals, or what follows it up to the dash
    (", Mali", "(AFP)", ", March 3")."""
    span = dateline_at(text, start)
    return span is not None and span[0] <= start and end <= span[1]


__all__ = ["dateline_at", "in_dateline"]
