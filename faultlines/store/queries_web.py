"""Read queries only the web UI and JSON API need (timeline buckets, graph shapes, filter choices, texts)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from typing import Any

from faultlines.store import queries
from faultlines.store.queries import _incident_filters, list_relations, max_span_days

_BUCKETS = {"year": 4, "month": 7, "day": 10}


def _j(value: str | None, default: Any) -> Any:
    try:
        return json.loads(value) if value is not None else default
    except (TypeError, ValueError):
        return default


def timeline(conn: sqlite3.Connection, *, bucket: str = "month", **filters: Any) -> list[dict[str, Any]]:
    """Incidents counted per period and event type (undated incidents are left out)."""
    width = _BUCKETS.get(bucket, 7)
    where, args = _incident_filters(filters)
    where = (where + " AND" if where else " WHERE") + " i.date_start IS NOT NULL"
    rows = conn.execute(
        f"SELECT substr(i.date_start, 1, {width}) AS period, i.event_type, count(*) AS n, "
        f"coalesce(sum(i.killed_low), 0) AS killed FROM incidents i{where} GROUP BY 1, 2 ORDER BY 1, 2", args)
    return [{"period": r["period"], "event_type": r["event_type"], "count": r["n"], "killed": r["killed"]}
            for r in rows]


def filter_choices(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """The values the filter forms offer (event types, outlets, countries present in the store)."""
    def one(sql: str) -> list[str]:
        return [r[0] for r in conn.execute(sql) if r[0]]

    return {
        "event_types": one("SELECT DISTINCT event_type FROM incidents ORDER BY 1"),
        "outlets": one("SELECT DISTINCT outlet FROM documents WHERE outlet IS NOT NULL ORDER BY 1"),
        "countries": one("SELECT DISTINCT country_code FROM incidents WHERE country_code IS NOT NULL ORDER BY 1"),
    }


def count_documents(conn: sqlite3.Connection, *, outlet: str | None = None) -> int:
    if outlet:
        return int(conn.execute("SELECT count(*) FROM documents WHERE outlet = ?", (outlet,)).fetchone()[0])
    return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])


def count_actors(conn: sqlite3.Connection, *, q: str | None = None, type: str | None = None) -> int:
    where, args = queries.actor_filters(q, type)
    sql = "SELECT count(*) FROM actors a" + ((" WHERE " + " AND ".join(where)) if where else "")
    return int(conn.execute(sql, args).fetchone()[0])


def document_texts(conn: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    """Clean texts of several documents (for evidence in context on the incident page)."""
    if not ids:
        return {}
    marks = ",".join("?" for _ in ids)
    return {r[0]: r[1] for r in conn.execute(f"SELECT id, clean_text FROM documents WHERE id IN ({marks})", ids)}


def document_raw(conn: sqlite3.Connection, document_id: str) -> str | None:
    row = conn.execute("SELECT raw_text FROM documents WHERE id = ?", (document_id,)).fetchone()
    return row[0] if row else None


def actor_names(conn: sqlite3.Connection, ids: list[str] | set[str]) -> dict[str, str]:
    ids = [i for i in ids if i]
    if not ids:
        return {}
    marks = ",".join("?" for _ in ids)
    return {r[0]: r[1] for r in conn.execute(f"SELECT id, name FROM actors WHERE id IN ({marks})", ids)}


def actor_by_name(conn: sqlite3.Connection, name: str) -> str | None:
    """An actor id for a canonical name (incidents store names, pages link by id)."""
    row = conn.execute("SELECT id FROM actors WHERE name = ? ORDER BY known DESC LIMIT 1", (name,)).fetchone()
    return row[0] if row else None


def actor_ids_by_names(conn: sqlite3.Connection, names: set[str]) -> dict[str, str]:
    names = {n for n in names if n}
    if not names:
        return {}
    marks = ",".join("?" for _ in names)
    rows = conn.execute(f"SELECT name, id FROM actors WHERE name IN ({marks}) ORDER BY known", list(names))
    return {r[0]: r[1] for r in rows}


def network(conn: sqlite3.Connection, *, relation: str | None = None, min_weight: int = 1) -> dict[str, Any]:
    """Actors as nodes and aggregated relations as edges (weight = number of source documents)."""
    edges = []
    used: set[str] = set()
    for i, r in enumerate(list_relations(conn, relation=relation)):
        if r["weight"] < min_weight:
            continue
        used.update((r["subject_id"], r["object_id"]))
        edges.append({
            "id": f"e{i}", "source": r["subject_id"], "target": r["object_id"], "relation": r["relation"],
            "weight": r["weight"], "outlets": r["outlets"], "first_seen": r["first_seen"],
            "last_seen": r["last_seen"], "quote": r["quote"],
        })
    degree = Counter(e["source"] for e in edges) + Counter(e["target"] for e in edges)
    nodes = []
    if used:
        marks = ",".join("?" for _ in used)
        found = {r["id"]: r for r in conn.execute(
            f"SELECT id, name, type, country, part_of FROM actors WHERE id IN ({marks})", list(used))}
        for aid in sorted(used):
            a = found.get(aid)
            nodes.append({"id": aid, "label": a["name"] if a else aid, "type": a["type"] if a else None,
                          "country": a["country"] if a else None, "part_of": a["part_of"] if a else None,
                          "degree": degree[aid]})
    return {"nodes": nodes, "edges": edges}


def outlet_labels(conn: sqlite3.Connection, *, limit: int = 2000) -> list[dict[str, Any]]:
    """How each outlet names each actor (most frequent labels first)."""
    rows = conn.execute(
        "SELECT coalesce(d.outlet, '(unknown)') AS outlet, m.actor_id, coalesce(a.name, m.actor_id) AS actor, "
        "m.text AS label, count(*) AS n FROM mentions m JOIN documents d ON d.id = m.document_id "
        "LEFT JOIN actors a ON a.id = m.actor_id WHERE m.kind = 'actor' AND m.actor_id IS NOT NULL "
        "GROUP BY 1, 2, 4 ORDER BY 3, 1, n DESC LIMIT ?", (limit,))
    return [dict(r) for r in rows]


def incident_reasons(conn: sqlite3.Connection, incident_id: str) -> list[Any]:
    row = conn.execute("SELECT reasons FROM incidents WHERE id = ?", (incident_id,)).fetchone()
    return queries.cap_reasons(_j(row[0], [])) if row else []


def incident_event_ids(conn: sqlite3.Connection, incident_id: str) -> list[str]:
    return [r[0] for r in conn.execute("SELECT id FROM events WHERE incident_id = ? ORDER BY id", (incident_id,))]


def incident_of_event(conn: sqlite3.Connection, event_id: str) -> str | None:
    """The incident an event mention belongs to now (ids change when a correction re-resolves incidents)."""
    row = conn.execute("SELECT incident_id FROM events WHERE id = ?", (event_id,)).fetchone()
    return row[0] if row and row[0] else None


def count_incidents_capped(conn: sqlite3.Connection, cap: int, **filters: Any) -> tuple[int, bool]:
    """(count, exact): counting stops after ``cap`` matches so a page of a huge store stays fast."""
    where, args = _incident_filters(filters, max_span_days(conn) if filters.get("date_from") else None)
    n = int(conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM incidents i{where} LIMIT ?)",
                         [*args, cap + 1]).fetchone()[0])
    return (cap, False) if n > cap else (n, True)


def watch_sources(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The feeds and pages ``faultlines watch`` follows, with their health (none before the first watch)."""
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM watch_sources ORDER BY failures DESC, url")]
    except sqlite3.OperationalError:  # a database made before watch, opened read-only (not migrated)
        return []


def changes_since(conn: sqlite3.Connection, since: str, *, limit: int = 500) -> list[dict[str, Any]]:
    """Incidents created or changed at or after ``since`` (an ISO time), newest change first: per incident, its
    current values and the changes (kind, time, detail, cause), at most ``limit`` incidents."""
    try:
        rows = conn.execute(
            "SELECT h.incident_id, h.at, h.kind, h.detail, h.cause FROM incident_history h "
            "JOIN incidents i ON i.id = h.incident_id WHERE h.at >= ? ORDER BY h.id DESC", (since,)).fetchall()
    except sqlite3.OperationalError:  # a database made before incident history, opened read-only
        return []
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry = out.get(r["incident_id"])
        if entry is None:
            if len(out) >= limit:
                continue
            inc = conn.execute("SELECT * FROM incidents WHERE id = ?", (r["incident_id"],)).fetchone()
            entry = out[r["incident_id"]] = {"incident": queries.incident_row(inc), "latest": r["at"], "changes": []}
        entry["changes"].append({"at": r["at"], "kind": r["kind"], "detail": _j(r["detail"], {}), "cause": r["cause"]})
    for entry in out.values():
        entry["changes"].reverse()  # oldest first within an incident
        entry["new"] = any(c["kind"] == "created" for c in entry["changes"])
    return list(out.values())
