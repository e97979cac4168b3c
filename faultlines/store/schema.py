"""The SQLite schema as numbered migrations. Names explain themselves so the file reads well in Datasette.

Offsets: ``start``/``end`` columns index ``documents.clean_text``; ``raw_start``/``raw_end`` index ``raw_text``.
Dates are ISO strings; a ``*_precision`` column says how much of them is known.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "initial schema",
        """
CREATE TABLE documents (
    id TEXT PRIMARY KEY,                 -- sha256 of the raw text: re-ingesting the same text adds nothing
    name TEXT NOT NULL,                  -- file name (relative to the ingested folder) or record id
    title TEXT, outlet TEXT, author TEXT, url TEXT,
    published TEXT,                      -- ISO date (may be only as precise as published_precision says)
    published_precision TEXT NOT NULL DEFAULT 'unknown',
    source_path TEXT, source_format TEXT, encoding TEXT,
    raw_text TEXT NOT NULL,              -- exactly as received (decoded); never altered
    clean_text TEXT NOT NULL,            -- what the analysis reads
    offset_map TEXT NOT NULL,            -- JSON [[clean_start, raw_start, length], ...]
    meta TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'stored', -- stored | extracted | failed
    error TEXT,
    ingested_at TEXT NOT NULL
);
CREATE INDEX documents_name ON documents(name);
CREATE INDEX documents_outlet ON documents(outlet);

CREATE TABLE ingest_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL, finished_at TEXT,
    inputs TEXT NOT NULL DEFAULT '[]',
    stored INTEGER NOT NULL DEFAULT 0, duplicates INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE ingest_failures (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES ingest_runs(id),
    source TEXT NOT NULL,                -- path, FILE:LINE or document id
    stage TEXT NOT NULL DEFAULT 'ingest', -- ingest | analyze | extract
    reason TEXT NOT NULL,                -- short code, e.g. binary, empty, too-large, undecodable
    detail TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL
);

CREATE TABLE actors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    country TEXT,
    part_of TEXT,
    known INTEGER NOT NULL DEFAULT 1,    -- 0: created from a name found in text, not in the knowledge base
    generic INTEGER NOT NULL DEFAULT 0,
    codes TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE actor_aliases (
    actor_id TEXT NOT NULL REFERENCES actors(id),
    alias TEXT NOT NULL,
    PRIMARY KEY (actor_id, alias)
);

CREATE TABLE mentions (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                  -- actor | place | time
    text TEXT, start INTEGER, end INTEGER, raw_start INTEGER, raw_end INTEGER,
    actor_id TEXT,                       -- kind=actor
    how TEXT,                            -- how it was recognised (kb, acronym, ner, ...)
    place_name TEXT, geonameid INTEGER, lat REAL, lon REAL, country_code TEXT, admin1 TEXT,
    precision TEXT,                      -- place or time precision
    date_start TEXT, date_end TEXT       -- kind=time
);
CREATE INDEX mentions_document ON mentions(document_id, kind);
CREATE INDEX mentions_actor ON mentions(actor_id);

CREATE TABLE events (
    id TEXT PRIMARY KEY,                 -- stable: hash of document id, span and sub-event type
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,                -- order of salience within the document
    event_type TEXT NOT NULL, sub_event_type TEXT NOT NULL, trigger TEXT,
    quote TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, raw_start INTEGER, raw_end INTEGER,
    factuality TEXT NOT NULL,            -- asserted | reported are events; the rest are kept as mentions only
    salience REAL NOT NULL DEFAULT 0,
    date_text TEXT, date_start TEXT, date_end TEXT, date_precision TEXT NOT NULL DEFAULT 'unknown',
    place_text TEXT, place_name TEXT, geonameid INTEGER, lat REAL, lon REAL, country_code TEXT, admin1 TEXT,
    admin2 TEXT, place_precision TEXT, place_relation TEXT,
    killed_low INTEGER, killed_high INTEGER, killed_text TEXT,
    injured_low INTEGER, injured_high INTEGER, injured_text TEXT,
    casualties_low INTEGER, casualties_high INTEGER, casualties_text TEXT, -- killed and injured together
    abducted_low INTEGER, abducted_high INTEGER, arrested_low INTEGER, arrested_high INTEGER,
    incident_id TEXT                     -- the incident this mention belongs to (factual events only)
);
CREATE INDEX events_document ON events(document_id);
CREATE INDEX events_incident ON events(incident_id);
CREATE INDEX events_blocking ON events(factuality, country_code, date_start);

CREATE TABLE event_participants (
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    role TEXT NOT NULL,                  -- perpetrator | target
    actor_id TEXT NOT NULL,
    text TEXT, how TEXT                  -- how: stated | attributed | claimed
);
CREATE INDEX event_participants_event ON event_participants(event_id);
CREATE INDEX event_participants_actor ON event_participants(actor_id);

CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL, sub_event_type TEXT NOT NULL,
    date_start TEXT, date_end TEXT, date_precision TEXT NOT NULL DEFAULT 'unknown',
    place_name TEXT, admin1 TEXT, country_code TEXT, lat REAL, lon REAL, geonameid INTEGER,
    place_precision TEXT,
    killed_low INTEGER, killed_high INTEGER, injured_low INTEGER, injured_high INTEGER,
    perpetrators TEXT NOT NULL DEFAULT '[]', -- JSON list of canonical actor names
    targets TEXT NOT NULL DEFAULT '[]',
    disputed TEXT NOT NULL DEFAULT '[]',     -- JSON list of fields where sources disagree
    source_count INTEGER NOT NULL DEFAULT 0,
    outlets TEXT NOT NULL DEFAULT '[]',
    reasons TEXT NOT NULL DEFAULT '[]',      -- JSON: why each member event was merged
    corrected INTEGER NOT NULL DEFAULT 0,    -- 1 when an analyst correction shaped it
    updated_at TEXT NOT NULL
);
CREATE INDEX incidents_date ON incidents(date_start);
CREATE INDEX incidents_type ON incidents(event_type);
CREATE INDEX incidents_country ON incidents(country_code, admin1);

CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                  -- merge | split | edit
    payload TEXT NOT NULL,               -- JSON, in terms of event ids so it survives re-resolution
    note TEXT, created_at TEXT NOT NULL
);

CREATE TABLE relations (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    subject_id TEXT NOT NULL, relation TEXT NOT NULL, object_id TEXT NOT NULL,
    subject_text TEXT, object_text TEXT, trigger TEXT, factuality TEXT,
    quote TEXT NOT NULL, start INTEGER, end INTEGER, raw_start INTEGER, raw_end INTEGER
);
CREATE INDEX relations_pair ON relations(subject_id, relation, object_id);

CREATE TABLE claims (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    cause TEXT, effect TEXT, cue TEXT, score REAL,
    cause_concept TEXT, effect_concept TEXT,
    actors TEXT NOT NULL DEFAULT '[]',
    quote TEXT NOT NULL, start INTEGER, end INTEGER, raw_start INTEGER, raw_end INTEGER
);

CREATE TABLE framing (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL, label TEXT NOT NULL,
    loaded_terms TEXT NOT NULL DEFAULT '[]', tone REAL NOT NULL DEFAULT 0,
    sentence_start INTEGER, sentence_end INTEGER
);
CREATE INDEX framing_actor ON framing(actor_id);

CREATE VIEW incident_sources AS
    SELECT e.incident_id, e.id AS event_id, d.id AS document_id, d.name AS document, d.outlet, d.published,
           e.quote, e.start, e.end, e.killed_low, e.killed_high, e.injured_low, e.injured_high,
           e.date_start, e.date_end, e.date_precision, e.place_name, e.admin1
    FROM events e JOIN documents d ON d.id = e.document_id
    WHERE e.incident_id IS NOT NULL;
""",
    ),
    (
        2,
        "indexes for the incident API's sort orders and date filters",
        """
CREATE INDEX incidents_date_order ON incidents((date_start IS NULL), date_start, id);
CREATE INDEX incidents_date_end ON incidents(date_end);
CREATE INDEX incidents_sources ON incidents(source_count);
""",
    ),
    (
        3,
        "indexes for newest-first pages, country and date filters, and disputed incidents at archive scale",
        """
CREATE INDEX incidents_date_order_desc ON incidents((date_start IS NULL), date_start DESC, id DESC);
CREATE INDEX incidents_country_date ON incidents(country_code, date_start, id);
CREATE INDEX incidents_disputed_date ON incidents(date_start, id) WHERE disputed != '[]';
CREATE INDEX incidents_killed_order ON incidents(coalesce(killed_high, killed_low, -1), id);
CREATE INDEX incidents_sources_order ON incidents(source_count, id);
CREATE TABLE store_meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
""",
    ),
    (
        4,
        "things an event struck (buildings, vehicles, infrastructure), as a JSON list per event mention",
        """
ALTER TABLE events ADD COLUMN property_targets TEXT;
ALTER TABLE events ADD COLUMN date_span_days INTEGER;
ALTER TABLE events ADD COLUMN published TEXT;
CREATE INDEX events_spanning_dates ON events(factuality, country_code, date_start) WHERE date_span_days > 14;
CREATE INDEX events_undated ON events(country_code, admin1, published) WHERE date_start IS NULL;
""",
    ),
    (
        5,
        "document indexes for relations, claims and framing (re-extracting a document must not scan them)",
        """
CREATE INDEX relations_document ON relations(document_id);
CREATE INDEX claims_document ON claims(document_id);
CREATE INDEX framing_document ON framing(document_id);
""",
    ),
    (
        6,
        "one failure row per input and reason (a re-run updates it), with how many inputs it stands for",
        """
ALTER TABLE ingest_failures ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
CREATE INDEX ingest_failures_source ON ingest_failures(source, stage, reason);
""",
    ),
    (
        7,
        "document event structure: which event of its article a mention tells, and why it was coded or left out",
        """
ALTER TABLE events ADD COLUMN doc_event INTEGER;
ALTER TABLE events ADD COLUMN coding TEXT;
""",
    ),
    (
        8,
        "incident history: every change with its time and cause, the successor of each id that was merged away, "
        "the machine's values of fields an analyst set, and undone corrections",
        """
ALTER TABLE incidents ADD COLUMN machine_values TEXT;
ALTER TABLE corrections ADD COLUMN undone_at TEXT;
CREATE TABLE incident_history (
    id INTEGER PRIMARY KEY,
    incident_id TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- created | source joined | source left | changed | merged | split | ...
    detail TEXT NOT NULL DEFAULT '{}',   -- JSON
    cause TEXT NOT NULL                  -- ingest | resolve | analyst: merge #3 | undo of merge #3 | ...
);
CREATE INDEX incident_history_incident ON incident_history(incident_id, id);
CREATE TABLE incident_successors (
    old_id TEXT PRIMARY KEY,             -- an incident id that no longer exists
    new_id TEXT NOT NULL,                -- the incident that holds most of its reports
    at TEXT NOT NULL
);
""",
    ),
    (
        9,
        "watch: the feeds and pages followed (their health and conditional-request validators) and every article "
        "URL met, with the document it gave",
        """
CREATE TABLE watch_sources (
    url TEXT PRIMARY KEY,                -- a feed or page URL given to faultlines watch
    kind TEXT,                           -- feed | page (known after the first fetch)
    title TEXT,
    etag TEXT, last_modified TEXT,       -- validators for conditional requests
    last_checked TEXT, last_success TEXT, last_error TEXT,
    failures INTEGER NOT NULL DEFAULT 0, -- consecutive failed fetches
    items_seen INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE watch_items (
    url TEXT PRIMARY KEY,                -- an article URL (after redirects: the first URL it was met under)
    source_url TEXT,                     -- the feed that listed it (or the page itself)
    text_hash TEXT,                      -- sha256 of its cleaned text: the same text from two URLs is one document
    document_id TEXT,                    -- the document it gave, or the one it repeats
    status TEXT NOT NULL,                -- stored | same-text | failed
    error TEXT,
    fetched_at TEXT NOT NULL,
    version TEXT                         -- the feed's updated (or published) stamp of the item when fetched
);
CREATE INDEX watch_items_text ON watch_items(text_hash);
""",
    ),
    (
        10,
        "copies: a document that repeats another's text (a wire story under another outlet) names the original; "
        "incidents count their independent sources; MinHash fingerprints find the copies",
        """
ALTER TABLE documents ADD COLUMN copy_of TEXT;  -- the document whose text this one repeats (syndication)
ALTER TABLE incidents ADD COLUMN independent_sources INTEGER;  -- sources, a copy and its original counted once
CREATE TABLE document_fingerprints (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    signature TEXT NOT NULL              -- MinHash of the clean text's word 5-grams (JSON list of integers)
);
CREATE TABLE document_bands (
    band TEXT NOT NULL,                  -- "k:hex": band k of the signature, for finding near-copies
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE
);
CREATE INDEX document_bands_band ON document_bands(band);
""",
    ),
]
