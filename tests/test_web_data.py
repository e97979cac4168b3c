"""A small hand-made database for the web and API tests (our own sentences), plus a check of the builder itself."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from faultlines.ingest.documents import make_document
from faultlines.model import (
    Actor,
    ActorMention,
    Analysis,
    Claim,
    Count,
    Event,
    Extraction,
    FramingMention,
    Incident,
    Participant,
    Place,
    PlaceMention,
    Relation,
    TimeExpression,
)
from faultlines.store.sqlite import Store
from tests.factories import incident

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"

ISIS = Actor("isis", "Islamic State", "Rebel group", aliases=("IS", "Daesh"))
ARMY = Actor("iraq-army", "Iraqi Army", "State forces", country="IQ", part_of="iraq")
IRAQ = Actor("iraq", "Government of Iraq", "state", country="IQ")
IRAN = Actor("iran", "Iran", "state", country="IR")
PMF = Actor("pmf", "Popular Mobilization Forces", "Political militia", country="IQ", aliases=("Hashd",))
COALITION = Actor("coalition", "US-led coalition", "coalition")
CIVILIANS = Actor("civilians", "Civilians", "Civilians", generic=True)
XSS_ACTOR = Actor("xss-brigade", f"{XSS_SCRIPT} Brigade", "Rebel group", known=False)

BAGHDAD = Place(98182, "Baghdad", 33.34, 44.40, "IQ", admin1="Baghdad", precision="city")
RAQQA = Place(163915, "Raqqa", 35.95, 39.01, "SY", admin1="Raqqa", precision="city")
MOSUL = Place(99072, "Mosul", 36.34, 43.13, "IQ", admin1="Nineveh", precision="city")

TEXT_A = ("A car bomb went off at a busy market in Baghdad on Tuesday, killing 12 people.\n\n"
          "Police blamed Islamic State for the blast. The Iraqi Army fights Islamic State near Mosul.\n\n"
          "Officials said the bombing led to new checkpoints across the capital.")
TEXT_B = ("At least 15 shoppers died when a bomb tore through a Baghdad market on Tuesday.\n\n"
          "Islamic State militants claimed the attack. Iran supports the Popular Mobilization Forces.")
TEXT_C = "Coalition warplanes struck Raqqa on Friday, killing 4 civilians, residents said."
TEXT_X = (f"Fighters of the {XSS_SCRIPT} Brigade raided a village near Mosul on Monday, killing 3 guards.\n\n"
          f"A caption read {XSS_IMG} and nothing else.")


def _at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def _sentence(text: str, needle: str) -> tuple[int, int, str]:
    s, e = _at(text, needle)
    start = max(text.rfind(". ", 0, s) + 2 if text.rfind(". ", 0, s) >= 0 else 0, text.rfind("\n", 0, s) + 1)
    end = text.find(".", e) + 1
    return start, end, text[start:end]


def _day(d: date, text: str, full: str) -> TimeExpression:
    s, e = _at(full, text)
    return TimeExpression(text, s, e, d, d, "day")


def _event(text: str, needle: str, typ: str, sub: str, *, when: TimeExpression, place: Place, place_text: str,
           perps: tuple[Actor, ...] = (), targets: tuple[Actor, ...] = (), killed: tuple[int | None, int | None] =
           (None, None), killed_text: str | None = None) -> Event:
    s, e, quote = _sentence(text, needle)
    ps, pe = _at(text, place_text)
    return Event(
        event_type=typ, sub_event_type=sub, quote=quote, start=s, end=e, trigger=needle, date=when,
        location=PlaceMention(place_text, ps, pe, place),
        perpetrators=tuple(Participant(a.name, a) for a in perps),
        targets=tuple(Participant(a.name, a) for a in targets),
        killed=Count(killed[0], killed[1], killed_text),
    )


def _mentions(doc_text: str, pairs: list[tuple[str, Actor]]) -> list[ActorMention]:
    out = []
    for label, actor in pairs:
        s, e = _at(doc_text, label)
        out.append(ActorMention(label, s, e, actor))
    return out


def _save(store: Store, ex: Extraction) -> list[str]:
    """save_extraction; claims go in by hand when the claims module is not importable yet."""
    try:
        return store.save_extraction(ex)
    except ImportError:
        claims, ex.claims = ex.claims, []
        ids = store.save_extraction(ex)
        with store.transaction() as c:
            for cl in claims:
                c.execute("INSERT INTO claims (document_id, cause, effect, cue, score, cause_concept, effect_concept, "
                          "actors, quote, start, end) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                          (ex.document.id, cl.cause, cl.effect, cl.cue, cl.score, cl.cause, cl.effect, "[]",
                           cl.quote, cl.start, cl.end))
        return ids


def _incident(iid: str, ev_ids: list[str], **fields: Any) -> Incident:
    return incident(iid, ev_ids, **fields)


def build_db(path: str | Path, *, xss: bool = True) -> dict[str, Any]:
    """Write the fixture database at ``path``; returns the ids the tests need."""
    store = Store(path)
    tue = date(2016, 3, 8)
    doc_a = make_document(raw_text=TEXT_A, name="tigris/market.txt", published=date(2016, 3, 9),
                          title="Market bombing in Baghdad", outlet="Tigris Daily")
    doc_b = make_document(raw_text=TEXT_B, name="euphrates/market.txt", published=date(2016, 3, 9),
                          title="Baghdad market blast", outlet="Euphrates Wire")
    doc_c = make_document(raw_text=TEXT_C, name="levant/raqqa.txt", published=date(2017, 7, 1),
                          title="Strikes on Raqqa", outlet="Levant Post")
    ids: dict[str, Any] = {"documents": {}, "events": {}}
    # document A
    ev_a = _event(TEXT_A, "car bomb went off", "Explosions/Remote violence", "Remote explosive/landmine/IED",
                  when=_day(tue, "Tuesday", TEXT_A), place=BAGHDAD, place_text="Baghdad", perps=(ISIS,),
                  targets=(CIVILIANS,), killed=(12, 12), killed_text="killing 12 people")
    rs, re_, rq = _sentence(TEXT_A, "The Iraqi Army fights")
    rel_a = Relation(ARMY, "fights", ISIS, rq, rs, re_, trigger="fights", subject_text="The Iraqi Army",
                     object_text="Islamic State")
    cs, ce, cq = _sentence(TEXT_A, "Officials said")
    claim_a = Claim("the bombing", "new checkpoints across the capital", cq, cs, ce, cue="led to")
    an_a = Analysis(doc_a, None, actors=_mentions(TEXT_A, [("Islamic State", ISIS), ("Iraqi Army", ARMY)]),
                    places=[PlaceMention("Baghdad", *_at(TEXT_A, "Baghdad"), BAGHDAD),
                            PlaceMention("Mosul", *_at(TEXT_A, "Mosul"), MOSUL)],
                    times=[_day(tue, "Tuesday", TEXT_A)])
    fr_a = FramingMention(ISIS, "Islamic State", *_sentence(TEXT_A, "Police blamed")[:2], ("blamed",), -0.5)
    store.add_document(doc_a)
    ids["events"]["a"] = _save(store, Extraction(doc_a, [ev_a], [rel_a], [claim_a], [fr_a], an_a))
    # document B
    ev_b = _event(TEXT_B, "a bomb tore through", "Explosions/Remote violence", "Remote explosive/landmine/IED",
                  when=_day(tue, "Tuesday", TEXT_B), place=BAGHDAD, place_text="Baghdad", perps=(ISIS,),
                  targets=(CIVILIANS,), killed=(15, None), killed_text="At least 15 shoppers died")
    rs, re_, rq = _sentence(TEXT_B, "Iran supports")
    rel_b = Relation(IRAN, "supports", PMF, rq, rs, re_, trigger="supports", subject_text="Iran",
                     object_text="the Popular Mobilization Forces")
    an_b = Analysis(doc_b, None, actors=_mentions(TEXT_B, [("Islamic State militants", ISIS), ("Iran", IRAN),
                                                           ("Popular Mobilization Forces", PMF)]),
                    places=[PlaceMention("Baghdad", *_at(TEXT_B, "Baghdad"), BAGHDAD)],
                    times=[_day(tue, "Tuesday", TEXT_B)])
    fr_b = FramingMention(ISIS, "Islamic State militants", *_sentence(TEXT_B, "Islamic State militants")[:2],
                          ("militants",), -0.3)
    store.add_document(doc_b)
    ids["events"]["b"] = _save(store, Extraction(doc_b, [ev_b], [rel_b], [], [fr_b], an_b))
    # document C
    fri = date(2017, 6, 30)
    ev_c = _event(TEXT_C, "struck Raqqa", "Explosions/Remote violence", "Air/drone strike",
                  when=_day(fri, "Friday", TEXT_C), place=RAQQA, place_text="Raqqa", perps=(COALITION,),
                  targets=(CIVILIANS,), killed=(4, 4), killed_text="killing 4 civilians")
    an_c = Analysis(doc_c, None, actors=_mentions(TEXT_C, [("Coalition", COALITION), ("civilians", CIVILIANS)]),
                    places=[PlaceMention("Raqqa", *_at(TEXT_C, "Raqqa"), RAQQA)], times=[_day(fri, "Friday", TEXT_C)])
    store.add_document(doc_c)
    ids["events"]["c"] = _save(store, Extraction(doc_c, [ev_c], [], [], [], an_c))
    with store.transaction() as c:
        store.upsert_actors([IRAQ], c)
    incidents = [
        _incident("inc-baghdad-market", ids["events"]["a"] + ids["events"]["b"],
                  event_type="Explosions/Remote violence", sub_event_type="Remote explosive/landmine/IED",
                  date_start="2016-03-08", date_end="2016-03-08", place_name="Baghdad", admin1="Baghdad",
                  country_code="IQ", lat=33.34, lon=44.40, geonameid=98182, killed_low=12, killed_high=15,
                  perpetrators=["Islamic State"], targets=["Civilians"], disputed=["killed"], source_count=2,
                  outlets=["Tigris Daily", "Euphrates Wire"],
                  reasons=[{"event": ids["events"]["b"][0], "score": 0.82, "why": "same day, same city, same type"}]),
        _incident("inc-raqqa-strike", ids["events"]["c"], event_type="Explosions/Remote violence",
                  sub_event_type="Air/drone strike", date_start="2017-06-30", date_end="2017-06-30",
                  place_name="Raqqa", admin1="Raqqa", country_code="SY", lat=35.95, lon=39.01, geonameid=163915,
                  killed_low=4, killed_high=4, perpetrators=["US-led coalition"], targets=["Civilians"],
                  source_count=1, outlets=["Levant Post"]),
    ]
    ids["documents"] = {"a": doc_a.id, "b": doc_b.id, "c": doc_c.id}
    if xss:
        doc_x = make_document(raw_text=TEXT_X, name=f"x/{XSS_IMG}.txt", published=date(2018, 1, 15),
                              title=XSS_SCRIPT, outlet=XSS_IMG, author=XSS_SCRIPT)
        ev_x = _event(TEXT_X, "raided a village", "Violence against civilians", "Attack",
                      when=_day(date(2018, 1, 15), "Monday", TEXT_X), place=MOSUL, place_text="Mosul",
                      perps=(XSS_ACTOR,), killed=(3, 3), killed_text="killing 3 guards")
        an_x = Analysis(doc_x, None, actors=_mentions(TEXT_X, [(f"{XSS_SCRIPT} Brigade", XSS_ACTOR)]),
                        places=[PlaceMention("Mosul", *_at(TEXT_X, "Mosul"), MOSUL)])
        s, e, q = _sentence(TEXT_X, "A caption read")
        claim_x = Claim(XSS_SCRIPT, XSS_IMG, q, s, e, cue="read")
        rel_x = Relation(XSS_ACTOR, "fights", ARMY, q, s, e, trigger="fights")
        fr_x = FramingMention(XSS_ACTOR, XSS_IMG, s, e, (XSS_SCRIPT,), -1.0)
        store.add_document(doc_x)
        ids["events"]["x"] = _save(store, Extraction(doc_x, [ev_x], [rel_x], [claim_x], [fr_x], an_x))
        ids["documents"]["x"] = doc_x.id
        incidents.append(_incident(
            "inc-xss", ids["events"]["x"], event_type="Violence against civilians", sub_event_type="Attack",
            date_start="2018-01-15", date_end="2018-01-15", place_name=XSS_IMG, admin1=XSS_SCRIPT, country_code="IQ",
            lat=36.34, lon=43.13, killed_low=3, killed_high=3, perpetrators=[XSS_ACTOR.name], targets=[XSS_IMG],
            disputed=[XSS_SCRIPT], source_count=1, outlets=[XSS_IMG],
            reasons=[{"why": XSS_SCRIPT, XSS_IMG: [XSS_SCRIPT]}]))
    store.replace_incidents([], incidents)
    store.close()
    ids["incidents"] = [i.id for i in incidents]
    return ids


def build_empty(path: str | Path) -> None:
    Store(path).close()


def test_fixture_database_has_what_the_web_tests_rely_on(tmp_path):
    ids = build_db(tmp_path / "w.db")
    store = Store(tmp_path / "w.db", readonly=True)
    c = store.conn
    assert c.execute("SELECT count(*) FROM documents").fetchone()[0] == 4
    assert c.execute("SELECT count(*) FROM incidents").fetchone()[0] == 3
    linked = c.execute("SELECT count(*) FROM events WHERE incident_id = 'inc-baghdad-market'").fetchone()[0]
    assert linked == 2 and len(ids["events"]["a"]) == 1
    assert c.execute("SELECT count(*) FROM claims").fetchone()[0] == 2
    store.close()
