"""The one CSV writer and the one GeoJSON builder, for the CLI's exports and the web's downloads.

CSV cells are spreadsheet-safe: a text cell a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) gets a leading ``'``; numbers, and text that reads as a number, are kept.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


INCIDENT_COLUMNS = [
    "id", "event_type", "sub_event_type", "date.start", "date.end", "date.precision", "location.name",
    "location.admin1", "location.country_code", "location.lat", "location.lon", "location.geonameid",
    "location.precision", "actors.perpetrators", "actors.targets", "killed.low", "killed.high", "injured.low",
    "injured.high", "disputed", "source_count", "outlets", "corrected",
]


def flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts become dotted columns; lists of scalars are joined with '; ', other lists become JSON."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        elif isinstance(value, list):
            if all(isinstance(v, str | int | float) or v is None for v in value):
                out[name] = "; ".join("" if v is None else str(v) for v in value)
            else:
                out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = value
    return out


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (CSV injection); numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def to_csv(rows: Iterable[dict[str, Any]], columns: list[str] | None = None) -> str:
    """Rows as CSV text: nested values flattened (see ``flatten``), every cell passed through ``safe_cell``.

    ``columns`` fixes the columns (and their order); other keys are added after them when there are rows.
    """
    flat = [flatten(r) for r in rows]
    if columns is None or flat:
        columns = [] if columns is None else list(columns)
        for r in flat:
            columns.extend(k for k in r if k not in columns)
    buf = io.StringIO()
    # RFC 4180 line ends: a cell holding a carriage return is then quoted (with a bare newline it was not)
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for r in flat:
        writer.writerow({k: safe_cell("" if r.get(k) is None else r.get(k)) for k in columns})
    return buf.getvalue()


def incident_feature(inc: dict[str, Any]) -> dict[str, Any] | None:
    """One incident as a GeoJSON Point feature (None when it has no coordinates)."""
    loc = inc.get("location") or {}
    if loc.get("lat") is None or loc.get("lon") is None:
        return None
    props = {
        "id": inc["id"], "event_type": inc["event_type"], "sub_event_type": inc["sub_event_type"],
        "date_start": inc["date"]["start"], "date_end": inc["date"]["end"], "date_precision": inc["date"]["precision"],
        "place": loc.get("name"), "admin1": loc.get("admin1"), "country_code": loc.get("country_code"),
        "location_precision": loc.get("precision"),
        "perpetrators": inc["actors"]["perpetrators"], "targets": inc["actors"]["targets"],
        "killed_low": inc["killed"]["low"], "killed_high": inc["killed"]["high"],
        "injured_low": inc["injured"]["low"], "injured_high": inc["injured"]["high"],
        "source_count": inc["source_count"], "outlets": inc["outlets"], "disputed": inc["disputed"],
        "url": f"/incidents/{inc['id']}",
    }
    return {"type": "Feature", "id": inc["id"], "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]},
            "properties": props}


def incidents_geojson(incidents: Iterable[dict[str, Any]]) -> dict[str, Any]:
    feats = [f for f in (incident_feature(i) for i in incidents) if f is not None]
    return {"type": "FeatureCollection", "features": feats}
