"""The data shapes that travel between stages.

Every stage takes and returns these small frozen dataclasses; no stage reaches into another's internals.
All character offsets (``start``/``end``) index a document's **clean text** unless a field says otherwise;
``Document.to_raw`` maps them back to the raw text it was cleaned from.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

# ---------------------------------------------------------------------------------------------------- vocabularies

DatePrecision = Literal["day", "week", "part-of-month", "month", "year", "range", "unknown"]
PlacePrecision = Literal["point", "city", "admin2", "admin1", "country", "region", "unknown"]
Factuality = Literal[
    "asserted",  # the text states it happened / is happening
    "reported",  # attributed to a source ("police said ...")
    "hypothetical",  # conditionals, questions, counterfactuals
    "predicted",  # future, plans, expectations
    "negated",
    "habitual",  # generic or repeated patterns, no single incident
    "background",  # a reference to a long-past period, not a new incident
    "aggregate",  # a toll or count over a long period and a wide area: a statistic, not one incident
    "attribution",  # told only as what someone claimed, was blamed for or denies; the article does not report it
]
EVENT_FACTUALITIES: frozenset[str] = frozenset({"asserted", "reported"})
# how precisely a place or a date is known, finest first: the one order every stage uses ("region" is a continent
# or a region of the world, wider than a country)
PLACE_PRECISIONS: tuple[str, ...] = ("point", "city", "admin2", "admin1", "country", "region", "unknown")
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "part-of-month", "month", "range", "year", "unknown")
PLACE_RANK: dict[str, int] = {p: i for i, p in enumerate(PLACE_PRECISIONS)}
DATE_RANK: dict[str, int] = {p: i for i, p in enumerate(DATE_PRECISIONS)}
# placed within one province (a town, a district, the province itself): what incident resolution blocks on
WITHIN_PROVINCE: tuple[str, ...] = PLACE_PRECISIONS[: PLACE_RANK["admin1"] + 1]
# the reach of incident resolution's blocking rule (``resolve.incidents.may_match``), which both the resolver's
# in-memory blocks and the store's candidate SQL (``store.resolution``) cover
RECENT_DAYS = 31  # an undated report may tell an event dated up to this many days before its publication
UNDATED_PAIR_DAYS = 7  # two undated reports of one province published this close may tell one event
WEEKLY_BLOCK_DAYS = 120  # a date, widened by the window, spanning more than this is blocked by years, not weeks
RelationType = Literal[
    "supports", "allied", "fights", "attacks", "opposes", "rivals", "controls", "leads", "member_of"
]
RELATION_TYPES: tuple[str, ...] = (
    "supports", "allied", "fights", "attacks", "opposes", "rivals", "controls", "leads", "member_of",
)

# ACLED event types and sub-event types, spelled as ACLED spells them.
ACLED_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": (
        "Chemical weapon", "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED", "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
        "Headquarters or base established", "Looting/property destruction", "Non-violent transfer of territory",
        "Other",
    ),
}
SUB_EVENT_TYPES: dict[str, str] = {sub: typ for typ, subs in ACLED_TYPES.items() for sub in subs}
# what generic fighting words give ("fighting", "clashes", "battle"): a more specific sub-type told of the same event
# (a town taken, shelling) outweighs it, as a coder takes the specific one
GENERIC_SUBS: frozenset[str] = frozenset({"Armed clash"})


def coded_subtype(mentions: Iterable[tuple[str, float]]) -> str:
    """The sub-type one event is coded with from its mentions' (sub-type, salience): the most told, a generic one
    counting half, then the most salient."""
    votes: dict[str, float] = {}
    weight: dict[str, float] = {}
    for sub, salience in mentions:
        votes[sub] = votes.get(sub, 0.0) + (0.5 if sub in GENERIC_SUBS else 1.0)
        weight[sub] = weight.get(sub, 0.0) + salience
    return max(votes, key=lambda s: (votes[s], weight[s], s))


# ---------------------------------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets in clean text back to offsets in raw text.

    Stored as aligned segments: clean[c : c+n] == raw[r : r+n] for every (c, r, n) in ``segments``,
    sorted by c. Characters of clean text that were synthesised (e.g. a newline joining two kept blocks)
    map to the raw offset of the next kept character.
    """

    segments: tuple[tuple[int, int, int], ...] = ()
    # the segments' clean starts, built once (``to_raw`` is asked for every mention of a document)
    _starts: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(s[0] for s in self.segments))

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls(((0, 0, length),)) if length else cls(())

    def to_raw(self, offset: int) -> int:
        if not self.segments:
            return offset
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return self.segments[0][1]
        c, r, n = self.segments[i]
        if offset <= c + n:
            return r + (offset - c)
        # synthesised character: map to the start of the next segment
        if i + 1 < len(self.segments):
            return self.segments[i + 1][1]
        return r + n

    def span_to_raw(self, start: int, end: int) -> tuple[int, int]:
        """A clean-text span as a raw-text span (the end maps as the end of the last character)."""
        if end <= start:
            s = self.to_raw(start)
            return s, s
        return self.to_raw(start), self.to_raw(end - 1) + 1


@dataclass(frozen=True)
class Document:
    """One article: raw text as received, clean text for analysis, and metadata."""

    id: str  # sha256 of the raw text (hex); the idempotency key
    name: str  # file name, record id or title: how users refer to it
    raw_text: str
    clean_text: str
    offset_map: OffsetMap = field(default_factory=OffsetMap)
    published: date | None = None
    published_precision: DatePrecision = "unknown"
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    source_path: str | None = None
    source_format: str = "text"  # text | html | markdown | jsonl | json
    encoding: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        return self.offset_map.span_to_raw(start, end)


@dataclass(frozen=True)
class IngestFailure:
    """An input that could not be read; recorded, never fatal for the batch."""

    source: str  # path or "<stdin>:LINE" or "FILE:LINE"
    reason: str  # short machine code, e.g. "binary", "empty", "too-large", "undecodable", "malformed-record"
    detail: str = ""
    count: int = 1  # inputs this failure stands for (one row for many bad records of one file)


# ---------------------------------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Actor:
    """A canonical actor from the knowledge base (or created for an unknown name)."""

    id: str  # slug, e.g. "isis", "shia-militias"
    name: str  # canonical display name, e.g. "Islamic State"
    type: str  # ACLED class or person/political party/organization/coalition/state
    country: str | None = None  # ISO2
    aliases: tuple[str, ...] = ()
    part_of: str | None = None  # parent actor id
    codes: tuple[tuple[str, str], ...] = ()  # (scheme, code), e.g. ("cameo", "IRQMIL")
    generic: bool = False  # a typed generic actor ("gunmen", "civilians")
    known: bool = True  # False for actors created from unknown names found in text
    active: str | None = None  # years of activity, "2015-" or "2002-2016", where a name was reused over time
    former_names: tuple[str, ...] = ()  # earlier names (also matched as aliases)


@dataclass(frozen=True)
class ActorMention:
    text: str
    start: int
    end: int
    actor: Actor
    how: str = "kb"  # kb | ner | generic | demonym | acronym | backoff | new


@dataclass(frozen=True)
class Place:
    """A gazetteer entry (GeoNames ids where known; curated entries use negative ids)."""

    geonameid: int | None
    name: str
    lat: float | None
    lon: float | None
    country_code: str | None
    admin1: str | None = None
    admin2: str | None = None
    feature: str | None = None  # GeoNames feature code, e.g. PPLA, ADM1, PCLI
    population: int = 0
    precision: PlacePrecision = "city"


@dataclass(frozen=True)
class PlaceMention:
    text: str
    start: int
    end: int
    place: Place
    relation: str | None = None  # None (in), "near", or a bearing like "northeast"
    distance_km: float | None = None
    score: float = 1.0


@dataclass(frozen=True)
class TimeExpression:
    """A resolved temporal expression. ``start``/``end`` dates are None when unknown."""

    text: str | None
    char_start: int | None
    char_end: int | None
    start: date | None
    end: date | None
    precision: DatePrecision

    @classmethod
    def unknown(cls) -> TimeExpression:
        return cls(None, None, None, None, None, "unknown")


@dataclass
class Analysis:
    """Everything the analyze stage knows about one document. ``spacy_doc`` is the parsed clean text."""

    document: Document
    spacy_doc: Any
    sentences: list[Sentence] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    times: list[TimeExpression] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------- extraction


@dataclass(frozen=True)
class Count:
    """A casualty figure as a low-high range. ``high`` None means open-ended ("over 40" -> low 41, high None)."""

    low: int | None = None
    high: int | None = None
    text: str | None = None

    @property
    def known(self) -> bool:
        return self.low is not None or self.high is not None


@dataclass(frozen=True)
class Participant:
    text: str
    actor: Actor
    how: str = "stated"  # stated | claimed | blamed | suspected | denied: how the text establishes the role
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class PropertyTarget:
    """A thing, not an actor, that an event struck ("the power substation", "a tank truck"); offsets in clean text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Event:
    """One event mention in one document (what a coder would code from one sentence/clause)."""

    event_type: str
    sub_event_type: str
    quote: str
    start: int  # span of the evidence (usually the sentence) in clean text
    end: int
    trigger: str = ""
    date: TimeExpression = field(default_factory=TimeExpression.unknown)
    location: PlaceMention | None = None
    perpetrators: tuple[Participant, ...] = ()
    targets: tuple[Participant, ...] = ()
    killed: Count = field(default_factory=Count)
    injured: Count = field(default_factory=Count)
    casualties: Count = field(default_factory=Count)  # combined killed+injured figures ("killing and injuring 70")
    abducted: Count = field(default_factory=Count)
    arrested: Count = field(default_factory=Count)
    factuality: str = "asserted"
    salience: float = 0.0
    property_targets: tuple[PropertyTarget, ...] = ()  # buildings, vehicles, infrastructure struck
    doc_event: int | None = None  # which distinct event of its document it tells (``extract.structure``)
    coding: str = ""  # why it was coded, attached to another mention's event, or left out
    # the sentence tells the event only as the object of a claim, a blame, a suspicion or a denial of
    # responsibility ("IS claimed the bombing"): "claimed", "blamed", "suspected", "denied"; None otherwise
    attribution: str | None = None

    @property
    def is_event(self) -> bool:
        return self.factuality in EVENT_FACTUALITIES


@dataclass(frozen=True)
class Relation:
    subject: Actor
    relation: str  # one of RELATION_TYPES
    object: Actor
    quote: str
    start: int
    end: int
    trigger: str = ""
    factuality: str = "asserted"
    subject_text: str = ""
    object_text: str = ""


@dataclass(frozen=True)
class Claim:
    """A causal claim: the text says ``cause`` causes, caused or will cause ``effect``."""

    cause: str
    effect: str
    quote: str
    start: int
    end: int
    cue: str = ""
    cause_span: tuple[int, int] | None = None
    effect_span: tuple[int, int] | None = None
    score: float = 1.0
    actors: tuple[str, ...] = ()  # actor ids named in the claim
    cause_concept: str = ""  # the normalised key of each end (``extract.claims.concept_key``), set by the extractor
    effect_concept: str = ""


@dataclass(frozen=True)
class FramingMention:
    """How one sentence of one document speaks of one actor."""

    actor: Actor
    label: str  # the words used for the actor in this sentence
    sentence_start: int
    sentence_end: int
    loaded_terms: tuple[str, ...] = ()
    tone: float = 0.0  # -1 (hostile) .. +1 (favourable)


@dataclass
class Extraction:
    """Everything extracted from one document."""

    document: Document
    events: list[Event] = field(default_factory=list)  # every event mention, factual or not
    relations: list[Relation] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    framing: list[FramingMention] = field(default_factory=list)
    analysis: Analysis | None = None

    @property
    def factual_events(self) -> list[Event]:
        return [e for e in self.events if e.is_event]


@dataclass(frozen=True)
class StageFailure:
    """A document a stage could not handle: recorded and skipped, the batch goes on. ``error`` is the error as
    text ("ValueError: ..."), so the failure crosses process boundaries; ``exception`` is the error itself, in the
    process that raised it only (dropped by ``portable``)."""

    document: Document
    stage: str  # "analyze" | "extract"
    error: str
    exception: BaseException | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, document: Document, stage: str, exception: BaseException) -> StageFailure:
        return cls(document, stage, f"{type(exception).__name__}: {exception}", exception)

    def portable(self) -> StageFailure:
        return StageFailure(self.document, self.stage, self.error) if self.exception is not None else self


# ---------------------------------------------------------------------------------------------------- incidents

# the words of a quote that compare two reports of one event (four letters or more, not the commonest)
_QUOTE_WORD = re.compile(r"[a-z]{4,}")
_QUOTE_STOP = frozenset("that this with from were have been their they which while after before into about said would "
                  "could there other these those than when where what also more most some such only over under "
                  "against between during people".split())


@dataclass(frozen=True, slots=True)
class EventRecord:
    """What incident resolution needs to know about one factual event mention (slots: a store holds many of
    them). The store reads them from its events table; ``resolve.incidents`` clusters them."""

    id: str
    document_id: str
    document: str
    event_type: str
    sub_event_type: str
    quote: str = ""
    outlet: str | None = None
    published: str | None = None
    date_start: date | None = None
    date_end: date | None = None
    date_precision: str = "unknown"
    date_text: str | None = None
    place_name: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country_code: str | None = None
    admin1: str | None = None
    place_precision: str = "unknown"
    perpetrators: tuple[str, ...] = ()  # actor ids
    targets: tuple[str, ...] = ()
    perpetrator_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] = ()
    # each specific perpetrator (not generic, not civilians) as its id followed by its ``part_of`` ancestors
    perpetrator_lines: tuple[tuple[str, ...], ...] = ()
    killed_low: int | None = None
    killed_high: int | None = None
    injured_low: int | None = None
    injured_high: int | None = None
    salience: float = 0.0
    start: int = 0
    end: int = 0
    doc_event: int | None = None  # which distinct event of its document it tells (``extract.structure``)
    copy_of: str | None = None  # the document whose text this mention's document repeats (``ingest.copies``)
    words: frozenset[str] = field(init=False, repr=False, compare=False)  # the quote's content words

    def __post_init__(self) -> None:
        words = frozenset(w for w in _QUOTE_WORD.findall(self.quote.lower()) if w not in _QUOTE_STOP) if self.quote else _NO_WORDS
        object.__setattr__(self, "words", words)


_NO_WORDS: frozenset[str] = frozenset()



# what an analyst may correct on an incident (``faultlines edit``, the web's edit form): column names of the incidents
# table, each with the type of its value
INCIDENT_EDITABLE: dict[str, type] = {
    "event_type": str, "sub_event_type": str, "date_start": str, "date_end": str, "date_precision": str,
    "place_name": str, "admin1": str, "country_code": str, "lat": float, "lon": float,
    "killed_low": int, "killed_high": int, "injured_low": int, "injured_high": int,
}


@dataclass(frozen=True, slots=True)
class IncidentSource:
    """One document's report of an incident: the mentions it gives and its own figures (the largest it reports)."""

    document_id: str
    document: str  # the document's name
    outlet: str | None
    event_ids: tuple[str, ...]
    killed: Count = Count()
    injured: Count = Count()
    copy_of: str | None = None  # the document whose text this one repeats (a wire story another outlet ran)


@dataclass(frozen=True, slots=True)
class Incident:
    """A real-world event: the resolver's cluster of the mentions that tell it, merged across the documents.

    The merged values are one row of the store's incidents table, field for field; each source keeps its own
    figures, and ``disputed`` names the fields the sources disagree on.
    """

    id: str
    event_type: str
    sub_event_type: str
    date_start: date | None
    date_end: date | None
    date_precision: str
    place_name: str | None
    admin1: str | None
    country_code: str | None
    lat: float | None
    lon: float | None
    geonameid: int | None
    place_precision: str
    killed_low: int | None
    killed_high: int | None
    injured_low: int | None
    injured_high: int | None
    perpetrators: tuple[str, ...]  # canonical actor names, the most reported first
    targets: tuple[str, ...]
    disputed: tuple[str, ...]
    sources: tuple[IncidentSource, ...]
    reasons: tuple[dict[str, Any], ...] = ()  # why members were merged: one entry per link, with its score
    corrected: bool = False
    # the values the resolver computed for the fields an analyst set (the analyst's values win; these are kept to
    # compare)
    machine: tuple[tuple[str, Any], ...] = ()

    @property
    def event_ids(self) -> tuple[str, ...]:
        return tuple(i for s in self.sources for i in s.event_ids)

    @property
    def source_count(self) -> int:
        return len(self.sources)

    @property
    def independent_sources(self) -> int:
        """Sources counted once per original text: a copy of a wire story and the story are one."""
        return len({s.copy_of or s.document_id for s in self.sources})

    @property
    def outlets(self) -> list[str]:
        return sorted({s.outlet for s in self.sources if s.outlet})

    def edited(self, fields: dict[str, Any]) -> Incident:
        """This incident with an analyst's edits (``INCIDENT_EDITABLE`` fields; ISO dates as text) applied."""
        values: dict[str, Any] = {}
        machine = dict(self.machine)
        for key, value in fields.items():
            if key not in INCIDENT_EDITABLE:
                continue
            if key in ("date_start", "date_end") and isinstance(value, str):
                value = date.fromisoformat(value)
            values[key] = value
            if key not in machine:
                old = getattr(self, key)
                machine[key] = old.isoformat() if isinstance(old, date) else old
        return replace(self, **values, corrected=True, machine=tuple(machine.items()))

    def row(self) -> dict[str, Any]:
        """The incidents-table row: ISO dates, lists for the list fields, ``corrected`` as 0/1."""
        return {
            "id": self.id, "event_type": self.event_type, "sub_event_type": self.sub_event_type,
            "date_start": self.date_start.isoformat() if self.date_start else None,
            "date_end": self.date_end.isoformat() if self.date_end else None, "date_precision": self.date_precision,
            "place_name": self.place_name, "admin1": self.admin1, "country_code": self.country_code,
            "lat": self.lat, "lon": self.lon, "geonameid": self.geonameid, "place_precision": self.place_precision,
            "killed_low": self.killed_low, "killed_high": self.killed_high,
            "injured_low": self.injured_low, "injured_high": self.injured_high,
            "perpetrators": list(self.perpetrators), "targets": list(self.targets), "disputed": list(self.disputed),
            "source_count": self.source_count, "independent_sources": self.independent_sources,
            "outlets": self.outlets, "reasons": list(self.reasons),
            "corrected": int(self.corrected),
            "machine_values": dict(self.machine) if self.machine else None,
        }


@dataclass(frozen=True, slots=True)
class IncidentChange:
    """One entry of an incident's history: what changed (``kind``: created, source joined, source left, changed,
    merged, merged into, split, split off) and its details (documents, field, from, to, why)."""

    incident_id: str
    kind: str
    detail: dict[str, Any] = field(default_factory=dict)
