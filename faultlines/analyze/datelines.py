"""News datelines: the place that opens a wire report ("KABUL, March 3 --", "BAMAKO, Mali (AFP) —", "NAIROBI: ...",
"New Delhi: ..."). It tells where the report was filed, so nothing in it is an actor, and it is only a fallback for
where the event happened."""

from __future__ import annotations

import re

# a place name in capitals, as a dateline gives it ("KABUL", "GAZA CITY", "U.S.")
CAPITALS_NAME = r"[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}"
_OPENING = re.compile(r"[ \t]*" + CAPITALS_NAME)
# what follows the place of a dateline on its line: right after it a comma, a parenthesis, a dash or a colon, then
# a dash between spaces, an agency in parentheses and a dash or colon, or a colon or dash ("KHARTOUM, Sudan (AFP)
# —", "ISLAMABAD, May 22 --", "MOGADISHU: More")
_DATELINE_END = re.compile(r"^(?=,| ?\(| ?[-\u2013\u2014:])[^\n]{0,60}?"
                           r"(\s[-\u2013\u2014]\s|\)\s*[-\u2013\u2014:]|\s*[-\u2013\u2014:]\s)")


# some outlets write the place in title case, with a colon or a dash right after it, or with the agency ("New
# Delhi: As many as ...", "Khartoum: At least ...", "Maputo — ...", "Bogota, Dec 6 (EFE).- ...")
_TITLE_OPENING = re.compile(r"[ \t]*[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}")
_TITLE_END = re.compile(r"^(?::\s|\s[\u2013\u2014]\s|\s\([A-Z][\w .]*\)\s*[-\u2013\u2014:]"
                        r"|, [A-Z][a-z]{2,8}\.? \d{1,2},? \([A-Z][A-Za-z]*\)\.?\s?[-\u2013\u2014])")


def dateline_at(text: str, offset: int) -> tuple[int, int] | None:
    """The dateline of the line holding ``offset``, as (start, end) characters up to its dash or colon, or None."""
    line_start = text.rfind("\n", 0, offset) + 1
    opening = _OPENING.match(text, line_start)
    if opening is not None:
        end = _DATELINE_END.match(text[opening.end():opening.end() + 80])
        if end is not None:
            return line_start, opening.end() + end.end(1)
    opening = _TITLE_OPENING.match(text, line_start)
    if opening is not None:
        end = _TITLE_END.match(text[opening.end():opening.end() + 80])
        if end is not None:
            return line_start, opening.end() + end.end()
    return None


def in_dateline(text: str, start: int, end: int) -> bool:
    """The characters [start, end) lie in a dateline: its place in capitals, or what follows it up to the dash
    (", Mali", "(AFP)", ", March 3")."""
    span = dateline_at(text, start)
    return span is not None and span[0] <= start and end <= span[1]


__all__ = ["CAPITALS_NAME", "dateline_at", "in_dateline"]
