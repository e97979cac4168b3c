"""Publication dates as written in records, manifests and page metadata, with the precision they carry."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime

from faultlines.model import DATE_PRECISIONS, DatePrecision

log = logging.getLogger(__name__)

# publication dates outside this range are refused (the document is kept without one): placeholders such as
# 0001-01-01 and 9999-12-31 are not dates, and date arithmetic near them overflows
EARLIEST, LATEST = date(1800, 1, 1), date(2199, 12, 31)
PRECISIONS: frozenset[str] = frozenset(DATE_PRECISIONS)
_MONTHS = {m: i for i, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for m in names}
_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[t ].*)?")
_DMY = re.compile(r"(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})")
_MDY = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_MY = re.compile(r"([a-z]+)\.?,?\s+(\d{4})")


def parse_published(value: object, precision: object = None) -> tuple[date | None, DatePrecision]:
    """(date, precision) for an ISO date ("2014-08-23", "2014-08", "2014"), a written date or a date object.

    An explicit ``precision`` (one of the model's DatePrecision values) wins over the one the text implies.
    Unparseable values, and dates outside EARLIEST..LATEST, give (None, "unknown").
    """
    found, implied = _parse(value)
    if found is not None and not EARLIEST <= found <= LATEST:
        log.info("implausible publication date %r refused", value)  # 0001-01-01, 9999-12-31: placeholders
        found = None
    if found is None:
        if value not in (None, ""):
            log.info("unparseable publication date %r", value)
        return None, "unknown"
    if isinstance(precision, str) and precision in PRECISIONS and precision != "unknown":
        return found, precision  # type: ignore[return-value]
    return found, implied


def _parse(value: object) -> tuple[date | None, DatePrecision]:
    if isinstance(value, datetime):
        return value.date(), "day"
    if isinstance(value, date):
        return value, "day"
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None, "unknown"
    text = value.strip().lower()
    try:
        m = _ISO.fullmatch(text)
        if m:
            y, mo, d = m.groups()
            if d:
                return date(int(y), int(mo), int(d)), "day"
            if mo:
                return date(int(y), int(mo), 1), "month"
            return date(int(y), 1, 1), "year"
        m = _DMY.fullmatch(text)
        if m and m.group(2) in _MONTHS:
            return date(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1))), "day"
        m = _MDY.fullmatch(text)
        if m and m.group(1) in _MONTHS:
            return date(int(m.group(3)), _MONTHS[m.group(1)], int(m.group(2))), "day"
        m = _MY.fullmatch(text)
        if m and m.group(1) in _MONTHS:
            return date(int(m.group(2)), _MONTHS[m.group(1)], 1), "month"
    except ValueError:  # month 13, day 31 in June...
        return None, "unknown"
    return None, "unknown"
