"""The PostgreSQL store against a real server on loopback: same schema, same queries, same results as SQLite."""

from __future__ import annotations

import json
from datetime import date

import pytest

from faultlines.resolve import resolve_all, resolve_new
from faultlines.resolve.corrections import merge_incidents, split_incident
from faultlines.store import Store, queries, resolution
from faultlines.store.postgres import translate
from tests.pg_server import postgres_server, why_unavailable
from tests.test_store import _reports

REASON = why_unavailable()


def test_translation_of_the_sqlite_dialect():
    sql, ret = translate("INSERT OR IGNORE INTO documents (id, name) VALUES (?, ?)")
    assert sql == "INSERT INTO documents (id, name) VALUES (%s, %s) ON CONFLICT DO NOTHING" and not ret
    sql, ret = translate("INSERT INTO corrections (kind) VALUES (?)")
    assert sql.endswith("RETURNING id") and ret
    sql, _ = translate("INSERT OR REPLACE INTO incidents (id, event_type) VALUES (?, ?)")
    assert "ON CONFLICT (id) DO UPDATE SET event_type = EXCLUDED.event_type" in sql
    sql, _ = translate("INSERT OR REPLACE INTO watch_items (url, status) VALUES (?, ?)")
    assert sql.endswith("ON CONFLICT (url) DO UPDATE SET status = EXCLUDED.status")
    assert translate("SELECT e.start, e.end, e.date_end FROM events e WHERE name LIKE ?")[0] == (
        'SELECT e.start, e."end", e.date_end FROM events e WHERE name ILIKE %s')


@pytest.fixture(scope="module")
def pg_dsn():
    if REASON:
        pytest.skip(REASON)
    with postgres_server() as dsn:
        yield dsn


def _snapshot(store: Store) -> dict:
    incs = queries.list_incidents(store.conn, with_sources=True)
    return {
        "incidents": sorted((tuple(sorted(s["document"] for s in i["sources"])), i["killed"]["low"],
                             i["killed"]["high"], tuple(i["disputed"])) for i in incs),
        "stats": {k: v for k, v in queries.stats(store.conn).items() if k not in ("by_event_type",)},
        "actors": sorted(a["id"] for a in queries.list_actors(store.conn)),
        "relations": sorted((r["subject_id"], r["relation"], r["object_id"], r["weight"])
                            for r in queries.list_relations(store.conn)),
    }


def _fill(store: Store) -> None:
    for ex in _reports():
        store.add_document(ex.document)
        replaced = resolution.incidents_of_document(store.conn, ex.document.id)
        resolve_new(store, store.save_extraction(ex), dirty_incidents=replaced)


def test_same_results_as_sqlite(pg_dsn, tmp_path):
    with Store(pg_dsn) as pg, Store(tmp_path / "s.db") as lite:
        _fill(pg)
        _fill(lite)
        assert _snapshot(pg) == _snapshot(lite)
        assert pg.add_document(_reports()[0].document) is False  # idempotent by content hash there too
        inc = next(i for i in queries.list_incidents(pg.conn) if i["source_count"] == 2)
        parts = split_incident(pg, inc["id"], "b.txt")
        assert len(parts) == 2
        merged = merge_incidents(pg, parts[0], parts[1])
        assert queries.get_incident(pg.conn, merged)["corrected"]
        resolve_all(pg)
        assert queries.stats(pg.conn)["incidents"] == 2
        detail = queries.get_document(pg.conn, "a.txt")
        assert detail and detail["events"] and json.dumps(detail, default=str)
        assert queries.list_incidents(pg.conn, actor="militia", place="baq")  # ILIKE like SQLite's LIKE


def test_copies_and_watch_state_on_postgres(pg_dsn):
    """The copy fingerprints and the watch's state work on PostgreSQL as on SQLite."""
    from faultlines.ingest import copies, make_document

    story = " ".join(f"Word{k % 97} sentence part {k} of the wire story about the checkpoint attack." for k in range(30))
    first = make_document(raw_text=story, name="wire-pg.txt", published=date(2016, 6, 2))
    copy = make_document(raw_text="A new first line of our own. " + story, name="copy-pg.txt",
                         published=date(2016, 6, 3))
    with Store(pg_dsn) as pg:
        for doc in (copy, first):  # the copy is stored first; the earlier-published story becomes the original
            pg.add_document(doc)
            copies.register(pg, doc.id, doc.clean_text)
        assert pg.original_of(copy.id) == first.id and pg.original_of(first.id) is None
        pg.save_watch_source("http://feeds.example/rss", ok=True, kind="feed", etag='"x"', new_items=1)
        pg.save_watch_source("http://feeds.example/rss", ok=False, error="timeout")
        src = pg.watch_source("http://feeds.example/rss")
        assert src["etag"] == '"x"' and src["failures"] == 1 and src["items_seen"] == 1
        pg.note_watch_item("http://feeds.example/a", "http://feeds.example/rss", "failed", error="404", version="v1")
        pg.note_watch_item("http://feeds.example/a", "http://feeds.example/rss", "failed", error="404", version="v2")
        assert pg.seen_url("http://feeds.example/a") and pg.item_version("http://feeds.example/a") == "v2"


def test_two_writers_share_one_database(pg_dsn):
    with Store(pg_dsn) as a, Store(pg_dsn) as b:
        run_a, run_b = a.start_run(["x"]), b.start_run(["y"])
        assert run_a != run_b
        assert Store(pg_dsn, readonly=True).version == a.version
