"""Incident resolution: event mentions from many documents that describe one real-world event become one incident.

How it decides (documented for analysts; every merge keeps its reasons):

* **Blocking.** Two mentions are only compared when they could be the same event: same country (or one unknown),
  dates within ``date_window_days`` of each other once each date is widened by its precision, compatible event
  types. Mentions with neither date nor place are only compared within their own document. Candidates come from
  an index keyed by (country, week), so the work grows about linearly with the corpus.
* **Score.** A weighted sum of date closeness (0.30), place agreement (0.25: same place, one inside the other's
  province, or distance), event type (0.15), actor overlap (0.15), casualty compatibility (0.05) and word overlap
  of the evidence sentences (0.10). Pairs scoring at least ``merge_threshold`` are linked.
* **Clusters.** Incidents are the connected components of the links, so the result does not depend on the order
  in which documents arrive. Analyst corrections add must-link (merge) and cannot-link (split) constraints.
* **Merged values.** Type: the most reported sub-type. Date: the most precise date consistent with the others.
  Place: the most precise place consistent with the others. Killed/injured: IBC-style range, low = the lowest
  figure any source gives, high = the highest figure any source gives (an open-ended "over 40" gives 41 for both
  when it is the only figure, as Iraq Body Count records it). Fields where sources
  disagree are listed in ``disputed``.
* **Perpetrators.** Every perpetrator any source names is listed. They are ``disputed`` when two documents each
  name a specific perpetrator and none of one's is related to any of the other's ("blamed on a Shia militia" vs
  "claimed by Islamic State"). Related: the same actor, one part of the other, or parts of one parent (ISWAP and
  Islamic State; a state's army and the state). An unidentified or generic group disputes nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations
from typing import Any

from faultlines.geo import SAME_TOWN_KM, km_between
from faultlines.model import (
    DATE_RANK,
    PLACE_RANK,
    RECENT_DAYS,
    UNDATED_PAIR_DAYS,
    WEEKLY_BLOCK_DAYS,
    WITHIN_PROVINCE,
    Count,
    EventRecord,
    Incident,
    IncidentSource,
    coded_subtype,
)

TYPE_AFFINITY = {
    frozenset({"Violence against civilians", "Explosions/Remote violence"}): 0.5,
    frozenset({"Battles", "Explosions/Remote violence"}): 0.5,
    frozenset({"Battles", "Violence against civilians"}): 0.4,
    frozenset({"Protests", "Riots"}): 0.6,
    frozenset({"Protests", "Violence against civilians"}): 0.4,
    frozenset({"Riots", "Violence against civilians"}): 0.4,
    frozenset({"Battles", "Strategic developments"}): 0.3,
}
WEIGHTS = {"date": 0.30, "place": 0.25, "type": 0.15, "actors": 0.15, "casualties": 0.05, "text": 0.10}


def codable(ev: EventRecord) -> bool:
    """Whether a factual mention can become an incident: a known date or a place finer than a country.

    (The store applies the same rule in SQL: ``faultlines.store.resolution.FACTUAL``.)
    """
    return ev.date_start is not None or PLACE_RANK.get(ev.place_precision, 6) <= PLACE_RANK["admin1"]


@dataclass
class Constraints:
    """Analyst corrections as the analyst meant them, in terms of event ids (they survive re-ingestion and
    re-resolution): mentions that belong together, pairs kept apart, values set, ids kept."""

    groups: list[frozenset[str]] = field(default_factory=list)  # each: one incident (disjoint sets)
    cannot_link: set[frozenset[str]] = field(default_factory=set)
    # (the incident's members when the analyst set the values, the values): the incident now holding most of those
    # members takes them, later edits over earlier ones
    edits: list[tuple[frozenset[str], dict[str, Any]]] = field(default_factory=list)
    # (members, id): the incident holding most of those members keeps that id (a merge keeps A's), later pins first
    names: list[tuple[frozenset[str], str]] = field(default_factory=list)

    @property
    def must_link(self) -> list[tuple[str, str]]:
        """Each group as links from its first member to the others."""
        out: list[tuple[str, str]] = []
        for g in self.groups:
            first, *rest = sorted(g)
            out.extend((first, m) for m in rest)
        return out

    def forbids(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.cannot_link

    def touched(self) -> set[str]:
        """Every event id a correction names."""
        out: set[str] = set()
        for g in self.groups:
            out |= g
        for pair in self.cannot_link:
            out |= pair
        for members, _ in self.edits:
            out |= members
        return out

    def merge(self, members: Iterable[str]) -> None:
        """``members`` belong to one incident, with every group any of them was in."""
        union = set(members)
        keep = []
        for g in self.groups:
            if g & union:
                union |= g
            else:
                keep.append(g)
        self.cannot_link = {pair for pair in self.cannot_link if not pair <= union}
        self.groups = [*keep, frozenset(union)]

    def split(self, moved: Iterable[str], kept: Iterable[str]) -> None:
        """``moved`` leave the others of their incident (``kept``): two groups, never linked again."""
        out, rest = set(moved), set(kept)
        self.groups = [g for g in (frozenset(g - out - rest) for g in self.groups) if len(g) > 1]
        self.groups += [g for g in (frozenset(out), frozenset(rest)) if len(g) > 1]
        self.cannot_link |= {frozenset((a, b)) for a in out for b in rest}


# ---------------------------------------------------------------------------------------------------- pair scoring
def _km(a: EventRecord, b: EventRecord) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return km_between(a.lat, a.lon, b.lat, b.lon)


def _date_score(a: EventRecord, b: EventRecord, window: int) -> tuple[float | None, str]:
    if a.date_start is None or b.date_start is None:
        return 0.5, "date unknown in one source"
    a_end, b_end = a.date_end or a.date_start, b.date_end or b.date_start
    gap = max(0, (max(a.date_start, b.date_start) - min(a_end, b_end)).days)
    if gap > window:
        return None, f"dates {gap} days apart"
    vague = max(DATE_RANK.get(a.date_precision, 6), DATE_RANK.get(b.date_precision, 6)) >= DATE_RANK["range"]
    score = (1.0 - gap / (window + 1)) * (0.7 if vague else 1.0)
    return score, ("same date" if gap == 0 and not vague else f"dates overlap within {gap} days")


def _place_score(a: EventRecord, b: EventRecord, max_km: float) -> tuple[float | None, str]:
    if not a.country_code or not b.country_code:
        return 0.5, "place unknown in one source"
    if a.country_code != b.country_code:
        return None, "different countries"
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return 1.0, f"same place ({a.place_name})"
    if unlisted_place(a) and unlisted_place(a) == unlisted_place(b):
        return 1.0, f"same place, not in the gazetteer ({a.place_name})"
    ra, rb = PLACE_RANK.get(a.place_precision, 6), PLACE_RANK.get(b.place_precision, 6)
    if max(ra, rb) >= PLACE_RANK["country"]:
        return 0.5, "same country"
    if a.admin1 and b.admin1 and a.admin1 != b.admin1:
        return None, "different provinces"
    if max(ra, rb) >= PLACE_RANK["admin2"]:
        return 0.75, f"one place lies in the other's province ({a.admin1 or b.admin1})"
    km = _km(a, b)
    if km is None:
        return 0.6, "same province"
    if km > max_km:
        return None, f"places {km:.0f} km apart"
    if a.place_precision == b.place_precision == "city" and a.geonameid is not None and b.geonameid is not None \
            and km > SAME_TOWN_KM:
        return 0.35, f"two towns {km:.0f} km apart ({a.place_name}, {b.place_name})"
    return 1.0 - 0.5 * km / max_km, f"places {km:.0f} km apart"


def _type_score(a: EventRecord, b: EventRecord) -> tuple[float | None, str]:
    if a.sub_event_type == b.sub_event_type:
        return 1.0, f"same sub-event type ({a.sub_event_type})"
    if a.event_type == b.event_type:
        return 0.7, f"same event type ({a.event_type})"
    aff = TYPE_AFFINITY.get(frozenset((a.event_type, b.event_type)))
    if aff is None:
        return None, "incompatible event types"
    return aff, "compatible event types"


def _actor_score(a: EventRecord, b: EventRecord) -> tuple[float, str]:
    sa, sb = set(a.perpetrators) | set(a.targets), set(b.perpetrators) | set(b.targets)
    if not sa or not sb:
        return 0.5, "actors unknown in one source"
    if not sa & sb and not (a.perpetrators and b.perpetrators) and not (a.targets and b.targets):
        return 0.5, "one source names only the perpetrators, the other only the targets"
    shared = sa & sb
    if a.perpetrators and b.perpetrators and not set(a.perpetrators) & set(b.perpetrators) and not shared:
        return 0.1, "different perpetrators"
    return len(shared) / len(sa | sb) * 0.5 + (0.5 if shared else 0.0), f"{len(shared)} shared actors"


def _casualty_score(a: EventRecord, b: EventRecord) -> tuple[float, str]:
    la, lb = a.killed_high or a.killed_low, b.killed_high or b.killed_low
    if not la or not lb:
        return 0.5, "toll unknown in one source"
    ratio = min(la, lb) / max(la, lb)
    return (1.0, "tolls compatible") if ratio >= 0.4 else (0.3, "tolls differ widely")


FRESH_DAYS = 1  # an undated report published this soon after another mention's date is news of that day


def _same_document_event(a: EventRecord, b: EventRecord) -> bool | None:
    """Whether two mentions of one document tell the same event of it (``extract.structure``); None when that is
    not known (different documents, or mentions stored before the document structure was read)."""
    if a.document_id != b.document_id or a.doc_event is None or b.doc_event is None:
        return None
    return a.doc_event == b.doc_event


def compatible(a: EventRecord, b: EventRecord, window: int, max_km: float) -> bool:
    """No hard contradiction between two mentions (dates, places, types); used to stop chains of links."""
    same = _same_document_event(a, b)
    if same is not None:
        return same
    if _date_score(a, b, window)[0] is None:
        return False
    # two sentences of two articles' events need not share a type (one article tells of looting during the raid
    # another tells as an attack): the events were linked by a compatible pair, dates and places still stop chains
    if (a.doc_event is None or b.doc_event is None) and _type_score(a, b)[0] is None:
        return False
    return _place_score(a, b, 2 * max_km)[0] is not None


def _hard_parts(a: EventRecord, b: EventRecord, window: int, max_km: float
                ) -> dict[str, tuple[float | None, str]] | None:
    """Date, place and type scores, or None when one of them rules the pair out (no participants or text used)."""
    same = _same_document_event(a, b)
    if same is not None:  # the article itself says whether they are one event
        if not same:
            return None
        why = f"one event of its article ({a.document})" if a.document else "one event of its article"
        return {"date": (1.0, why), "place": (1.0, why), "type": (1.0, why)}
    d = _date_score(a, b, window)  # the cheapest test first: most pairs of a block are days apart
    if d[0] is None:
        return None
    t = _type_score(a, b)
    if t[0] is None:
        return None
    pl = _place_score(a, b, max_km)
    if pl[0] is None:
        return None
    parts: dict[str, tuple[float | None, str]] = {"date": d, "place": pl, "type": t}
    if a.document_id != b.document_id and (a.date_start is None or b.date_start is None):
        # across documents an undated mention is only tied to a dated one that its article could be reporting
        # (dated within RECENT_DAYS before publication), or an undated one published within UNDATED_PAIR_DAYS of
        # it, in the same place or province, of the same event type
        undated, dated = (a, b) if a.date_start is None else (b, a)
        if (parts["place"][0] or 0) < 0.75 or a.event_type != b.event_type:
            return None
        if dated.date_start is None:
            if not _published_close(a, b):
                return None
            parts["date"] = (0.5, f"both undated, reports published within {UNDATED_PAIR_DAYS} days")
        else:
            pub = _published(undated)
            if pub is None or not pub - timedelta(days=RECENT_DAYS) <= dated.date_start <= pub:
                return None
            if (pub - (dated.date_end or dated.date_start)).days <= FRESH_DAYS:
                parts["date"] = (0.75, "undated report published the day of the event or the next")
            else:
                parts["date"] = (0.5, f"undated report published within {RECENT_DAYS} days of the event")
    return parts


SOFT_PARTS = ("actors", "casualties", "text")  # each scores at most 1


def may_reach(a: EventRecord, b: EventRecord, threshold: float, *, window: int = 3, max_km: float = 60.0) -> bool:
    """False only when ``score_pair`` is certainly None or under ``threshold``, judged from dates, places and
    types alone (the other parts counted at their maximum): a cheap pre-check on records without participants or
    quotes. Assumes ``may_match(a, b)``."""
    parts = _hard_parts(a, b, window, max_km)
    if parts is None:
        return False
    best = sum(WEIGHTS[k] * (v[0] or 0.0) for k, v in parts.items()) + sum(WEIGHTS[k] for k in SOFT_PARTS)
    return round(best + 1e-9, 3) >= threshold


Parts = dict[str, tuple[float | None, str]]  # part name -> (score, why)


def raw_score(a: EventRecord, b: EventRecord, window: int, max_km: float) -> tuple[float, Parts] | None:
    """``score_pair`` of a pair that ``may_match``, with its parts unformatted (formatted for kept links only)."""
    parts = _hard_parts(a, b, window, max_km)
    if parts is None:
        return None
    parts["actors"] = _actor_score(a, b)
    parts["casualties"] = _casualty_score(a, b)
    wa, wb = a.words, b.words
    jac = len(wa & wb) / len(wa | wb) if wa and wb else 0.0
    parts["text"] = (min(1.0, 2 * jac), f"word overlap {jac:.2f}")
    total = sum(WEIGHTS[k] * (v[0] or 0.0) for k, v in parts.items())
    return round(total, 3), parts


def reasons_of(parts: Parts) -> dict[str, Any]:
    return {k: {"score": round(v[0] or 0.0, 2), "why": v[1]} for k, v in parts.items()}


def score_pair(a: EventRecord, b: EventRecord, *, window: int = 3, max_km: float = 60.0, checked: bool = False
               ) -> tuple[float, dict[str, Any]] | None:
    """The merge score of two mentions and its reasons, or None when they cannot be the same event.

    ``checked``: the caller has already applied the blocking rule ``may_match``.
    """
    if not checked and not may_match(a, b, window):
        return None
    res = raw_score(a, b, window, max_km)
    return None if res is None else (res[0], reasons_of(res[1]))


# ---------------------------------------------------------------------------------------------------- blocking
def _weeks(ev: EventRecord, window: int) -> tuple[tuple[int, int], ...] | None:
    """ISO weeks the widened date touches; None for vague dates (over ~4 months), which use yearly blocks."""
    assert ev.date_start is not None
    return _weeks_of(ev.date_start, ev.date_end or ev.date_start, window)


# a memo of bounded size (a few megabytes), kept between runs: the weeks of a date range do not change
@functools.lru_cache(maxsize=16384)
def _weeks_of(first: date, last: date, window: int) -> tuple[tuple[int, int], ...] | None:
    start = first - timedelta(days=window)
    end = last + timedelta(days=window)
    if (end - start).days > WEEKLY_BLOCK_DAYS:
        return None
    out, d = [], start - timedelta(days=start.weekday())
    while d <= end:
        out.append(d.isocalendar()[:2])
        d += timedelta(days=7)
    return tuple(out)


def _fine(ev: EventRecord) -> bool:
    """Placed within a province (so it only meets mentions of that province, or of no known province)."""
    return bool(ev.admin1 and ev.country_code) and ev.place_precision in WITHIN_PROVINCE


def unlisted_place(ev: EventRecord) -> str | None:
    """The name of a town or site the gazetteer does not list (no id, no province: "the fishing settlement of
    Baga"), which stands for its province when undated reports are compared; None otherwise. The store's
    candidate SQL uses the same test (``store.resolution._candidate_parts``)."""
    if ev.geonameid is None and not ev.admin1 and ev.place_name and ev.place_precision in ("city", "point"):
        return ev.place_name
    return None


def _area(ev: EventRecord) -> tuple[str, str] | None:
    """What an undated mention must share with another to be compared: its province, or its unlisted place."""
    if ev.admin1:
        return ("admin1", ev.admin1)
    name = unlisted_place(ev)
    return ("place", name) if name else None


def _published(ev: EventRecord) -> date | None:
    try:
        return date.fromisoformat(str(ev.published)[:10]) if ev.published else None
    except ValueError:
        return None


def _published_close(a: EventRecord, b: EventRecord) -> bool:
    """Both reports have a publication date, at most ``UNDATED_PAIR_DAYS`` apart."""
    pa, pb = _published(a), _published(b)
    return pa is not None and pb is not None and abs((pa - pb).days) <= UNDATED_PAIR_DAYS


def _months(first: date, last: date) -> list[tuple[int, int]]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def may_match(a: EventRecord, b: EventRecord, window: int) -> bool:
    """The blocking rule: whether two mentions are ever compared (the same rule for full and incremental runs).

    Same document; or both dated to within a few months and sharing an ISO week of one country, in the same
    province unless one of them is placed no finer than the country; or both vaguely dated (a year, a long range)
    in one country and year; or an undated mention and a mention dated within ``RECENT_DAYS`` before the undated
    one's publication, in the same province; or two undated mentions of one province whose reports were published
    within ``UNDATED_PAIR_DAYS`` of each other.
    """
    if a.document_id == b.document_id:
        return True
    if a.date_start is None and b.date_start is None:
        return bool(_area(a) and _area(a) == _area(b) and a.country_code == b.country_code
                    and _published_close(a, b))
    if a.date_start is None or b.date_start is None:
        undated, dated = (a, b) if a.date_start is None else (b, a)
        pub = _published(undated)
        return bool(dated.date_start is not None and pub and _area(undated) and _area(undated) == _area(dated)
                    and undated.country_code == dated.country_code
                    and pub - timedelta(days=RECENT_DAYS) <= dated.date_start <= pub)
    if (a.country_code or "?") != (b.country_code or "?"):
        return False
    wa, wb = _weeks(a, window), _weeks(b, window)
    if wa is None or wb is None:
        if wa is not None or wb is not None:
            return False
        ya = range(a.date_start.year, (a.date_end or a.date_start).year + 1)
        return any(a_y in ya for a_y in range(b.date_start.year, (b.date_end or b.date_start).year + 1))
    if not set(wa) & set(wb):
        return False
    return not (_fine(a) and _fine(b)) or a.admin1 == b.admin1


def block_keys(ev: EventRecord, window: int) -> list[tuple[Any, ...]]:
    """The index keys of ``candidate_pairs`` (for inspection and tests)."""
    keys: list[tuple[Any, ...]] = [("doc", ev.document_id)]
    if ev.date_start is None:
        return keys
    weeks = _weeks(ev, window)
    if weeks is None:
        years = range(ev.date_start.year, (ev.date_end or ev.date_start).year + 1)
        return keys + [("long", ev.country_code or "?", y) for y in years][:5]
    cc = ev.country_code or "?"
    return keys + [("week", cc, *w, ev.admin1 if _fine(ev) else "*") for w in weeks]


def candidate_pairs(events: Sequence[EventRecord], window: int) -> Iterable[tuple[int, int]]:
    """Index pairs that ``may_match`` (each pair once), found through blocks so the work grows about linearly."""
    full: dict[tuple[Any, ...], list[int]] = defaultdict(list)  # every pair inside is a candidate
    wide: dict[tuple[Any, ...], list[int]] = defaultdict(list)  # country-level: meet everyone of the country-week
    narrow: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    recent_dated: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    recent_undated: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    undated_weeks: dict[tuple[Any, ...], list[int]] = defaultdict(list)  # by the ISO week of publication
    for i, ev in enumerate(events):
        full[("doc", ev.document_id)].append(i)
        area = _area(ev)
        if ev.date_start is None:
            pub = _published(ev)
            if pub and area:
                undated_weeks[(ev.country_code, area, pub.isocalendar()[:2])].append(i)
                for m in _months(pub - timedelta(days=RECENT_DAYS), pub):
                    recent_undated[(ev.country_code, area, m)].append(i)
            continue
        if area:
            recent_dated[(ev.country_code, area, (ev.date_start.year, ev.date_start.month))].append(i)
        for k in block_keys(ev, window)[1:]:
            if k[0] == "long":
                full[k].append(i)
            elif k[-1] != "*":
                full[k].append(i)
                narrow[k[:-1]].append(i)
            else:
                wide[k[:-1]].append(i)
    seen: set[tuple[int, int]] = set()

    def fresh(pairs: Iterable[tuple[int, int]]) -> Iterable[tuple[int, int]]:
        for i, j in pairs:
            key = (i, j) if i < j else (j, i)
            if i != j and key not in seen and may_match(events[key[0]], events[key[1]], window):
                seen.add(key)
                yield key

    for members in full.values():
        if len(members) > 5000:  # a pathological bucket: compare neighbours in date order only
            ms = sorted(members, key=lambda i: (events[i].date_start or date.min, events[i].id))
            yield from fresh(zip(ms, ms[1:], strict=False))
        else:
            yield from fresh(combinations(members, 2))
    for k, ws in wide.items():
        yield from fresh(combinations(ws, 2))
        yield from fresh((a, b) for a in ws for b in narrow.get(k, ()))
    for k, us in recent_undated.items():
        yield from fresh((a, b) for a in us for b in recent_dated.get(k, ()))
    for (cc, area, _week), us in undated_weeks.items():  # within a week of each other: this week or the next
        nxt = _published(events[us[0]])
        later = undated_weeks.get((cc, area, (nxt + timedelta(days=7)).isocalendar()[:2])) if nxt else None
        yield from fresh(combinations(us, 2))
        yield from fresh((a, b) for a in us for b in later or ())


# ---------------------------------------------------------------------------------------------------- clustering
Scores = dict[tuple[str, str], "tuple[float, Parts] | None"]  # (lower id, higher id) -> raw_score, None if no link


def cluster(events: Sequence[EventRecord], *, threshold: float = 0.6, window: int = 3, max_km: float = 60.0,
            constraints: Constraints | None = None, scores: Scores | None = None
            ) -> list[tuple[list[int], list[dict[str, Any]]]]:
    """Connected components of the merge links (order-independent); each with the reasons of its links.

    ``scores`` holds pairs already scored (``raw_score`` of the lower id with the higher id), not scored again.
    """
    cons = constraints or Constraints()
    parent = list(range(len(events)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # mentions that differ only in id and offsets (a report repeating one sentence) score alike: each distinct pair
    # of contents is scored once, so a document of thousands of copies costs lookups, not thousands of scorings
    kinds: dict[tuple[Any, ...], int] = {}
    content = [kinds.setdefault(_content_key(e), len(kinds)) for e in events]
    scored: dict[tuple[int, int], Any] = {}
    links: list[tuple[int, int, float, Parts]] = []
    for i, j in candidate_pairs(events, window):
        if cons.forbids(events[i].id, events[j].id):
            continue
        x, y = (i, j) if events[i].id < events[j].id else (j, i)
        lo, hi = events[x], events[y]
        key = (lo.id, hi.id)
        if scores is not None and key in scores:
            res = scores[key]
        else:
            same = (content[x], content[y])
            res = scored[same] if same in scored else scored.setdefault(same, raw_score(lo, hi, window, max_km))
        if res and res[0] >= threshold:
            links.append((i, j, res[0], res[1]))
    index = {e.id: i for i, e in enumerate(events)}
    unit: dict[int, int] = {}  # mention -> its analyst group, for the groups present here
    for g, group in enumerate(cons.groups):
        here = sorted(index[m] for m in group if m in index)
        for k in here:
            unit[k] = g
        links.extend((here[0], k, 1.0, {"analyst": (1.0, "put together by an analyst")}) for k in here[1:])
    links.sort(key=lambda t: (-t[2], events[t[0]].id, events[t[1]].id))
    members: dict[int, set[int]] = {i: {i} for i in range(len(events))}
    fitting: dict[tuple[int, int], bool] = {}

    def fits(x: int, y: int) -> bool:  # ``compatible``, once per pair of contents
        same = (content[x], content[y])
        got = fitting.get(same)
        if got is None:
            got = fitting[same] = compatible(events[x], events[y], window, max_km)
        return got

    kept: list[tuple[int, int, float, Parts]] = []
    for i, j, s, why in links:
        ri, rj = find(i), find(j)
        if ri == rj:
            kept.append((i, j, s, why))
            continue
        # single links join groups only when every cross pair is compatible (no chains across dates or places),
        # and no analyst split separates them; what an analyst put together counts as one: a report fits it when
        # it fits one of its members
        if "analyst" not in why and not (
                _joinable(members[ri], members[rj], unit, fits) if unit else
                all(fits(x, y) for x in members[ri] for y in members[rj])):
            continue
        if "analyst" not in why and cons.cannot_link and any(
                cons.forbids(events[x].id, events[y].id) for x in members[ri] for y in members[rj]):
            continue
        parent[rj] = ri
        members[ri] |= members.pop(rj)
        kept.append((i, j, s, why))
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(events)):
        groups[find(i)].append(i)
    reasons: dict[int, list[dict[str, Any]]] = defaultdict(list)
    unlisted: dict[int, list[float]] = defaultdict(list)  # past MAX_REASONS (the best come first): only summed up
    for i, j, s, why in kept:
        root = find(i)
        if len(reasons[root]) < MAX_REASONS:
            reasons[root].append({"a": events[i].id, "b": events[j].id, "score": s, "parts": reasons_of(why)})
        else:
            unlisted[root].append(s)
    for root, rest in unlisted.items():
        reasons[root].append({"more": f"{len(rest)} further merge reasons not listed",
                              "score": {"min": round(min(rest), 3), "max": round(max(rest), 3)}})
    return [(sorted(g, key=lambda i: events[i].id), reasons[root]) for root, g in groups.items()]


def _joinable(a: set[int], b: set[int], unit: dict[int, int], fits: Any) -> bool:
    """Every unit of ``a`` fits every unit of ``b``: a unit is a mention, or an analyst's group (which fits when one
    of its members does)."""
    def units(ms: set[int]) -> list[list[int]]:
        grouped: dict[int, list[int]] = defaultdict(list)
        single = []
        for m in ms:
            if m in unit:
                grouped[unit[m]].append(m)
            else:
                single.append([m])
        return single + list(grouped.values())

    ua, ub = units(a), units(b)
    return all(any(fits(x, y) for x in u for y in v) for u in ua for v in ub)


MAX_REASONS = 100  # merge reasons listed per incident (a page of every pair of a large incident was 193 MB)
_NOT_CONTENT = frozenset({"id", "start", "end", "salience", "words"})  # what scoring never reads


def _content_key(ev: EventRecord) -> tuple[Any, ...]:
    """Everything of a mention the scoring reads (two mentions with equal keys score alike against any other)."""
    return tuple(getattr(ev, f.name) for f in dataclasses.fields(ev) if f.name not in _NOT_CONTENT)


# ---------------------------------------------------------------------------------------------------- merged values
def incident_id(member_ids: Iterable[str]) -> str:
    return "inc-" + hashlib.sha1(min(member_ids).encode()).hexdigest()[:12]


def _document_range(evs: Iterable[EventRecord], low: str, high: str) -> tuple[int | None, int | None] | None:
    """One document's own figure: the largest it reports (tolls are revised upwards within an article)."""
    out: tuple[int | None, int | None] | None = None
    for e in evs:
        lo, hi = getattr(e, low), getattr(e, high)
        if lo is None and hi is None:
            continue
        if out is None or (hi or lo or 0) > (out[1] or out[0] or 0):
            out = (lo, hi)
    return out


def _merge_range(per_doc: list[tuple[int | None, int | None]]) -> tuple[int | None, int | None, bool]:
    """The incident's range from each source's own figure, and whether the sources' figures differ."""
    if not per_doc:
        return None, None, False
    lows = [lo for lo, _ in per_doc if lo is not None]
    # a source giving only a ceiling ("as many as 2,000": 1 to 2,000) sets no minimum below the others' figures
    firm = [lo for lo, hi in per_doc if lo is not None and not (lo <= 1 and hi is not None and hi > 1)]
    figures = [x for pair in per_doc for x in pair if x is not None]
    low = min(firm or lows) if lows else None
    # the highest figure any source gives: an open-ended "at least 6" is 6 at most as far as the sources go
    # (Iraq Body Count's minimum and maximum), and several sources' figures span the range
    high = max(figures) if figures else None
    disputed = len(set(per_doc)) > 1
    return low, high, disputed


def _pick_date(evs: list[EventRecord]) -> tuple[date | None, date | None, str, bool]:
    dated = [e for e in evs if e.date_start is not None]
    if not dated:
        return None, None, "unknown", False
    best = min(dated, key=lambda e: (DATE_RANK.get(e.date_precision, 6), e.date_start, e.id))
    b_end = best.date_end or best.date_start
    disputed = any(
        (e.date_start > b_end + timedelta(days=1)) or ((e.date_end or e.date_start) < best.date_start - timedelta(days=1))  # type: ignore[operator]
        for e in dated
    )
    return best.date_start, b_end, best.date_precision, disputed


def _pick_place(evs: list[EventRecord]) -> tuple[EventRecord | None, bool]:
    placed = [e for e in evs if e.country_code]
    if not placed:
        return None, False
    best = min(placed, key=lambda e: (PLACE_RANK.get(e.place_precision, 6), -e.salience, e.id))
    disputed = any(
        (e.country_code != best.country_code) or (e.admin1 and best.admin1 and e.admin1 != best.admin1)
        for e in placed)
    return best, bool(disputed)


def perpetrators_disputed(evs: Iterable[EventRecord]) -> bool:
    """Two documents name specific perpetrators and none of one's is related to any of the other's."""
    per_doc: dict[str, set[frozenset[str]]] = defaultdict(set)
    for e in evs:
        for line in e.perpetrator_lines:
            if line:
                per_doc[e.document].add(frozenset(line))
    sides = list(per_doc.values())
    for i, a in enumerate(sides):
        for b in sides[i + 1:]:
            if not any(x & y for x in a for y in b):
                return True
    return False


def _sources(evs: list[EventRecord]) -> tuple[IncidentSource, ...]:
    """Each document's report: its mentions and its own killed and injured figures."""
    by_doc: dict[str, list[EventRecord]] = defaultdict(list)
    for e in evs:
        by_doc[e.document].append(e)
    out = []
    for name in sorted(by_doc):
        mine = by_doc[name]
        killed = _document_range(mine, "killed_low", "killed_high")
        injured = _document_range(mine, "injured_low", "injured_high")
        out.append(IncidentSource(
            document_id=mine[0].document_id, document=name, outlet=next((e.outlet for e in mine if e.outlet), None),
            event_ids=tuple(e.id for e in mine), killed=Count(*killed) if killed else _NO_COUNT,
            injured=Count(*injured) if injured else _NO_COUNT, copy_of=mine[0].copy_of))
    return tuple(out)


_NO_COUNT = Count()


def build_incident(evs: list[EventRecord], reasons: list[dict[str, Any]], edits: dict[str, Any] | None = None
                   ) -> Incident:
    """The incident one cluster of mentions tells: its merged values, its sources, the fields they dispute."""
    # the most reported sub-type; "Armed clash", what generic fighting words give, counts half against a more
    # specific one ("excessive force against protesters"), as a coder takes the specific one
    sub = coded_subtype((e.sub_event_type, e.salience) for e in evs)
    etype = next(e.event_type for e in evs if e.sub_event_type == sub)
    disputed: list[str] = []
    if len({e.event_type for e in evs}) > 1:
        disputed.append("event_type")
    d0, d1, dprec, ddisp = _pick_date(evs)
    if ddisp:
        disputed.append("date")
    place, pdisp = _pick_place(evs)
    if pdisp:
        disputed.append("location")
    sources = _sources(evs)
    kl, kh, kd = _merge_range([(s.killed.low, s.killed.high) for s in sources if s.killed.known])
    il, ih, idp = _merge_range([(s.injured.low, s.injured.high) for s in sources if s.injured.known])
    if kd:
        disputed.append("killed")
    if idp:
        disputed.append("injured")
    if perpetrators_disputed(evs):
        disputed.append("perpetrators")
    perps = Counter(n for e in evs for n in e.perpetrator_names)
    targs = Counter(n for e in evs for n in e.target_names)
    incident = Incident(
        id=incident_id(e.id for e in evs), event_type=etype, sub_event_type=sub,
        date_start=d0, date_end=d1, date_precision=dprec,
        place_name=place.place_name if place else None, admin1=place.admin1 if place else None,
        country_code=place.country_code if place else None, lat=place.lat if place else None,
        lon=place.lon if place else None, geonameid=place.geonameid if place else None,
        place_precision=place.place_precision if place else "unknown",
        killed_low=kl, killed_high=kh, injured_low=il, injured_high=ih,
        perpetrators=tuple(n for n, _ in perps.most_common()), targets=tuple(n for n, _ in targs.most_common()),
        disputed=tuple(disputed), sources=sources, reasons=tuple(reasons))
    return incident.edited(edits) if edits else incident


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: the resolver makes millions of small objects and no cycles, and each
    full collection walks every record (a quarter of the time at a million mentions)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def resolve(events: Sequence[EventRecord], *, threshold: float = 0.6, window: int = 3, max_km: float = 60.0,
            constraints: Constraints | None = None, scores: Scores | None = None) -> list[Incident]:
    """The incidents a set of factual event mentions tells."""
    with gc_paused():
        return _resolve(events, threshold, window, max_km, constraints or Constraints(), scores)


def _resolve(events: Sequence[EventRecord], threshold: float, window: int, max_km: float, cons: Constraints,
             scores: Scores | None) -> list[Incident]:
    clusters = [([events[i] for i in members], reasons) for members, reasons in
                cluster(events, threshold=threshold, window=window, max_km=max_km, constraints=cons, scores=scores)]
    # each analyst edit goes to the incident holding most of the members it was made on (the smallest id on a tie)
    edits: dict[int, dict[str, Any]] = {}
    if cons.edits:
        where = {e.id: k for k, (evs, _) in enumerate(clusters) for e in evs}
        for members, fields in cons.edits:
            counts = Counter(where[m] for m in members if m in where)
            if counts:
                k = min(counts, key=lambda c: (-counts[c], clusters[c][0][0].id))
                edits.setdefault(k, {}).update(fields)
    touched = cons.touched() if (cons.groups or cons.cannot_link) else set()
    out = []
    for k, (evs, reasons) in enumerate(clusters):
        incident = build_incident(evs, reasons, edits.get(k))
        if touched and any(e.id in touched for e in evs):
            incident = dataclasses.replace(incident, corrected=True)
        out.append(incident)
    return out
