"""Time expressions: find them in a parsed document and resolve them against the publication date.

``parse_time`` turns one expression ("Friday", "mid-November", "between 2006 and 2007", "the past six months") into
a ``TimeExpression`` with a start/end date and a precision. Expressions that need an anchor ("Friday", "22 August")
stay ``unknown`` when there is none: no year is ever invented. Vague words ("recently", "earlier") are kept as
``unknown`` too, so a reader sees the text but no false calendar position. The vocabulary lives in
``faultlines/data/dates.yaml``.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from faultlines.analyze.parsed import parsed
from faultlines.model import Document, TimeExpression

log = logging.getLogger(__name__)

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "dates.yaml"
MIN_YEAR, MAX_YEAR = 1000, 2199
MAX_TEXT = 200  # longer "expressions" are not time expressions
DAY_PRECISE = frozenset({"day"})


@dataclass(frozen=True, eq=False)  # hashed by identity: one compiled pattern set per loaded lexicon
class Lexicon:
    """The words parse_time knows, from dates.yaml."""

    months: dict[str, int]
    weekdays: dict[str, int]
    parts: dict[str, tuple[int, int]]
    numbers: dict[str, int]
    relative_days: dict[str, int]
    recent_spans: dict[str, int]
    vague: frozenset[str]
    times_of_day: tuple[str, ...]
    seasons: dict[str, tuple[int, int]]


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Read the date vocabulary (cached)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}

    def forms(table: dict[str, list[str]], start: int) -> dict[str, int]:
        out: dict[str, int] = {}
        for n, (name, abbrevs) in enumerate(table.items(), start=start):
            for f in [name, *(abbrevs or [])]:
                out[f.lower()] = n
        return out

    return Lexicon(
        months=forms(raw.get("months", {}), 1),
        weekdays=forms(raw.get("weekdays", {}), 0),
        parts={k: (int(v[0]), int(v[1])) for k, v in (raw.get("parts_of_month") or {}).items()},
        numbers={str(k).lower(): int(v) for k, v in (raw.get("number_words") or {}).items()},
        relative_days={str(k).lower(): int(v) for k, v in (raw.get("relative_days") or {}).items()},
        recent_spans={str(k).lower(): int(v) for k, v in (raw.get("recent_spans") or {}).items()},
        vague=frozenset(str(v).lower() for v in raw.get("vague") or []),
        times_of_day=tuple(str(v).lower() for v in raw.get("times_of_day") or []),
        seasons={k: (int(v[0]), int(v[1])) for k, v in (raw.get("seasons") or {}).items()},
    )


def _alt(words: Any) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class _Patterns:
    """Regexes built from a lexicon (lower-case input)."""

    iso: re.Pattern[str]
    day_month: re.Pattern[str]
    month_day: re.Pattern[str]
    month_year: re.Pattern[str]
    part_month: re.Pattern[str]
    month: re.Pattern[str]
    year: re.Pattern[str]
    year_range: re.Pattern[str]
    decade: re.Pattern[str]
    since: re.Pattern[str]
    ago: re.Pattern[str]
    weekday: re.Pattern[str]
    this_unit: re.Pattern[str]
    past_span: re.Pattern[str]
    span_in: re.Pattern[str]
    earlier_this: re.Pattern[str]
    weekend: re.Pattern[str]
    season: re.Pattern[str]
    finder: re.Pattern[str]


@lru_cache(maxsize=4)
def _patterns(lex: Lexicon) -> _Patterns:
    m = rf"(?P<month>{_alt(lex.months)})\.?"
    d = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    y = r"(?P<year>\d{4,6})"
    num = rf"(?P<num>\d{{1,4}}|{_alt(lex.numbers)})"
    unit = r"(?P<unit>day|week|month|year|decade)s?"
    tod = rf"(?:\s+(?:{_alt(lex.times_of_day)}))?"
    wd = rf"(?P<weekday>{_alt(lex.weekdays)})\.?"
    part = rf"(?P<part>{_alt(lex.parts)})"
    cap_months = _alt([k.capitalize() for k in lex.months if k != "may"] + ["May"])
    cap_days = _alt([k.capitalize() for k in lex.weekdays if len(k) > 3])
    finder = (
        r"\b(?:(?:last|this|next|on|early|late|mid)[- ])?"
        rf"(?:(?:{cap_days}),?\s+)?"
        rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{cap_months})\.?(?:,?\s+\d{{4}})?"
        rf"|(?:{cap_months})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
        rf"|(?:{cap_months})\.?,?\s+\d{{4}}"
        rf"|(?:{cap_days})(?:\s+(?:{_alt(lex.times_of_day)}))?)\b"
        r"|\b(?:since|between|from)\s+\d{4}(?:\s*(?:-|to|and|until)\s*\d{2,4})?\b"
        r"|\b\d{4}\s*-\s*(?:\d{4}|\d{2})\b"
        rf"|\b(?:{_alt(lex.relative_days)})\b(?!\s+(?:on\s+|of\s+)?(?:{cap_days}|{cap_months}))"  # not "overnight Tuesday"
        r"|\b(?:last|this|next|past|previous|coming)\s+(?:week|month|year|weekend)\b"
        rf"|\b(?:{num[len('(?P<num>'):-1]})\s+(?:day|week|month|year)s?\s+(?:ago|earlier|before)\b"
        rf"|\b(?:the\s+)?(?:past|last|previous)\s+(?:{num[len('(?P<num>'):-1]})\s+(?:day|week|month|year)s?\b"
        rf"|\bin\s+recent\s+(?:day|week|month|year)s\b"
    )
    return _Patterns(
        iso=re.compile(r"(?P<year>\d{4})-(?P<mm>\d{1,2})-(?P<day>\d{1,2})"),
        day_month=re.compile(rf"{d}\s+(?:of\s+)?{m}(?:,?\s+{y})?"),
        month_day=re.compile(rf"{m}\s+{d}(?:,?\s+{y})?"),
        month_year=re.compile(rf"{m},?\s+(?:of\s+)?{y}"),
        part_month=re.compile(rf"(?:the\s+)?{part}(?:-|\s+|\s+of\s+|\s+in\s+)(?:the\s+month\s+of\s+)?{m}(?:,?\s+{y})?"),
        month=re.compile(rf"(?P<rel>last|this|next)?\s*{m}"),
        year=re.compile(rf"(?:the\s+year\s+)?{y}"),
        year_range=re.compile(r"(?:between|from)?\s*(?P<y1>\d{4,6})\s*(?:-|to|and|until|through)\s*(?P<y2>\d{2,6})"),
        decade=re.compile(r"(?:the\s+)?(?P<dec>\d{3})0s"),
        since=re.compile(r"since\s+(?P<rest>.+)"),
        ago=re.compile(rf"{num}\s+{unit}\s+(?:ago|earlier|before)"),
        weekday=re.compile(rf"(?P<rel>last|this|next|on)?\s*{wd}{tod}"),
        this_unit=re.compile(r"(?P<rel>last|this|next|past|previous|coming)\s+(?P<unit>week|month|year)"),
        past_span=re.compile(rf"(?:(?:over|for|during|within)\s+)?(?:the\s+)?(?:past|last|previous)\s+{num}\s+{unit}"),
        span_in=re.compile(rf"(?:over|about|almost|nearly|more than|some)\s+{num}\s+{unit}\s+in"),
        earlier_this=re.compile(r"(?:earlier|later)\s+this\s+(?P<unit>week|month|year)"),
        weekend=re.compile(r"(?:the\s+|last\s+|this\s+)?weekend"),
        season=re.compile(rf"(?P<rel>last|this)?\s*(?P<season>{_alt(lex.seasons)})(?:\s+(?:of\s+)?{y})?"),
        finder=re.compile(finder),
    )


# ---------------------------------------------------------------------------------------------------- helpers

_PREFIX_RE = re.compile(r"^(?:(?:on|in|at|during|by|around|about|of|as of|until|till|throughout|the)\s+)+")


def _clean(text: str) -> str:
    t = text.lower().replace("–", "-").replace("—", "-").replace("’", "'")
    t = re.sub(r"\s+", " ", t).strip(" .,;:!?\"'()")
    t = re.sub(r"\s*-\s*", "-", t) if re.search(r"\d\s*-\s*\d", t) else t
    return t


def _year_ok(y: int) -> bool:
    return MIN_YEAR <= y <= MAX_YEAR


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _add_months(d: date, n: int) -> date:
    k = d.year * 12 + (d.month - 1) + n
    y, m = divmod(k, 12)
    if not _year_ok(y):
        raise ValueError("year out of range")
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _expr(text: str, start: date | None, end: date | None, precision: str) -> TimeExpression:
    if start is None or end is None:
        return TimeExpression(text, None, None, start, end, "unknown" if start is None else precision)  # type: ignore
    if start > end:
        start, end = end, start
    return TimeExpression(text, None, None, start, end, precision)  # type: ignore[arg-type]


def _unknown(text: str) -> TimeExpression:
    return TimeExpression(text, None, None, None, None, "unknown")


def _num(lex: Lexicon, word: str) -> int | None:
    if word.isdigit():
        n = int(word)
        return n if 0 < n <= 1000 else None
    return lex.numbers.get(word)


# ---------------------------------------------------------------------------------------------------- parsing


def parse_time(text: str, anchor: date | None = None, anchor_precision: str = "day",
               lexicon: Lexicon | None = None) -> TimeExpression | None:
    """Resolve one time expression; None when ``text`` is not one. Never raises on odd input."""
    try:
        return _parse(text, anchor, anchor_precision, lexicon or load_lexicon())
    except (ValueError, OverflowError, KeyError) as exc:  # impossible dates ("31 February"), absurd numbers
        log.debug("unparsable time %r: %s", text, exc)
        return _unknown(text) if text and text.strip() else None


def _parse(text: str, anchor: date | None, anchor_precision: str, lex: Lexicon) -> TimeExpression | None:
    if not text or len(text) > MAX_TEXT:
        return None
    if anchor is not None and anchor_precision == "unknown":
        anchor = None
    p = _patterns(lex)
    raw = _clean(text)
    if raw in lex.vague or raw.removeprefix("until ").removeprefix("the ") in lex.vague:
        return _unknown(text)
    if (mt := p.since.fullmatch(raw)) is not None:
        inner = _parse(mt.group("rest"), anchor, anchor_precision, lex)
        if inner is None or inner.start is None:
            return _unknown(text) if inner is not None else None
        end = anchor if anchor is not None and anchor >= inner.start else None
        return _expr(text, inner.start, end, "range") if end else TimeExpression(
            text, None, None, inner.start, None, "range")
    t = _PREFIX_RE.sub("", raw)
    day_anchor = anchor if anchor_precision in DAY_PRECISE else None
    for handler in _HANDLERS:
        res = handler(t, text, anchor, day_anchor, anchor_precision, p, lex)
        if res is not None:
            return res
    return None


def _h_iso(t: str, text: str, anchor: date | None, day_anchor: date | None, ap: str, p: _Patterns,
           lex: Lexicon) -> TimeExpression | None:
    mt = p.iso.fullmatch(t)
    if not mt:
        return None
    y = int(mt.group("year"))
    if not _year_ok(y):
        return _unknown(text)
    d = date(y, int(mt.group("mm")), int(mt.group("day")))
    return _expr(text, d, d, "day")


def _h_day_month(t: str, text: str, anchor: date | None, day_anchor: date | None, ap: str, p: _Patterns,
                 lex: Lexicon) -> TimeExpression | None:
    t = re.sub(rf"^(?:{_alt(lex.weekdays)})\.?,?\s+(?=\d|[a-z])", "", t) if re.match(r"^[a-z]+\.?,?\s+\S", t) else t
    mt = p.day_month.fullmatch(t) or p.month_day.fullmatch(t)
    if not mt:
        return None
    month, day = lex.months[mt.group("month")], int(mt.group("day"))
    if not 1 <= day <= 31:
        return _unknown(text)
    if mt.group("year"):
        y = int(mt.group("year"))
        if not _year_ok(y):
            return _unknown(text)
        d = date(y, month, day)
        return _expr(text, d, d, "day")
    if anchor is None or ap not in ("day", "week", "part-of-month", "month"):
        if anchor is not None and ap == "year":
            d = date(anchor.year, month, day)
            return _expr(text, d, d, "day")
        return _unknown(text)
    d = date(anchor.year, month, day)
    if d > anchor + timedelta(days=31):  # "22 August" read in a March article: last year's
        d = date(anchor.year - 1, month, day)
    return _expr(text, d, d, "day")


def _h_part_month(t: str, text: str, anchor: date | None, day_anchor: date | None, ap: str, p: _Patterns,
                  lex: Lexicon) -> TimeExpression | None:
    mt = p.part_month.fullmatch(t)
    if not mt:
        return None
    month = lex.months[mt.group("month")]
    y = _month_year(month, mt.group("year"), anchor, ap)
    if y is None:
        return _unknown(text)
    a, b = lex.parts[mt.group("part")]
    last = calendar.monthrange(y, month)[1]
    return _expr(text, date(y, month, min(a, last)), date(y, month, min(b, last)), "part-of-month")


def _month_year(month: int, year: str | None, anchor: date | None, ap: str, rel: str | None = None) -> int | None:
    """The year of a month named without one: the anchor's, or the year before when that month is still ahead."""
    if year:
        y = int(year)
        return y if _year_ok(y) else None
    if anchor is None:
        return None
    if ap == "year" or rel in ("this",):
        return anchor.year
    if rel == "next":
        return anchor.year if month > anchor.month else anchor.year + 1
    if rel == "last":
        return anchor.year if month < anchor.month else anchor.year - 1
    return anchor.year if month <= anchor.month else anchor.year - 1


def _h_month(t: str, text: str, anchor: date | None, day_anchor: date | None, ap: str, p: _Patterns,
             lex: Lexicon) -> TimeExpression | None:
    mt = p.month_year.fullmatch(t)
    rel = None
    if not mt:
        mt = p.month.fullmatch(t)
        if not mt:
            return None
        rel = mt.group("rel")
    month = lex.months[mt.group("month")]
    y = _month_year(month, mt.groupdict().get("year"), anchor, ap, rel)
    if y is None:
        return _unknown(text)
    return _expr(text, date(y, month, 1), _month_end(y, month), "month")


def _h_years(t: str, text: str, anchor: date | None, day_anchor: date | None, ap: str, p: _Patterns,
             lex: Lexicon) -> TimeExpression | None:
    if (mt := p.year.fullmatch(t)) is not None:
        y = int(mt.group("year"))
        if not _year_ok(y):
            return _unknown(text)
        return _expr(text, date(y, 1, 1), date(y, 12, 31), "year")
    if (mt := p.decade.fullmatch(t)) is not None:
        y = int(mt.group("dec")) * 10
        if not _year_ok(y):
            return _unknown(text)
        return _expr(text, date(y, 1, 1), date(min(y + 9, MAX_YEAR), 12, 31), "range")
    if (mt := p.year_range.fullmatch(t)) is not None:
        y1, s2 = int(mt.group("y1")), mt.group("y2")
        y2 = int(s2) if len(s2) >= 4 else (y1 // 100) * 100 + int(s2)
        if not (_year_ok(y1) and _year_ok(y2)) or y2 < y1:
            return _unknown(text)
        return _expr(text, date(y1, 1, 1), date(y2, 12, 31), "range")
    return None


def _h_relative(t: str, text: str, anchor: date | None, day_anchor: date | None, ap: str, p: _Patterns,
                lex: Lexicon) -> TimeExpression | None:
    if t in lex.relative_days or raw_in(text, lex.relative_days):
        key = t if t in lex.relative_days else _clean(text)
        if day_anchor is None:
            return _unknown(text)
        d = day_anchor + timedelta(days=lex.relative_days[key])
        return _expr(text, d, d, "day")
    if (mt := p.ago.fullmatch(t)) is not None:
        n = _num(lex, mt.group("num"))
        if n is None or anchor is None:
            return _unknown(text)
        return _shift(text, anchor, day_anchor, -n, mt.group("unit"))
    if (mt := p.weekday.fullmatch(t)) is not None:
        return _weekday(text, lex.weekdays[mt.group("weekday")], mt.group("rel"), anchor, day_anchor, ap)
    if (mt := p.this_unit.fullmatch(t)) is not None:
        if anchor is None:
            return _unknown(text)
        rel, unit = mt.group("rel"), mt.group("unit")
        if rel == "past":  # "the past year": the twelve months up to publication
            back = _shift(text, anchor, anchor, -1, unit + "-span")
            return _expr(text, back.start, anchor, "range") if back.start else _unknown(text)
        n = {"last": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}[rel]
        return _shift(text, anchor, day_anchor, n, unit)
    if (mt := p.earlier_this.fullmatch(t)) is not None:
        if day_anchor is None:
            return _unknown(text)
        unit = mt.group("unit")
        first = _period(day_anchor, unit)[0]
        return _expr(text, first, day_anchor, "range") if t.startswith("earlier") else _expr(
            text, day_anchor, _period(day_anchor, unit)[1], "range")
    if p.weekend.fullmatch(t):
        if day_anchor is None:
            return _unknown(text)
        sat = day_anchor - timedelta(days=(day_anchor.weekday() - 5) % 7)
        return _expr(text, sat, sat + timedelta(days=1), "range")
    for phrase, days in lex.recent_spans.items():
        if t == phrase or t == f"in {phrase}" or t.endswith(phrase):
            if anchor is None:
                return _unknown(text)
            return _expr(text, anchor - timedelta(days=days), anchor, "range")
    if (mt := p.past_span.fullmatch(t) or p.span_in.fullmatch(t)) is not None:
        n = _num(lex, mt.group("num"))
        if n is None or anchor is None:
            return _unknown(text)
        start = _shift(text, anchor, anchor, -n, mt.group("unit") + "-span")
        if start.start is None:
            return _unknown(text)
        return _expr(text, start.start, anchor, "range")
    if (mt := p.season.fullmatch(t)) is not None:
        a, b = lex.seasons[mt.group("season")]
        y = int(mt.group("year")) if mt.group("year") else None
        if y is None:
            if anchor is None:
                return _unknown(text)
            y = anchor.year - (1 if mt.group("rel") == "last" or a > anchor.month else 0)
        if not _year_ok(y) or not _year_ok(y + 1):
            return _unknown(text)
        end = _month_end(y + (1 if b < a else 0), b)
        return _expr(text, date(y, a, 1), end, "range")
    return None


def raw_in(text: str, table: dict[str, int]) -> bool:
    return _clean(text) in table


def _period(d: date, unit: str) -> tuple[date, date]:
    """The calendar week (Mon-Sun), month or year containing ``d``."""
    if unit == "week":
        mon = d - timedelta(days=d.weekday())
        return mon, mon + timedelta(days=6)
    if unit == "month":
        return date(d.year, d.month, 1), _month_end(d.year, d.month)
    return date(d.year, 1, 1), date(d.year, 12, 31)


def _shift(text: str, anchor: date, day_anchor: date | None, n: int, unit: str) -> TimeExpression:
    """The day/week/month/year ``n`` units from the anchor ("3 days ago", "last week", "next year").

    A unit suffixed "-span" gives the exact day ``n`` units away (the start of "the past six months") instead.
    """
    if unit.endswith("-span"):
        unit = unit.removesuffix("-span")
        if unit in ("day", "week"):
            d = anchor + timedelta(days=n * (7 if unit == "week" else 1))
        else:
            d = _add_months(anchor, n * {"month": 1, "year": 12, "decade": 120}[unit])
        return _expr(text, d, d, "day")
    if unit == "day":
        if day_anchor is None:
            return _unknown(text)
        d = day_anchor + timedelta(days=n)
        return _expr(text, d, d, "day")
    if unit == "week":
        if day_anchor is None:
            return _unknown(text)
        a, b = _period(day_anchor + timedelta(weeks=n), "week")
        return _expr(text, a, b, "week")
    if unit == "month":
        a, b = _period(_add_months(date(anchor.year, anchor.month, 1), n), "month")
        return _expr(text, a, b, "month")
    if unit == "decade":
        y = anchor.year + 10 * n
        if not _year_ok(y):
            return _unknown(text)
        return _expr(text, date(y, 1, 1), date(y, 12, 31), "year") if n else _unknown(text)
    y = anchor.year + n
    if not _year_ok(y):
        return _unknown(text)
    return _expr(text, date(y, 1, 1), date(y, 12, 31), "year")


def _weekday(text: str, wd: int, rel: str | None, anchor: date | None, day_anchor: date | None,
             ap: str) -> TimeExpression:
    """"Friday": the last Friday on or before publication ("next Friday": the first one after)."""
    if day_anchor is None:
        if anchor is not None and ap in ("week", "month", "part-of-month"):
            a, b = _period(anchor, "week" if ap == "week" else "month")
            return _expr(text, a, b, "week" if ap == "week" else "month")
        return _unknown(text)
    if rel == "next":
        d = day_anchor + timedelta(days=(wd - day_anchor.weekday() - 1) % 7 + 1)
    else:
        back = (day_anchor.weekday() - wd) % 7
        if rel == "last" and back == 0:
            back = 7
        if rel == "last" and back == 1:
            # "last Saturday" in a Sunday paper: yesterday would be "yesterday"; the words may as well be a
            # copy's of a report written days before. Either Saturday, not a day chosen between them.
            return _expr(text, day_anchor - timedelta(days=8), day_anchor - timedelta(days=1), "range")
        d = day_anchor - timedelta(days=back)
    return _expr(text, d, d, "day")


_HANDLERS = (_h_iso, _h_day_month, _h_part_month, _h_month, _h_years, _h_relative)


# ---------------------------------------------------------------------------------------------------- resolver


# the signature line closing an embedded post, with the day it was posted: "— Jane Roe (@janeroe) May 21, 2016"
_SIGNATURE = re.compile(r"^[ \t]*[—–-][ \t]*[^\n]{0,80}\(@\w{1,30}\)[ \t]*"
                        r"(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, (?:19|20)\d\d)[ \t]*$", re.M)
_POST_CHARS = 600  # a post's text: at most this many characters above its signature


class TimeResolver:
    """Callable: (spaCy doc, Document) -> time expressions with character offsets, resolved against publication."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        self.patterns = _patterns(self.lexicon)

    def __call__(self, sdoc: Any, document: Document | None = None) -> list[TimeExpression]:
        text = parsed(sdoc).text
        anchor = document.published if document is not None else None
        precision = document.published_precision if document is not None else "unknown"
        if anchor is not None and precision == "unknown":
            precision = "day"  # a published date given without precision is a day
        out: list[TimeExpression] = []
        spans: list[tuple[int, int]] = []
        posts = self._posts(text, anchor, precision)
        def anchor_at(start: int) -> tuple[date | None, str]:
            # "Today DoD carried out ..." in a post signed May 21: that day, not publication's
            post = next((p for p in posts if p[0] <= start < p[1]), None)
            return (post[2], "day") if post is not None else (anchor, precision)

        for mt in self.patterns.finder.finditer(text):
            start, end = mt.span()
            expr = self._resolve(text[start:end], start, *anchor_at(start))
            if expr is not None:
                out.append(expr)
                spans.append((expr.char_start or start, expr.char_end or end))
        for ent in parsed(sdoc).ents if hasattr(sdoc, "ents") else ():
            if ent.label_ not in ("DATE", "TIME"):
                continue
            if any(s < ent.end_char and ent.start_char < e for s, e in spans):
                continue
            expr = self._resolve(ent.text, ent.start_char, *anchor_at(ent.start_char))
            if expr is not None:
                out.append(expr)
        out.sort(key=lambda x: (x.char_start or 0, x.char_end or 0))
        return out

    def _posts(self, text: str, anchor: date | None, precision: str) -> list[tuple[int, int, date]]:
        """Embedded social-media posts, as (start, end, the day it was posted): the lines above a signature line
        ("— Jane Roe (@janeroe) May 21, 2016") back to a blank line or the previous signature, at most
        ``_POST_CHARS``. Their "today" and "yesterday" count from that day."""
        if "(@" not in text:
            return []
        out: list[tuple[int, int, date]] = []
        for mt in _SIGNATURE.finditer(text):
            when = parse_time(mt.group("date"), anchor, precision, self.lexicon)
            if when is None or when.precision != "day" or when.start is None:
                continue
            lo = max(text.rfind("\n\n", 0, mt.start()) + 2, mt.start() - _POST_CHARS, out[-1][1] if out else 0)
            lo = text.find("\n", lo - 1) + 1 if lo > 0 and text[lo - 1] != "\n" else lo  # from a line's start
            out.append((lo, mt.end(), when.start))
        return out

    def _resolve(self, span: str, start: int, anchor: date | None, precision: str) -> TimeExpression | None:
        """Parse one span; leading prepositions ("on", "in") are dropped from the kept text and offsets."""
        lead = re.match(r"^(?:(?:on|in|at|during|by|the)\s+)+", span, re.IGNORECASE)
        cut = lead.end() if lead else 0
        body = span[cut:].rstrip(" .,;:")
        if not body:
            return None
        expr = parse_time(span, anchor, precision, self.lexicon)
        if expr is None:
            return None
        s = start + cut
        return replace(expr, text=body, char_start=s, char_end=s + len(body))


__all__ = ["TimeResolver", "parse_time", "load_lexicon", "Lexicon"]
