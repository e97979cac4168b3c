"""Resolve stage: canonical actors (see analyze.actors) and incidents across documents, kept up to date in the store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from faultlines.config import Settings
from faultlines.resolve.incidents import (
    RECENT_DAYS,
    Constraints,
    EventRecord,
    build_incident,
    may_match,
    resolve,
    score_pair,
)
from faultlines.store import Store, queries


def load_constraints(store: Store) -> Constraints:
    """Analyst corrections as must-link / cannot-link / edit constraints over event ids; later ones win."""
    cons = Constraints()
    for c in store.corrections():
        p = c["payload"]
        if c["kind"] == "merge":
            left, right = set(p.get("members_a", [p["a"]])), set(p.get("members_b", [p["b"]]))
            cons.cannot_link = {pair for pair in cons.cannot_link
                                if not (len(pair & left) == 1 and len(pair & right) == 1)}
            cons.must_link.append((p["a"], p["b"]))
        elif c["kind"] == "split":
            moved, kept = set(p["moved"]), set(p["kept"])
            cons.must_link = [(a, b) for a, b in cons.must_link
                              if not ({a, b} & moved and {a, b} & kept)]
            for a in moved:
                for b in kept:
                    cons.cannot_link.add(frozenset((a, b)))
        elif c["kind"] == "edit":
            cons.edits.setdefault(p["anchor"], {}).update(p["fields"])
    return cons


def resolve_all(store: Store, settings: Settings | None = None) -> int:
    """Re-resolve every incident from scratch (same result as incremental runs); returns the incident count."""
    s = settings or Settings()
    records = queries.event_records(store.conn)
    rows = resolve(records, threshold=s.merge_threshold, window=s.date_window_days, max_km=s.max_place_km,
                   constraints=load_constraints(store))
    old = [r[0] for r in store.conn.execute("SELECT id FROM incidents")]
    store.replace_incidents(old, rows)
    return len(rows)


def resolve_new(store: Store, event_ids: Iterable[str], settings: Settings | None = None,
                dirty_incidents: Iterable[str] = ()) -> int:
    """Merge new event mentions into the existing incidents without recomputing the corpus.

    The affected set is the new mentions, every stored mention that links to one of them, and all members of
    those mentions' incidents; clustering that set again gives the same incidents as a full run.
    """
    s = settings or Settings()
    new_ids = list(event_ids)
    conn = store.conn
    new = _records(conn, new_ids)
    affected: dict[str, EventRecord] = {e.id: e for e in new}
    touched: set[str] = set(dirty_incidents)
    queue: list[EventRecord] = list(new)
    expanded: set[str] = set()
    seen_incidents: set[str] = set()
    known: dict[str, EventRecord] = dict(affected)  # records read once, however many blocks they fall in
    while queue or touched - seen_incidents:
        # members of every touched incident join the affected set, and their own links are followed too
        fresh = touched - seen_incidents
        seen_incidents |= fresh
        ids = [m for m in queries.incident_member_ids(conn, fresh) if m not in affected]
        for e in _records(conn, ids):
            affected[e.id] = e
            queue.append(e)
        while queue:
            ev = queue.pop()
            if ev.id in expanded:
                continue
            expanded.add(ev.id)
            ids = [i for i in queries.candidate_ids(conn, ev, s.date_window_days, RECENT_DAYS) if i not in affected]
            missing = [i for i in ids if i not in known]
            known.update((e.id, e) for e in _records(conn, missing))
            for cand_id in ids:
                cand = known.get(cand_id)
                if cand is None or not may_match(ev, cand, s.date_window_days):
                    continue  # the blocking rule of the full run: the same links, so the same incidents
                res = score_pair(ev, cand, window=s.date_window_days, max_km=s.max_place_km)
                if res and res[0] >= s.merge_threshold:
                    affected[cand.id] = cand
                    queue.append(cand)
        if affected:
            ids_all = list(affected)
            for chunk in range(0, len(ids_all), 500):
                part = ids_all[chunk:chunk + 500]
                touched |= {r[0] for r in conn.execute(
                    f"SELECT DISTINCT incident_id FROM events WHERE incident_id IS NOT NULL AND id IN "
                    f"({','.join('?' * len(part))})", part)}
    if not affected and not touched:
        return 0
    records = sorted(affected.values(), key=lambda e: e.id)
    out = resolve(records, threshold=s.merge_threshold, window=s.date_window_days, max_km=s.max_place_km,
                  constraints=load_constraints(store))
    store.replace_incidents(touched, out)
    store.drop_orphan_incidents()
    return len(out)


def _records(conn: Any, ids: list[str]) -> list[EventRecord]:
    out: list[EventRecord] = []
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        out += queries.event_records(conn, f"e.id IN ({','.join('?' * len(part))})", part)
    return out


__all__ = ["Constraints", "EventRecord", "build_incident", "resolve", "resolve_all", "resolve_new", "score_pair",
           "load_constraints"]
