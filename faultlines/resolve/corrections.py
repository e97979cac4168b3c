"""Analyst corrections: merge, split and edit incidents.

Corrections are stored in terms of event-mention ids (stable across runs), so they survive re-ingestion,
re-extraction and full re-resolution, and incidents they shaped are exported with ``corrected`` set.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from faultlines.errors import FaultlinesError, InputError, NotFound
from faultlines.model import DATE_PRECISIONS, INCIDENT_EDITABLE
from faultlines.store import Store, resolution

EDITABLE = INCIDENT_EDITABLE


MAX_COUNT = 10_000_000  # more people than any one incident can kill or injure (and sums stay in range)
DATE_RANGE = (date(1800, 1, 1), date(2199, 12, 31))
_NUMBER_RANGE = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0)}


def edit_value(field: str, value: Any) -> Any:
    """The checked value of one edit (None clears the field); raises InputError with a message otherwise.

    Counts are whole numbers from 0 to MAX_COUNT, latitudes and longitudes in range, dates real ISO dates
    (YYYY-MM-DD) within DATE_RANGE, precisions one of the model's, texts at most 200 printable characters.
    """
    if field not in EDITABLE:
        raise InputError(f"field {field!r} cannot be edited; editable: {', '.join(sorted(EDITABLE))}")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = EDITABLE[field]
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int | str) or isinstance(value, float):
            raise InputError(f"{field} needs a whole number, not {value!r}")
        try:
            number = int(str(value).strip())
        except ValueError as exc:
            raise InputError(f"{field} needs a whole number, not {str(value)[:40]!r}") from exc
        if not 0 <= number <= MAX_COUNT:
            raise InputError(f"{field} must be between 0 and {MAX_COUNT}, not {number}")
        return number
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InputError(f"{field} needs a number, not {value!r}")
        try:
            real = float(str(value).strip())
        except ValueError as exc:
            raise InputError(f"{field} needs a number, not {str(value)[:40]!r}") from exc
        lo, hi = _NUMBER_RANGE[field]
        if not (math.isfinite(real) and lo <= real <= hi):
            raise InputError(f"{field} must be between {lo:g} and {hi:g}, not {str(value)[:40]}")
        return real
    if not isinstance(value, str):
        raise InputError(f"{field} needs text, not {type(value).__name__}")
    text = value.strip()
    if len(text) > 200 or any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text):
        raise InputError(f"{field} must be at most 200 printable characters")
    if field in ("date_start", "date_end"):
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise InputError(f"{field} needs a real date as YYYY-MM-DD, not {text[:40]!r}") from exc
        if not DATE_RANGE[0] <= day <= DATE_RANGE[1] or len(text) != 10:
            raise InputError(f"{field} must be a YYYY-MM-DD date from {DATE_RANGE[0]} to {DATE_RANGE[1]}")
        return day.isoformat()
    if field == "date_precision" and text not in DATE_PRECISIONS:
        raise InputError(f"date_precision must be one of {', '.join(sorted(DATE_PRECISIONS))}")
    return text


def _members(store: Store, incident_id: str) -> list[tuple[str, str, str]]:
    rows = resolution.incident_members(store.conn, incident_id)
    if not rows:
        raise NotFound(f"no incident {incident_id}")
    return rows


def _incident_of(store: Store, event_id: str) -> str:
    return resolution.incident_of_event(store.conn, event_id)


def _reresolve(store: Store, incidents: list[str]) -> None:
    from faultlines.resolve import resolve_new

    resolve_new(store, [], dirty_incidents=incidents)


def merge_incidents(store: Store, a: str, b: str, note: str | None = None) -> str:
    """Merge incidents ``a`` and ``b``; returns the id of the merged incident."""
    if a == b:
        raise FaultlinesError("cannot merge an incident with itself")
    ma, mb = _members(store, a), _members(store, b)
    store.add_correction("merge", {"a": ma[0][0], "b": mb[0][0], "members_a": [m[0] for m in ma],
                                   "members_b": [m[0] for m in mb], "incidents": [a, b]}, note)
    _reresolve(store, [a, b])
    return _incident_of(store, ma[0][0])


def split_incident(store: Store, incident_id: str, document: str, note: str | None = None) -> list[str]:
    """Split the reports of ``document`` (name or id) off ``incident_id``; returns the resulting incident ids."""
    members = _members(store, incident_id)
    moved = [e for e, name, did in members if document in (name, did)]
    kept = [e for e, name, did in members if document not in (name, did)]
    if not moved:
        raise NotFound(f"incident {incident_id} has no source {document}")
    if not kept:
        raise FaultlinesError(f"{document} is the only source of {incident_id}: nothing to split")
    store.add_correction("split", {"moved": moved, "kept": kept, "incident": incident_id}, note)
    _reresolve(store, [incident_id])
    return sorted({_incident_of(store, e) for e in moved + kept})


def edit_incident(store: Store, incident_id: str, field: str, value: Any, note: str | None = None) -> None:
    """Set one field of an incident (see ``EDITABLE``); an empty value clears it."""
    members = _members(store, incident_id)
    parsed = edit_value(field, value)
    pairs = {"killed_low": "killed_high", "injured_low": "injured_high", "date_start": "date_end"}
    row = resolution.incident_values(store.conn, incident_id)
    if row is None:
        raise NotFound(f"no incident {incident_id}")
    for low, high in pairs.items():
        lo = parsed if field == low else row[low]
        hi = parsed if field == high else row[high]
        if lo is not None and hi is not None and lo > hi:
            raise FaultlinesError(f"{low} ({lo}) would be above {high} ({hi})")
    store.add_correction("edit", {"anchor": members[0][0], "fields": {field: parsed}, "incident": incident_id}, note)
    _reresolve(store, [incident_id])
