"""Document event structure: which distinct events an article reports, which sentences tell each one, and which
event sentences are not incidents at all.

Sentence-level triggers find event mentions; this stage reads them in text order, as a coder reads the article:

* **Reported totals.** A casualty figure counted over a period ("more than 2,000 killed in the last six months",
  "nearly 10,000 since then"), a conflict's toll ("the insurgency has killed ...") or a toll over a year is a
  statistic: its mention becomes ``aggregate`` and is listed as a reported total of the document, not an incident.
  An ongoing state told with the perfect and a starting point ("has been battling the insurgency since 2011") is
  ``background``.
* **Document events.** Each factual mention opens a new document event or joins one already open. It opens one
  when a cue says so ("a second blast", "meanwhile", "in a separate attack") or when no open event fits it: a
  different specific place (city, district, site), a different named day, or another way of attacking. Only what
  the sentence names itself counts here, never a place or day borrowed from its paragraph. Otherwise a mention
  naming a specific place joins the event at that place; one without continues the story told just before, else
  the article's first event, else the latest that fits. Back-references ("the attack", "the raid") continue the
  event just told; toll updates ("the death toll rose to 358") go to the article's first event, and their date
  (the day of the count) never splits an event. A later event with no day, place or figure of its own is context
  (``background``), not an incident.
* **Consolidation.** The members of one document event share its most specific place and one date (its members'
  own most precise one, else the one its first sentence was told with). The resolver then keeps members of one
  document event together and members of different document events apart.

Every mention gets a ``coding`` line saying why it was coded, attached to another mention's event, or left out.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from faultlines.geo import SAME_TOWN_KM, km_between
from faultlines.model import DATE_RANK, PLACE_RANK, SUB_EVENT_TYPES, Count, Event, PlaceMention, TimeExpression

LEXICON = Path(__file__).resolve().parent.parent / "data" / "lexicon" / "structure.yaml"
_SPECIFIC = ("point", "city", "admin2")
SAME_PLACE_KM = 25.0  # a site or district this close to a city can be where that city's event happened
# how an event was carried out: two mentions told in different ways are different events ("a bomb went off" and
# "the army launched air strikes hours later"), unless one of them is told in general terms (an attack, a clash)
_MODES = {
    "Suicide bomb": "bomb", "Remote explosive/landmine/IED": "bomb", "Grenade": "bomb",
    "Air/drone strike": "air", "Shelling/artillery/missile attack": "shelling", "Chemical weapon": "chemical",
    "Abduction/forced disappearance": "abduction", "Sexual violence": "sexual",
    "Non-state actor overtakes territory": "territory", "Government regains territory": "territory",
    "Non-violent transfer of territory": "territory",
    "Peaceful protest": "protest", "Protest with intervention": "protest",
    "Excessive force against protesters": "protest", "Violent demonstration": "protest", "Mob violence": "protest",
    "Attack": "generic", "Armed clash": "generic", "Looting/property destruction": "generic",
}
_MODE_PAIRS = {frozenset(p) for p in (("air", "shelling"), ("air", "chemical"),
                                      ("abduction", "territory"))}
_YEAR_CUE = re.compile(r"in (18|19|20)\d\d", re.I)


def _rx(patterns: list[str] | None) -> re.Pattern[str] | None:
    pats = [p for p in patterns or [] if p]
    if not pats:
        return None
    return re.compile("|".join(f"(?:{p})" for p in pats), re.I | re.M)


@dataclass(frozen=True)
class StructureCues:
    """The compiled structure.yaml."""

    period: re.Pattern[str] | None
    total_subjects: re.Pattern[str] | None
    ongoing: re.Pattern[str] | None
    new_event: re.Pattern[str] | None
    toll_update: re.Pattern[str] | None
    same_day: re.Pattern[str] | None
    history: re.Pattern[str] | None


@functools.lru_cache(maxsize=4)
def load_cues(path: str | None = None) -> StructureCues:
    with open(path or LEXICON, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    return StructureCues(*(_rx(data.get(k)) for k in ("period", "total_subjects", "ongoing", "new_event",
                                                      "toll_update", "same_day", "history")))


# ---------------------------------------------------------------------------------------------------- totals
def total_cue(e: Event, cues: StructureCues | None = None) -> str | None:
    """Why a factual mention with a casualty figure is a reported total rather than one incident (None if it is
    not one): the words that say so."""
    cues = cues or load_cues()
    if not (e.killed.known or e.casualties.known or e.injured.known or e.abducted.known):
        return None
    quote = e.quote
    specific = e.location is not None and e.location.place.precision in _SPECIFIC
    if cues.period is not None:
        for m in cues.period.finditer(quote):
            if _YEAR_CUE.fullmatch(m.group(0).strip()) and specific:
                continue  # "in 2014, gunmen killed 40 in the village of X": a dated past incident
            return m.group(0).strip()
    if cues.total_subjects is not None:
        subject = cues.total_subjects.search(quote)
        if subject:
            return subject.group(0).strip()
    d = e.date
    if d.start is not None and d.end is not None and (d.end - d.start).days >= 300 and not specific:
        return f"a toll over {d.text or 'a year or more'}"
    return None


def ongoing_cue(e: Event, cues: StructureCues | None = None) -> str | None:
    """The words that make a mention background (an ongoing state of affairs, or earlier attacks told as a
    class), or None."""
    cues = cues or load_cues()
    m = cues.history.search(e.quote) if cues.history is not None else None
    if m:
        return m.group(0).strip()  # earlier attacks as a class, whatever their figures
    if cues.ongoing is None or e.killed.known:
        return None
    m = cues.ongoing.search(e.quote)
    return m.group(0).strip() if m else None


# ---------------------------------------------------------------------------------------------------- frames
@dataclass
class _Frame:
    """One document event being read: its members and what they agree on."""

    index: int
    members: list[int] = field(default_factory=list)
    subs: set[str] = field(default_factory=set)
    place: PlaceMention | None = None
    date: TimeExpression = field(default_factory=TimeExpression.unknown)
    borrowed: TimeExpression = field(default_factory=TimeExpression.unknown)  # its opener's date from context
    end: int = 0  # where its latest member ends

    def add(self, i: int, e: Event, *, dated: bool = True, placed: bool = True) -> None:
        if not self.members and dated and e.date.start is not None:
            self.borrowed = e.date
        elif self.borrowed.start is None and own_date(e).start is not None:
            self.borrowed = own_date(e)  # a toll update's day: better than no day, never over one of the event's own
        self.members.append(i)
        self.end = max(self.end, e.end)
        if not placed:  # a back-reference: it tells more of this event, its own type, place and date aside
            return
        self.subs.add(e.sub_event_type)
        here = own_place(e)
        if here is not None and (self.place is None or _rank(here) < _rank(self.place)):
            self.place = here
        own = own_date(e)
        if dated and own.start is not None and DATE_RANK.get(own.precision, 6) < DATE_RANK.get(
                self.date.precision, 6):
            self.date = own


def own_date(e: Event) -> TimeExpression:
    """The mention's date when its own sentence says it; unknown when the date was borrowed from the paragraph or
    the lead (a dateline's day is the day of publication, not necessarily of the event)."""
    d = e.date
    if d.start is None or d.char_start is None or not e.start <= d.char_start < e.end:
        return TimeExpression.unknown()
    return d


def own_place(e: Event) -> PlaceMention | None:
    """The mention's place when its own sentence names it; None when it was borrowed from the paragraph or lead."""
    loc = e.location
    if loc is None or not e.start <= loc.start < e.end:
        return None
    return loc


def _specific(e: Event) -> bool:
    """The mention says when (finer than a year), where (finer than a country) or how many of its own."""
    place = own_place(e)
    when = own_date(e)
    return (when.start is not None and when.precision != "year") or \
        (place is not None and _rank(place) <= PLACE_RANK["admin1"]) or \
        e.killed.known or e.injured.known or e.casualties.known or e.abducted.known


def _rank(p: PlaceMention | None) -> int:
    return PLACE_RANK.get(p.place.precision, 6) if p is not None else 7


def _km(a: PlaceMention, b: PlaceMention) -> float | None:
    pa, pb = a.place, b.place
    if pa.lat is None or pa.lon is None or pb.lat is None or pb.lon is None:
        return None
    return km_between(pa.lat, pa.lon, pb.lat, pb.lon)


def place_fits(a: PlaceMention | None, b: PlaceMention | None) -> bool:
    """Two places can be where one event happened: one unknown or broader than the other, or both the same spot."""
    if a is None or b is None:
        return True
    pa, pb = a.place, b.place
    if pa.country_code and pb.country_code and pa.country_code != pb.country_code:
        return False
    ra, rb = _rank(a), _rank(b)
    if ra >= PLACE_RANK["country"] or rb >= PLACE_RANK["country"]:
        return True
    if pa.admin1 and pb.admin1 and pa.admin1 != pb.admin1:
        return False
    if PLACE_RANK["admin2"] < ra or PLACE_RANK["admin2"] < rb:
        return True  # a province and a place in it
    if pa.geonameid is not None and pa.geonameid == pb.geonameid:
        return True
    if pa.name.lower() == pb.name.lower():
        return True
    if "near" in (a.relation, b.relation) and pa.admin1 and pa.admin1 == pb.admin1:
        return True  # "in Balochistan, near Quetta": somewhere in the town's region, not the town itself
    km = _km(a, b)
    if km is None:
        return False
    towns = pa.precision == "city" and pb.precision == "city"
    return km <= (SAME_TOWN_KM if towns else SAME_PLACE_KM)


def date_fits(a: TimeExpression, b: TimeExpression) -> bool:
    """Two dates can be one event's: one unknown, the same day when both name a day (one article that names two
    days tells two days), or ranges that overlap once widened by a day."""
    if a.start is None or b.start is None:
        return True
    if a.precision == "day" and b.precision == "day":
        return a.start == b.start
    a_end, b_end = a.end or a.start, b.end or b.start
    return (max(a.start, b.start) - min(a_end, b_end)).days <= 1


def subtypes_fit(a: str, b: str) -> bool:
    """Two sub-event types can tell one event: the same, or one general ("Attack"), or two close ways."""
    if a == b:
        return True
    ma, mb = _MODES.get(a), _MODES.get(b)  # None: a strategic development of its own kind (an arrest, a deal)
    if ma is None or mb is None:
        return False
    return ma == mb or "generic" in (ma, mb) or frozenset((ma, mb)) in _MODE_PAIRS


def told_generally(sub: str) -> bool:
    """A sub-type that generic words give (an attack, a clash, destruction), not a way of fighting."""
    return _MODES.get(sub) == "generic"


def types_fit(subs: set[str], sub: str) -> bool:
    """``sub`` can tell the same event as every sub-type in ``subs``."""
    return all(subtypes_fit(s, sub) for s in subs)


def _fits(f: _Frame, e: Event, toll_update: bool) -> str | None:
    """Why ``e`` can belong to frame ``f`` (None when it cannot)."""
    if not types_fit(f.subs, e.sub_event_type):
        return None
    here = own_place(e)
    if not place_fits(f.place, here):
        return None
    if not toll_update and not date_fits(f.date, own_date(e)):
        return None
    if f.date.start is None and f.members and own_date(e).start is not None and own_date(e).precision == "year":
        # "gunmen killed 12 ... (no day known). The country has battled an insurgency since a rebellion in 2012":
        # a year told after an event of no known day is another time, not the day of that event
        return None
    if _spot(f.place) and here is not None and _spot(here):
        return f"same place ({here.place.name})"
    if toll_update:
        return "a toll update"
    return "compatible type, place and date"


ADJACENT_CHARS = 250  # a mention this close after the previous one continues its story


def _spot(p: PlaceMention | None) -> bool:
    """A specific place: a point, a town or a district (not a province or a country)."""
    return p is not None and _rank(p) <= PLACE_RANK["admin2"]


def _at_place(frames: list[_Frame], place: PlaceMention | None) -> list[_Frame]:
    """The open events at the specific place ``place``, latest first but the article's first event before all."""
    if not _spot(place):
        return []
    here = [f for f in frames[::-1] if _spot(f.place) and place_fits(f.place, place)]
    return sorted(here, key=lambda f: f is not frames[0])


def _order(frames: list[_Frame], e: Event) -> list[_Frame]:
    """The open events to try for ``e``, most likely first. A mention naming a specific place goes to an event at
    that place; a mention right after the previous one continues it; anything else returns to the article's first
    event, then to the latest that fits."""
    main = frames[0]
    latest = frames[::-1]
    # the story told just before (an aside such as "the men belonged to group X" does not end it)
    near = sorted((f for f in frames if 0 <= e.start - f.end <= 2 * ADJACENT_CHARS), key=lambda f: -f.end)
    if _spot(own_place(e)):
        here = _at_place(frames, own_place(e))
        if own_date(e).start is None and near and near[0] not in here:
            return near[:1] + here + [main] + latest  # "The first explosion, in Potiskum, ..." after a day's total
        return here + [main] + latest
    return near + [main] + latest


def structure(events: list[Event], cues: StructureCues | None = None,
              anaphors: re.Pattern[str] | None = None) -> list[Event]:
    """The document's event mentions with ``doc_event`` and ``coding`` set, reported totals marked ``aggregate``,
    and members of one document event sharing its place and date. Order is kept.

    ``anaphors``: definite back-references ("the attack", "the incident"); a sentence that opens with one tells
    more of the event just told (or of the article's first event), whatever else it names.
    """
    cues = cues or load_cues()
    order = sorted(range(len(events)), key=lambda i: (events[i].start, i))
    out = list(events)
    frames: list[_Frame] = []
    owner: dict[int, _Frame] = {}
    why: dict[int, str] = {}
    toll_updates: set[int] = set()
    passing: set[int] = set()  # back-references whose figures belong to another event they name in passing
    prev: _Frame | None = None
    sentence_frames: dict[tuple[int, int], set[int]] = {}  # the events already opened by each sentence
    for i in order:
        e = out[i]
        if not e.is_event:
            why[i] = f"left out: {e.factuality}"
            continue
        total = total_cue(e, cues)
        if total:
            out[i] = replace(e, factuality="aggregate")
            why[i] = f"left out: a reported total ({total!r})"
            continue
        ongoing = ongoing_cue(e, cues)
        if ongoing:
            out[i] = replace(e, factuality="background")
            why[i] = f"left out: background, an ongoing state or history ({ongoing!r})"
            continue
        update = bool(cues.toll_update and cues.toll_update.search(e.quote))
        if update:
            toll_updates.add(i)
        opener = cues.new_event.search(e.quote) if cues.new_event is not None and not update else None
        frame: _Frame | None = None
        reason = ""
        back = anaphors.match(e.quote.lstrip(" \"'“‘(")) if anaphors is not None and opener is None else None
        if back is not None and frames:
            # the event just told, when it is of the kind the back-reference names; else the latest of that kind
            # ("an attack on a village ... an insurgency since 2012 ... The attack took place on Thursday"); else
            # the article's first event
            kind = SUB_EVENT_TYPES.get(e.sub_event_type)
            same = [f for f in frames if kind in {SUB_EVENT_TYPES.get(x) for x in f.subs}]
            frame = prev if prev is not None and 0 <= e.start - prev.end <= ADJACENT_CHARS and (
                prev in same or not same) else (same[-1] if same else frames[0])
            reason = f"it refers back ({back.group(0)!r})"
        if frame is None and not e.trigger and e.attribution and prev is not None:
            frame, reason = prev, "it says who is blamed for the event just told"  # "Officials have blamed X."
        if frame is None and update and frames:
            # a new figure for the article's event, whatever words the sentence uses for it
            frame = next(iter(_at_place(frames, own_place(e))), frames[0])
            reason = "a toll update"
        # two events of one sentence ("jets struck Derna after the jihadists executed 21 Copts") are two events
        mates = sentence_frames.get((e.start, e.end), set())
        if frame is not None and frame.index in mates:
            frame = None
        if frame is None and opener is None and frames:
            for f in _order(frames, e):
                if f.index in mates:
                    continue
                r = _fits(f, e, update)
                if r:
                    frame, reason = f, r
                    break
        if frame is None:
            frame = _Frame(len(frames))
            if prev is not None and own_date(e).start is None and cues.same_day is not None \
                    and cues.same_day.search(e.quote):
                frame.date = prev.date  # "two hours later, a second blast ...": the same day
            frames.append(frame)
            if opener is not None:
                why[i] = f"coded: opens document event {frame.index + 1} (a new event: {opener.group(0).strip()!r})"
            elif len(frames) == 1:
                why[i] = f"coded: opens document event {frame.index + 1}"
            else:
                why[i] = f"coded: opens document event {frame.index + 1} (no earlier event of the article fits it)"
        else:
            why[i] = f"attached to document event {frame.index + 1}: {reason}"
        fits = (back is None and not update) or _fits(frame, e, update) is not None
        if not fits and not update and (e.killed.known or e.injured.known or e.casualties.known):
            # "the raid took place on the day of the attack on Abuja, in which 75 died": the figure is the other's
            passing.add(i)
            why[i] += "; its casualty figures are of another event it names, not kept"
        frame.add(i, e, dated=not update and fits, placed=fits)
        owner[i] = frame
        sentence_frames.setdefault((e.start, e.end), set()).add(frame.index)
        prev = frame
    # "Officials have blamed X." names no event of its own: whom it blames goes to the mentions of the event it
    # was attached to, and the sentence is no mention of its own
    for f in frames:
        bare = [i for i in f.members if not out[i].trigger and out[i].attribution]
        told = [i for i in f.members if i not in bare]
        if not bare or not told:
            continue
        for j in told:
            have = {p.actor.id for p in out[j].perpetrators}
            extra = tuple(p for i in bare for p in out[i].perpetrators if p.actor.id not in have)
            out[j] = replace(out[j], perpetrators=out[j].perpetrators + tuple(dict.fromkeys(extra)))
        for i in bare:
            f.members.remove(i)
            owner.pop(i, None)
            out[i] = replace(out[i], factuality="attribution")
            why[i] = f"left out: whom it blames goes to document event {f.index + 1}"
    # an event the article tells only as what someone claimed, was blamed for, is suspected of or denies is not
    # reported by it ("IS claimed responsibility for the Diyarbakir bombing"): the reports of the event are coded
    for f in frames:
        if all(out[i].attribution for i in f.members):
            for i in f.members:
                owner.pop(i, None)
                why[i] = (f"left out: only {out[i].attribution} responsibility for an event the article does not "
                          "itself report")
                out[i] = replace(out[i], factuality="attribution")
    # a later event of the article with no day, no place finer than a country and no figure of its own is context
    # ("the news came at a time when the Taliban had refused to negotiate"), not a new incident
    for f in frames[1:]:
        if any(i in owner for i in f.members) and not any(_specific(out[i]) for i in f.members):
            for i in f.members:
                owner.pop(i, None)
                out[i] = replace(out[i], factuality="background")
                why[i] = "left out: background (no date, place or figure of its own: context for the article's events)"
    for i, e in enumerate(out):
        owned = owner.get(i)
        if owned is None:
            out[i] = replace(e, coding=why.get(i, ""))
            continue
        loc, date = e.location, e.date
        if owned.place is not None and (not place_fits(owned.place, loc) or _rank(owned.place) < _rank(loc)):
            loc = owned.place  # a vaguer place, or one the mention only names in passing (it refers back)
        # one date for the whole event: its members' own most precise one, else the one its opener was told with
        target = owned.date if owned.date.start is not None else owned.borrowed
        if target.start is not None and (date.start is None or i in toll_updates or own_date(e).start is None
                                         or not date_fits(target, date)
                                         or DATE_RANK.get(target.precision, 6) < DATE_RANK.get(date.precision, 6)):
            date = target
        elif target.start is None and own_date(e).start is None:
            date = TimeExpression.unknown()  # the event has no day: not one a member borrowed from its paragraph
        if i in passing:
            e = replace(e, killed=Count(), injured=Count(), casualties=Count())
        out[i] = replace(e, doc_event=owned.index, coding=why[i], location=loc, date=date)
    return out


def reported_totals(events: list[Event]) -> list[Event]:
    """The mentions that are reported totals (``aggregate`` with a casualty figure), in text order."""
    return sorted((e for e in events if e.factuality == "aggregate"
                   and (e.killed.known or e.casualties.known or e.injured.known)), key=lambda e: e.start)


_SOURCE = re.compile(r"according to (?:the )?([^,.;]{2,80})|,\s*(?:the )?([A-Z][^,.;]{1,60}?) (?:said|says|reported|"
                     r"estimated|estimates)\b")


def total_source(quote: str) -> str | None:
    """Who gives a reported total, when the sentence says ("according to the UN", "..., the ministry said")."""
    m = _SOURCE.search(quote)
    if m is None:
        return None
    return (m.group(1) or m.group(2) or "").strip() or None


__all__ = ["StructureCues", "date_fits", "load_cues", "place_fits", "reported_totals", "structure", "total_cue",
           "total_source", "types_fit"]

