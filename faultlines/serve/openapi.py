"""The OpenAPI 3 description of /api/, written as data next to the routes, and a plain HTML rendering of it."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from faultlines.model import RELATION_TYPES
from faultlines.serve import params as P
from faultlines.store.queries import INCIDENT_SORTS


def _q(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


_STR = {"type": "string", "maxLength": P.MAX_TEXT}
_DATE = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
_BOOL = {"type": "boolean", "default": False}

INCIDENT_FILTERS = [
    _q("date_from", "Incidents ending on or after this ISO date.", _DATE),
    _q("date_to", "Incidents starting on or before this ISO date.", _DATE),
    _q("event_type", "ACLED event type or sub-event type.", _STR),
    _q("actor", "Actor id, or part of an actor's name.", _STR),
    _q("place", "Part of a place or province name.", _STR),
    _q("outlet", "Only incidents reported by this outlet.", _STR),
    _q("country", "ISO 3166-1 alpha-2 country code.", {"type": "string", "pattern": "^[A-Za-z]{2}$"}),
    _q("disputed", "Only incidents whose sources disagree.", _BOOL),
]
SORT = _q("sort", "Sort order.", {"type": "string", "enum": list(INCIDENT_SORTS), "default": "date"})
WITH_SOURCES = _q("with_sources", "Include every source of each incident.", _BOOL)
TOTAL = _q("total", "Count the total matching rows (false is faster on big stores).",
           {"type": "boolean", "default": True})
RELATION = _q("relation", "Only this relation type.", {"type": "string", "enum": list(RELATION_TYPES)})
MIN_WEIGHT = _q("min_weight", "Only edges with at least this many sources.",
                {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1})


def _paging(default: int, maximum: int) -> list[dict[str, Any]]:
    return [
        _q("limit", "Page size.", {"type": "integer", "minimum": 1, "maximum": maximum, "default": default}),
        _q("offset", "Rows to skip.", {"type": "integer", "minimum": 0, "maximum": P.MAX_OFFSET, "default": 0}),
    ]


def _json(ref: str, description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _download(media: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": {"type": "string"}}}}


_ERRORS = {
    "400": _json("#/components/schemas/Error", "Invalid parameter."),
    "429": _json("#/components/schemas/Error", "Too many requests."),
}
_NOT_FOUND = {"404": _json("#/components/schemas/Error", "Not found.")}


def _get(summary: str, tag: str, parameters: list[dict[str, Any]], ok: dict[str, Any],
         not_found: bool = False) -> dict[str, Any]:
    responses = {"200": ok, **_ERRORS, **(_NOT_FOUND if not_found else {})}
    op_id = summary.lower().replace(" ", "_").replace(",", "").replace("(", "").replace(")", "")
    return {"get": {"summary": summary, "operationId": op_id, "tags": [tag], "parameters": parameters,
                    "responses": responses}}


def _post(summary: str, fields: dict[str, dict[str, Any]], required: list[str]) -> dict[str, Any]:
    body_schema: dict[str, Any] = {"type": "object", "properties": {**fields, "token": {"type": "string"}}}
    if required:
        body_schema["required"] = required
    return {"post": {
        "summary": summary, "operationId": summary.lower().replace(" ", "_"), "tags": ["corrections"],
        "parameters": [_path("incident_id", "Incident id."),
                       {"name": "X-Faultlines-Token", "in": "header", "required": False,
                        "description": "The edit token printed when the server started with edits allowed.",
                        "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": body_schema},
            "application/x-www-form-urlencoded": {"schema": body_schema}}},
        "responses": {"200": {"description": "Done.", "content": {"application/json": {"schema": {"type": "object"}}}},
                      "303": {"description": "Done (form posts are redirected to the incident page)."},
                      "400": _json("#/components/schemas/Error", "Invalid input."),
                      "403": _json("#/components/schemas/Error", "Edits disabled or token missing."),
                      "404": _json("#/components/schemas/Error", "Not found."),
                      "501": _json("#/components/schemas/Error", "Corrections not available.")},
    }}


def build_schema() -> dict[str, Any]:
    """The whole OpenAPI 3.0 document."""
    page = "#/components/schemas/Page"
    paths: dict[str, Any] = {
        "/api/incidents": _get("List incidents", "incidents",
                               [*INCIDENT_FILTERS, SORT, WITH_SOURCES, TOTAL, *_paging(50, P.MAX_PAGE)],
                               _json("#/components/schemas/IncidentPage")),
        "/api/incidents.csv": _get("Download incidents (CSV)", "incidents",
                                   [*INCIDENT_FILTERS, SORT, *_paging(P.MAX_EXPORT, P.MAX_EXPORT)],
                                   _download("text/csv", "CSV, one incident per row.")),
        "/api/incidents.geojson": _get("Download incidents (GeoJSON)", "incidents",
                                       [*INCIDENT_FILTERS, SORT, *_paging(10_000, P.MAX_EXPORT)],
                                       {"description": "Located incidents as Point features.", "content": {
                                           "application/geo+json": {"schema": {"$ref": "#/components/schemas/"
                                                                                       "FeatureCollection"}}}}),
        "/api/incidents/{incident_id}": _get("Get incident", "incidents", [_path("incident_id", "Incident id.")],
                                             _json("#/components/schemas/Incident"), not_found=True),
        "/api/incidents/{incident_id}/history": _get(
            "Incident history", "incidents", [_path("incident_id", "Incident id (or one merged into it).")],
            _json("#/components/schemas/Object"), not_found=True),
        "/api/incidents/{incident_id}/undo": _post("Undo the last correction", {}, []),
        "/api/incidents/{incident_id}/merge": _post(
            "Merge incidents", {"other": {"type": "string"}, "note": {"type": "string"}}, ["other"]),
        "/api/incidents/{incident_id}/split": _post(
            "Split incident", {"document": {"type": "string"}}, ["document"]),
        "/api/incidents/{incident_id}/edit": _post(
            "Edit incident", {"field": {"type": "string"}, "value": {}}, ["field", "value"]),
        "/api/timeline": _get("Timeline", "incidents", [*INCIDENT_FILTERS, _q(
            "bucket", "Period length.", {"type": "string", "enum": ["day", "month", "year"], "default": "month"})],
            _json("#/components/schemas/Timeline")),
        "/api/actors": _get("List actors", "actors", [_q("q", "Part of a name or alias.", _STR),
                                                      _q("type", "Actor type.", _STR), *_paging(100, P.MAX_PAGE)],
                            _json(page)),
        "/api/actors.csv": _get("Download actors (CSV)", "actors",
                                [_q("q", "Part of a name or alias.", _STR), _q("type", "Actor type.", _STR),
                                 *_paging(P.MAX_EXPORT, P.MAX_EXPORT)], _download("text/csv", "CSV.")),
        "/api/actors/{actor_id}": _get("Get actor", "actors", [_path("actor_id", "Actor id.")],
                                       _json("#/components/schemas/Object"), not_found=True),
        "/api/relations": _get("List relations", "network", [RELATION, *_paging(100, P.MAX_PAGE)], _json(page)),
        "/api/relations.csv": _get("Download relations (CSV)", "network",
                                   [RELATION, *_paging(P.MAX_EXPORT, P.MAX_EXPORT)], _download("text/csv", "CSV.")),
        "/api/network": _get("Actor network", "network", [RELATION, MIN_WEIGHT], _json("#/components/schemas/Graph")),
        "/api/claims": _get("List causal claims", "claims", _paging(100, P.MAX_PAGE), _json(page)),
        "/api/claims.csv": _get("Download causal claims (CSV)", "claims", _paging(P.MAX_EXPORT, P.MAX_EXPORT),
                                _download("text/csv", "CSV.")),
        "/api/causal-map": _get("Causal map: concepts joined by the claims behind each edge", "claims",
                                 [MIN_WEIGHT, _q("outlet", "Only claims of this outlet.", _STR),
                                  _q("actor", "Only claims naming this actor id.", _STR)],
                                 _json("#/components/schemas/CausalMap")),
        "/api/documents": _get("List documents", "documents",
                               [_q("outlet", "Only this outlet.", _STR), *_paging(100, P.MAX_PAGE)], _json(page)),
        "/api/documents.csv": _get("Download documents (CSV)", "documents",
                                   [_q("outlet", "Only this outlet.", _STR), *_paging(P.MAX_EXPORT, P.MAX_EXPORT)],
                                   _download("text/csv", "CSV.")),
        "/api/documents/{document_id}": _get(
            "Get document", "documents",
            [_path("document_id", "Document id (or name)."), _q("raw", "Include the raw text.", _BOOL)],
            _json("#/components/schemas/Object"), not_found=True),
        "/api/stats": _get("Store statistics", "overview", [], _json("#/components/schemas/Object")),
        "/api/outlets": _get("List outlets", "overview", _paging(100, P.MAX_PAGE), _json(page)),
        "/api/outlets.csv": _get("Download outlets (CSV)", "overview", _paging(P.MAX_EXPORT, P.MAX_EXPORT),
                                 _download("text/csv", "CSV.")),
        "/api/framing": _get("Framing by outlet and actor", "overview",
                             [_q("actor", "Only this actor id.", _STR), *_paging(100, P.MAX_PAGE)], _json(page)),
        "/api/framing.csv": _get("Download framing (CSV)", "overview",
                                 [_q("actor", "Only this actor id.", _STR), *_paging(P.MAX_EXPORT, P.MAX_EXPORT)],
                                 _download("text/csv", "CSV.")),
        "/api/failures": _get("List ingest failures", "overview", _paging(100, P.MAX_PAGE), _json(page)),
        "/api/failures.csv": _get("Download ingest failures (CSV)", "overview", _paging(P.MAX_EXPORT, P.MAX_EXPORT),
                                  _download("text/csv", "CSV.")),
        "/api/openapi.json": _get("OpenAPI schema", "meta", [], _json("#/components/schemas/Object")),
        "/api/docs": _get("API documentation (HTML)", "meta", [], _download("text/html", "This page.")),
    }
    obj = {"type": "object", "additionalProperties": True}
    schemas = {
        "Object": obj,
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}}}},
        "Page": {"type": "object", "required": ["total", "limit", "offset", "count", "items"], "properties": {
            "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"},
            "count": {"type": "integer"}, "items": {"type": "array", "items": obj}}},
        "Incident": {"type": "object", "required": ["id", "event_type", "sub_event_type", "date", "location"],
                     "properties": {
                         "id": {"type": "string"}, "event_type": {"type": "string"},
                         "sub_event_type": {"type": "string"}, "date": obj, "location": obj, "actors": obj,
                         "killed": obj, "injured": obj, "disputed": {"type": "array", "items": {"type": "string"}},
                         "source_count": {"type": "integer"}, "outlets": {"type": "array", "items": {"type": "string"}},
                         "corrected": {"type": "boolean"}, "sources": {"type": "array", "items": obj},
                         "reasons": {"type": "array", "items": {}}}},
        "IncidentPage": {"allOf": [{"$ref": "#/components/schemas/Page"}, {"type": "object", "properties": {
            "total_exact": {"type": "boolean", "description": "false when counting stopped at the cap"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Incident"}}}}]},
        "Graph": {"type": "object", "required": ["nodes", "edges"], "properties": {
            "nodes": {"type": "array", "items": obj}, "edges": {"type": "array", "items": obj}}},
        "CausalMap": {"type": "object", "required": ["nodes", "edges", "outlets", "actors", "stories"], "properties": {
            "nodes": {"type": "array", "items": obj}, "edges": {"type": "array", "items": obj},
            "outlets": {"type": "array", "items": {"type": "string"}}, "actors": {"type": "array", "items": obj},
            "stories": obj}},
        "Timeline": {"type": "object", "required": ["bucket", "items"], "properties": {
            "bucket": {"type": "string"}, "items": {"type": "array", "items": obj}}},
        "FeatureCollection": {"type": "object", "required": ["type", "features"], "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]}, "features": {"type": "array", "items": obj}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "faultlines API", "version": _version(),
                 "description": "Read-only access to incidents, actors, relations, causal claims and documents "
                                "of one faultlines database. Lists page with limit/offset; every list has a CSV "
                                "twin. Corrections need the server started with edits allowed and its token."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("faultlines")
    except Exception:  # not installed as a distribution
        return "0"


def schema_endpoint(request: Request) -> Response:
    return JSONResponse(build_schema())


def docs_endpoint(request: Request) -> Response:
    from faultlines.serve.context import render

    spec = build_schema()
    ops = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            ops.append({"path": path, "method": method.upper(), **op})
    return render(request, "api_docs.html", spec=spec, ops=ops, title="API")
