"""Resolve stage: canonical actors (see analyze.actors) and incidents across documents, kept up to date in the store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from faultlines.config import Settings
from faultlines.model import EventRecord
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
    records = resolution.event_records(store.conn)
    found = resolve(records, threshold=s.merge_threshold, window=s.date_window_days, max_km=s.max_place_km,
                    constraints=load_constraints(store))
    old = resolution.incident_ids(store.conn)
    store.replace_incidents(old, found)
    return len(found)


def resolve_new(store: Store, event_ids: Iterable[str], settings: Settings | None = None,
                dirty_incidents: Iterable[str] = ()) -> int:
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
    out = resolve(records, threshold=th, window=w, max_km=km, constraints=load_constraints(store), scores=scores)
    store.replace_incidents(closed, out)
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
