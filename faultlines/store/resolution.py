"""The store's reads for incident resolution: the resolver's records (``model.EventRecord``), the candidate SQL
that finds which stored mentions may share a block with a new one (the SQL form of ``resolve.incidents``'
blocking rule), and the small reads of the resolver and of analysts' corrections. The read queries of the web
UI, the CLI and the exports are in ``queries``."""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from faultlines.model import RECENT_DAYS, UNDATED_PAIR_DAYS, WEEKLY_BLOCK_DAYS, WITHIN_PROVINCE


def unresolved_event_ids(conn: Any) -> list[str]:
    """Codable mentions without an incident yet (new ones, or ones a killed run left behind)."""
    return [r[0] for r in conn.execute(f"SELECT e.id FROM events e WHERE e.incident_id IS NULL AND {FACTUAL}")]



# ---------------------------------------------------------------------------------------------------- resolution input
# Mentions that become incidents: asserted or reported, and codable the way ACLED codes events: with a known date
# or a place finer than a country. The others stay in ``events`` as mentions (shown on document pages).
FACTUAL = ("e.factuality IN ('asserted', 'reported') AND (e.date_start IS NOT NULL "
           f"OR e.place_precision IN ({', '.join(repr(p) for p in WITHIN_PROVINCE)}))")


def event_records(conn: sqlite3.Connection, where: str = "1 = 1", args: tuple[Any, ...] | list[Any] = ()) -> list[Any]:
    """Factual event mentions as resolver input (``EventRecord``), filtered by an SQL condition on ``e``."""
    from faultlines.model import EventRecord

    rows = conn.execute(
        "SELECT e.*, d.name AS document, d.outlet, d.published, d.copy_of FROM events e "
        "JOIN documents d ON d.id = e.document_id "
        f"WHERE {FACTUAL} AND ({where}) ORDER BY e.id", list(args)).fetchall()
    if not rows:
        return []
    parts: dict[str, dict[str, list[tuple[str, str]]]] = {}
    lines: dict[str, list[tuple[str, ...]]] = {}
    parents = _actor_parents(conn)
    ids = [r["id"] for r in rows]
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        for p in conn.execute(
            "SELECT p.event_id, p.role, p.actor_id, coalesce(a.name, p.actor_id) AS name, "
            "coalesce(a.generic, 0) AS generic, a.type FROM event_participants p "
            f"LEFT JOIN actors a ON a.id = p.actor_id WHERE p.event_id IN ({','.join('?' * len(part))})", part):
            parts.setdefault(p["event_id"], {"perpetrator": [], "target": []})[p["role"]].append(
                (p["actor_id"], p["name"]))
            if p["role"] == "perpetrator" and not p["generic"] and p["type"] not in ("civilians", "protesters"):
                lines.setdefault(p["event_id"], []).append(_lineage(p["actor_id"], parents))
    out = []
    for r in rows:
        ps = parts.get(r["id"], {"perpetrator": [], "target": []})
        out.append(EventRecord(
            id=r["id"], document_id=r["document_id"], document=r["document"], event_type=r["event_type"],
            sub_event_type=r["sub_event_type"], quote=r["quote"], outlet=r["outlet"], published=r["published"],
            date_start=date.fromisoformat(r["date_start"]) if r["date_start"] else None,
            date_end=date.fromisoformat(r["date_end"]) if r["date_end"] else None,
            date_precision=r["date_precision"] or "unknown", date_text=r["date_text"], place_name=r["place_name"],
            geonameid=r["geonameid"], lat=r["lat"], lon=r["lon"], country_code=r["country_code"], admin1=r["admin1"],
            place_precision=r["place_precision"] or "unknown",
            perpetrators=tuple(dict.fromkeys(a for a, _ in ps["perpetrator"])),
            targets=tuple(dict.fromkeys(a for a, _ in ps["target"])),
            perpetrator_names=tuple(dict.fromkeys(n for _, n in ps["perpetrator"])),
            target_names=tuple(dict.fromkeys(n for _, n in ps["target"])),
            perpetrator_lines=tuple(dict.fromkeys(lines.get(r["id"], ()))),
            killed_low=r["killed_low"], killed_high=r["killed_high"], injured_low=r["injured_low"],
            injured_high=r["injured_high"], salience=r["salience"] or 0.0, start=r["start"], end=r["end"],
            doc_event=r["doc_event"], copy_of=r["copy_of"],
        ))
    return out


def _actor_parents(conn: sqlite3.Connection) -> dict[str, str]:
    """Each actor's ``part_of`` parent (actors without one are left out)."""
    return {r[0]: r[1] for r in conn.execute("SELECT id, part_of FROM actors WHERE part_of IS NOT NULL")}


def _lineage(actor_id: str, parents: dict[str, str]) -> tuple[str, ...]:
    """The actor and its ``part_of`` ancestors, nearest first (cycles cut)."""
    out = [actor_id]
    while (up := parents.get(out[-1])) is not None and up not in out:
        out.append(up)
    return tuple(out)


LONG_SPAN_DAYS = 60  # yearly blocks hold mentions spanning at least this (for date windows up to 30 days)
SHORT_SPAN_DAYS = 14  # mentions dated to a day, a week or a fortnight: the narrow candidate range; the others are
# in the events_spanning_dates index, whose condition (date_span_days > 14) the queries repeat word for word


def candidate_ids(conn: sqlite3.Connection, ev: Any, window: int) -> list[str]:
    """Ids of the factual mentions that may share a block with ``ev``: a superset of ``resolve.incidents.may_match``.

    Every part is one index range (document; country and start date; vaguely dated mentions of the country;
    undated mentions of the province), so the cost follows the size of the block, not of the store.
    """
    ids: set[str] = set()
    for where, args in _candidate_parts(ev, window):
        ids.update(r[0] for r in conn.execute(f"SELECT e.id FROM events e WHERE {FACTUAL} AND {where}", args))
    return sorted(ids)


LIGHT_COLUMNS = ("id", "document_id", "event_type", "sub_event_type", "date_start", "date_end", "date_precision",
                 "country_code", "admin1", "place_precision", "geonameid", "lat", "lon", "published", "doc_event")


def candidate_light(conn: sqlite3.Connection, ev: Any, window: int, skip: Any = ()) -> list[Any]:
    """The mentions of ``candidate_ids`` (less those in ``skip``) that ``score_pair`` may link to ``ev``: dated ones
    only within ``window`` days of it. Light ``EventRecord``s: the columns that blocking and the date, place and
    type scores read, without participants, quote or document name."""
    from faultlines.model import EventRecord

    cols = ", ".join(f"e.{c}" for c in LIGHT_COLUMNS)
    seen: set[str] = set()
    out = []
    for where, args in _candidate_parts(ev, window, linkable=True):
        for r in conn.execute(f"SELECT {cols} FROM events e WHERE {FACTUAL} AND {where}", args):
            if r[0] in seen or r[0] in skip:
                continue
            seen.add(r[0])
            out.append(EventRecord(
                id=r[0], document_id=r[1], document="", event_type=r[2], sub_event_type=r[3],
                date_start=_day(r[4]), date_end=_day(r[5]), date_precision=r[6] or "unknown",
                country_code=r[7], admin1=r[8], place_precision=r[9] or "unknown", geonameid=r[10], lat=r[11],
                lon=r[12], published=r[13], doc_event=r[14]))
    return out


@functools.lru_cache(maxsize=4096)  # bounded, kept between runs: a date's text always parses alike
def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _candidate_parts(ev: Any, window: int, linkable: bool = False) -> list[tuple[str, list[Any]]]:
    """The index ranges of ``candidate_ids``; with ``linkable``, dated mentions only when their dates come within
    ``window`` days of ``ev``'s (farther apart, ``score_pair`` rules a pair out)."""
    parts: list[tuple[str, list[Any]]] = [("e.document_id = ?", [ev.document_id])]
    cc = ev.country_code
    country = ("e.country_code = ?", [cc]) if cc else ("e.country_code IS NULL", [])
    if ev.date_start is not None:
        end = ev.date_end or ev.date_start
        gap, gap_args = "", []
        if linkable:  # the other's range reaches back to within the window (its start is bounded below)
            gap, gap_args = " AND coalesce(e.date_end, e.date_start) >= ?", [
                (ev.date_start - timedelta(days=window)).isoformat()]
        if (end - ev.date_start).days + 2 * window <= WEEKLY_BLOCK_DAYS:  # weekly blocks: a shared ISO week, same province
            province, pargs = "", []
            if cc and ev.admin1 and ev.place_precision in WITHIN_PROVINCE:  # fine: same province, or not fine
                fine = ", ".join(f"'{p}'" for p in WITHIN_PROVINCE)
                province = (" AND (e.admin1 = ? OR e.admin1 IS NULL OR e.admin1 = '' OR e.place_precision IS NULL "
                            f"OR e.place_precision NOT IN ({fine}))")
                pargs = [ev.admin1]
            reach = window if linkable else 2 * window + 7
            hi = end + timedelta(days=reach)
            # most mentions are dated to a day or a week: a narrow range; those spanning weeks or months apart
            lo = ev.date_start - timedelta(days=reach + SHORT_SPAN_DAYS)
            parts.append((f"{country[0]} AND e.date_start >= ? AND e.date_start <= ?{province}{gap}",
                          [*country[1], lo.isoformat(), hi.isoformat(), *pargs, *gap_args]))
            wide = ev.date_start - timedelta(days=130 + 2 * window)
            parts.append((f"{country[0]} AND e.date_span_days > 14 AND e.date_start >= ? "
                          f"AND e.date_start < ?{province}{gap}",
                          [*country[1], wide.isoformat(), lo.isoformat(), *pargs, *gap_args]))
        else:  # yearly blocks: vaguely dated mentions sharing a year
            first, last = date(ev.date_start.year, 1, 1), date(end.year, 12, 31)
            if linkable:
                first, last = max(first, ev.date_start - timedelta(days=window)), min(last, end + timedelta(days=window))
            vague = (f"e.date_span_days > 14 AND e.date_span_days >= {LONG_SPAN_DAYS} AND "
                     if WEEKLY_BLOCK_DAYS - 2 * window >= LONG_SPAN_DAYS else "")
            parts.append((f"{country[0]} AND {vague}e.date_start <= ? AND coalesce(e.date_end, e.date_start) >= ?",
                          [*country[1], last.isoformat(), first.isoformat()]))
        area, area_args = _area_sql(ev)
        if cc and area:  # undated reports of the province published up to a month after this date
            parts.append((f"e.date_start IS NULL AND e.country_code = ? AND {area} AND e.published >= ? "
                          "AND e.published < ?",
                          [cc, *area_args, ev.date_start.isoformat(),
                           (ev.date_start + timedelta(days=RECENT_DAYS + 1)).isoformat()]))
    elif cc and _area_sql(ev)[0] and ev.published:  # undated: mentions of the province dated in the month before
        try:
            pub = date.fromisoformat(str(ev.published)[:10])
        except ValueError:
            pub = None
        if pub is not None:
            parts.append(("e.country_code = ? AND e.date_start >= ? AND e.date_start <= ?",
                          [cc, (pub - timedelta(days=RECENT_DAYS)).isoformat(), pub.isoformat()]))
            # undated reports of the province published within a week of this one
            area, area_args = _area_sql(ev)
            parts.append((f"e.date_start IS NULL AND e.country_code = ? AND {area} AND e.published >= ? "
                          "AND e.published < ?",
                          [cc, *area_args, (pub - timedelta(days=UNDATED_PAIR_DAYS)).isoformat(),
                           (pub + timedelta(days=UNDATED_PAIR_DAYS + 1)).isoformat()]))
    return parts


def _area_sql(ev: Any) -> tuple[str, list[Any]]:
    """The SQL test for "same province" of undated comparisons: the province, or for a place the gazetteer does
    not list (no id, no province) the same name (``resolve.incidents.unlisted_place``); ("", []) when neither."""
    if ev.admin1:
        return "e.admin1 = ?", [ev.admin1]
    if ev.geonameid is None and ev.place_name and ev.place_precision in ("city", "point"):
        return ("e.admin1 IS NULL AND e.geonameid IS NULL AND e.place_name = ? "
                "AND e.place_precision IN ('city', 'point')", [ev.place_name])
    return "", []


def incident_member_ids(conn: sqlite3.Connection, incident_ids: Iterable[str]) -> list[str]:
    ids = list(incident_ids)
    out: list[str] = []
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        out += [r[0] for r in conn.execute(
            f"SELECT id FROM events WHERE incident_id IN ({','.join('?' * len(part))})", part)]
    return out



def stored_incidents(conn: sqlite3.Connection, incident_ids: Iterable[str], fields: Iterable[str]
                     ) -> dict[str, tuple[dict[str, Any], dict[str, str]]]:
    """Each stored incident's ``fields`` (lists decoded) and its reports (event id -> document name)."""
    ids = list(incident_ids)
    names = list(fields)
    out: dict[str, tuple[dict[str, Any], dict[str, str]]] = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        marks = ",".join("?" * len(part))
        for r in conn.execute(f"SELECT id, {', '.join(names)} FROM incidents WHERE id IN ({marks})", part):
            values = {n: (json.loads(r[n]) if n in _LIST_FIELDS and r[n] else r[n]) for n in names}
            out[r["id"]] = (values, {})
        for r in conn.execute(f"SELECT e.id, e.incident_id, d.name FROM events e JOIN documents d ON d.id = "
                              f"e.document_id WHERE e.incident_id IN ({marks})", part):
            if r[1] in out:
                out[r[1]][1][r[0]] = r[2]
    return out


_LIST_FIELDS = frozenset({"perpetrators", "targets", "disputed", "outlets"})


def existing_event_ids(conn: sqlite3.Connection, event_ids: Iterable[str]) -> set[str]:
    """Which of ``event_ids`` the store holds."""
    ids = list(event_ids)
    out: set[str] = set()
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        out |= {r[0] for r in conn.execute(f"SELECT id FROM events WHERE id IN ({','.join('?' * len(part))})", part)}
    return out


def taken_incident_ids(conn: sqlite3.Connection, incident_ids: Iterable[str]) -> set[str]:
    """Which of ``incident_ids`` the store already holds."""
    ids = list(incident_ids)
    out: set[str] = set()
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        out |= {r[0] for r in conn.execute(f"SELECT id FROM incidents WHERE id IN ({','.join('?' * len(part))})",
                                           part)}
    return out


# ---------------------------------------------------------------------------------------------------- small reads
def incidents_of_document(conn: sqlite3.Connection, document_id: str) -> set[str]:
    """The incidents the document's stored mentions belong to (re-resolved when they are replaced)."""
    return {r[0] for r in conn.execute(
        "SELECT DISTINCT incident_id FROM events WHERE document_id = ? AND incident_id IS NOT NULL", (document_id,))}


def incident_ids(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT id FROM incidents")]


def incidents_of_events(conn: sqlite3.Connection, event_ids: list[str]) -> set[str]:
    """The incidents the given event mentions belong to."""
    out: set[str] = set()
    for chunk in range(0, len(event_ids), 500):
        part = event_ids[chunk:chunk + 500]
        out |= {r[0] for r in conn.execute(
            f"SELECT DISTINCT incident_id FROM events WHERE incident_id IS NOT NULL AND id IN "
            f"({','.join('?' * len(part))})", part)}
    return out


def incident_members(conn: sqlite3.Connection, incident_id: str) -> list[tuple[str, str, str]]:
    """(event id, document name, document id) of each mention of an incident, by event id."""
    rows = conn.execute(
        "SELECT e.id, d.name, d.id FROM events e JOIN documents d ON d.id = e.document_id WHERE e.incident_id = ? "
        "ORDER BY e.id", (incident_id,)).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def incident_of_event(conn: sqlite3.Connection, event_id: str) -> str:
    row = conn.execute("SELECT incident_id FROM events WHERE id = ?", (event_id,)).fetchone()
    return str(row[0]) if row and row[0] else ""


def incident_values(conn: sqlite3.Connection, incident_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM incidents WHERE id = ?", (incident_id,)).fetchone()
    return row
