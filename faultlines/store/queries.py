"""Named read queries shared by the CLI, the exporters, the JSON API and the web pages.

Every function takes an open ``sqlite3.Connection`` (rows as ``sqlite3.Row``) and returns plain dicts/lists,
already in the shapes the outside world sees (see the contract in the README).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from typing import Any

from faultlines.model import Document, OffsetMap

INCIDENT_SORTS = {  # each ends with a unique tie-breaker, in the direction the matching index is built
    "date": "i.date_start IS NULL, i.date_start, i.id",
    "-date": "i.date_start IS NULL, i.date_start DESC, i.id DESC",
    "killed": "coalesce(i.killed_high, i.killed_low, -1), i.id",
    "-killed": "coalesce(i.killed_high, i.killed_low, -1) DESC, i.id DESC",
    "sources": "i.source_count, i.id",
    "-sources": "i.source_count DESC, i.id DESC",
    "type": "i.event_type, i.sub_event_type, i.id",
}


def _j(value: str | None, default: Any) -> Any:
    if value is None:
        return default
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return default


def row_to_document(row: sqlite3.Row) -> Document:
    published = date.fromisoformat(row["published"]) if row["published"] else None
    return Document(
        id=row["id"], name=row["name"], raw_text=row["raw_text"], clean_text=row["clean_text"],
        offset_map=OffsetMap(tuple(tuple(s) for s in _j(row["offset_map"], []))),
        published=published, published_precision=row["published_precision"], title=row["title"],
        outlet=row["outlet"], author=row["author"], url=row["url"], source_path=row["source_path"],
        source_format=row["source_format"] or "text", encoding=row["encoding"], meta=_j(row["meta"], {}),
    )


# ---------------------------------------------------------------------------------------------------- documents
def list_documents(conn: sqlite3.Connection, *, outlet: str | None = None, limit: int = 100, offset: int = 0
                   ) -> list[dict[str, Any]]:
    sql = ("SELECT d.id, d.name, d.title, d.outlet, d.author, d.url, d.published, d.published_precision, "
           "d.source_format, d.encoding, d.status, d.ingested_at, length(d.clean_text) AS chars, "
           "(SELECT count(*) FROM events e WHERE e.document_id = d.id AND e.incident_id IS NOT NULL) AS events "
           "FROM documents d")
    args: list[Any] = []
    if outlet:
        sql += " WHERE d.outlet = ?"
        args.append(outlet)
    sql += " ORDER BY d.published IS NULL, d.published, d.name LIMIT ? OFFSET ?"
    return [dict(r) for r in conn.execute(sql, [*args, limit, offset])]


def document_rows_for_export(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT id, name, title, outlet, author, url, published, published_precision, source_format, encoding, "
        "status, clean_text FROM documents ORDER BY name")
    return [{"document": r["name"], **{k: r[k] for k in r.keys() if k != "name"}} for r in rows]


def get_document(conn: sqlite3.Connection, key: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM documents WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1",
                       (key, key, key)).fetchone()
    if row is None:
        return None
    doc = {k: row[k] for k in row.keys() if k not in ("offset_map", "meta")}
    doc["meta"] = _j(row["meta"], {})
    doc["mentions"] = [dict(r) for r in conn.execute(
        "SELECT kind, text, start, end, actor_id, how, place_name, admin1, country_code, lat, lon, precision, "
        "date_start, date_end FROM mentions WHERE document_id = ? ORDER BY start", (row["id"],))]
    doc["events"] = [dict(r) for r in conn.execute(
        "SELECT id, incident_id, event_type, sub_event_type, factuality, quote, start, end, killed_low, killed_high, "
        "date_start, date_end, date_precision, date_text, place_name, doc_event, coding, injured_low, injured_high, "
        "casualties_low, casualties_high FROM events WHERE document_id = ? ORDER BY start",
        (row["id"],))]
    # reported totals: tolls over a period or a campaign, kept for cross-checking, never coded as incidents
    doc["totals"] = [e for e in doc["events"] if e["factuality"] == "aggregate" and any(
        e[k] is not None for k in ("killed_low", "killed_high", "injured_low", "injured_high", "casualties_low",
                                   "casualties_high"))]
    doc["relations"] = [dict(r) for r in conn.execute(
        "SELECT subject_id, relation, object_id, quote, start, end FROM relations WHERE document_id = ? ORDER BY start",
        (row["id"],))]
    doc["claims"] = [dict(r) for r in conn.execute(
        "SELECT cause, effect, cue, quote, start, end FROM claims WHERE document_id = ? ORDER BY start", (row["id"],))]
    return doc


def list_failures(conn: sqlite3.Connection, run_id: int | None = None) -> list[dict[str, Any]]:
    if run_id is None:
        rows = conn.execute("SELECT * FROM ingest_failures ORDER BY id")
    else:
        rows = conn.execute("SELECT * FROM ingest_failures WHERE run_id = ? ORDER BY id", (run_id,))
    return [dict(r) for r in rows]


# ---------------------------------------------------------------------------------------------------- incidents
def span_days(start: str | None, end: str | None) -> int:
    """Days from an incident's first to its last possible date (0 when unknown or unparsable)."""
    if not start or not end or start == end:
        return 0
    try:
        return max(0, (date.fromisoformat(end) - date.fromisoformat(start)).days)
    except ValueError:
        return 0


def max_span_days(conn: sqlite3.Connection) -> int | None:
    """The longest date range of any incident ever stored (an upper bound kept by the writer); None if unknown."""
    try:
        row = conn.execute("SELECT value FROM store_meta WHERE key = 'max_span_days'").fetchone()
    except Exception:  # noqa: BLE001 - a read-only store of an older schema: no bound, same results
        return None
    return int(row[0]) if row is not None else None


def compute_max_span_days(conn: sqlite3.Connection) -> int:
    return max((span_days(r[0], r[1]) for r in conn.execute(
        "SELECT date_start, date_end FROM incidents WHERE date_end != date_start")), default=0)


def set_max_span_days(conn: sqlite3.Connection, days: int) -> None:
    conn.execute("DELETE FROM store_meta WHERE key = 'max_span_days'")
    conn.execute("INSERT INTO store_meta (key, value) VALUES ('max_span_days', ?)", (str(int(days)),))


def _incident_filters(f: dict[str, Any], max_span: int | None = None) -> tuple[str, list[Any]]:
    where, args = [], []
    # a date filter keeps incidents whose date range overlaps it; incidents of unknown date are left out
    if f.get("date_from"):
        where.append("i.date_end >= ?")
        args.append(str(f["date_from"]))
        if max_span is not None:  # implied by the line above; lets an index on date_start bound the scan
            try:
                lowest = date.fromisoformat(str(f["date_from"])) - timedelta(days=max_span)
                where.append("i.date_start >= ?")
                args.append(lowest.isoformat())
            except (ValueError, OverflowError):
                pass
    if f.get("date_to"):
        where.append("i.date_start <= ?")
        args.append(str(f["date_to"]))
    if f.get("event_type"):
        where.append("(i.event_type = ? OR i.sub_event_type = ?)")
        args += [f["event_type"], f["event_type"]]
    if f.get("country"):
        where.append("i.country_code = ?")
        args.append(str(f["country"]).upper())
    if f.get("place"):
        where.append("(i.place_name LIKE ? OR i.admin1 LIKE ?)")
        args += [f"%{f['place']}%", f"%{f['place']}%"]
    if f.get("actor"):
        where.append("EXISTS (SELECT 1 FROM events e JOIN event_participants p ON p.event_id = e.id "
                     "LEFT JOIN actors a ON a.id = p.actor_id WHERE e.incident_id = i.id "
                     "AND (p.actor_id = ? OR a.name LIKE ?))")
        args += [f["actor"], f"%{f['actor']}%"]
    if f.get("outlet"):
        where.append("EXISTS (SELECT 1 FROM events e JOIN documents d ON d.id = e.document_id "
                     "WHERE e.incident_id = i.id AND d.outlet = ?)")
        args.append(f["outlet"])
    if f.get("disputed"):
        where.append("i.disputed != '[]'")
    return (" WHERE " + " AND ".join(where)) if where else "", args


def count_incidents(conn: sqlite3.Connection, **filters: Any) -> int:
    where, args = _incident_filters(filters, max_span_days(conn) if filters.get("date_from") else None)
    return int(conn.execute(f"SELECT count(*) FROM incidents i{where}", args).fetchone()[0])


def list_incidents(conn: sqlite3.Connection, *, limit: int = 100, offset: int = 0, sort: str = "date",
                   with_sources: bool = False, **filters: Any) -> list[dict[str, Any]]:
    where, args = _incident_filters(filters, max_span_days(conn) if filters.get("date_from") else None)
    order = INCIDENT_SORTS.get(sort, INCIDENT_SORTS["date"])
    if filters.get("date_from") or filters.get("date_to"):  # only dated incidents match: the null test is moot,
        order = order.replace("i.date_start IS NULL, ", "")  # and dropping it lets an index on the date serve
    rows = conn.execute(f"SELECT i.* FROM incidents i{where} ORDER BY {order} LIMIT ? OFFSET ?",
                        [*args, limit, offset]).fetchall()
    out = [incident_row(r) for r in rows]
    if with_sources:
        for inc in out:
            inc["sources"] = incident_sources(conn, inc["id"])
    return out


def incident_row(r: sqlite3.Row) -> dict[str, Any]:
    """An incidents row in the contract shape (without sources)."""
    return {
        "id": r["id"], "event_type": r["event_type"], "sub_event_type": r["sub_event_type"],
        "date": {"start": r["date_start"], "end": r["date_end"], "precision": r["date_precision"]},
        "location": {"name": r["place_name"], "admin1": r["admin1"], "country_code": r["country_code"],
                     "lat": r["lat"], "lon": r["lon"], "geonameid": r["geonameid"], "precision": r["place_precision"]},
        "actors": {"perpetrators": _j(r["perpetrators"], []), "targets": _j(r["targets"], [])},
        "killed": {"low": r["killed_low"], "high": r["killed_high"]},
        "injured": {"low": r["injured_low"], "high": r["injured_high"]},
        "disputed": _j(r["disputed"], []),
        "source_count": r["source_count"],
        "independent_sources": r["independent_sources"] if r["independent_sources"] is not None else r["source_count"],
        "outlets": _j(r["outlets"], []), "corrected": bool(r["corrected"]),
    }


def incident_sources(conn: sqlite3.Connection, incident_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT e.*, d.name AS document, d.outlet, d.published, d.title, d.copy_of, o.name AS copy_of_name "
        "FROM events e JOIN documents d ON d.id = e.document_id LEFT JOIN documents o ON o.id = d.copy_of "
        "WHERE e.incident_id = ? ORDER BY d.published, d.name, e.start",
        (incident_id,)).fetchall()
    parts: dict[str, dict[str, list[str]]] = {}
    hows: dict[str, list[dict[str, str]]] = {}
    for p in conn.execute(
        "SELECT p.event_id, p.role, coalesce(a.name, p.actor_id) AS name, p.how FROM event_participants p "
        "LEFT JOIN actors a ON a.id = p.actor_id WHERE p.event_id IN (SELECT id FROM events WHERE incident_id = ?)",
        (incident_id,)):
        parts.setdefault(p["event_id"], {"perpetrator": [], "target": []})[p["role"]].append(p["name"])
        if p["role"] == "perpetrator":
            hows.setdefault(p["event_id"], []).append({"actor": p["name"], "how": p["how"] or "stated"})
    out = []
    for r in rows:
        ps = parts.get(r["id"], {"perpetrator": [], "target": []})
        out.append({
            "document": r["document"], "document_id": r["document_id"], "event_id": r["id"], "outlet": r["outlet"],
            "published": r["published"], "title": r["title"],
            "copy_of": {"document_id": r["copy_of"], "document": r["copy_of_name"]} if r["copy_of"] else None,
            "quote": r["quote"], "start": r["start"],
            "end": r["end"], "raw_start": r["raw_start"], "raw_end": r["raw_end"],
            "event_type": r["event_type"], "sub_event_type": r["sub_event_type"], "factuality": r["factuality"],
            "coding": r["coding"],
            "date": {"start": r["date_start"], "end": r["date_end"], "precision": r["date_precision"],
                     "text": r["date_text"]},
            "location": {"text": r["place_text"], "name": r["place_name"], "admin1": r["admin1"],
                         "country_code": r["country_code"], "precision": r["place_precision"]},
            "perpetrators": ps["perpetrator"], "targets": ps["target"],
            "perpetrators_how": hows.get(r["id"], []),  # how this source establishes each perpetrator
            "property_targets": [t["text"] for t in _j(r["property_targets"], [])],
            "killed": {"low": r["killed_low"], "high": r["killed_high"], "text": r["killed_text"]},
            "injured": {"low": r["injured_low"], "high": r["injured_high"], "text": r["injured_text"]},
            "casualties": {"low": r["casualties_low"], "high": r["casualties_high"], "text": r["casualties_text"]},
        })
    return out


MAX_REASONS = 100  # merge reasons kept per incident: the best ones, then one line summing up the rest


def cap_reasons(reasons: Any) -> Any:
    """At most MAX_REASONS merge reasons (the highest scores, in their order) plus a summary of the others.

    Every pair of a large incident's reports has a reason: a long document gave pages of hundreds of megabytes.
    """
    if not isinstance(reasons, list) or len(reasons) <= MAX_REASONS:
        return reasons

    def score(r: Any) -> float:
        v = r.get("score") if isinstance(r, dict) else None
        return float(v) if isinstance(v, int | float) else 0.0

    keep = set(sorted(range(len(reasons)), key=lambda i: -score(reasons[i]))[:MAX_REASONS])
    rest = [score(r) for i, r in enumerate(reasons) if i not in keep]
    return [r for i, r in enumerate(reasons) if i in keep] + [
        {"more": f"{len(rest)} further merge reasons not listed",
         "score": {"min": round(min(rest), 3), "max": round(max(rest), 3)}}]


def current_incident_id(conn: sqlite3.Connection, incident_id: str) -> str | None:
    """``incident_id`` if it exists, else the incident that took its reports (followed to the end), else None."""
    seen = {incident_id}
    iid = incident_id
    while conn.execute("SELECT 1 FROM incidents WHERE id = ?", (iid,)).fetchone() is None:
        row = conn.execute("SELECT new_id FROM incident_successors WHERE old_id = ?", (iid,)).fetchone()
        if row is None or row[0] in seen:
            return None
        iid = row[0]
        seen.add(iid)
    return iid


def incident_history(conn: sqlite3.Connection, incident_id: str) -> list[dict[str, Any]]:
    """Every change of an incident in order (with those of the ids merged into it before they were)."""
    ids = {incident_id} | {r[0] for r in conn.execute("SELECT old_id FROM incident_successors WHERE new_id = ?",
                                                      (incident_id,))}
    marks = ",".join("?" * len(ids))
    return [{"incident": r["incident_id"], "at": r["at"], "kind": r["kind"], "detail": _j(r["detail"], {}),
             "cause": r["cause"]}
            for r in conn.execute(f"SELECT * FROM incident_history WHERE incident_id IN ({marks}) ORDER BY id",
                                  sorted(ids))]


def get_incident(conn: sqlite3.Connection, incident_id: str) -> dict[str, Any] | None:
    """An incident with its sources, merge reasons, the machine's values of fields an analyst set and its history.
    An id merged away gives the incident that took its reports, with ``successor_of`` naming the id asked for."""
    current = current_incident_id(conn, incident_id)
    if current is None:
        return None
    r = conn.execute("SELECT * FROM incidents WHERE id = ?", (current,)).fetchone()
    inc = incident_row(r)
    inc["sources"] = incident_sources(conn, current)
    inc["reasons"] = cap_reasons(_j(r["reasons"], []))
    inc["machine"] = _j(r["machine_values"], {})
    inc["history"] = incident_history(conn, current)
    if current != incident_id:
        inc["successor_of"] = incident_id
    return inc


# ---------------------------------------------------------------------------------------------------- actors
def actor_filters(q: str | None = None, type: str | None = None, known: bool | None = None
                  ) -> tuple[list[str], list[Any]]:
    """WHERE conditions (on ``a``) and arguments for an actor search by name/alias, type and whether the knowledge
    base knows the actor (``known=False``: names found in text, for an analyst to review)."""
    where: list[str] = []
    args: list[Any] = []
    if known is not None:
        where.append("a.known = ?")
        args.append(1 if known else 0)
    if q:
        where.append("(a.name LIKE ? OR a.id IN (SELECT actor_id FROM actor_aliases WHERE alias LIKE ?))")
        args += [f"%{q}%", f"%{q}%"]
    if type:
        where.append("a.type = ?")
        args.append(type)
    return where, args


def list_actors(conn: sqlite3.Connection, *, q: str | None = None, type: str | None = None, limit: int = 200,
                offset: int = 0, known: bool | None = None) -> list[dict[str, Any]]:
    where, args = actor_filters(q, type, known)
    sql = (
        "SELECT a.*, (SELECT count(*) FROM mentions m WHERE m.actor_id = a.id) AS mentions, "
        "(SELECT count(DISTINCT e.incident_id) FROM event_participants p JOIN events e ON e.id = p.event_id "
        " WHERE p.actor_id = a.id AND e.incident_id IS NOT NULL) AS incidents, "
        "(SELECT count(DISTINCT m.document_id) FROM mentions m WHERE m.actor_id = a.id) AS documents "
        "FROM actors a" + ((" WHERE " + " AND ".join(where)) if where else "")
        + " ORDER BY mentions DESC, a.name LIMIT ? OFFSET ?")
    out = []
    for r in conn.execute(sql, [*args, limit, offset]):
        d = dict(r)
        d["codes"] = _j(d.get("codes"), {})
        d["aliases"] = actor_aliases(conn, r["id"])
        out.append(d)
    return out


def actor_aliases(conn: sqlite3.Connection, actor_id: str) -> list[str]:
    return [x[0] for x in conn.execute("SELECT alias FROM actor_aliases WHERE actor_id = ? ORDER BY alias",
                                       (actor_id,))]


def get_actor(conn: sqlite3.Connection, actor_id: str) -> dict[str, Any] | None:
    r = conn.execute("SELECT * FROM actors WHERE id = ?", (actor_id,)).fetchone()
    if r is None:
        return None
    a = dict(r)
    a["codes"] = _j(a.get("codes"), {})
    a["aliases"] = actor_aliases(conn, actor_id)
    a["relations"] = [x for x in list_relations(conn) if actor_id in (x["subject_id"], x["object_id"])]
    a["incidents"] = [incident_row(x) for x in conn.execute(
        "SELECT DISTINCT i.* FROM incidents i JOIN events e ON e.incident_id = i.id "
        "JOIN event_participants p ON p.event_id = e.id WHERE p.actor_id = ? ORDER BY i.date_start", (actor_id,))]
    a["labels_by_outlet"] = [dict(x) for x in conn.execute(
        "SELECT coalesce(d.outlet, d.name) AS outlet, m.text AS label, count(*) AS n FROM mentions m "
        "JOIN documents d ON d.id = m.document_id WHERE m.actor_id = ? GROUP BY 1, 2 ORDER BY 1, n DESC",
        (actor_id,))]
    a["framing"] = framing_table(conn, actor_id=actor_id)
    return a


# ---------------------------------------------------------------------------------------------------- relations, claims
def list_relations(conn: sqlite3.Connection, *, relation: str | None = None) -> list[dict[str, Any]]:
    """Relations aggregated across documents: one row per (subject, relation, object) with every source."""
    sql = ("SELECT r.*, d.name AS document, d.outlet, d.published, sa.name AS subject_name, oa.name AS object_name "
           "FROM relations r JOIN documents d ON d.id = r.document_id "
           "LEFT JOIN actors sa ON sa.id = r.subject_id LEFT JOIN actors oa ON oa.id = r.object_id")
    args: list[Any] = []
    if relation:
        sql += " WHERE r.relation = ?"
        args.append(relation)
    sql += " ORDER BY r.subject_id, r.relation, r.object_id, d.published"
    agg: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in conn.execute(sql, args):
        key = (r["subject_id"], r["relation"], r["object_id"])
        row = agg.setdefault(key, {
            "subject": r["subject_name"] or r["subject_id"], "relation": r["relation"],
            "object": r["object_name"] or r["object_id"], "subject_id": r["subject_id"], "object_id": r["object_id"],
            "quote": r["quote"], "start": r["start"], "end": r["end"], "sources": [], "outlets": [],
            "first_seen": r["published"], "last_seen": r["published"],
        })
        row["sources"].append({"document": r["document"], "quote": r["quote"], "start": r["start"], "end": r["end"],
                               "outlet": r["outlet"], "published": r["published"]})
        if r["outlet"] and r["outlet"] not in row["outlets"]:
            row["outlets"].append(r["outlet"])
        if r["published"]:
            row["first_seen"] = min(filter(None, [row["first_seen"], r["published"]]))
            row["last_seen"] = max(filter(None, [row["last_seen"], r["published"]]))
    out = list(agg.values())
    for row in out:
        row["weight"] = len({s["document"] for s in row["sources"]})
    return out


def list_claims(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    out = []
    for r in conn.execute(
        "SELECT c.*, d.name AS document, d.outlet FROM claims c JOIN documents d ON d.id = c.document_id "
        "ORDER BY d.name, c.start"):
        out.append({
            "id": r["id"], "cause": r["cause"], "effect": r["effect"], "cue": r["cue"], "score": r["score"],
            "cause_concept": r["cause_concept"], "effect_concept": r["effect_concept"], "actors": _j(r["actors"], []),
            "quote": r["quote"], "start": r["start"], "end": r["end"], "outlet": r["outlet"],
            "sources": [{"document": r["document"], "quote": r["quote"], "start": r["start"], "end": r["end"]}],
        })
    return out


def framing_table(conn: sqlite3.Connection, *, actor_id: str | None = None) -> list[dict[str, Any]]:
    """Per outlet x actor: sentences, mean tone, labels used and loaded terms."""
    sql = ("SELECT coalesce(d.outlet, d.name) AS outlet, f.actor_id, a.name AS actor, f.label, f.loaded_terms, "
           "f.tone FROM framing f JOIN documents d ON d.id = f.document_id LEFT JOIN actors a ON a.id = f.actor_id")
    args: list[Any] = []
    if actor_id:
        sql += " WHERE f.actor_id = ?"
        args.append(actor_id)
    agg: dict[tuple[str, str], dict[str, Any]] = {}
    for r in conn.execute(sql, args):
        row = agg.setdefault((r["outlet"], r["actor_id"]), {
            "outlet": r["outlet"], "actor_id": r["actor_id"], "actor": r["actor"] or r["actor_id"], "sentences": 0,
            "tone_sum": 0.0, "labels": {}, "loaded_terms": {}})
        row["sentences"] += 1
        row["tone_sum"] += r["tone"] or 0.0
        row["labels"][r["label"]] = row["labels"].get(r["label"], 0) + 1
        for t in _j(r["loaded_terms"], []):
            row["loaded_terms"][t] = row["loaded_terms"].get(t, 0) + 1
    out = []
    for row in agg.values():
        n = row.pop("sentences")
        row["sentences"] = n
        row["tone"] = round(row.pop("tone_sum") / n, 3) if n else 0.0
        out.append(row)
    return sorted(out, key=lambda x: (x["actor"] or "", x["outlet"] or ""))


# ---------------------------------------------------------------------------------------------------- stats
def stats(conn: sqlite3.Connection) -> dict[str, Any]:
    def one(sql: str) -> Any:
        return conn.execute(sql).fetchone()[0]

    return {
        "documents": one("SELECT count(*) FROM documents"),
        "documents_pending": one("SELECT count(*) FROM documents WHERE status = 'stored'"),
        "documents_failed": one("SELECT count(*) FROM documents WHERE status = 'failed'"),
        "ingest_failures": one("SELECT count(*) FROM ingest_failures"),
        "event_mentions": one("SELECT count(*) FROM events"),
        "events": one("SELECT count(*) FROM events WHERE incident_id IS NOT NULL"),
        "incidents": one("SELECT count(*) FROM incidents"),
        "multi_source_incidents": one("SELECT count(*) FROM incidents WHERE source_count > 1"),
        "disputed_incidents": one("SELECT count(*) FROM incidents WHERE disputed != '[]'"),
        "actors": one("SELECT count(*) FROM actors"),
        "relations": one("SELECT count(*) FROM relations"),
        "claims": one("SELECT count(*) FROM claims"),
        "outlets": one("SELECT count(DISTINCT outlet) FROM documents WHERE outlet IS NOT NULL"),
        "killed_low_total": one("SELECT coalesce(sum(killed_low), 0) FROM incidents"),
        "by_event_type": {r[0]: r[1] for r in conn.execute(
            "SELECT event_type, count(*) FROM incidents GROUP BY 1 ORDER BY 2 DESC")},
        "first_date": one("SELECT min(date_start) FROM incidents"),
        "last_date": one("SELECT max(date_end) FROM incidents"),
    }


def list_outlets(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(
        "SELECT coalesce(d.outlet, '(unknown)') AS outlet, count(DISTINCT d.id) AS documents, "
        "count(DISTINCT e.incident_id) AS incidents, min(d.published) AS first, max(d.published) AS last "
        "FROM documents d LEFT JOIN events e ON e.document_id = d.id AND e.incident_id IS NOT NULL "
        "GROUP BY 1 ORDER BY documents DESC")]


TIE_ROLES = {  # (relation, actor is subject?) -> what the other actor is to it
    ("supports", False): "sponsors", ("supports", True): "supported",
    ("allied", False): "allies", ("allied", True): "allies",
    ("fights", False): "enemies", ("fights", True): "enemies", ("attacks", True): "targets",
    ("attacks", False): "attacked_by", ("opposes", True): "opposes", ("opposes", False): "opposed_by",
    ("rivals", True): "rivals", ("rivals", False): "rivals",
    ("controls", False): "controlled_by", ("controls", True): "controls",
    ("leads", False): "leaders", ("leads", True): "leads",
    ("member_of", True): "member_of", ("member_of", False): "members",
}


def actor_ties(conn: sqlite3.Connection, actor_id: str) -> dict[str, list[dict[str, Any]]]:
    """An actor's allies, sponsors, enemies, leaders, members... from the aggregated network, strongest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in list_relations(conn):
        for is_subject in (True, False):
            if (r["subject_id"] if is_subject else r["object_id"]) != actor_id:
                continue
            role = TIE_ROLES.get((r["relation"], is_subject))
            if role is None:
                continue
            other_id, other = (r["object_id"], r["object"]) if is_subject else (r["subject_id"], r["subject"])
            out.setdefault(role, []).append({
                "actor_id": other_id, "actor": other, "relation": r["relation"], "documents": r["weight"],
                "outlets": r["outlets"], "first_seen": r["first_seen"], "last_seen": r["last_seen"],
                "quote": r["quote"]})
    for rows in out.values():
        rows.sort(key=lambda x: (-x["documents"], x["actor"] or ""))
    return out


# ---------------------------------------------------------------------------------------------------- small reads
# (for the exports)
def actor_types_by_name(conn: sqlite3.Connection) -> dict[str, str]:
    return {r["name"]: r["type"] for r in conn.execute("SELECT name, type FROM actors")}


def actor_nodes(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every actor's id, name, type and country (the nodes of the network exports)."""
    return list(conn.execute("SELECT id, name, type, country FROM actors"))

