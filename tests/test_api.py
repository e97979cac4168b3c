"""The JSON API in-process (no server): shapes, filters, paging, sorting, downloads and the OpenAPI schema."""

from __future__ import annotations

import csv
import io
import re

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient
from test_web_data import build_db, build_empty

from faultlines.serve.app import create_app
from faultlines.serve.formats import to_csv


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("api") / "api.db"
    ids = build_db(path)
    return str(path), ids


@pytest.fixture(scope="module")
def client(db):
    return TestClient(create_app(db[0]))


@pytest.fixture(scope="module")
def ids(db):
    return db[1]


def _ids(resp) -> list[str]:
    assert resp.status_code == 200, resp.text
    return [i["id"] for i in resp.json()["items"]]


def _concrete(path: str, ids: dict) -> str:
    return (path.replace("{incident_id}", "inc-baghdad-market").replace("{actor_id}", "isis")
            .replace("{document_id}", ids["documents"]["a"]))


def test_incident_list_shape_and_total(client):
    body = client.get("/api/incidents").json()
    assert body["total"] == 3 and body["count"] == 3 and body["limit"] == 50 and body["offset"] == 0
    inc = next(i for i in body["items"] if i["id"] == "inc-baghdad-market")
    assert inc["date"] == {"start": "2016-03-08", "end": "2016-03-08", "precision": "day"}
    assert inc["location"]["country_code"] == "IQ" and inc["location"]["lat"] == pytest.approx(33.34)
    assert inc["killed"] == {"low": 12, "high": 15}
    assert inc["disputed"] == ["killed"] and inc["source_count"] == 2
    assert "sources" not in inc


@pytest.mark.parametrize(("query", "expected"), [
    ("event_type=Air/drone strike", ["inc-raqqa-strike"]),
    ("event_type=Violence against civilians", ["inc-xss"]),
    ("country=sy", ["inc-raqqa-strike"]),
    ("date_from=2017-01-01", ["inc-raqqa-strike", "inc-xss"]),
    ("date_to=2016-12-31", ["inc-baghdad-market"]),
    ("date_from=2016-03-01&date_to=2017-06-30", ["inc-baghdad-market", "inc-raqqa-strike"]),
    ("actor=isis", ["inc-baghdad-market"]),
    ("actor=coalition", ["inc-raqqa-strike"]),
    ("actor=Islamic", ["inc-baghdad-market"]),
    ("place=Raqq", ["inc-raqqa-strike"]),
    ("outlet=Euphrates Wire", ["inc-baghdad-market"]),
    ("outlet=Nobody", []),
    ("disputed=true", ["inc-baghdad-market", "inc-xss"]),
    ("disputed=false", ["inc-baghdad-market", "inc-raqqa-strike", "inc-xss"]),
])
def test_incident_filters(client, query, expected):
    resp = client.get("/api/incidents?" + query)
    assert sorted(_ids(resp)) == expected
    assert resp.json()["total"] == len(expected)


def test_incident_paging_and_sorting(client):
    by_date = _ids(client.get("/api/incidents?sort=date"))
    assert by_date == ["inc-baghdad-market", "inc-raqqa-strike", "inc-xss"]
    assert _ids(client.get("/api/incidents?sort=-date")) == by_date[::-1]
    assert _ids(client.get("/api/incidents?sort=-killed")) == ["inc-baghdad-market", "inc-raqqa-strike", "inc-xss"]
    assert _ids(client.get("/api/incidents?sort=-sources"))[0] == "inc-baghdad-market"
    page = client.get("/api/incidents?sort=date&limit=1&offset=1").json()
    assert [i["id"] for i in page["items"]] == ["inc-raqqa-strike"] and page["total"] == 3
    assert client.get("/api/incidents?offset=10").json()["items"] == []
    assert client.get("/api/incidents?total=false").json()["total"] == -1


def test_totals_are_capped_on_huge_stores(client, monkeypatch):
    from faultlines.serve import api

    monkeypatch.setattr(api, "COUNT_CAP", 2)
    body = client.get("/api/incidents?limit=1").json()
    assert body["total"] == 2 and body["total_exact"] is False
    assert client.get("/api/incidents?country=SY").json()["total_exact"] is True


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "limit=-1", "offset=-1", "limit=ten", "sort=name",
                                   "sort=date;DROP TABLE incidents", "date_from=yesterday", "country=IRQ",
                                   "disputed=maybe", "date_from=2018-01-01&date_to=2017-01-01"])
def test_bad_parameters_are_400_with_a_message(client, query):
    resp = client.get("/api/incidents?" + query)
    assert resp.status_code == 400
    assert resp.json()["error"]["message"]


def test_incident_detail_with_sources_side_by_side(client, ids):
    inc = client.get("/api/incidents/inc-baghdad-market").json()
    assert {s["outlet"] for s in inc["sources"]} == {"Tigris Daily", "Euphrates Wire"}
    killed = {s["outlet"]: s["killed"]["low"] for s in inc["sources"]}
    assert killed == {"Tigris Daily": 12, "Euphrates Wire": 15}
    assert inc["reasons"][0]["event"] == ids["events"]["b"][0]
    assert client.get("/api/incidents/no-such").status_code == 404
    with_src = client.get("/api/incidents?with_sources=1&sort=date&limit=1").json()["items"][0]
    assert len(with_src["sources"]) == 2


def test_incidents_csv_parses_and_matches_the_list(client):
    resp = client.get("/api/incidents.csv?sort=date")
    assert resp.headers["content-type"].startswith("text/csv")
    assert "attachment" in resp.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert [r["id"] for r in rows] == ["inc-baghdad-market", "inc-raqqa-strike", "inc-xss"]
    assert rows[0]["killed.low"] == "12" and rows[0]["location.name"] == "Baghdad"
    assert rows[0]["outlets"] == "Euphrates Wire; Tigris Daily"  # sorted, as the resolver writes them
    only = list(csv.DictReader(io.StringIO(client.get("/api/incidents.csv?country=SY").text)))
    assert [r["id"] for r in only] == ["inc-raqqa-strike"]


def test_incidents_geojson(client):
    resp = client.get("/api/incidents.geojson")
    assert resp.headers["content-type"].startswith("application/geo+json")
    fc = resp.json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 3
    raqqa = next(f for f in fc["features"] if f["id"] == "inc-raqqa-strike")
    assert raqqa["geometry"] == {"type": "Point", "coordinates": [39.01, 35.95]}
    assert raqqa["properties"]["url"] == "/incidents/inc-raqqa-strike"
    assert len(client.get("/api/incidents.geojson?country=IQ").json()["features"]) == 2


def test_every_list_has_a_csv_twin_that_parses(client):
    for name, expected in [("actors", 8), ("relations", 3), ("claims", 2), ("documents", 4), ("outlets", 4),
                           ("framing", 3), ("failures", 0)]:
        listed = client.get(f"/api/{name}").json()
        assert listed["total"] == expected, name
        rows = list(csv.DictReader(io.StringIO(client.get(f"/api/{name}.csv").text)))
        assert len(rows) == expected, name


def test_csv_cells_cannot_become_spreadsheet_formulas():
    text = to_csv([{"a": "=HYPERLINK(\"x\")", "b": "-12", "c": "+cmd", "d": "@SUM(A1)", "e": "plain"}])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row == {"a": "'=HYPERLINK(\"x\")", "b": "-12", "c": "'+cmd", "d": "'@SUM(A1)", "e": "plain"}


def test_actors(client):
    found = client.get("/api/actors?q=Daesh").json()
    assert [a["id"] for a in found["items"]] == ["isis"] and found["total"] == 1
    assert client.get("/api/actors?type=state").json()["total"] == 2
    isis = client.get("/api/actors/isis").json()
    assert "Daesh" in isis["aliases"]
    assert [r["subject_id"] for r in isis["relations"]] == ["iraq-army"]
    assert [i["id"] for i in isis["incidents"]] == ["inc-baghdad-market"]
    assert {r["outlet"] for r in isis["labels_by_outlet"]} == {"Tigris Daily", "Euphrates Wire"}
    assert {f["outlet"] for f in isis["framing"]} == {"Tigris Daily", "Euphrates Wire"}
    assert client.get("/api/actors/nobody").status_code == 404


def test_relations_and_network(client):
    rels = client.get("/api/relations?relation=supports").json()
    assert [(r["subject_id"], r["object_id"], r["weight"]) for r in rels["items"]] == [("iran", "pmf", 1)]
    net = client.get("/api/network").json()
    node_ids = {n["id"] for n in net["nodes"]}
    assert len(net["edges"]) == 3
    assert all(e["source"] in node_ids and e["target"] in node_ids for e in net["edges"])
    assert {"isis", "iraq-army", "iran", "pmf"} <= node_ids
    assert client.get("/api/network?min_weight=2").json() == {"nodes": [], "edges": []}
    assert client.get("/api/network?relation=friends").status_code == 400


def test_claims_and_causal_map(client):
    claims = client.get("/api/claims").json()["items"]
    assert {c["cue"] for c in claims} == {"led to", "read"}
    cmap = client.get("/api/causal-map").json()
    assert len(cmap["edges"]) == 2
    node_ids = {n["id"] for n in cmap["nodes"]}
    assert all(e["source"] in node_ids and e["target"] in node_ids and e["weight"] == 1 for e in cmap["edges"])


def test_documents(client, ids):
    docs = client.get("/api/documents?outlet=Tigris Daily").json()
    assert [d["id"] for d in docs["items"]] == [ids["documents"]["a"]] and docs["total"] == 1
    doc = client.get(f"/api/documents/{ids['documents']['a']}").json()
    assert "raw_text" not in doc and doc["clean_text"].startswith("A car bomb")
    assert {m["kind"] for m in doc["mentions"]} == {"actor", "place", "time"}
    assert doc["events"][0]["incident_id"] == "inc-baghdad-market"
    assert "raw_text" in client.get(f"/api/documents/{ids['documents']['a']}?raw=1").json()
    assert client.get("/api/documents/0000").status_code == 404


def test_stats_outlets_framing_timeline(client):
    st = client.get("/api/stats").json()
    assert st["incidents"] == 3 and st["documents"] == 4 and st["multi_source_incidents"] == 1
    outlets = {o["outlet"]: o for o in client.get("/api/outlets").json()["items"]}
    assert outlets["Tigris Daily"]["incidents"] == 1
    framing = client.get("/api/framing?actor=isis").json()["items"]
    assert {f["outlet"]: f["tone"] for f in framing} == {"Euphrates Wire": -0.3, "Tigris Daily": -0.5}
    years = client.get("/api/timeline?bucket=year").json()
    assert [(i["period"], i["count"]) for i in years["items"]] == [("2016", 1), ("2017", 1), ("2018", 1)]
    months = client.get("/api/timeline?country=IQ").json()
    assert [i["period"] for i in months["items"]] == ["2016-03", "2018-01"]


# ---------------------------------------------------------------------------------------------------- OpenAPI
def _resolve(spec: dict, ref: str) -> dict:
    node = spec
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        return ([node["$ref"]] if "$ref" in node else []) + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_openapi_schema_is_valid(client):
    spec = client.get("/api/openapi.json").json()
    try:
        from openapi_spec_validator import validate
    except ImportError:
        validate = None
    if validate is not None:
        validate(spec)
    assert re.match(r"^3\.\d+\.\d+$", spec["openapi"])
    assert spec["info"]["title"] and spec["info"]["version"]
    for ref in _refs(spec):
        assert _resolve(spec, ref), ref
    for path, item in spec["paths"].items():
        assert path.startswith("/api/")
        for method, op in item.items():
            assert method in {"get", "post"} and op["responses"] and op["operationId"]
            declared = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), path
    op_ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(op_ids) == len(set(op_ids))


def test_openapi_lists_every_api_route(client):
    spec = client.get("/api/openapi.json").json()
    routes = {(r.path, m.lower()) for r in client.app.routes if isinstance(r, Route) and r.path.startswith("/api/")
              for m in (r.methods or ()) if m != "HEAD"}
    documented = {(p, m) for p, item in spec["paths"].items() for m in item}
    assert routes == documented


def test_every_documented_get_answers(client, ids):
    spec = client.get("/api/openapi.json").json()
    for path, item in spec["paths"].items():
        if "get" not in item:
            continue
        resp = client.get(_concrete(path, ids))
        assert resp.status_code == 200, path
        media = next(iter(item["get"]["responses"]["200"]["content"]))
        assert resp.headers["content-type"].split(";")[0] == media, path
        if media.endswith("json"):
            schema = item["get"]["responses"]["200"]["content"][media]["schema"]
            target = _resolve(spec, schema["$ref"]) if "$ref" in schema else schema
            for key in target.get("required", []):
                assert key in resp.json(), (path, key)


def test_docs_page_lists_every_path(client):
    html = client.get("/api/docs").text
    spec = client.get("/api/openapi.json").json()
    for path in spec["paths"]:
        assert f"<code>{path}</code>" in html


def test_everything_answers_on_an_empty_database(tmp_path):
    build_empty(tmp_path / "empty.db")
    client = TestClient(create_app(str(tmp_path / "empty.db")))
    spec = client.get("/api/openapi.json").json()
    for path, item in spec["paths"].items():
        if "get" in item and "{" not in path:
            assert client.get(path).status_code == 200, path
    assert client.get("/api/incidents").json() == {"total": 0, "limit": 50, "offset": 0, "count": 0, "items": [],
                                                   "total_exact": True}
    header = client.get("/api/incidents.csv").text.splitlines()[0]
    assert header.startswith("id,event_type,sub_event_type,date.start")


def test_readers_see_rows_written_after_start(tmp_path):
    """The app reads through its own read-only connections while another process-like writer adds rows (WAL)."""
    from faultlines.ingest.documents import make_document
    from faultlines.store.sqlite import Store

    build_empty(tmp_path / "live.db")
    client = TestClient(create_app(str(tmp_path / "live.db")))
    assert client.get("/api/stats").json()["documents"] == 0
    writer = Store(tmp_path / "live.db")
    writer.add_document(make_document(raw_text="Shelling hit a town near Hama on Monday.", name="late.txt"))
    assert client.get("/api/stats").json()["documents"] == 1
    writer.close()


def test_missing_database_is_a_clear_error(tmp_path):
    from faultlines.errors import StoreError

    with pytest.raises(StoreError, match="no database"):
        create_app(str(tmp_path / "absent.db"))
