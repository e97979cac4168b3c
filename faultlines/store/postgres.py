"""PostgreSQL as an optional store: the same schema and the same SQL, translated from SQLite's dialect.

The store and the named queries are written once, in SQLite's dialect; this module gives them a connection that
speaks PostgreSQL (placeholders, ``INSERT OR IGNORE/REPLACE``, serial ids, reserved words, case-insensitive
``LIKE``). Install the extra: ``pip install 'faultlines[postgres]'``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from faultlines.errors import OptionalDependencyMissing, StoreError

SERIAL_TABLES = frozenset({"ingest_runs", "ingest_failures", "mentions", "corrections", "relations", "claims",
                           "framing", "incident_history"})
# the primary key of the tables whose key is not "id" (the conflict target of INSERT OR REPLACE)
KEYS = {"watch_sources": "url", "watch_items": "url", "document_fingerprints": "document_id",
        "incident_successors": "old_id"}
_INSERT = re.compile(r"^\s*INSERT\s+(OR\s+(IGNORE|REPLACE)\s+)?INTO\s+(\w+)\s*(\(([^)]*)\))?", re.I | re.S)
_END = re.compile(r'(?<![\w"])end(?![\w"])')


class Row:
    """A result row that answers both ``row[0]`` and ``row["name"]`` (like sqlite3.Row)."""

    __slots__ = ("_keys", "_values")

    def __init__(self, keys: Sequence[str], values: Sequence[Any]) -> None:
        self._keys = list(keys)
        self._values = list(values)

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, int):
            return self._values[key]
        return self._values[self._keys.index(key)]

    def keys(self) -> list[str]:
        return list(self._keys)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


class Cursor:
    def __init__(self, rows: list[Row], rowcount: int = -1, lastrowid: int | None = None) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def fetchone(self) -> Row | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[Row]:
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


def translate(sql: str) -> tuple[str, bool]:
    """SQLite-dialect SQL as PostgreSQL; the flag says whether the statement returns a new serial id."""
    s = sql.strip().rstrip(";")
    s = _END.sub('"end"', s)
    s = re.sub(r"\bLIKE\b", "ILIKE", s)
    s = re.sub(r"\bBEGIN IMMEDIATE\b", "BEGIN", s)
    s = re.sub(r"\bINTEGER PRIMARY KEY\b", "BIGSERIAL PRIMARY KEY", s)
    s = re.sub(r"\bREAL\b", "DOUBLE PRECISION", s)
    returning = False
    m = _INSERT.match(s)
    if m:
        mode, table, cols = (m.group(2) or "").upper(), m.group(3), m.group(5)
        s = s[: m.start(1)] + s[m.end(1):] if m.group(1) else s
        if mode == "IGNORE":
            s += " ON CONFLICT DO NOTHING"
        elif mode == "REPLACE" and cols:
            names = [c.strip() for c in cols.split(",")]
            key = KEYS.get(table.lower(), "id")
            s += f" ON CONFLICT ({key}) DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in names if c != key)
        if table in SERIAL_TABLES and "ON CONFLICT" not in s:
            s += " RETURNING id"
            returning = True
    s = s.replace("%", "%%").replace("?", "%s")
    return s, returning


class PGConnection:
    """The subset of the sqlite3.Connection interface the store and the queries use."""

    def __init__(self, dsn: str, *, readonly: bool = False) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise OptionalDependencyMissing("The PostgreSQL store", "postgres") from exc
        try:
            self._conn = psycopg.connect(dsn, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL: {exc}") from exc
        if readonly:
            self._conn.execute("SET default_transaction_read_only = on")
        self.row_factory = None
        self.isolation_level = None

    def execute(self, sql: str, args: Sequence[Any] | None = None) -> Cursor:
        head = sql.strip().upper()
        if head.startswith("PRAGMA"):
            return Cursor([Row(["result"], ["ok"])] if "INTEGRITY_CHECK" in head else [])
        stmt, returning = translate(sql)
        cur = self._conn.execute(stmt, list(args or ()))
        rows: list[Row] = []
        lastrowid = None
        if cur.description:
            keys = [d.name for d in cur.description]
            rows = [Row(keys, r) for r in cur.fetchall()]
            if returning and rows:
                lastrowid = rows[0][0]
                rows = []
        return Cursor(rows, cur.rowcount, lastrowid)

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> Cursor:
        stmt, _ = translate(sql)
        stmt = stmt.replace(" RETURNING id", "")
        with self._conn.cursor() as cur:
            cur.executemany(stmt, [list(a) for a in seq])
            return Cursor([], cur.rowcount)

    def close(self) -> None:
        self._conn.close()


def is_postgres_url(path: str) -> bool:
    return path.startswith(("postgresql://", "postgres://"))
