"""Copies of one wire story under several outlets: recognised by their text, one independent source."""

from __future__ import annotations

import json

from faultlines.ingest.copies import COPY_SIMILARITY, signature, similarity

WIRE = ("MOSUL, Iraq, June 2, 2016 (Agency) - A suicide bomber drove a truck packed with explosives into an army "
        "checkpoint on the southern edge of Mosul on Thursday, killing nine soldiers and wounding fourteen, two "
        "army officers told the agency. The officers, who spoke on condition of anonymity because they were not "
        "authorised to brief reporters, said the attacker approached the checkpoint from a side road before dawn. "
        "The Islamic State group claimed the bombing in a statement posted online, saying one of its fighters had "
        "carried it out. Iraqi forces have been pressing an offensive against the militants around the city for "
        "several weeks, and commanders say such attacks are meant to slow their advance toward the city centre.")
# the same story as a second outlet ran it: a paragraph of its own on top, the last sentence cut
COPY = ("Violence flared again around Mosul this week as the offensive entered its second month. " +
        WIRE.rsplit(" Iraqi forces", 1)[0])
OWN = ("MOSUL, June 2 (Correspondent) - Nine soldiers died when an explosives-laden truck blew up at their post "
       "south of Mosul on Thursday, according to a local army commander reached by telephone, who added that "
       "fourteen more were hurt. He blamed the Islamic State group, which later said it was behind the blast. "
       "Residents of nearby villages said they heard the explosion shortly before sunrise and saw smoke rising over "
       "the checkpoint for hours afterwards, while ambulances drove the wounded toward the city's field hospital.")


def test_a_trimmed_copy_is_close_and_a_report_written_apart_is_not():
    wire, copy, own = signature(WIRE), signature(COPY), signature(OWN)
    assert similarity(wire, copy) >= COPY_SIMILARITY
    assert similarity(wire, own) < 0.2
    assert signature("Too short to tell.") is None


def test_copies_count_once_in_their_incident_and_every_outlet_is_listed(tmp_path, analyzer, extractor):
    from faultlines.config import Settings
    from faultlines.pipeline import Pipeline, ingest
    from faultlines.store import Store, queries

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "wire.txt").write_text(WIRE, encoding="utf-8")
    (folder / "copy.txt").write_text(COPY, encoding="utf-8")
    (folder / "own.txt").write_text(OWN, encoding="utf-8")
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("\n".join(json.dumps(r) for r in [
        {"file": "wire.txt", "outlet": "Agency Wire", "published": "2016-06-02"},
        {"file": "copy.txt", "outlet": "Evening Courier", "published": "2016-06-03"},
        {"file": "own.txt", "outlet": "Northern Post", "published": "2016-06-02"},
    ]), encoding="utf-8")
    settings = Settings(workers=1)
    ingest([folder], str(tmp_path / "c.db"), manifest=manifest, settings=settings,
           pipeline=Pipeline(settings, analyzer=analyzer, extractor=extractor))
    with Store(tmp_path / "c.db") as store:
        names = {r["id"]: r["name"] for r in store.conn.execute("SELECT id, name FROM documents")}
        copy_of = {names[r[0]]: names.get(r[1]) for r in store.conn.execute("SELECT id, copy_of FROM documents")}
        assert copy_of == {"wire.txt": None, "copy.txt": "wire.txt", "own.txt": None}
        incidents = queries.list_incidents(store.conn, limit=10)
        inc = max(incidents, key=lambda i: i["source_count"])
        assert inc["source_count"] == 3 and inc["independent_sources"] == 2
        assert inc["outlets"] == ["Agency Wire", "Evening Courier", "Northern Post"]
        sources = queries.incident_sources(store.conn, inc["id"])
        assert {s["document"]: (s["copy_of"] or {}).get("document") for s in sources} == {
            "wire.txt": None, "copy.txt": "wire.txt", "own.txt": None}
