"""Query-parameter validation: bounded ints, whitelisted sorts, ISO dates, short strings; anything else is a 400."""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException

from faultlines.store.queries import INCIDENT_SORTS

MAX_TEXT = 200
MAX_PAGE = 500  # JSON pages
MAX_EXPORT = 100_000  # CSV / GeoJSON downloads
MAX_OFFSET = 10_000_000
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}

INCIDENT_FILTERS = ("date_from", "date_to", "event_type", "actor", "place", "outlet", "country", "disputed")


def bad(message: str) -> HTTPException:
    return HTTPException(400, message)


def int_param(q: QueryParams, name: str, default: int, lo: int, hi: int) -> int:
    raw = q.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"-?\d{1,12}", raw.strip()):
        raise bad(f"'{name}' must be an integer")
    value = int(raw)
    if not lo <= value <= hi:
        raise bad(f"'{name}' must be between {lo} and {hi}")
    return value


def text_param(q: QueryParams, name: str) -> str | None:
    raw = q.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    if not raw:
        return None
    if len(raw) > MAX_TEXT:
        raise bad(f"'{name}' is too long (at most {MAX_TEXT} characters)")
    if any(ord(ch) < 32 for ch in raw):
        raise bad(f"'{name}' contains control characters")
    return raw


def bool_param(q: QueryParams, name: str) -> bool:
    raw = (q.get(name) or "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise bad(f"'{name}' must be true or false")


def bool_param_default(q: QueryParams, name: str, default: bool) -> bool:
    return default if q.get(name) in (None, "") else bool_param(q, name)


def date_param(q: QueryParams, name: str) -> str | None:
    raw = text_param(q, name)
    if raw is None:
        return None
    if not _DATE.match(raw):
        raise bad(f"'{name}' must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return raw


def choice_param(q: QueryParams, name: str, choices: tuple[str, ...] | list[str], default: str) -> str:
    raw = q.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise bad(f"'{name}' must be one of: {', '.join(choices)}")
    return raw


def incident_filters(q: QueryParams) -> dict[str, Any]:
    """The incident filters shared by the list, CSV, GeoJSON, timeline and map (only those given)."""
    f: dict[str, Any] = {
        "date_from": date_param(q, "date_from"),
        "date_to": date_param(q, "date_to"),
        "event_type": text_param(q, "event_type"),
        "actor": text_param(q, "actor"),
        "place": text_param(q, "place"),
        "outlet": text_param(q, "outlet"),
        "country": text_param(q, "country"),
        "disputed": bool_param(q, "disputed"),
    }
    if f["country"] and not _COUNTRY.match(f["country"]):
        raise bad("'country' must be a two-letter ISO code")
    if f["date_from"] and f["date_to"] and f["date_from"] > f["date_to"]:
        raise bad("'date_from' is after 'date_to'")
    return {k: v for k, v in f.items() if v}


def page_params(q: QueryParams, default: int = 50, maximum: int = MAX_PAGE) -> tuple[int, int]:
    return int_param(q, "limit", default, 1, maximum), int_param(q, "offset", 0, 0, MAX_OFFSET)


def incident_sort(q: QueryParams, default: str = "date") -> str:
    return choice_param(q, "sort", tuple(INCIDENT_SORTS), default)
