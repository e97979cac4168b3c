"""The JSON API under /api/: thin handlers over the shared read queries, CSV/GeoJSON downloads, guarded edits."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from faultlines.errors import FaultlinesError, NotFound
from faultlines.model import RELATION_TYPES
from faultlines.resolve import concepts
from faultlines.serve import params as P
from faultlines.serve.context import conn
from faultlines.serve.formats import INCIDENT_COLUMNS, incidents_geojson, to_csv
from faultlines.store import queries as Q
from faultlines.store import queries_web as W

COUNT_CAP = 10_000  # totals above this are reported as the cap with total_exact false


def page(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"total": total, "limit": limit, "offset": offset, "count": len(items), "items": items}


def csv_response(rows: list[dict[str, Any]], name: str, columns: list[str] | None = None) -> Response:
    return Response(to_csv(rows, columns), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


# ---------------------------------------------------------------------------------------------------- incidents
def _incidents(request: Request, default_limit: int, max_limit: int
               ) -> tuple[list[dict[str, Any]], dict[str, Any], int, int]:
    q = request.query_params
    filters = P.incident_filters(q)
    limit, offset = P.page_params(q, default_limit, max_limit)
    sort = P.incident_sort(q)
    with_sources = P.bool_param(q, "with_sources")
    c = conn(request)
    items = Q.list_incidents(c, limit=limit, offset=offset, sort=sort, with_sources=with_sources, **filters)
    return items, filters, limit, offset


def incidents(request: Request) -> Response:
    items, filters, limit, offset = _incidents(request, 50, P.MAX_PAGE)
    exact = True
    if not P.bool_param_default(request.query_params, "total", True):
        total = -1
    else:
        total, exact = W.count_incidents_capped(conn(request), COUNT_CAP, **filters)
    body = page(items, total, limit, offset)
    body["total_exact"] = exact
    return JSONResponse(body)


def incidents_csv(request: Request) -> Response:
    items, _, _, _ = _incidents(request, P.MAX_EXPORT, P.MAX_EXPORT)
    return csv_response(items, "incidents", INCIDENT_COLUMNS)


def incidents_geo(request: Request) -> Response:
    items, _, _, _ = _incidents(request, 10_000, P.MAX_EXPORT)
    return JSONResponse(incidents_geojson(items), media_type="application/geo+json")


def incident(request: Request) -> Response:
    inc = Q.get_incident(conn(request), request.path_params["incident_id"])
    if inc is None:
        raise HTTPException(404, "No such incident.")
    return JSONResponse(inc)


def timeline(request: Request) -> Response:
    q = request.query_params
    filters = P.incident_filters(q)
    bucket = P.choice_param(q, "bucket", ("day", "month", "year"), "month")
    return JSONResponse({"bucket": bucket, "items": W.timeline(conn(request), bucket=bucket, **filters)})


# ---------------------------------------------------------------------------------------------------- actors
def _actors(request: Request, default_limit: int, max_limit: int) -> tuple[list[dict[str, Any]], int, int, int]:
    q = request.query_params
    text, typ = P.text_param(q, "q"), P.text_param(q, "type")
    limit, offset = P.page_params(q, default_limit, max_limit)
    c = conn(request)
    return (Q.list_actors(c, q=text, type=typ, limit=limit, offset=offset), W.count_actors(c, q=text, type=typ),
            limit, offset)


def actors(request: Request) -> Response:
    return JSONResponse(page(*_actors(request, 100, P.MAX_PAGE)))


def actors_csv(request: Request) -> Response:
    return csv_response(_actors(request, P.MAX_EXPORT, P.MAX_EXPORT)[0], "actors")


def actor(request: Request) -> Response:
    a = Q.get_actor(conn(request), request.path_params["actor_id"])
    if a is None:
        raise HTTPException(404, "No such actor.")
    return JSONResponse(a)


# ---------------------------------------------------------------------------------------------------- relations, claims
def _sliced(request: Request, rows: list[dict[str, Any]], default_limit: int, max_limit: int) -> dict[str, Any]:
    limit, offset = P.page_params(request.query_params, default_limit, max_limit)
    return page(rows[offset:offset + limit], len(rows), limit, offset)


def _relations(request: Request) -> list[dict[str, Any]]:
    q = request.query_params
    rel = P.choice_param(q, "relation", RELATION_TYPES, "") or None
    return Q.list_relations(conn(request), relation=rel)


def relations(request: Request) -> Response:
    return JSONResponse(_sliced(request, _relations(request), 100, P.MAX_PAGE))


def relations_csv(request: Request) -> Response:
    return csv_response(_sliced(request, _relations(request), P.MAX_EXPORT, P.MAX_EXPORT)["items"], "relations")


def network(request: Request) -> Response:
    q = request.query_params
    rel = P.choice_param(q, "relation", RELATION_TYPES, "") or None
    min_weight = P.int_param(q, "min_weight", 1, 1, 1_000_000)
    return JSONResponse(W.network(conn(request), relation=rel, min_weight=min_weight))


def claims(request: Request) -> Response:
    return JSONResponse(_sliced(request, Q.list_claims(conn(request)), 100, P.MAX_PAGE))


def claims_csv(request: Request) -> Response:
    return csv_response(_sliced(request, Q.list_claims(conn(request)), P.MAX_EXPORT, P.MAX_EXPORT)["items"], "claims")


def causal_map(request: Request) -> Response:
    """The concept graph of the claims (``resolve.concepts.graph``): each edge carries the claims behind it."""
    q = request.query_params
    min_weight = P.int_param(q, "min_weight", 1, 1, 1_000_000)
    c = conn(request)
    data = concepts.graph(Q.list_claims(c), outlet=P.text_param(q, "outlet"), actor=P.text_param(q, "actor"),
                          min_weight=min_weight)
    names = W.actor_names(c, data["actors"])
    data["actors"] = [{"id": a, "name": names.get(a, a)} for a in data["actors"]]
    return JSONResponse(data)


# ---------------------------------------------------------------------------------------------------- documents
def _documents(request: Request, default_limit: int, max_limit: int) -> tuple[list[dict[str, Any]], int, int, int]:
    q = request.query_params
    outlet = P.text_param(q, "outlet")
    limit, offset = P.page_params(q, default_limit, max_limit)
    c = conn(request)
    return (Q.list_documents(c, outlet=outlet, limit=limit, offset=offset), W.count_documents(c, outlet=outlet),
            limit, offset)


def documents(request: Request) -> Response:
    return JSONResponse(page(*_documents(request, 100, P.MAX_PAGE)))


def documents_csv(request: Request) -> Response:
    return csv_response(_documents(request, P.MAX_EXPORT, P.MAX_EXPORT)[0], "documents")


def document(request: Request) -> Response:
    doc = Q.get_document(conn(request), request.path_params["document_id"])
    if doc is None:
        raise HTTPException(404, "No such document.")
    if not P.bool_param_default(request.query_params, "raw", False):
        doc.pop("raw_text", None)
    return JSONResponse(doc)


# ---------------------------------------------------------------------------------------------------- overview tables
def stats(request: Request) -> Response:
    return JSONResponse(Q.stats(conn(request)))


def outlets(request: Request) -> Response:
    return JSONResponse(_sliced(request, Q.list_outlets(conn(request)), 100, P.MAX_PAGE))


def outlets_csv(request: Request) -> Response:
    return csv_response(_sliced(request, Q.list_outlets(conn(request)), P.MAX_EXPORT, P.MAX_EXPORT)["items"], "outlets")


def _framing(request: Request) -> list[dict[str, Any]]:
    return Q.framing_table(conn(request), actor_id=P.text_param(request.query_params, "actor"))


def framing(request: Request) -> Response:
    return JSONResponse(_sliced(request, _framing(request), 100, P.MAX_PAGE))


def framing_csv(request: Request) -> Response:
    return csv_response(_sliced(request, _framing(request), P.MAX_EXPORT, P.MAX_EXPORT)["items"], "framing")


def failures(request: Request) -> Response:
    return JSONResponse(_sliced(request, Q.list_failures(conn(request)), 100, P.MAX_PAGE))


def failures_csv(request: Request) -> Response:
    return csv_response(_sliced(request, Q.list_failures(conn(request)), P.MAX_EXPORT, P.MAX_EXPORT)["items"],
                        "failures")


# ---------------------------------------------------------------------------------------------------- edits
async def _edit_input(request: Request) -> tuple[dict[str, Any], bool]:
    """The request's fields (JSON object or form) once edits are allowed and the token matches; else 403."""
    app = request.app
    if not app.state.allow_edits:
        raise HTTPException(403, "Edits are disabled (start the server with edits allowed).")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    data: dict[str, Any] = {}
    is_form = ctype == "application/x-www-form-urlencoded"
    if is_form:
        try:
            data = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=20))
        except (UnicodeDecodeError, ValueError) as exc:
            raise HTTPException(400, "The form could not be read.") from exc
    elif ctype == "application/json" or (not ctype and raw.strip()):
        try:
            body = json.loads(raw or b"{}")
        except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested past Python's limit
            body = None
        if not isinstance(body, dict):
            raise HTTPException(400, "The body must be a JSON object.")
        data = body
    elif raw.strip():
        raise HTTPException(415, "Send JSON or a URL-encoded form.")
    token = request.headers.get("x-faultlines-token") or str(data.pop("token", "") or "")
    if not token or not hmac.compare_digest(token.encode(), str(app.state.token).encode()):
        raise HTTPException(403, "A valid edit token is required.")
    return data, is_form


def _field(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > 500:
        raise HTTPException(400, f"'{name}' is required")
    return value.strip()


async def _apply(request: Request, work: Callable[[Any], Any]) -> Any:
    """Run one correction on a writable store; library errors become 4xx answers."""
    try:
        from faultlines.resolve import corrections  # noqa: F401
    except ImportError as exc:
        raise HTTPException(501, "Corrections are not available in this build.") from exc
    from faultlines.store.sqlite import Store

    def go() -> Any:
        store = Store(request.app.state.db_path)
        try:
            return work(store)
        finally:
            store.close()

    try:
        return await run_in_threadpool(go)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    except (FaultlinesError, ValueError, KeyError) as exc:
        raise HTTPException(400, str(exc)) from exc


def _edited(is_form: bool, payload: dict[str, Any], go_to: str) -> Response:
    if is_form:
        return RedirectResponse(go_to, status_code=303)
    return JSONResponse(payload)


async def incident_merge(request: Request) -> Response:
    data, is_form = await _edit_input(request)
    iid, other = request.path_params["incident_id"], _field(data, "other")
    note = data.get("note") if isinstance(data.get("note"), str) else None
    from faultlines.resolve import corrections

    new_id = await _apply(request, lambda s: corrections.merge_incidents(s, iid, other, note=note))
    return _edited(is_form, {"incident": new_id}, f"/incidents/{new_id}")


async def incident_split(request: Request) -> Response:
    data, is_form = await _edit_input(request)
    iid, doc = request.path_params["incident_id"], _field(data, "document")
    from faultlines.resolve import corrections

    ids = await _apply(request, lambda s: corrections.split_incident(s, iid, doc))
    return _edited(is_form, {"incidents": ids}, f"/incidents/{ids[0]}" if ids else "/incidents")


async def incident_edit(request: Request) -> Response:
    data, is_form = await _edit_input(request)
    iid, field = request.path_params["incident_id"], _field(data, "field")
    if "value" not in data:
        raise HTTPException(400, "'value' is required")
    value = data["value"]
    from faultlines.resolve import corrections

    def work(store: Any) -> str:
        members = W.incident_event_ids(store.conn, iid)
        corrections.edit_incident(store, iid, field, value)
        return (W.incident_of_event(store.conn, members[0]) if members else None) or iid

    new_id = await _apply(request, work)
    return _edited(is_form, {"incident": new_id, "field": field}, f"/incidents/{new_id}")


async def incident_undo(request: Request) -> Response:
    _data, is_form = await _edit_input(request)
    iid = request.path_params["incident_id"]
    from faultlines.resolve import corrections

    def work(store: Any) -> dict[str, Any]:
        c = corrections.undo_last(store, iid)
        return {"undone": {"id": c["id"], "kind": c["kind"]}, "incident": corrections.current_id(store, iid)}

    done = await _apply(request, work)
    return _edited(is_form, done, f"/incidents/{done['incident']}")


def incident_history(request: Request) -> Response:
    c = conn(request)
    current = Q.current_incident_id(c, request.path_params["incident_id"])
    if current is None:
        raise HTTPException(404, "No such incident.")
    return JSONResponse({"incident": current, "items": Q.incident_history(c, current)})


# ---------------------------------------------------------------------------------------------------- routes
def routes() -> list[BaseRoute]:
    from faultlines.serve import openapi

    get = lambda path, fn: Route(path, fn, methods=["GET"])  # noqa: E731
    return [
        get("/api/openapi.json", openapi.schema_endpoint),
        get("/api/docs", openapi.docs_endpoint),
        get("/api/incidents", incidents),
        get("/api/incidents.csv", incidents_csv),
        get("/api/incidents.geojson", incidents_geo),
        get("/api/incidents/{incident_id}", incident),
        get("/api/incidents/{incident_id}/history", incident_history),
        Route("/api/incidents/{incident_id}/merge", incident_merge, methods=["POST"]),
        Route("/api/incidents/{incident_id}/split", incident_split, methods=["POST"]),
        Route("/api/incidents/{incident_id}/edit", incident_edit, methods=["POST"]),
        Route("/api/incidents/{incident_id}/undo", incident_undo, methods=["POST"]),
        get("/api/timeline", timeline),
        get("/api/actors", actors),
        get("/api/actors.csv", actors_csv),
        get("/api/actors/{actor_id}", actor),
        get("/api/relations", relations),
        get("/api/relations.csv", relations_csv),
        get("/api/network", network),
        get("/api/claims", claims),
        get("/api/claims.csv", claims_csv),
        get("/api/causal-map", causal_map),
        get("/api/documents", documents),
        get("/api/documents.csv", documents_csv),
        get("/api/documents/{document_id}", document),
        get("/api/stats", stats),
        get("/api/outlets", outlets),
        get("/api/outlets.csv", outlets_csv),
        get("/api/framing", framing),
        get("/api/framing.csv", framing_csv),
        get("/api/failures", failures),
        get("/api/failures.csv", failures_csv),
    ]
