"""Server-rendered HTML pages (Jinja2, autoescaped); interactive parts are static JS reading the JSON API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from faultlines.model import RELATION_TYPES
from faultlines.serve import params as P
from faultlines.serve.api import COUNT_CAP
from faultlines.serve.context import conn, render
from faultlines.serve.highlight import Span, highlight, mark_in_context
from faultlines.store import queries as Q
from faultlines.store import queries_web as W

# Which rows of the incident page a "disputed" field name refers to.
DISPUTE_KEYS = {
    "date": {"date", "date_start", "date_end"},
    "location": {"location", "place", "place_name", "admin1"},
    "killed": {"killed", "killed_low", "killed_high", "fatalities"},
    "injured": {"injured", "injured_low", "injured_high"},
    "type": {"event_type", "sub_event_type", "type"},
    "perpetrators": {"perpetrators", "perpetrator", "actors"},
    "targets": {"targets", "target", "actors"},
}


def _filters(request: Request) -> dict[str, Any]:
    return P.incident_filters(request.query_params)


def _query_string(request: Request, **override: Any) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    q = dict(request.query_params)
    q.update({k: str(v) for k, v in override.items()})
    return urlencode({k: v for k, v in q.items() if v not in ("", None)})


def _pager(request: Request, total: int, limit: int, offset: int) -> dict[str, Any]:
    prev_q = _query_string(request, offset=max(0, offset - limit)) if offset > 0 else None
    next_q = _query_string(request, offset=offset + limit) if offset + limit < total else None
    return {"total": total, "limit": limit, "offset": offset, "prev": prev_q, "next": next_q,
            "first": offset + 1 if total else 0, "last": min(total, offset + limit)}


def overview(request: Request) -> Response:
    c = conn(request)
    return render(request, "overview.html", title="Overview", stats=Q.stats(c),
                  recent=Q.list_incidents(c, limit=10, sort="-date"), outlets=Q.list_outlets(c)[:20])


def map_page(request: Request) -> Response:
    filters = _filters(request)
    return render(request, "map.html", title="Incident map", filters=filters, choices=W.filter_choices(conn(request)))


def timeline_page(request: Request) -> Response:
    filters = _filters(request)
    return render(request, "timeline.html", title="Timeline", filters=filters,
                  choices=W.filter_choices(conn(request)))


def incidents_page(request: Request) -> Response:
    q = request.query_params
    filters = _filters(request)
    limit, offset = P.page_params(q, 50, P.MAX_PAGE)
    sort = P.incident_sort(q, "-date")
    c = conn(request)
    items = Q.list_incidents(c, limit=limit, offset=offset, sort=sort, **filters)
    total, exact = W.count_incidents_capped(c, COUNT_CAP, **filters)
    return render(request, "incidents.html", total_exact=exact, title="Incidents", items=items, filters=filters, sort=sort,
                  sorts=list(Q.INCIDENT_SORTS), choices=W.filter_choices(c),
                  paging=_pager(request, total, limit, offset), csv_query=_query_string(request, offset="", limit=""))


def _disputed(inc: dict[str, Any]) -> set[str]:
    named = {str(d).lower() for d in inc.get("disputed") or []}
    return {row for row, keys in DISPUTE_KEYS.items() if named & keys or row in named}


def incident_page(request: Request) -> Response:
    c = conn(request)
    inc = Q.get_incident(c, request.path_params["incident_id"])
    if inc is None:
        raise HTTPException(404, "No such incident.")
    texts = W.document_texts(c, sorted({s["document_id"] for s in inc["sources"]}))
    for s in inc["sources"]:
        s["context"] = mark_in_context(texts.get(s["document_id"], ""), s.get("start"), s.get("end"))
    names = set(inc["actors"]["perpetrators"]) | set(inc["actors"]["targets"])
    for s in inc["sources"]:
        names |= set(s["perpetrators"]) | set(s["targets"])
    return render(request, "incident.html", title=f"Incident {inc['id']}", inc=inc, disputed=_disputed(inc),
                  actor_ids=W.actor_ids_by_names(c, names), editable=_editable_fields())


def _editable_fields() -> list[str]:
    try:
        from faultlines.resolve.corrections import EDITABLE
    except ImportError:
        return []
    return list(EDITABLE)


def actors_page(request: Request) -> Response:
    q = request.query_params
    text, typ = P.text_param(q, "q"), P.text_param(q, "type")
    limit, offset = P.page_params(q, 100, P.MAX_PAGE)
    c = conn(request)
    items = Q.list_actors(c, q=text, type=typ, limit=limit, offset=offset)
    total = W.count_actors(c, q=text, type=typ)
    return render(request, "actors.html", title="Actors", items=items, q=text or "", type=typ or "",
                  paging=_pager(request, total, limit, offset))


def actor_page(request: Request) -> Response:
    c = conn(request)
    actor = Q.get_actor(c, request.path_params["actor_id"])
    if actor is None:
        raise HTTPException(404, "No such actor.")
    parent = W.actor_names(c, [actor["part_of"]]) if actor.get("part_of") else {}
    labels: dict[str, list[dict[str, Any]]] = {}
    for row in actor["labels_by_outlet"]:
        labels.setdefault(row["outlet"], []).append(row)
    return render(request, "actor.html", title=actor["name"], actor=actor, parent=parent, labels=labels)


def network_page(request: Request) -> Response:
    return render(request, "network.html", title="Actor network", relation_types=list(RELATION_TYPES))


def causal_page(request: Request) -> Response:
    claims = Q.list_claims(conn(request))  # the filters' options come with the graph (/api/causal-map)
    return render(request, "causal.html", title="Causal map", claims=claims[:200], total=len(claims))


def new_page(request: Request) -> Response:
    """Incidents created or changed since a time (``since``, ISO) or in the last ``hours`` (default 24)."""
    from datetime import UTC, datetime, timedelta

    q = request.query_params
    since = P.text_param(q, "since")
    hours = P.int_param(q, "hours", 24, 1, 100_000) if q.get("hours") else None
    if since is None:
        since = (datetime.now(UTC) - timedelta(hours=hours or 24)).isoformat(timespec="seconds")
    else:
        try:
            datetime.fromisoformat(since)
        except ValueError:
            raise HTTPException(400, f"'since' must be an ISO date or time, not {since!r}") from None
    return render(request, "new.html", title="New since", since=since, hours=hours,
                  entries=W.changes_since(conn(request), since))


def feeds_page(request: Request) -> Response:
    return render(request, "feeds.html", title="Feeds", feeds=W.watch_sources(conn(request)))


def documents_page(request: Request) -> Response:
    q = request.query_params
    outlet = P.text_param(q, "outlet")
    limit, offset = P.page_params(q, 100, P.MAX_PAGE)
    c = conn(request)
    items = Q.list_documents(c, outlet=outlet, limit=limit, offset=offset)
    total = W.count_documents(c, outlet=outlet)
    return render(request, "documents.html", title="Documents", items=items, outlet=outlet or "",
                  outlets=W.filter_choices(c)["outlets"], paging=_pager(request, total, limit, offset))


def _document_spans(doc: dict[str, Any], names: dict[str, str]) -> list[Span]:
    spans: list[Span] = []
    for ev in doc["events"]:
        title = f"{ev['event_type']} / {ev['sub_event_type']} ({ev['factuality']})"
        kind = "event" if ev.get("incident_id") else "event-other"
        spans.append(Span(ev["start"], ev["end"], kind, title, anchor=f"ev-{ev['id']}"))
    for m in doc["mentions"]:
        if m["start"] is None or m["end"] is None:
            continue
        if m["kind"] == "actor":
            aid = m.get("actor_id")
            spans.append(Span(m["start"], m["end"], "actor", f"actor: {names.get(aid, aid)}",
                              href=f"/actors/{aid}" if aid else None))
        elif m["kind"] == "place":
            where = ", ".join(x for x in (m.get("place_name"), m.get("admin1"), m.get("country_code")) if x)
            spans.append(Span(m["start"], m["end"], "place", f"place: {where}"))
        elif m["kind"] == "time":
            span = m.get("date_start") or ""
            if m.get("date_end") and m.get("date_end") != span:
                span += f" to {m['date_end']}"
            spans.append(Span(m["start"], m["end"], "time", f"date: {span} ({m.get('precision')})"))
    return spans


def document_page(request: Request) -> Response:
    c = conn(request)
    doc = Q.get_document(c, request.path_params["document_id"])
    if doc is None:
        raise HTTPException(404, "No such document.")
    names = W.actor_names(c, {m["actor_id"] for m in doc["mentions"] if m.get("actor_id")})
    body = highlight(doc["clean_text"], _document_spans(doc, names))
    counts = {k: sum(1 for m in doc["mentions"] if m["kind"] == k) for k in ("actor", "place", "time")}
    return render(request, "document.html", title=doc.get("title") or doc["name"], doc=doc, body=body,
                  counts=counts, names=names)


def document_raw(request: Request) -> Response:
    raw = W.document_raw(conn(request), request.path_params["document_id"])
    if raw is None:
        raise HTTPException(404, "No such document.")
    return PlainTextResponse(raw, headers={"Content-Disposition": "inline"})


def outlets_page(request: Request) -> Response:
    c = conn(request)
    outlets = Q.list_outlets(c)
    framing = Q.framing_table(c)
    outlet_names = sorted({f["outlet"] for f in framing if f["outlet"]})
    matrix: dict[str, dict[str, Any]] = {}
    for f in framing:
        matrix.setdefault(f["actor"] or f["actor_id"], {"actor_id": f["actor_id"], "cells": {}})["cells"][
            f["outlet"]] = f
    # actors framed by the most outlets first: that is where a comparison says something
    matrix = dict(sorted(matrix.items(), key=lambda kv: (-len(kv[1]["cells"]),
                                                         -sum(f["sentences"] for f in kv[1]["cells"].values()),
                                                         kv[0])))
    labels: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in W.outlet_labels(c):
        labels.setdefault(row["actor"], {}).setdefault(row["outlet"], []).append(row)
    return render(request, "outlets.html", title="Outlets", outlets=outlets, framing_outlets=outlet_names,
                  matrix=matrix, labels=labels, label_outlets=sorted({r for a in labels.values() for r in a}))


def routes() -> list[BaseRoute]:
    get = lambda path, fn: Route(path, fn, methods=["GET"])  # noqa: E731
    return [
        get("/", overview),
        get("/map", map_page),
        get("/timeline", timeline_page),
        get("/incidents", incidents_page),
        get("/incidents/{incident_id}", incident_page),
        get("/actors", actors_page),
        get("/actors/{actor_id}", actor_page),
        get("/network", network_page),
        get("/causal-map", causal_page),
        get("/documents", documents_page),
        get("/documents/{document_id}", document_page),
        get("/documents/{document_id}/raw", document_raw),
        get("/outlets", outlets_page),
        get("/new", new_page),
        get("/feeds", feeds_page),
    ]
