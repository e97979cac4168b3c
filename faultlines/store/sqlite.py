"""The SQLite store: the only module that writes SQL. One file, WAL mode, versioned migrations."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from faultlines.errors import StoreError
from faultlines.limits import storable
from faultlines.model import (
    Actor,
    Count,
    Document,
    Event,
    Extraction,
    Incident,
    IncidentChange,
    IngestFailure,
)
from faultlines.store import queries
from faultlines.store.schema import MIGRATIONS


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(d: Any) -> str | None:
    return d.isoformat() if d is not None else None


def event_id(document_id: str, event: Event) -> str:
    """A stable id for an event mention: same document, span and sub-type give the same id on every run."""
    import hashlib

    key = f"{document_id}:{event.start}:{event.end}:{event.sub_event_type}:{event.trigger}"
    return "ev-" + hashlib.sha1(key.encode()).hexdigest()[:16]


def connect_read_only(path: str, interrupt: Callable[[], bool] | None = None) -> sqlite3.Connection:
    """A read-only connection to the SQLite file at ``path`` for a reader beside a writer (WAL), such as one web
    server thread: rows by name, queries only; ``interrupt`` is asked every 20,000 steps whether to stop the
    statement running (it then fails with "interrupted")."""
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, check_same_thread=False, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA query_only = ON")
    if interrupt is not None:
        conn.set_progress_handler(lambda: int(interrupt()), 20_000)
    return conn


class Store:
    """A faultlines database. ``Store(path)`` opens (and migrates) it; ``readonly=True`` never writes."""

    def __init__(self, path: str | Path = ":memory:", *, readonly: bool = False) -> None:
        self.path = str(path)
        self.readonly = readonly
        from faultlines.store.postgres import PGConnection, is_postgres_url

        self.dialect = "postgresql" if is_postgres_url(self.path) else "sqlite"
        try:
            if self.dialect == "postgresql":
                self.conn: Any = PGConnection(self.path, readonly=readonly)
            elif readonly and self.path != ":memory:":
                if not Path(self.path).exists():
                    raise StoreError(f"no database at {self.path}")
                uri = f"file:{Path(self.path).resolve()}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30)
            else:
                if self.path != ":memory:":
                    Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self.conn.isolation_level = None  # autocommit; transactions are explicit (see transaction())
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA busy_timeout = 30000")
            if not readonly:
                if self.path != ":memory:" and self.dialect == "sqlite":
                    self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.migrate()
        except (sqlite3.Error, OSError) as exc:  # not a database, a folder, no permission, a read-only disk
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc

    # ------------------------------------------------------------------------------------------ lifecycle
    def migrate(self) -> int:
        """Apply pending migrations; returns the schema version."""
        c = self.conn
        c.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {r[0] for r in c.execute("SELECT version FROM schema_migrations")}
        for version, description, sql in MIGRATIONS:
            if version in done:
                continue
            try:
                with self.transaction():
                    for stmt in _split_sql(sql):
                        c.execute(stmt)
                    c.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, description, _now())
                    )
            except Exception as exc:
                raise StoreError(f"migration {version} ({description}) failed: {exc}") from exc
        if queries.max_span_days(c) is None:  # a store made before migration 3: measure it once
            with self.transaction():
                queries.set_max_span_days(c, queries.compute_max_span_days(c))
        missing = c.execute("SELECT e.id, e.date_start, e.date_end, d.published FROM events e JOIN documents d "
                            "ON d.id = e.document_id WHERE e.date_span_days IS NULL").fetchall()
        if missing:  # mentions stored before migration 4
            with self.transaction():
                c.executemany("UPDATE events SET date_span_days = ?, published = ? WHERE id = ?",
                              [(queries.span_days(r[1], r[2] or r[1]), r[3], r[0]) for r in missing])
        return self.version

    @property
    def version(self) -> int:
        row = self.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One atomic unit of work: committed together or not at all (crash safety rests on this)."""
        if self.readonly:
            raise StoreError("the database is open read-only")
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            yield c
        except BaseException:
            c.execute("ROLLBACK")
            raise
        else:
            c.execute("COMMIT")

    # ------------------------------------------------------------------------------------------ documents
    def has_document(self, document_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone() is not None

    def document_status(self, document_id: str) -> str | None:
        row = self.conn.execute("SELECT status FROM documents WHERE id = ?", (document_id,)).fetchone()
        return row[0] if row else None

    def pending_document_ids(self) -> list[str]:
        """Documents stored but not yet extracted (an interrupted run left them): resumed by the next ingest."""
        return [r[0] for r in self.conn.execute("SELECT id FROM documents WHERE status = 'stored' ORDER BY rowid")]

    def add_document(self, doc: Document, conn: sqlite3.Connection | None = None) -> bool:
        """Store a document; False when the same content is already stored (nothing is written)."""
        c = conn or self.conn
        cur = c.execute(
            "INSERT OR IGNORE INTO documents (id, name, title, outlet, author, url, published, published_precision, "
            "source_path, source_format, encoding, raw_text, clean_text, offset_map, meta, status, ingested_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'stored',?)",
            (
                doc.id, doc.name, doc.title, doc.outlet, doc.author, doc.url, _iso(doc.published),
                doc.published_precision, doc.source_path, doc.source_format, doc.encoding, doc.raw_text,
                doc.clean_text, json.dumps([list(s) for s in doc.offset_map.segments]),
                json.dumps(doc.meta, default=str), _now(),
            ),
        )
        return cur.rowcount > 0

    def load_document(self, document_id: str) -> Document | None:
        from faultlines.store.queries import row_to_document

        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        return row_to_document(row) if row else None

    # ------------------------------------------------------------------------------------------ runs and failures
    def start_run(self, inputs: Sequence[str]) -> int:
        with self.transaction() as c:
            cur = c.execute("INSERT INTO ingest_runs (started_at, inputs) VALUES (?, ?)", (_now(), json.dumps(list(inputs))))
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, stored: int, duplicates: int, failed: int) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE ingest_runs SET finished_at = ?, stored = ?, duplicates = ?, failed = ? WHERE id = ?",
                (_now(), stored, duplicates, failed, run_id),
            )

    def record_failure(self, failure: IngestFailure, run_id: int | None = None, stage: str = "ingest") -> None:
        """Record a failure; the same input failing the same way again (a re-run) updates its row instead."""
        source, detail = storable(failure.source), storable(failure.detail[:2000])
        with self.transaction() as c:
            cur = c.execute(
                "UPDATE ingest_failures SET run_id = ?, detail = ?, count = ?, recorded_at = ? "
                "WHERE source = ? AND stage = ? AND reason = ?",
                (run_id, detail, failure.count, _now(), source, stage, failure.reason),
            )
            if cur.rowcount <= 0:
                c.execute(
                    "INSERT INTO ingest_failures (run_id, source, stage, reason, detail, count, recorded_at) "
                    "VALUES (?,?,?,?,?,?,?)",
                    (run_id, source, stage, failure.reason, detail, failure.count, _now()),
                )

    def mark_failed(self, document_id: str, error: str) -> None:
        with self.transaction() as c:
            c.execute("UPDATE documents SET status = 'failed', error = ? WHERE id = ?",
                      (storable(error[:2000]), document_id))

    # ------------------------------------------------------------------------------------------ actors
    def upsert_actors(self, actors: Iterable[Actor], conn: sqlite3.Connection | None = None) -> None:
        c = conn or self.conn
        for a in actors:
            c.execute(
                "INSERT INTO actors (id, name, type, country, part_of, known, generic, codes) VALUES (?,?,?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET name=excluded.name, type=excluded.type, country=excluded.country, "
                "part_of=excluded.part_of, known=excluded.known, generic=excluded.generic, codes=excluded.codes",
                (a.id, a.name, a.type, a.country, a.part_of, int(a.known), int(a.generic), json.dumps(dict(a.codes))),
            )
            for alias in {a.name, *a.aliases}:
                c.execute("INSERT OR IGNORE INTO actor_aliases (actor_id, alias) VALUES (?, ?)", (a.id, alias))

    # ------------------------------------------------------------------------------------------ extraction results
    def save_extraction(self, ex: Extraction) -> list[str]:
        """Replace everything extracted from one document, atomically; returns the stored event ids."""
        doc = ex.document
        ids: list[str] = []
        with self.transaction() as c:
            for table in ("mentions", "relations", "claims", "framing"):
                c.execute(f"DELETE FROM {table} WHERE document_id = ?", (doc.id,))
            c.execute("DELETE FROM event_participants WHERE event_id IN (SELECT id FROM events WHERE document_id = ?)",
                      (doc.id,))
            c.execute("DELETE FROM events WHERE document_id = ?", (doc.id,))
            actors: dict[str, Actor] = {}
            an = ex.analysis
            if an is not None:
                self._save_mentions(c, doc, an)
                actors.update({m.actor.id: m.actor for m in an.actors})
            for seq, ev in enumerate(ex.events):
                eid = event_id(doc.id, ev)
                if eid in ids:
                    continue
                ids.append(eid)
                self._save_event(c, doc, eid, seq, ev)
                for role, parts in (("perpetrator", ev.perpetrators), ("target", ev.targets)):
                    for p in parts:
                        actors[p.actor.id] = p.actor
                        c.execute("INSERT INTO event_participants VALUES (?,?,?,?,?)",
                                  (eid, role, p.actor.id, p.text, p.how))
            for r in ex.relations:
                actors[r.subject.id] = r.subject
                actors[r.object.id] = r.object
                rs, re_ = doc.to_raw(r.start, r.end)
                c.execute(
                    "INSERT INTO relations (document_id, subject_id, relation, object_id, subject_text, object_text, "
                    "trigger, factuality, quote, start, end, raw_start, raw_end) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (doc.id, r.subject.id, r.relation, r.object.id, r.subject_text, r.object_text, r.trigger,
                     r.factuality, r.quote, r.start, r.end, rs, re_),
                )
            for cl in ex.claims:
                rs, re_ = doc.to_raw(cl.start, cl.end)
                c.execute(
                    "INSERT INTO claims (document_id, cause, effect, cue, score, cause_concept, effect_concept, actors, "
                    "quote, start, end, raw_start, raw_end) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (doc.id, cl.cause, cl.effect, cl.cue, cl.score, cl.cause_concept, cl.effect_concept,
                     json.dumps(list(cl.actors)), cl.quote, cl.start, cl.end, rs, re_),
                )
            for f in ex.framing:
                actors[f.actor.id] = f.actor
                c.execute(
                    "INSERT INTO framing (document_id, actor_id, label, loaded_terms, tone, sentence_start, sentence_end) "
                    "VALUES (?,?,?,?,?,?,?)",
                    (doc.id, f.actor.id, f.label, json.dumps(list(f.loaded_terms)), f.tone, f.sentence_start,
                     f.sentence_end),
                )
            self.upsert_actors(actors.values(), c)
            c.execute("UPDATE documents SET status = 'extracted', error = NULL WHERE id = ?", (doc.id,))
        return ids

    def _save_mentions(self, c: sqlite3.Connection, doc: Document, an: Any) -> None:
        rows: list[tuple[Any, ...]] = []
        for m in an.actors:
            rs, re_ = doc.to_raw(m.start, m.end)
            rows.append((doc.id, "actor", m.text, m.start, m.end, rs, re_, m.actor.id, m.how,
                         None, None, None, None, None, None, None, None, None))
        for p in an.places:
            rs, re_ = doc.to_raw(p.start, p.end)
            pl = p.place
            rows.append((doc.id, "place", p.text, p.start, p.end, rs, re_, None, p.relation, pl.name, pl.geonameid,
                         pl.lat, pl.lon, pl.country_code, pl.admin1, pl.precision, None, None))
        for t in an.times:
            if t.char_start is None or t.char_end is None:
                continue
            rs, re_ = doc.to_raw(t.char_start, t.char_end)
            rows.append((doc.id, "time", t.text, t.char_start, t.char_end, rs, re_, None, None, None, None, None,
                         None, None, None, t.precision, _iso(t.start), _iso(t.end)))
        c.executemany(
            "INSERT INTO mentions (document_id, kind, text, start, end, raw_start, raw_end, actor_id, how, place_name, "
            "geonameid, lat, lon, country_code, admin1, precision, date_start, date_end) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )

    def _save_event(self, c: sqlite3.Connection, doc: Document, eid: str, seq: int, ev: Event) -> None:
        rs, re_ = doc.to_raw(ev.start, ev.end)
        loc = ev.location
        pl = loc.place if loc else None

        def cnt(x: Count) -> tuple[Any, Any]:
            return x.low, x.high

        c.execute(
            "INSERT INTO events (id, document_id, seq, event_type, sub_event_type, trigger, quote, start, end, raw_start, "
            "raw_end, factuality, salience, date_text, date_start, date_end, date_precision, place_text, place_name, "
            "geonameid, lat, lon, country_code, admin1, admin2, place_precision, place_relation, killed_low, "
            "killed_high, killed_text, injured_low, injured_high, injured_text, casualties_low, casualties_high, "
            "casualties_text, abducted_low, abducted_high, arrested_low, arrested_high, property_targets, "
            "date_span_days, published, doc_event, coding) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                eid, doc.id, seq, ev.event_type, ev.sub_event_type, ev.trigger, ev.quote, ev.start, ev.end, rs, re_,
                ev.factuality, ev.salience, ev.date.text, _iso(ev.date.start), _iso(ev.date.end), ev.date.precision,
                loc.text if loc else None, pl.name if pl else None, pl.geonameid if pl else None,
                pl.lat if pl else None, pl.lon if pl else None, pl.country_code if pl else None,
                pl.admin1 if pl else None, pl.admin2 if pl else None, pl.precision if pl else None,
                loc.relation if loc else None, *cnt(ev.killed), ev.killed.text, *cnt(ev.injured), ev.injured.text,
                *cnt(ev.casualties), ev.casualties.text, *cnt(ev.abducted), *cnt(ev.arrested),
                json.dumps([{"text": t.text, "start": t.start, "end": t.end} for t in ev.property_targets])
                if ev.property_targets else None,
                queries.span_days(_iso(ev.date.start), _iso(ev.date.end or ev.date.start)), _iso(doc.published),
                ev.doc_event, ev.coding or None,
            ),
        )

    # ------------------------------------------------------------------------------------------ incidents
    def replace_incidents(self, remove_ids: Iterable[str], incidents: Iterable[Incident],
                          successors: dict[str, str] | None = None, changes: Iterable[IncidentChange] = (),
                          cause: str = "resolve") -> None:
        """Swap a set of incidents for re-resolved ones in one transaction, with the ids no incident keeps pointing
        to their successors and the changes written to the incidents' history (with ``cause``)."""
        spans = [0]  # the longest date range written: date filters use it as an index bound
        now = _now()
        with self.transaction() as c:
            for old_id, new_id in (successors or {}).items():
                c.execute("DELETE FROM incident_successors WHERE old_id = ?", (old_id,))
                c.execute("INSERT INTO incident_successors (old_id, new_id, at) VALUES (?, ?, ?)",
                          (old_id, new_id, now))
            c.executemany("INSERT INTO incident_history (incident_id, at, kind, detail, cause) VALUES (?,?,?,?,?)",
                          [(ch.incident_id, now, ch.kind, json.dumps(ch.detail, ensure_ascii=False, default=str),
                            cause) for ch in changes])
            for iid in remove_ids:
                c.execute("UPDATE events SET incident_id = NULL WHERE incident_id = ?", (iid,))
                c.execute("DELETE FROM incidents WHERE id = ?", (iid,))
            for incident in incidents:
                inc = incident.row()
                inc["reasons"] = queries.cap_reasons(inc["reasons"])
                cols = list(inc)
                c.execute(
                    f"INSERT OR REPLACE INTO incidents ({', '.join(cols)}, updated_at) VALUES "
                    f"({', '.join('?' for _ in cols)}, ?)",
                    [*(json.dumps(v) if isinstance(v, list | dict) else v for v in inc.values()), _now()],
                )
                c.executemany("UPDATE events SET incident_id = ? WHERE id = ?",
                              [(incident.id, e) for e in incident.event_ids])
                c.execute("DELETE FROM incident_successors WHERE old_id = ?", (incident.id,))
                span = queries.span_days(inc["date_start"], inc["date_end"])
                if span > spans[0]:
                    spans[0] = span
            if spans[0] > (queries.max_span_days(c) or 0):
                queries.set_max_span_days(c, spans[0])

    def drop_orphan_incidents(self) -> int:
        """Delete incidents that no stored mention belongs to any more."""
        with self.transaction() as c:
            cur = c.execute("DELETE FROM incidents WHERE id NOT IN "
                            "(SELECT DISTINCT incident_id FROM events WHERE incident_id IS NOT NULL)")
            return int(cur.rowcount)

    def add_correction(self, kind: str, payload: dict[str, Any], note: str | None = None) -> int:
        with self.transaction() as c:
            cur = c.execute("INSERT INTO corrections (kind, payload, note, created_at) VALUES (?,?,?,?)",
                            (kind, json.dumps(payload), note, _now()))
            return int(cur.lastrowid or 0)

    def corrections(self) -> list[dict[str, Any]]:
        """Every analyst correction in order, undone ones included (``undone_at`` set)."""
        return [
            {"id": r["id"], "kind": r["kind"], "payload": json.loads(r["payload"]), "note": r["note"],
             "created_at": r["created_at"], "undone_at": r["undone_at"]}
            for r in self.conn.execute("SELECT * FROM corrections ORDER BY id")
        ]

    def undo_correction(self, correction_id: int) -> None:
        with self.transaction() as c:
            c.execute("UPDATE corrections SET undone_at = ? WHERE id = ?", (_now(), correction_id))

    def add_history(self, changes: Iterable[IncidentChange], cause: str) -> None:
        """History entries that no re-resolution writes (an analyst's correction as such)."""
        now = _now()
        with self.transaction() as c:
            c.executemany("INSERT INTO incident_history (incident_id, at, kind, detail, cause) VALUES (?,?,?,?,?)",
                          [(ch.incident_id, now, ch.kind, json.dumps(ch.detail, ensure_ascii=False, default=str),
                            cause) for ch in changes])

    # ------------------------------------------------------------------------------------------ copies
    def fingerprints_sharing(self, bands: Sequence[str], exclude: str) -> list[tuple[str, list[int]]]:
        """Documents with a fingerprint band among ``bands`` (other than ``exclude``), with their signatures,
        earliest stored first."""
        if not bands:
            return []
        marks = ",".join("?" for _ in bands)
        rows = self.conn.execute(
            f"SELECT f.document_id, f.signature FROM document_fingerprints f JOIN documents d ON d.id = f.document_id "
            f"WHERE f.document_id IN (SELECT document_id FROM document_bands WHERE band IN ({marks})) "
            "AND f.document_id != ? ORDER BY d.ingested_at, d.id", [*bands, exclude]).fetchall()
        return [(str(r[0]), [int(v) for v in json.loads(r[1])]) for r in rows]

    def original_of(self, document_id: str) -> str | None:
        row = self.conn.execute("SELECT copy_of FROM documents WHERE id = ?", (document_id,)).fetchone()
        return str(row[0]) if row and row[0] else None

    def published_of(self, document_id: str) -> str | None:
        row = self.conn.execute("SELECT published FROM documents WHERE id = ?", (document_id,)).fetchone()
        return str(row[0]) if row and row[0] else None

    def repoint_copies(self, old_original: str, new_original: str) -> None:
        """``old_original`` and its copies become copies of ``new_original`` (an earlier edition of the text)."""
        with self.transaction() as c:
            c.execute("UPDATE documents SET copy_of = ? WHERE copy_of = ? OR id = ?",
                      (new_original, old_original, old_original))

    def add_fingerprint(self, document_id: str, signature: Sequence[int], bands: Sequence[str],
                        copy_of: str | None) -> None:
        """A document's fingerprint and, when it repeats an earlier document, the original's id."""
        with self.transaction() as c:
            c.execute("INSERT OR REPLACE INTO document_fingerprints (document_id, signature) VALUES (?, ?)",
                      (document_id, json.dumps(list(signature))))
            c.execute("DELETE FROM document_bands WHERE document_id = ?", (document_id,))
            c.executemany("INSERT INTO document_bands (band, document_id) VALUES (?, ?)",
                          [(b, document_id) for b in bands])
            c.execute("UPDATE documents SET copy_of = ? WHERE id = ?", (copy_of, document_id))

    # ------------------------------------------------------------------------------------------ watch
    def watch_source(self, url: str) -> dict[str, Any] | None:
        """A followed feed or page with its health and validators, or None when it was never fetched."""
        row = self.conn.execute("SELECT * FROM watch_sources WHERE url = ?", (url,)).fetchone()
        return dict(row) if row else None

    def watch_sources(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM watch_sources ORDER BY url")]

    def save_watch_source(self, url: str, *, ok: bool, kind: str | None = None, title: str | None = None,
                          etag: str | None = None, last_modified: str | None = None, error: str | None = None,
                          new_items: int = 0) -> None:
        """Record one fetch of a followed URL: a success keeps its validators and resets the failure count; a
        failure keeps the last good validators and counts up."""
        now = _now()
        with self.transaction() as c:
            c.execute("INSERT OR IGNORE INTO watch_sources (url) VALUES (?)", (url,))
            if ok:
                c.execute("UPDATE watch_sources SET kind = coalesce(?, kind), title = coalesce(?, title), etag = ?, "
                          "last_modified = ?, last_checked = ?, last_success = ?, last_error = NULL, failures = 0, "
                          "items_seen = items_seen + ? WHERE url = ?",
                          (kind, title, etag, last_modified, now, now, new_items, url))
            else:
                c.execute("UPDATE watch_sources SET kind = coalesce(?, kind), last_checked = ?, last_error = ?, "
                          "failures = failures + 1 WHERE url = ?", (kind, now, (error or "")[:500], url))

    def seen_url(self, url: str) -> bool:
        """True when an article URL was already fetched for good (stored, a repeat, or refused for good)."""
        return self.conn.execute("SELECT 1 FROM watch_items WHERE url = ?", (url,)).fetchone() is not None

    def document_with_text(self, text_hash: str) -> str | None:
        """The document already stored with this cleaned text (from any URL)."""
        row = self.conn.execute("SELECT document_id FROM watch_items WHERE text_hash = ? AND status = 'stored' "
                                "LIMIT 1", (text_hash,)).fetchone()
        return str(row[0]) if row else None

    def item_version(self, url: str) -> str | None:
        """The feed's stamp of an article when it was last fetched (None: unknown or never fetched)."""
        row = self.conn.execute("SELECT version FROM watch_items WHERE url = ?", (url,)).fetchone()
        return str(row[0]) if row and row[0] else None

    def add_fetched(self, doc: Document, url: str, source_url: str, text_hash: str, version: str | None = None
                    ) -> bool:
        """Store a fetched article and remember its URL in one transaction (a kill leaves both or neither);
        False when the same content was already stored (the URL is remembered as a repeat)."""
        with self.transaction() as c:
            added = self.add_document(doc, c)
            c.execute("INSERT OR REPLACE INTO watch_items (url, source_url, text_hash, document_id, status, "
                      "fetched_at, version) VALUES (?,?,?,?,?,?,?)",
                      (url, source_url, text_hash, doc.id, "stored" if added else "same-text", _now(), version))
        return added

    def note_watch_item(self, url: str, source_url: str, status: str, *, text_hash: str | None = None,
                        document_id: str | None = None, error: str | None = None, version: str | None = None
                        ) -> None:
        """Remember an article URL that gave no new document (a repeat of stored text, or refused for good)."""
        with self.transaction() as c:
            c.execute("INSERT OR REPLACE INTO watch_items (url, source_url, text_hash, document_id, status, error, "
                      "fetched_at, version) VALUES (?,?,?,?,?,?,?,?)",
                      (url, source_url, text_hash, document_id, status, (error or "")[:500] or None, _now(),
                       version))

    def history_mark(self) -> int:
        """The id of the latest incident-history entry (what came after it is new)."""
        return int(self.conn.execute("SELECT coalesce(max(id), 0) FROM incident_history").fetchone()[0])

    def history_since(self, mark: int) -> list[dict[str, Any]]:
        """Incident-history entries after ``mark``, in order."""
        return [{"id": r["id"], "incident": r["incident_id"], "at": r["at"], "kind": r["kind"],
                 "detail": json.loads(r["detail"] or "{}"), "cause": r["cause"]}
                for r in self.conn.execute("SELECT * FROM incident_history WHERE id > ? ORDER BY id", (mark,))]

    def integrity_check(self) -> str:
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (no semicolons inside our string literals)."""
    out, buf = [], []
    for line in script.splitlines():
        stripped = line.split("--", 1)[0] if "--" in line else line
        buf.append(stripped)
        if stripped.rstrip().endswith(";"):
            stmt = "\n".join(buf).strip()
            if stmt.strip(";").strip():
                out.append(stmt)
            buf = []
    rest = "\n".join(buf).strip()
    if rest:
        out.append(rest)
    return out
