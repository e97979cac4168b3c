"""Partitioned Parquet output for archive-scale runs: the alternative sink to one SQLite file.

``write_parquet_partitions`` writes the results of either engine (``pipeline.extract_batches``) as one Parquet file
per partition of documents; ``resolve_parquet`` then builds incidents from those files. pyarrow is imported
lazily; without it these functions raise ``OptionalDependencyMissing``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from faultlines.config import Settings
from faultlines.errors import OptionalDependencyMissing
from faultlines.model import Document, Event, Extraction, StageFailure


def _participants(ev: Event, role: str) -> tuple[list[str], list[str]]:
    parts = ev.perpetrators if role == "perpetrator" else ev.targets
    ids = list(dict.fromkeys(p.actor.id for p in parts))
    names = list(dict.fromkeys(p.actor.name for p in parts))
    return ids, names


def event_rows(ex: Extraction) -> list[dict[str, Any]]:
    """The events of one extraction as flat rows (the columns of the store's events table, actors as lists)."""
    from faultlines.store.sqlite import event_id

    doc = ex.document
    rows, seen = [], set()
    for seq, ev in enumerate(ex.events):
        eid = event_id(doc.id, ev)
        if eid in seen:
            continue
        seen.add(eid)
        loc = ev.location
        pl = loc.place if loc else None
        perp_ids, perp_names = _participants(ev, "perpetrator")
        targ_ids, targ_names = _participants(ev, "target")
        rows.append({
            "id": eid, "document_id": doc.id, "document": doc.name, "outlet": doc.outlet,
            "published": doc.published.isoformat() if doc.published else None, "seq": seq,
            "event_type": ev.event_type, "sub_event_type": ev.sub_event_type, "trigger": ev.trigger,
            "quote": ev.quote, "start": ev.start, "end": ev.end, "factuality": ev.factuality,
            "salience": float(ev.salience), "date_text": ev.date.text,
            "date_start": ev.date.start.isoformat() if ev.date.start else None,
            "date_end": ev.date.end.isoformat() if ev.date.end else None, "date_precision": ev.date.precision,
            "place_text": loc.text if loc else None, "place_name": pl.name if pl else None,
            "geonameid": pl.geonameid if pl else None, "lat": pl.lat if pl else None, "lon": pl.lon if pl else None,
            "country_code": pl.country_code if pl else None, "admin1": pl.admin1 if pl else None,
            "place_precision": pl.precision if pl else "unknown",
            "killed_low": ev.killed.low, "killed_high": ev.killed.high,
            "injured_low": ev.injured.low, "injured_high": ev.injured.high,
            "perpetrators": perp_ids, "perpetrator_names": perp_names,
            # specific perpetrators and their parent, "id>parent", for perpetrator disputes (resolve.incidents)
            "perpetrator_lines": [">".join(x for x in (p.actor.id, p.actor.part_of) if x) for p in ev.perpetrators
                                  if not p.actor.generic and p.actor.type not in ("civilians", "protesters")],
            "targets": targ_ids, "target_names": targ_names,
            "doc_event": ev.doc_event, "coding": ev.coding or None,
        })
    return rows


def _document_row(doc: Document, status: str, error: str | None = None) -> dict[str, Any]:
    return {"id": doc.id, "name": doc.name, "title": doc.title, "outlet": doc.outlet, "url": doc.url,
            "published": doc.published.isoformat() if doc.published else None, "status": status, "error": error,
            "chars": len(doc.clean_text)}


def _relation_rows(ex: Extraction) -> list[dict[str, Any]]:
    return [{"document_id": ex.document.id, "subject_id": r.subject.id, "relation": r.relation,
             "object_id": r.object.id, "factuality": r.factuality, "quote": r.quote, "start": r.start, "end": r.end}
            for r in ex.relations]


def _claim_rows(ex: Extraction) -> list[dict[str, Any]]:
    return [{"document_id": ex.document.id, "cause": c.cause, "effect": c.effect, "cue": c.cue,
             "score": float(c.score), "quote": c.quote, "start": c.start, "end": c.end, "actors": list(c.actors)}
            for c in ex.claims]


def _import_pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise OptionalDependencyMissing("Parquet output", "parquet") from exc
    return pa, pq


def write_parquet_partitions(results: Iterable[Extraction | StageFailure], out_dir: str | Path, *, docs_per_part: int = 1000,
                             start_part: int = 0) -> dict[str, int]:
    """Write results as ``OUT/{documents,events,relations,claims}/part-NNNNN.parquet``; returns row counts.

    One partition per ``docs_per_part`` documents, written as soon as it is full (memory stays bounded). Each
    file is written to a temporary name and renamed, so a killed run never leaves a half-written partition.
    Pass ``start_part`` to append to an existing directory without overwriting its parts.
    """
    pa, pq = _import_pyarrow()
    out = Path(out_dir)
    tables = ("documents", "events", "relations", "claims")
    for t in tables:
        (out / t).mkdir(parents=True, exist_ok=True)
    buf: dict[str, list[dict[str, Any]]] = {t: [] for t in tables}
    counts = {t: 0 for t in tables}
    part, ndocs = start_part, 0

    def flush() -> None:
        nonlocal part, ndocs
        if not ndocs:
            return
        for t in tables:
            if buf[t]:
                target = out / t / f"part-{part:05d}.parquet"
                tmp = target.with_suffix(".parquet.tmp")
                pq.write_table(pa.Table.from_pylist(buf[t]), tmp)
                tmp.replace(target)
                counts[t] += len(buf[t])
            buf[t] = []
        part, ndocs = part + 1, 0

    for res in results:
        if isinstance(res, Extraction):
            buf["documents"].append(_document_row(res.document, "extracted"))
            buf["events"] += event_rows(res)
            buf["relations"] += _relation_rows(res)
            buf["claims"] += _claim_rows(res)
        else:
            buf["documents"].append(_document_row(res.document, "failed", f"{res.stage}: {res.error}"[:2000]))
        ndocs += 1
        if ndocs >= docs_per_part:
            flush()
    flush()
    return counts


def resolve_parquet(out_dir: str | Path, settings: Settings | None = None) -> int:
    """Resolve incidents over every ``OUT/events`` partition into ``OUT/incidents/part-00000.parquet``."""
    import json
    from datetime import date

    from faultlines.model import EventRecord
    from faultlines.resolve.incidents import codable, resolve

    pa, pq = _import_pyarrow()
    s = settings or Settings()
    out = Path(out_dir)
    records: list[EventRecord] = []
    fields = set(EventRecord.__dataclass_fields__)
    for f in sorted((out / "events").glob("part-*.parquet")):
        for row in pq.read_table(f).to_pylist():
            if row["factuality"] not in ("asserted", "reported"):
                continue
            kw = {k: v for k, v in row.items() if k in fields}
            for k in ("date_start", "date_end"):
                kw[k] = date.fromisoformat(kw[k]) if kw.get(k) else None
            for k in ("perpetrators", "targets", "perpetrator_names", "target_names"):
                kw[k] = tuple(kw.get(k) or ())
            kw["perpetrator_lines"] = tuple(tuple(x.split(">")) for x in kw.get("perpetrator_lines") or ())
            kw["salience"] = kw.get("salience") or 0.0
            record = EventRecord(**kw)
            if codable(record):
                records.append(record)
    records.sort(key=lambda e: e.id)
    rows = resolve(records, threshold=s.merge_threshold, window=s.date_window_days, max_km=s.max_place_km)
    (out / "incidents").mkdir(parents=True, exist_ok=True)
    flat = [{**{k: (json.dumps(v) if k == "reasons" else v) for k, v in r.row().items()}, "event_ids": list(r.event_ids)}
            for r in rows]
    target = out / "incidents" / "part-00000.parquet"
    tmp = target.with_suffix(".parquet.tmp")
    pq.write_table(pa.Table.from_pylist(flat), tmp)
    tmp.replace(target)
    return len(rows)


__all__ = ["event_rows", "resolve_parquet", "write_parquet_partitions"]
