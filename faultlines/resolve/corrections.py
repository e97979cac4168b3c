"""Analyst corrections: merge, split and edit incidents.

Corrections are stored in terms of event-mention ids (stable across runs), so they survive re-ingestion,
re-extraction and full re-resolution, and incidents they shaped are exported with ``corrected`` set.
"""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

from faultlines.errors import FaultlinesError, InputError, NotFound
from faultlines.model import DATE_PRECISIONS, INCIDENT_EDITABLE, IncidentChange
from faultlines.store import Store, queries, resolution

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
    rows = resolution.incident_members(store.conn, current_id(store, incident_id))
    if not rows:
        raise NotFound(f"no incident {incident_id}")
    return rows


def current_id(store: Store, incident_id: str) -> str:
    """``incident_id``, or the incident that took its reports when it was merged away (followed to the end)."""
    return queries.current_incident_id(store.conn, incident_id) or incident_id


def _incident_of(store: Store, event_id: str) -> str:
    return resolution.incident_of_event(store.conn, event_id)


def _documents(members: list[tuple[str, str, str]]) -> dict[str, str]:
    """Event id -> document name: what an import reports when a correction's reports are missing."""
    return {e: name for e, name, _did in members}


def _reresolve(store: Store, incidents: list[str], cause: str, edited: list[str] | None = None) -> None:
    from faultlines.resolve import resolve_new

    resolve_new(store, [], dirty_incidents=incidents, cause=cause, edited=edited or ())


def _cause(kind: str, number: int, note: str | None) -> str:
    return f"analyst: {kind} #{number}" + (f" ({note})" if note else "")


def merge_incidents(store: Store, a: str, b: str, note: str | None = None) -> str:
    """Put every report of ``a`` and of ``b`` into one incident, which keeps ``a``'s id; returns that id.

    Stored as the analyst's intent (these reports belong together), so it holds after ``resolve``, re-ingestion and
    new documents; new reports of the same event join it as usual.
    """
    a, b = current_id(store, a), current_id(store, b)
    if a == b:
        raise FaultlinesError("cannot merge an incident with itself")
    ma, mb = _members(store, a), _members(store, b)
    number = store.add_correction("merge", {
        "a": ma[0][0], "b": mb[0][0], "members_a": [m[0] for m in ma], "members_b": [m[0] for m in mb],
        "incidents": [a, b], "documents": {**_documents(ma), **_documents(mb)}}, note)
    cause = _cause("merge", number, note)
    store.add_history([IncidentChange(a, "analyst merge", {"incident": b, "correction": number, "note": note})], cause)
    _reresolve(store, [a, b], cause)
    return _incident_of(store, ma[0][0])


def split_incident(store: Store, incident_id: str, document: str, note: str | None = None) -> list[str]:
    """Take exactly the reports of ``document`` (name or id) out of ``incident_id`` into their own incident; the
    rest keeps the id. Returns the resulting incident ids."""
    incident_id = current_id(store, incident_id)
    members = _members(store, incident_id)
    moved = [e for e, name, did in members if document in (name, did)]
    kept = [e for e, name, did in members if document not in (name, did)]
    if not moved:
        raise NotFound(f"incident {incident_id} has no source {document}")
    if not kept:
        raise FaultlinesError(f"{document} is the only source of {incident_id}: nothing to split")
    number = store.add_correction("split", {"moved": moved, "kept": kept, "incident": incident_id,
                                            "documents": _documents(members)}, note)
    cause = _cause("split", number, note)
    store.add_history([IncidentChange(incident_id, "analyst split", {"source": document, "correction": number,
                                                                     "note": note})], cause)
    _reresolve(store, [incident_id], cause)
    return sorted({_incident_of(store, e) for e in moved + kept})


def edit_incident(store: Store, incident_id: str, field: str, value: Any, note: str | None = None) -> None:
    """Set one field of an incident (see ``EDITABLE``); an empty value clears it. The value wins over the one the
    resolver computes, which is kept to compare."""
    incident_id = current_id(store, incident_id)
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
    number = store.add_correction("edit", {"anchor": members[0][0], "members": [m[0] for m in members],
                                           "fields": {field: parsed}, "incident": incident_id,
                                           "documents": _documents(members)}, note)
    _reresolve(store, [incident_id], _cause("edit", number, note), edited=[field])


def _subject(payload: dict[str, Any]) -> list[str]:
    """Every event id a correction names."""
    out: list[str] = []
    for key in ("members_a", "members_b", "moved", "kept", "members"):
        out += payload.get(key) or []
    for key in ("a", "b", "anchor"):
        if payload.get(key):
            out.append(payload[key])
    return out


def undo_last(store: Store, incident_id: str) -> dict[str, Any]:
    """Undo the last analyst correction (not undone yet) of ``incident_id``: the incident it named, or one whose
    reports it named. Returns the correction."""
    incident_id = current_id(store, incident_id)
    members = {m[0] for m in resolution.incident_members(store.conn, incident_id)}
    for c in reversed(store.corrections()):
        if c.get("undone_at"):
            continue
        p = c["payload"]
        named = {current_id(store, i) for i in [*(p.get("incidents") or []), p.get("incident") or ""] if i}
        if incident_id in named or members & set(_subject(p)):
            break
    else:
        raise NotFound(f"no correction of {incident_id} to undo")
    store.undo_correction(c["id"])
    cause = f"undo of {c['kind']} #{c['id']}"
    store.add_history([IncidentChange(incident_id, "analyst undo", {"correction": c["id"], "kind": c["kind"]})],
                      cause)
    touched = resolution.incidents_of_events(store.conn, _subject(c["payload"])) | {incident_id}
    edited = list(c["payload"].get("fields") or {}) if c["kind"] == "edit" else []
    _reresolve(store, sorted(touched), cause, edited)
    return dict(c)


def export_corrections(store: Store) -> list[dict[str, Any]]:
    """Every correction as one JSON object (kind, payload, note, times): what ``import_corrections`` reads."""
    return [{"kind": c["kind"], "payload": c["payload"], "note": c["note"], "created_at": c["created_at"],
             "undone_at": c["undone_at"]} for c in store.corrections()]


def import_corrections(store: Store, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Add corrections exported from another database and apply them. A correction applies when the reports it
    names are here (same documents, same extraction); those that do not are reported, with the documents missing.
    Corrections already present are skipped. Returns counts and the ones that did not apply."""
    have = {(c["kind"], json.dumps(c["payload"], sort_keys=True)) for c in store.corrections()}
    applied, skipped, missing = 0, 0, []
    touched: set[str] = set()
    for n, row in enumerate(rows, 1):
        kind, payload = row.get("kind"), row.get("payload")
        if kind not in ("merge", "split", "edit") or not isinstance(payload, dict):
            missing.append({"line": n, "why": "not a correction (kind merge, split or edit, and a payload)"})
            continue
        if (kind, json.dumps(payload, sort_keys=True)) in have:
            skipped += 1
            continue
        named = _subject(payload)
        present = resolution.existing_event_ids(store.conn, named)
        if not present or (kind == "merge" and not (present & set(payload.get("members_a") or [payload.get("a")])
                                                    and present & set(payload.get("members_b") or [payload.get("b")]))):
            docs = payload.get("documents") or {}
            gone = sorted({docs.get(e, "?") for e in named if e not in present})
            missing.append({"line": n, "kind": kind, "why": "its reports are not in this database",
                            "documents": gone})
            continue
        number = store.add_correction(kind, payload, row.get("note"))
        if row.get("undone_at"):
            store.undo_correction(number)
        applied += 1
        touched |= present
    if touched:
        from faultlines.resolve import resolve_new

        resolve_new(store, [], dirty_incidents=resolution.incidents_of_events(store.conn, sorted(touched)),
                    cause="analyst: imported corrections",
                    edited=[f for r in rows if r.get("kind") == "edit" for f in (r.get("payload") or {}).get("fields", {})])
    return {"applied": applied, "already_present": skipped, "not_applied": missing}
