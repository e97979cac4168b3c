"""Stable incident ids and incident history: what a re-resolution changed, told as an analyst reads it.

The resolver clusters mentions afresh each time; this module ties the new incidents to the stored ones. An incident
keeps its id wherever it is recognisably the same: the new incident holding most of an old one's reports takes its
id (an analyst's merge keeps A's id; the incident a split leaves keeps it too). An id no incident takes any more
points to its successor, the incident holding most of its reports. Then each incident's changes are listed against
the stored one: created, a source joined or left, another incident merged in or split off, a value changed (from,
to, and why: an analyst's edit, a new source, a source gone, or a new figure from a source re-read).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from faultlines.model import Incident, IncidentChange

# the merged values whose changes the history lists
TRACKED = ("event_type", "sub_event_type", "date_start", "date_end", "place_name", "country_code", "killed_low",
           "killed_high", "injured_low", "injured_high", "perpetrators", "targets")


@dataclass(frozen=True)
class Stored:
    """An incident as the store holds it before a re-resolution: its values and its reports."""

    id: str
    values: dict[str, Any]  # TRACKED fields as stored (ISO dates, lists)
    members: dict[str, str]  # event id -> document name


def _value(incident: Incident, name: str) -> Any:
    v = getattr(incident, name)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, tuple):
        return list(v)
    return v


def identify(found: list[Incident], stored: dict[str, Stored], names: Iterable[tuple[frozenset[str], str]],
             taken: Callable[[set[str]], set[str]]) -> tuple[list[Incident], dict[str, str]]:
    """``found`` with stable ids, and the successor of each stored id no incident keeps.

    ``names``: (members, id) pins from analysts' corrections, the latest first; ``taken(ids)``: which of ``ids``
    other incidents of the store (not among ``stored``) already hold.
    """
    where = {m: k for k, inc in enumerate(found) for m in inc.event_ids}
    ids: dict[int, str] = {}
    used: set[str] = set()
    for members, pid in names:  # what the analyst said first
        counts = Counter(where[m] for m in members if m in where)
        if not counts or pid in used:
            continue
        k = min(counts, key=lambda c: (-counts[c], found[c].id))
        if k not in ids:
            ids[k] = pid
            used.add(pid)
    overlaps: list[tuple[int, int, str, int]] = []
    for old in stored.values():
        counts = Counter(where[m] for m in old.members if m in where)
        overlaps.extend((n, len(old.members), old.id, k) for k, n in counts.items())
    for _n, _size, old_id, k in sorted(overlaps, key=lambda t: (-t[0], -t[1], t[2])):
        if k not in ids and old_id not in used:
            ids[k] = old_id
            used.add(old_id)
    fresh = {k: inc.id for k, inc in enumerate(found) if k not in ids}
    clash = taken({i for i in fresh.values()}) | (set(fresh.values()) & (used | set(stored)))
    for k, iid in fresh.items():
        salt = 0
        while iid in clash or iid in used:
            salt += 1
            iid = "inc-" + hashlib.sha1(f"{min(found[k].event_ids)}#{salt}".encode()).hexdigest()[:12]
        ids[k] = iid
        used.add(iid)
    out = [inc if inc.id == ids[k] else dataclasses.replace(inc, id=ids[k]) for k, inc in enumerate(found)]
    successors: dict[str, str] = {}
    for old in stored.values():
        if old.id in used:
            continue
        counts = Counter(where[m] for m in old.members if m in where)
        if counts:
            successors[old.id] = out[min(counts, key=lambda c: (-counts[c], out[c].id))].id
    return out, successors


def changes(found: list[Incident], stored: dict[str, Stored], successors: dict[str, str],
            edited: Iterable[str] = ()) -> list[IncidentChange]:
    """The history entries of a re-resolution: ``found`` (with stable ids) against ``stored``; ``edited`` names the
    fields an analyst set in this step."""
    edited = set(edited)
    now_of = {m: inc.id for inc in found for m in inc.event_ids}
    out: list[IncidentChange] = []
    for old_id, new_id in sorted(successors.items()):
        moved = sorted({d for m, d in stored[old_id].members.items() if now_of.get(m) == new_id})
        out.append(IncidentChange(old_id, "merged into", {"incident": new_id, "sources": moved}))
    for inc in found:
        docs = {m: s.document for s in inc.sources for m in s.event_ids}
        old = stored.get(inc.id)
        absorbed = sorted(o for o, n in successors.items() if n == inc.id)
        if old is None:
            origin = Counter(o.id for o in stored.values() for m in o.members if m in docs)
            out.append(IncidentChange(inc.id, "created", {"sources": sorted(set(docs.values()))}))
            for o in sorted(origin):
                if o not in successors:  # the rest of that incident lives on: this part was split off it
                    out.append(IncidentChange(inc.id, "split off", {"incident": o, "sources": sorted(
                        {stored[o].members[m] for m in stored[o].members if m in docs})}))
            for o in absorbed:
                out.append(IncidentChange(inc.id, "merged", {"incident": o, "sources": sorted(
                    {stored[o].members[m] for m in stored[o].members if m in docs})}))
            continue
        old_docs, new_docs = set(old.members.values()), set(docs.values())
        for o in absorbed:
            out.append(IncidentChange(inc.id, "merged", {"incident": o, "sources": sorted(
                {stored[o].members[m] for m in stored[o].members if m in docs})}))
        gone_to = Counter(now_of[m] for m in old.members if now_of.get(m, inc.id) != inc.id)
        for other in sorted(gone_to):
            out.append(IncidentChange(inc.id, "split", {"incident": other, "sources": sorted(
                {d for m, d in old.members.items() if now_of.get(m) == other})}))
        joined, left = sorted(new_docs - old_docs), sorted(old_docs - new_docs)
        out.extend(IncidentChange(inc.id, "source joined", {"document": d}) for d in joined)
        out.extend(IncidentChange(inc.id, "source left", {"document": d}) for d in left)
        for name in TRACKED:
            before, after = old.values.get(name), _value(inc, name)
            if before == after:
                continue
            if name in edited:
                why = "analyst edit"
            elif absorbed:
                why = "merged with " + ", ".join(absorbed)
            elif gone_to:
                why = "split: reports moved to " + ", ".join(sorted(gone_to))
            elif joined:
                why = "new source: " + ", ".join(joined)
            elif left:
                why = "source left: " + ", ".join(left)
            else:
                why = "new figure from a source"
            out.append(IncidentChange(inc.id, "changed", {"field": name, "from": before, "to": after, "why": why}))
    return out


__all__ = ["TRACKED", "Stored", "changes", "identify"]
