"""Resolve stage: canonical actors (see analyze.actors) and incidents across documents, kept up to date in the store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from faultlines.config import Settings
from faultlines.model import EventRecord, Incident
from faultlines.resolve import history
from faultlines.resolve.incidents import (
    Constraints,
    build_incident,
    may_match,
    may_reach,
    raw_score,
    resolve,
    score_pair,
)
from faultlines.store import Store, resolution


def load_constraints(store: Store) -> Constraints:
    """Analyst corrections (those not undone), in order, as groups, kept-apart pairs, values and kept ids."""
    cons = Constraints()
    for c in store.corrections():
        if c.get("undone_at"):
            continue
        p = c["payload"]
        if c["kind"] == "merge":
            left, right = set(p.get("members_a", [p["a"]])), set(p.get("members_b", [p["b"]]))
            cons.merge(left | right)
            if p.get("incidents"):
                cons.names.append((frozenset(left), p["incidents"][0]))
        elif c["kind"] == "split":
            cons.split(p["moved"], p["kept"])
            if p.get("incident"):
                cons.names.append((frozenset(p["kept"]), p["incident"]))
        elif c["kind"] == "edit":
            cons.edits.append((frozenset(p.get("members") or [p["anchor"]]), dict(p["fields"])))
    return cons


def resolve_all(store: Store, settings: Settings | None = None, cause: str = "resolve") -> int:
    """Re-resolve every incident from scratch (same result as incremental runs); returns the incident count."""
    s = settings or Settings()
    records = resolution.event_records(store.conn)
    cons = load_constraints(store)
    found = resolve(records, threshold=s.merge_threshold, window=s.date_window_days, max_km=s.max_place_km,
                    constraints=cons)
    _replace(store, resolution.incident_ids(store.conn), found, cons, cause)
    return len(found)


def _replace(store: Store, closed: Iterable[str], found: list[Incident], cons: Constraints, cause: str,
             edited: Iterable[str] = ()) -> None:
    """Write re-resolved incidents in place of ``closed``: stable ids, successors, and the history of the change."""
    old_ids = list(closed)
    stored = {i: history.Stored(i, values, members) for i, (values, members) in
              resolution.stored_incidents(store.conn, old_ids, history.TRACKED).items()}
    found, successors = history.identify(found, stored, reversed(cons.names),
                                         lambda ids: resolution.taken_incident_ids(store.conn, ids) - set(old_ids))
    store.replace_incidents(old_ids, found, successors, history.changes(found, stored, successors, edited), cause)


def resolve_new(store: Store, event_ids: Iterable[str], settings: Settings | None = None,
                dirty_incidents: Iterable[str] = (), cause: str = "ingest", edited: Iterable[str] = ()) -> int:
    """Merge new event mentions into the existing incidents without recomputing the corpus.

    The affected set starts with the new mentions and the members of ``dirty_incidents``. From there, links are
    followed: a stored mention that links to an affected one joins, with every member of its incident. Clustering
    that set again gives the same incidents as a full run when every chain of links is followed to its end, which
    is done while the set stays under ``settings.resolve_budget`` mentions. A dense archive can chain look-alike
    reports day after day through much of the store; past the budget, links are followed only up to
    ``settings.resolve_hops`` away from a new mention, mentions farther away keep their incidents, and the cost
    of a new mention stays bounded. ``resolve_all`` recomputes everything.
    """
    s = settings or Settings()
    conn = store.conn
    w, km, th, hops = s.date_window_days, s.max_place_km, s.merge_threshold, s.resolve_hops
    layer = _records(conn, list(event_ids))
    affected: dict[str, EventRecord] = {e.id: e for e in layer}
    known: dict[str, EventRecord] = dict(affected)  # records read once, however many blocks they fall in
    scores: dict[tuple[str, str], Any] = {}  # pairs scored while following links, not scored again by ``resolve``
    closed: set[str] = set()  # incidents whose members are all in ``affected``: the ones replaced below
    pending: set[str] = set(dirty_incidents)
    hop = 0
    while layer or pending:
        # every incident a mention of this layer belongs to joins whole, its members at the same distance
        fresh = (pending | resolution.incidents_of_events(conn, [e.id for e in layer])) - closed
        pending = set()
        closed |= fresh
        members = _records(conn, [m for m in resolution.incident_member_ids(conn, fresh) if m not in affected])
        affected.update((e.id, e) for e in members)
        known.update((e.id, e) for e in members)
        layer = layer + members
        if hops is not None and hop >= hops and len(affected) > s.resolve_budget:
            break
        following: list[EventRecord] = []
        for ev in layer:
            # the blocking rule of the full run (the same links, so the same incidents), then a bound from
            # dates, places and types, both on light rows: full records only for pairs that may link
            ids = [c.id for c in resolution.candidate_light(conn, ev, w, skip=affected)
                   if may_match(ev, c, w) and may_reach(ev, c, th, window=w, max_km=km)]
            known.update((e.id, e) for e in _records(conn, [i for i in ids if i not in known]))
            for cand_id in ids:
                cand = known.get(cand_id)
                if cand is None or cand_id in affected:
                    continue
                a, b = (ev, cand) if ev.id < cand.id else (cand, ev)
                res = raw_score(a, b, w, km)
                if res and res[0] >= th:
                    scores[(a.id, b.id)] = res
                    affected[cand.id] = cand
                    following.append(cand)
                else:
                    scores[(a.id, b.id)] = None  # no link (the reasons are only kept for links)
        layer = following
        hop += 1
    if not affected and not closed:
        return 0
    records = sorted(affected.values(), key=lambda e: e.id)
    cons = load_constraints(store)
    out = resolve(records, threshold=th, window=w, max_km=km, constraints=cons, scores=scores)
    _replace(store, closed, out, cons, cause, edited)
    store.drop_orphan_incidents()
    return len(out)


def _records(conn: Any, ids: list[str]) -> list[EventRecord]:
    out: list[EventRecord] = []
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        out += resolution.event_records(conn, f"e.id IN ({','.join('?' * len(part))})", part)
    return out


__all__ = ["Constraints", "EventRecord", "build_incident", "resolve", "resolve_all", "resolve_new", "score_pair",
           "load_constraints"]
