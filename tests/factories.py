"""Hand-built documents and extractions for store/resolve/export/web tests (no NLP needed)."""

from __future__ import annotations

from datetime import date
from typing import Any

from faultlines.ingest.documents import make_document
from faultlines.model import (
    Actor,
    Claim,
    Count,
    Event,
    Extraction,
    FramingMention,
    Incident,
    IncidentSource,
    Participant,
    Place,
    PlaceMention,
    Relation,
    TimeExpression,
)

NO_COUNT = Count()
ISIS = Actor("isis", "Islamic State", "rebel group", "IQ", ("ISIS", "ISIL", "Daesh"))
MILITIA = Actor("shia-militias", "Shia militias", "identity militia", "IQ", ("Shia militias",))
CIVILIANS = Actor("civilians", "Civilians", "civilians", generic=True)
IRAN = Actor("iran", "Iran", "state", "IR", ("Tehran",))
BAQUBA = Place(98854, "Baqubah", 33.7466, 44.6437, "IQ", "Diyala", None, "PPLA", 150000, "city")
DIYALA = Place(94787, "Diyala", 33.9, 45.0, "IQ", "Diyala", None, "ADM1", 0, "admin1")
MOSUL = Place(99072, "Mosul", 36.335, 43.119, "IQ", "Nineveh", None, "PPLA", 1700000, "city")


def report(name: str, text: str, *, published: date = date(2014, 8, 24), outlet: str = "Test Wire",
           place: Place = BAQUBA, when: date | None = date(2014, 8, 22), killed: Count = NO_COUNT,
           sub: str = "Attack", typ: str = "Violence against civilians", perp: Actor = MILITIA,
           target: Actor = CIVILIANS, factuality: str = "asserted") -> Extraction:
    """A one-event report whose sentence is the whole text."""
    doc = make_document(raw_text=text, name=name, published=published, outlet=outlet)
    time = TimeExpression("Friday", 0, 6, when, when, "day") if when else TimeExpression.unknown()
    event = Event(
        event_type=typ, sub_event_type=sub, quote=text, start=0, end=len(text), trigger="attacked", date=time,
        location=PlaceMention(place.name, 0, len(place.name), place), perpetrators=(Participant("gunmen", perp),),
        targets=(Participant("worshippers", target),), killed=killed, factuality=factuality, salience=1.0)
    rel = Relation(IRAN, "supports", perp, text, 0, len(text), trigger="backs")
    claim = Claim("the raid", "more anger", text, 0, len(text), cue="led to")
    framing = FramingMention(perp, "militia", 0, len(text), ("death squads",), -0.5)
    return Extraction(document=doc, events=[event], relations=[rel], claims=[claim], framing=[framing])


def incident(iid: str, event_ids: list[str] | tuple[str, ...] = (), *, source_count: int = 1,
             outlets: list[str] | tuple[str, ...] = (), **row: Any) -> Incident:
    """A stored incident written by hand: ``row`` holds incidents-table columns (ISO dates, lists), as a test reads
    them back; there are ``source_count`` sources (at least one per outlet), the first holding ``event_ids``."""
    n = max(source_count, len(outlets), 1)
    sources = tuple(IncidentSource(f"{iid}-doc{k}", f"{iid}-doc{k}", outlets[k] if k < len(outlets) else None,
                                   tuple(event_ids) if k == 0 else ()) for k in range(n))
    for key in ("date_start", "date_end"):
        if isinstance(row.get(key), str):
            row[key] = date.fromisoformat(row[key])
    for key in ("perpetrators", "targets", "disputed", "reasons"):
        row[key] = tuple(row.get(key) or ())
    row["corrected"] = bool(row.get("corrected"))
    values: dict[str, Any] = {
        "event_type": "Battles", "sub_event_type": "Armed clash", "date_start": None, "date_end": None,
        "date_precision": "day", "place_name": None, "admin1": None, "country_code": None, "lat": None, "lon": None,
        "geonameid": None, "place_precision": "city", "killed_low": None, "killed_high": None, "injured_low": None,
        "injured_high": None, **row}
    return Incident(id=iid, sources=sources, **values)
