"""The per-document output contract of ``faultlines extract`` (see the README): Extraction -> one JSON record.

Offsets index the input text exactly: for text input the raw text (clean-text offsets are mapped back through the
document's offset map); for HTML input the extracted text, which is then also returned as ``text``.
"""

from __future__ import annotations

from typing import Any

from faultlines.extract.structure import reported_totals, total_source
from faultlines.model import (
    Count,
    Document,
    Event,
    Extraction,
    Participant,
    PlaceMention,
    PropertyTarget,
    TimeExpression,
)


def _span(doc: Document, start: int, end: int) -> tuple[int, int]:
    if doc.source_format == "html":
        return start, end
    return doc.to_raw(start, end)


def _iso(d: Any) -> str | None:
    return d.isoformat() if d is not None else None


def count_dict(c: Count) -> dict[str, Any]:
    return {"low": c.low, "high": c.high, "text": c.text}


def time_dict(t: TimeExpression) -> dict[str, Any]:
    return {"start": _iso(t.start), "end": _iso(t.end), "precision": t.precision, "text": t.text}


def place_dict(doc: Document, m: PlaceMention, *, with_span: bool = True) -> dict[str, Any]:
    p = m.place
    out: dict[str, Any] = {"text": m.text}
    if with_span:
        out["start"], out["end"] = _span(doc, m.start, m.end)
    out.update({"name": p.name, "geonameid": p.geonameid, "lat": p.lat, "lon": p.lon,
                "country_code": p.country_code, "admin1": p.admin1, "feature": p.feature, "precision": p.precision})
    if m.relation:
        out["relation"] = m.relation
        out["distance_km"] = m.distance_km
    return out


def participant_dict(p: Participant) -> dict[str, Any]:
    return {"text": p.text, "actor": p.actor.name, "actor_id": p.actor.id, "actor_type": p.actor.type, "how": p.how}


def property_dict(doc: Document, t: PropertyTarget) -> dict[str, Any]:
    """A thing an event struck, in the shape of a target: no actor, type ``property``."""
    start, end = _span(doc, t.start, t.end)
    return {"text": t.text, "actor": None, "actor_id": None, "actor_type": "property", "how": "stated",
            "start": start, "end": end}


def event_dict(doc: Document, e: Event) -> dict[str, Any]:
    start, end = _span(doc, e.start, e.end)
    return {
        "event_type": e.event_type, "sub_event_type": e.sub_event_type, "trigger": e.trigger,
        "quote": e.quote, "start": start, "end": end, "date": time_dict(e.date),
        "location": place_dict(doc, e.location, with_span=False) if e.location else None,
        "perpetrators": [participant_dict(p) for p in e.perpetrators],
        "targets": [participant_dict(p) for p in e.targets]
        + [property_dict(doc, t) for t in e.property_targets],
        "killed": count_dict(e.killed), "injured": count_dict(e.injured),
        "casualties": count_dict(e.casualties), "abducted": count_dict(e.abducted),
        "arrested": count_dict(e.arrested), "factuality": e.factuality,
        "doc_event": e.doc_event, "coding": e.coding,
    }


def total_dict(doc: Document, e: Event) -> dict[str, Any]:
    """A reported total (a toll over a period or a campaign): figure, period, place and source."""
    start, end = _span(doc, e.start, e.end)
    return {
        "killed": count_dict(e.killed), "injured": count_dict(e.injured), "casualties": count_dict(e.casualties),
        "period": time_dict(e.date), "place": place_dict(doc, e.location, with_span=False) if e.location else None,
        "source": total_source(e.quote), "why": e.coding, "quote": e.quote, "start": start, "end": end,
    }


def extraction_record(record_id: str, ex: Extraction) -> dict[str, Any]:
    doc = ex.document
    an = ex.analysis
    out: dict[str, Any] = {"id": record_id}
    if doc.source_format == "html":
        out["text"] = doc.clean_text
    places = an.places if an else []
    actors = an.actors if an else []
    out["places"] = [place_dict(doc, m) for m in places]
    out["actors"] = []
    for m in actors:
        s, e = _span(doc, m.start, m.end)
        out["actors"].append({"text": m.text, "start": s, "end": e, "actor": m.actor.name, "actor_id": m.actor.id,
                              "actor_type": m.actor.type, "how": m.how})
    out["events"] = [event_dict(doc, e) for e in ex.events if e.is_event]
    out["mentions"] = [event_dict(doc, e) for e in ex.events if not e.is_event]  # non-factual, kept for review
    out["totals"] = [total_dict(doc, e) for e in reported_totals(ex.events)]
    out["relations"] = []
    for r in ex.relations:
        s, e = _span(doc, r.start, r.end)
        out["relations"].append({"subject": r.subject.name, "subject_id": r.subject.id, "relation": r.relation,
                                 "object": r.object.name, "object_id": r.object.id, "quote": r.quote,
                                 "start": s, "end": e})
    out["claims"] = []
    for c in ex.claims:
        s, e = _span(doc, c.start, c.end)
        out["claims"].append({"cause": c.cause, "effect": c.effect, "quote": c.quote, "start": s, "end": e,
                              "cue": c.cue, "score": c.score})
    return out


def empty_record(record_id: str, error: str, text: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": record_id, "places": [], "actors": [], "events": [], "relations": [], "claims": [],
                           "totals": [], "error": error}
    if text is not None:
        out["text"] = text
    return out
