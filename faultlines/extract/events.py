"""Event mentions: what happened (ACLED type and sub-type), who, how many victims, how factual, when and where.

Each sentence is scanned with the trigger cues of events.yaml; the strongest cue of the sentence decides its
sub-event type (one event per sentence and factuality, so a sentence that tells one attack with several verbs
gives one event). Conditions on the cue's syntactic object (a place for territory verbs, weapons for
seizures) and on the acting side (government vs non-state) refine it; protest modifiers turn a protest into
one with intervention, excessive force or a violent demonstration; for generic violence the target decides
between an Attack on civilians and an Armed clash. Participants, casualty figures, factuality, date and place
are then attached, and the events are sorted most salient first.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from faultlines.analyze.datelines import in_dateline
from faultlines.analyze.parsed import parsed, span_text
from faultlines.extract.casualties import CasualtyFigures, parse_casualties, parse_quantity, victims_noun
from faultlines.extract.factuality import classify_factuality, is_background
from faultlines.extract.participants import (
    COUNT_NOUNS,
    ParticipantFinder,
    acts_around,
    established,
    in_time_clause,
    kind_of,
    time_clauses,
)
from faultlines.extract.prefilter import CueMatcher, lowered, search, starts
from faultlines.extract.roles import DocumentStats, candidates, features, heads, shipped_model
from faultlines.extract.structure import structure, told_generally
from faultlines.model import (
    DATE_RANK,
    EVENT_FACTUALITIES,
    PLACE_RANK,
    SUB_EVENT_TYPES,
    Analysis,
    Count,
    Event,
    Participant,
    Place,
    PlaceMention,
    PropertyTarget,
    TimeExpression,
    coded_subtype,
)
from faultlines.spans import ByStart, Overlaps, SpanCover

log = logging.getLogger(__name__)

LEXICON = Path(__file__).resolve().parent.parent / "data" / "lexicon" / "events.yaml"
_PLACE_ENTS = ("GPE", "LOC", "FAC")
_NONLETHAL = {"Abduction/forced disappearance", "Sexual violence"}
_PROTEST_FAMILY = {"Peaceful protest", "Attack", "Arrests", "Armed clash", "Violent demonstration", "Mob violence",
                   "Abduction/forced disappearance", "Change to group/activity", "Looting/property destruction"}


def _rx(patterns: list[str] | None) -> re.Pattern[str] | None:
    pats = [p for p in patterns or [] if p]
    if not pats:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in pats) + r")(?![\w])", re.I)


def _starts(patterns: list[str] | None) -> frozenset[str] | None:
    """What matches of ``_rx(patterns)`` begin with, in lower-cased text (``prefilter.starts``); None when the
    patterns have upper-case letters (they are then searched with re.IGNORECASE in the original text)."""
    alt = "|".join(f"(?:{p})" for p in patterns or [] if p)
    return starts(alt) if alt and alt == alt.lower() else None


@dataclass(frozen=True)
class Cue:
    """One trigger rule of events.yaml."""

    sub: str
    priority: int
    phrases: re.Pattern[str] | None
    unless: re.Pattern[str] | None = None
    context: re.Pattern[str] | None = None
    object: str | None = None
    actor: str | None = None
    alternative: str | None = None
    target_decides: bool = False
    protest: bool = False
    first: frozenset[str] | None = None  # what a trigger match begins with (``prefilter``); None: always scan


@dataclass
class EventLexicon:
    """The compiled events.yaml."""

    cues: list[Cue]
    classes: dict[str, frozenset[str]]
    protest: dict[str, re.Pattern[str] | None] = field(default_factory=dict)
    abstract: re.Pattern[str] | None = None
    non_conflict: re.Pattern[str] | None = None
    non_conflict_first: frozenset[str] | None = None  # what a non_conflict match begins with (``prefilter``)
    anaphors: re.Pattern[str] | None = None


@functools.lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> EventLexicon:
    """The compiled event trigger lexicon (the shipped one unless ``path`` is given)."""
    with open(path or LEXICON, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    cues = []
    for raw in data.get("cues") or []:
        sub = raw["sub"]
        if sub not in SUB_EVENT_TYPES:
            log.warning("events.yaml: unknown sub-event type %r skipped", sub)
            continue
        phrases = _rx(raw.get("phrases"))
        cues.append(Cue(
            sub=sub, priority=int(raw.get("priority", 50)), phrases=phrases,
            unless=_rx(raw.get("unless")), context=_rx(raw.get("context")), object=raw.get("object"),
            actor=raw.get("actor"), alternative=raw.get("alternative"),
            target_decides=bool(raw.get("target_decides")), protest=bool(raw.get("protest")),
            first=_starts(raw.get("phrases")),
        ))
    classes = {k: frozenset(str(w).lower() for w in v) for k, v in (data.get("classes") or {}).items()}
    protest = {k: _rx(v) for k, v in (data.get("protest_modifiers") or {}).items()}
    return EventLexicon(cues, classes, protest, _rx(data.get("abstract_triggers")), _rx(data.get("non_conflict")),
                        anaphors=_rx(data.get("anaphors")), non_conflict_first=_starts(data.get("non_conflict")))


@dataclass
class _Hit:
    """A cue that fired in a sentence, at a trigger token."""

    cue: Cue
    sub: str
    token: Any
    text: str
    factuality: str = "asserted"


class EventExtractor:
    """Finds every event mention of an analysed document, most salient first."""

    def __init__(self, kb: Any = None, lexicon: EventLexicon | None = None, roles: Any = "shipped") -> None:
        self.kb = kb
        self.roles = shipped_model() if roles == "shipped" else roles  # the learned role filler, or None
        self.lexicon = lexicon or load_lexicon()
        common = frozenset().union(*self.lexicon.classes.values()) if self.lexicon.classes else frozenset()
        self.participants = ParticipantFinder(kb, common | {w + "s" for w in common},
                                              harm_verbs=self.lexicon.classes.get("harm_verbs", frozenset()),
                                              suffer_verbs=self.lexicon.classes.get("suffer_verbs", frozenset()),
                                              wield_verbs=self.lexicon.classes.get("wield_verbs", frozenset()),
                                              site_words=self.lexicon.classes.get("property", frozenset())
                                              | self.lexicon.classes.get("military_site", frozenset()))
        self._toll_cue = Cue("Attack", 30, None, target_decides=True)
        lx = self.lexicon
        self.matcher = CueMatcher([c.phrases for c in lx.cues],
                                  [c.first if c.phrases is not None else frozenset() for c in lx.cues],
                                  lx.non_conflict, lx.non_conflict_first)

    def __call__(self, analysis: Analysis) -> list[Event]:
        sdoc = analysis.spacy_doc
        if sdoc is None:
            return []
        events: list[Event] = []
        sents = list(sdoc.sents)
        accident = False  # the story just told is an accident, a disaster or a crime (an off-topic sentence)
        anaphors = self.lexicon.anaphors
        for sent in sents:
            try:
                found = self.sentence_events(sent, analysis)
                if found and accident and anaphors is not None and anaphors.search(span_text(sent)):
                    continue  # "... gas containers exploded in a garage. When the explosion occurred, ...": the same
                if found:
                    accident = False
                    events.extend(found)
                elif self._off_topic(sent):
                    accident = True
            except Exception:  # one odd sentence must not lose the document
                log.exception("event extraction failed on a sentence of %s", analysis.document.name)
        events = _resolve_anaphors(events, self.lexicon.anaphors)
        events = _inherit_context(events)
        events = structure(events, anaphors=self.lexicon.anaphors)  # which distinct events the article tells; reported totals left out
        events = _place_unplaced(events, analysis)
        events = [self._national(e) for e in events]
        events = self.learned_roles(events, analysis)
        length = max(len(analysis.document.clean_text), 1)
        events = [replace(e, salience=_salience(e, length)) for e in events]
        events.sort(key=lambda e: -e.salience)
        return _lead_as_coded(events)

    # ------------------------------------------------------------------------------------------ detection
    def hits(self, sent: Any, analysis: Analysis | None = None) -> list[_Hit]:
        """Every cue that fires in the sentence, strongest first."""
        text = span_text(sent)
        low = lowered(text)
        out: list[_Hit] = []
        cues = self.lexicon.cues
        ids, maybe_off_topic = self.matcher.candidates(low)  # only the cues whose triggers can occur
        # disasters, accidents, crime: only protests and riots remain
        off_topic = maybe_off_topic and self.matcher.off_topic(text, low)
        for i in ids:
            cue = cues[i]
            if off_topic and SUB_EVENT_TYPES[cue.sub] not in ("Protests", "Riots"):
                continue
            found = self.matcher.spans(i, text, low)  # the trigger first: most cues never fire on a sentence
            if not found or (cue.unless and search(cue.unless, text, low)):
                continue
            if cue.context and not search(cue.context, text, low):
                continue
            for start, end in found:
                tok = _token_at(sent, start, end)
                if tok is None or _in_name(analysis, sent.start_char + start, sent.start_char + end) \
                        or self._names_group(tok) or _standing_war(tok):
                    continue  # "the National Liberation Army": a word of a name, not an event
                seized = self._seized_people(tok) if cue.object == "place" else None
                if seized == "civilians":  # "21 fishermen seized by the militants": an abduction, not a town taken
                    out.append(_Hit(cue, "Abduction/forced disappearance", tok, text[start:end]))
                if seized is not None:  # "troops captured five militants": fighters taken, not a town either
                    continue
                if cue.object and not self._object_ok(tok, sent, cue.object, analysis):
                    continue
                matched = text[start:end]
                if tok.pos_ in ("NOUN", "PROPN") and self._abstract(matched, sent, analysis):
                    continue
                sub = cue.sub
                if cue.actor and cue.alternative:
                    side = self._acting_side(tok, analysis)
                    if side and side != cue.actor:
                        sub = cue.alternative
                out.append(_Hit(cue, sub, tok, matched))
        # main clause before relative clauses and clauses about an earlier event ("after ...", "in response to
        # ..."), then the strongest cue, verbs first, then text order
        out.sort(key=lambda h: (_subordinate(h.token) or _earlier_event(h.token), -h.cue.priority,
                                h.token.pos_ != "VERB"))
        return out

    def _names_group(self, tok: Any) -> bool:
        """A noun trigger that only modifies a group's name word ("liberation army", "resistance front")."""
        cues = getattr(self.kb, "org_cues", None)
        if not cues or tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ not in ("compound", "amod"):
            return False
        head = tok.head
        if head.i <= tok.i or head.i - tok.i > 4 or tok.i == 0:
            return False
        before = tok.doc[tok.i - 1]  # a name has more words: "national liberation army", not "protest movement"
        if before.dep_ not in ("amod", "compound") or before.head.i not in (tok.i, head.i):
            return False
        return any(t.lower_ in cues and t.lower_ not in _PLURAL_GROUP_WORDS for t in tok.doc[tok.i + 1:head.i + 1])

    def _abstract(self, matched: str, sent: Any, analysis: Analysis | None) -> bool:
        """An abstract or generic noun ("the fight against ISIS", "attacks") with nothing concrete around it."""
        ab = self.lexicon.abstract
        if ab is None or not ab.fullmatch(matched):
            return False
        if parse_casualties(sent).any:
            return False
        if analysis is None:
            return not any(e.label_ in ("GPE", "FAC", "DATE", "TIME") for e in parsed(sent.doc).ents_in(sent))
        if _times_in(analysis, sent):
            return False
        return not any(p.place.precision in ("point", "city", "admin2", "admin1")
                       for p in _place_index(analysis, analysis.places).between(sent.start_char, sent.end_char))

    def _object_ok(self, tok: Any, sent: Any, cls: str, analysis: Analysis | None) -> bool:
        """The trigger's object (or the words right after it) is of the class (``place``: a place or territory)."""
        if cls == "place_direct":  # the verb's own object is a place ("took Mosul", "Mosul was taken")
            heads = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
            starts = {p.start for p in analysis.places} if analysis is not None else set()
            words = self.lexicon.classes.get("territory", frozenset())
            return any(h.ent_type_ in _PLACE_ENTS or h.idx in starts or h.lemma_.lower() in words
                       or any(t.idx in starts for t in h.subtree if t.i <= h.i) for h in heads)
        words = self.lexicon.classes.get("territory" if cls == "place" else cls, frozenset())
        cands = [t for c in tok.children if c.dep_ not in ("nsubj", "agent", "advcl", "conj", "punct")
                 for t in c.subtree]
        if tok.dep_ in ("nsubjpass", "nsubj") or tok.head.i != tok.i:
            cands.extend(c for c in tok.head.children if c.dep_ == "nsubjpass" for c in c.subtree)
        cands.extend(sent.doc[tok.i + 1: min(tok.i + 9, sent.end)])
        if tok.dep_ == "pobj":  # "fell to X" / "under the control of X": the place is the clause subject
            cands.extend(t for c in tok.head.head.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree)
        for t in cands:
            if t.lemma_.lower() in words or t.lower_ in words:
                return True
            if cls == "place" and t.ent_type_ in _PLACE_ENTS:
                return True
        if cls == "place" and analysis is not None:
            idx = {t.idx for t in cands}
            return any(p.start in idx for p in analysis.places)
        return False

    def _seized_people(self, tok: Any) -> str | None:
        """Whom a seizing verb took when its patient is people, not a place: "armed" ("captured two soldiers")
        or "civilians" ("seized 21 fishermen", "the men seized by militants"); None otherwise."""
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in ("seize", "capture", "take", "grab", "snatch"):
            return None  # "drove the militants out of the town" is about the town
        patients = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
        if tok.dep_ == "acl":  # "the men seized by militants"
            patients.append(tok.head)
        classes = self.lexicon.classes
        things = classes.get("territory", frozenset()) | classes.get("property", frozenset()) \
            | classes.get("military_site", frozenset()) | classes.get("weapons", frozenset())
        armed = classes.get("armed", frozenset()) - things
        civil = classes.get("civilians", frozenset()) - things
        for p in patients:
            lemma = p.lemma_.lower()
            if p.ent_type_ in _PLACE_ENTS or lemma in things:
                continue
            if lemma in armed:
                return "armed"
            if lemma in civil or victims_noun(p.text):
                return "civilians"
        return None

    def _acting_side(self, tok: Any, analysis: Analysis | None) -> str | None:
        """'state' or 'nonstate' for whoever acts in the trigger's clause (None when unknown)."""
        agents, _ = self.participants.arguments(tok)
        state_words = self.lexicon.classes.get("state_actor", frozenset())
        for a in agents:
            if analysis is not None:
                start, end = a.left_edge.idx, a.right_edge.idx + len(a.right_edge.text)
                for m in analysis.actors:
                    if m.start < end and start < m.end:
                        k = kind_of(m.actor)
                        if k in ("state", "nonstate"):
                            return k
            words = {t.lemma_.lower() for t in a.subtree} | {t.lower_ for t in a.subtree}
            if words & state_words:
                return "state"
            if words & self.lexicon.classes.get("armed", frozenset()):
                return "nonstate"
        return None

    # ------------------------------------------------------------------------------------------ events
    def sentence_events(self, sent: Any, analysis: Analysis) -> list[Event]:
        """The event mentions of one sentence: the strongest factual one and the strongest non-factual one."""
        hits = self.hits(sent, analysis)
        figures = parse_casualties(sent)
        if hits and not figures.killed.known:  # a killing verb is itself a trigger: no parse walk elsewhere
            named = _named_dead(sent)
            if named:  # "Mullah Mansoor was killed", "troops killed Hapilon and Maute": one dead per name
                low = sum((c.low or 0) if c else 1 for _, c in named)
                high = None if any(c and c.high is None for _, c in named) else \
                    sum((c.high or 0) if c else 1 for _, c in named)
                figures = replace(figures, killed=Count(low, high, ", ".join(n for n, _ in named)))
        lethal = figures.killed.known and (figures.killed.low or 0) > 0
        if not hits and (lethal or figures.injured.known or figures.casualties.known) and not self._off_topic(sent):
            hits = [_Hit(self._toll_cue, "Attack", sent.root, "")]  # a bare toll ("the dead numbered 70")
        blamed = self.participants.blamed(sent, analysis) if not hits else []
        if blamed:  # "Officials have blamed the Islamist al-Shabab group.": of the event the article is telling
            bare = _Hit(self._toll_cue, "Attack", sent.root, "", "asserted")
            event = self._event(bare, [bare], sent, analysis, figures)
            return [replace(event, perpetrators=established(tuple(blamed), "blamed"), attribution="blamed")
                    ] if event is not None else []
        if not hits:
            return []
        if lethal:  # people were killed: a violent cue beats arrests, abductions, looting and the like
            violent = [h for h in hits if SUB_EVENT_TYPES[h.sub] != "Strategic developments" and h.sub not in _NONLETHAL]
            hits = violent + [h for h in hits if h not in violent]
        for h in hits:
            h.factuality = classify_factuality(sent, analysis, trigger=h.token)
        factual = [h for h in hits if h.factuality in EVENT_FACTUALITIES]
        other = [h for h in hits if h.factuality not in EVENT_FACTUALITIES]
        chosen = [g[0] for g in (factual, other) if g]
        earlier: _Hit | None = None
        referred = False  # the sentence's own event is one it refers back to ("The strike was in response to")
        if factual and not _earlier_event(factual[0].token):
            # "jets struck Derna after the jihadists executed 21 Copts": the earlier event, with its own toll,
            # is reported too
            earlier = next((h for h in factual[1:] if _earlier_event(h.token)), None)
        elif factual and self.lexicon.anaphors is not None \
                and self.lexicon.anaphors.match(span_text(sent).lstrip(" \"'“‘(")):
            earlier, referred = factual[0], True
        prior = self._earlier_event_of(earlier, sent, analysis) if earlier is not None else None
        # an earlier event told as an event of its own lends the main one none of its participants (the jets did
        # not strike the Copts the jihadists executed)
        lenders = [h for h in hits if h is not earlier] if prior is not None and not referred else hits
        events = [self._event(h, lenders, sent, analysis, _own_figures(sent, h.token, figures)) for h in chosen]
        if earlier is not None:
            if prior is not None and referred:
                # "The strike was in response to a sarin attack that killed 80": the sentence adds nothing to
                # the event it refers back to; the attack it answers is an event of its own
                main = _Hit(self._toll_cue, "Attack", sent.root, "", factual[0].factuality)
                events = [self._event(main, [main], sent, analysis, CasualtyFigures())] + events[1:]
            if prior is not None:
                events.append(prior)
        return [e for e in events if e is not None]

    def _earlier_event_of(self, hit: _Hit, sent: Any, analysis: Analysis) -> Event | None:
        """The event of an earlier-event clause or phrase (``_earlier_span``) with its own toll, day and place
        only (the sentence's are its main event's); None when the clause tells no toll."""
        span = _earlier_span(sent, hit.token)
        if span is None:
            return None
        a, b = span
        told = parse_casualties(span_text(sent)[a - sent.start_char:b - sent.start_char])
        if not (told.killed.known or told.casualties.known):
            return None
        prior = self._event(hit, [hit], sent, analysis, told)
        if prior is None:
            return None
        date = prior.date if prior.date.char_start is not None and a <= prior.date.char_start < b \
            else TimeExpression.unknown()
        loc = prior.location if prior.location is not None and a <= prior.location.start < b else None
        return replace(prior, date=date, location=loc)

    def learned_roles(self, events: list[Event], analysis: Analysis, model: Any = "own") -> list[Event]:
        """Perpetrators and targets the role model (``extract.roles``) finds among the noun phrases of each
        sentence that tells an event, added to the event whose trigger is nearest; the rules' own stay (a model
        trained on 1989-91 wire copy knows nothing of today's air wars: ``docs/roles-model.md``). ``model``: another
        ``RoleModel`` (threshold tuning), or this extractor's own."""
        model = self.roles if model == "own" else model
        sdoc = analysis.spacy_doc
        factual = [k for k, e in enumerate(events) if e.is_event]
        if model is None or not factual:
            return events
        stats = DocumentStats(analysis)
        told_by = Overlaps([events[k] for k in factual])
        property_words = self.lexicon.classes.get("property", frozenset())
        added: dict[int, tuple[list[Participant], list[Participant], list[PropertyTarget]]] = {}
        for index, sent in enumerate(sdoc.sents):
            told = [factual[i] for i in told_by.positions(sent.start_char, sent.end_char)]
            if not told:
                stats.seen.update(t.lemma_.lower() for t in heads(sent))
                continue
            told_events = [events[k] for k in told]
            for c in candidates(sent):
                _, perp, target = model.probabilities(features(c, sent, index, told_events, analysis, stats))
                if max(perp, target) < min(model.perpetrator, model.target):
                    continue
                k = _nearest(told, events, c, sent)
                event = events[k]
                if _overlapping(c, event) or any(_standing_war(a) for a in c.head.ancestors):
                    continue  # the rules placed it already; or the enemy in "a coalition battling the Houthis"
                how = event.attribution or "stated"
                perps, targets, things = added.setdefault(k, ([], [], []))
                if perp >= model.perpetrator and perp >= target and (
                        acts_around(c.head, event.trigger) or in_time_clause(c.head, sent, event.trigger)):
                    continue  # "police sealed the area after the blast", "... after soldiers abandoned their posts"
                if perp >= model.perpetrator and perp >= target:
                    perps.extend(self.participants.fill(c.head, analysis, True, how))
                elif target >= model.target:
                    named = self.participants.fill(c.head, analysis, False)
                    targets.extend(named)
                    if not named and (c.head.lemma_.lower() in property_words or c.head.lower_ in property_words):
                        things.append(PropertyTarget(c.text, c.start, c.end))  # a thing struck: a building, a bus
        if not added:
            return events
        out = list(events)
        for k, (perps, targets, things) in added.items():
            e = out[k]
            taken = {p.actor.id for p in e.perpetrators} | {p.actor.id for p in e.targets}
            new_perps = _unique_new(perps, taken)
            taken |= {p.actor.id for p in new_perps}
            new_targets = _unique_new(targets, taken)
            seen_things = {t.text.lower() for t in e.property_targets}
            new_things = [t for t in things if t.text.lower() not in seen_things]
            if new_perps or new_targets or new_things:
                out[k] = self._national(replace(e, perpetrators=e.perpetrators + tuple(new_perps),
                                                targets=e.targets + tuple(new_targets),
                                                property_targets=e.property_targets + tuple(dict.fromkeys(new_things))))
        return out

    def _national(self, event: Event) -> Event:
        """Unspecified state forces ("security forces", "troops", "police") of an event placed in a country
        are that country's own, as ACLED codes them when the report names no other ("Military Forces of Sudan")."""
        kb = self.kb
        country = event.location.place.country_code if event.location is not None else None
        if kb is None or not country or not hasattr(kb, "national"):
            return event

        def own(parts: tuple[Participant, ...]) -> tuple[Participant, ...]:
            out: dict[str, Participant] = {}
            for p in parts:
                forces = kb.national(p.actor, country)
                p = replace(p, actor=forces) if forces is not None else p
                out.setdefault(p.actor.id, p)  # "troops" beside "Sudanese troops": one actor
            return tuple(out.values())

        perps, targets = own(event.perpetrators), own(event.targets)
        if perps == event.perpetrators and targets == event.targets:
            return event
        return replace(event, perpetrators=perps, targets=targets)

    def _off_topic(self, sent: Any, low: str | None = None) -> bool:
        """The sentence is about something else (a disaster, an accident, ordinary crime). ``low``: the sentence
        lower-cased, when the caller has it."""
        text = span_text(sent)
        return self.matcher.off_topic(text, lowered(text) if low is None else low)

    def _event(self, hit: _Hit, hits: list[_Hit], sent: Any, analysis: Analysis,
               figures: CasualtyFigures) -> Event | None:
        perps: tuple[Participant, ...] = ()
        targets: tuple[Participant, ...] = ()
        if hit.text:  # a bare toll has none: its participants come from the event it refers back to
            perps, targets = self.participants(hit.token, analysis)
        if hit.text and (not perps or not targets):  # borrow arguments from other triggers of the same sentence
            # (a sentence saying no one claimed the event lends it no perpetrator: "there was no immediate claim
            # of responsibility for the blast, though the Shabab has stepped up attacks")
            unclaimed = not perps and _NO_CLAIM.search(span_text(sent)) is not None
            seen = {hit.token.i}
            when = time_clauses(hit.token)
            for other in hits:
                if other.token.i in seen:
                    continue
                seen.add(other.token.i)
                if time_clauses(other.token) != when:
                    continue  # "... fell to the militants since U.S. forces began withdrawing": another time
                p2, t2 = self.participants(other.token, analysis)
                perps = perps or (() if unclaimed else p2)
                taken = {p.actor.id for p in perps}
                targets = targets or tuple(t for t in t2 if t.actor.id not in taken)
        sub = self._refine(hit, hits, sent, perps, targets, figures)
        things: tuple[PropertyTarget, ...] = ()
        property_words = self.lexicon.classes.get("property", frozenset())
        if hit.text and property_words and _strikes_things(sub):
            for h in [hit, *hits]:
                things = self.participants.property_targets(h.token, analysis, property_words,
                                                            blast=SUB_EVENT_TYPES[sub] == "Explosions/Remote violence")
                if things:
                    break
        date = self._date(sent, hit.token, analysis)
        place = self._place(sent, hit.token, analysis)
        factuality = hit.factuality
        if factuality in EVENT_FACTUALITIES:
            specific = place is not None and place.place.precision in ("point", "city", "admin2")
            factuality = _maybe_background(sent, analysis, hit, date, specific) or factuality
            if factuality in EVENT_FACTUALITIES and (_aggregate(date, place, figures) or _tally(hit.token, date, place)):
                factuality = "aggregate"
        attribution = _attribution(hit.token)
        return Event(
            event_type=SUB_EVENT_TYPES[sub], sub_event_type=sub, quote=span_text(sent), start=sent.start_char,
            end=sent.end_char, trigger=hit.text, date=date, location=place,
            perpetrators=established(perps, attribution), targets=targets,
            killed=figures.killed, injured=figures.injured, casualties=figures.casualties,
            abducted=figures.abducted, arrested=figures.arrested, factuality=factuality,
            salience=hit.cue.priority / 10.0, property_targets=things, attribution=attribution,
        )

    def _refine(self, hit: _Hit, hits: list[_Hit], sent: Any, perps: tuple[Participant, ...],
                targets: tuple[Participant, ...], figures: CasualtyFigures) -> str:
        """Protest modifiers and target-decided violence."""
        sub = hit.sub
        text = span_text(sent)
        protest = any(h.cue.protest for h in hits)
        mods = self.lexicon.protest
        if protest and (sub in _PROTEST_FAMILY or hit.cue.protest):
            for key, result in (("excessive_force", "Excessive force against protesters"),
                                ("violent", "Violent demonstration"),
                                ("intervention", "Protest with intervention")):
                rx = mods.get(key)
                if rx is not None and rx.search(text):
                    return result
            if sub in ("Attack", "Armed clash"):
                return "Excessive force against protesters" if figures.killed.known else "Protest with intervention"
            return "Peaceful protest" if sub in ("Change to group/activity",) else sub
        if hit.cue.target_decides:
            kinds = {kind_of(t.actor) for t in targets}
            if kinds & {"state", "nonstate"} and "civilian" not in kinds:
                return "Armed clash"
            if not targets and self._victims_armed(sent):
                return "Armed clash"
        return sub

    def _victims_armed(self, sent: Any) -> bool:
        """The victims named in the sentence are armed (soldiers, fighters), not civilians."""
        armed = self.lexicon.classes.get("armed", frozenset())
        civil = self.lexicon.classes.get("civilians", frozenset())
        objs = [t for t in sent if t.dep_ in ("dobj", "nsubjpass") and t.pos_ in ("NOUN", "PROPN")]
        lemmas = {t.lemma_.lower() for t in objs}
        return bool(lemmas & armed) and not lemmas & civil

    # ------------------------------------------------------------------------------------------ when, where
    def _date(self, sent: Any, trigger: Any, analysis: Analysis) -> TimeExpression:
        """The time expression syntax and discourse tie to the event; unknown rather than the publication date."""
        text = analysis.document.clean_text
        times = _usable_times(analysis)
        same = times.between(sent.start_char, sent.end_char)
        told = [t for t in same if _REPORTING_DATE.search(
            text[max(sent.start_char, (t.char_start or 0) - 40):t.char_start or 0])]
        if told and len(told) == len(same):
            return TimeExpression.unknown()  # "..., the chairman told Reuters on Thursday": when it was said
        same = [t for t in same if t not in told]
        if same:
            return min(same, key=lambda t: (abs(t.char_start - trigger.idx), DATE_RANK.get(t.precision, 6)))
        para = _paragraph(analysis.document.clean_text, sent.start_char)
        earlier = times.between(para, sent.start_char)
        if earlier:
            return earlier[-1]
        lead_end = _paragraph_end(analysis.document.clean_text, 0)
        lead = times.between(-1, min(lead_end, 300))
        return lead[0] if lead and sent.start_char >= lead_end else TimeExpression.unknown()

    def _place(self, sent: Any, trigger: Any, analysis: Analysis) -> PlaceMention | None:
        """The most specific place of the trigger's clause, else of the sentence, the paragraph, the lead.

        Places that only anchor a bearing ("75 km northeast of Baghdad") or name an actor (a capital used for its
        government, low ``score``) never become the event's location.
        """
        usable = _usable_places(analysis)
        text = analysis.document.clean_text
        places = _place_index(analysis, usable).between(sent.start_char, sent.end_char)
        if not any(p.place.precision in ("point", "city") for p in places):
            sub = _sub_place(sent, usable)  # "the city's Madina district": a part of the city told before
            if sub is not None:
                return sub
        # a dateline ("BAQUBA, Iraq, Aug 22 (Wire) -") says where the reporter files from: a last resort only
        places = [p for p in places if not _dateline(p, text)] or places
        # "close to the Niger border", "near the border with Mali": the country across the border is not where
        places = [p for p in places if not _across_border(sent, p) and not _escape_route(sent, p)]
        if places and not _earlier_event(trigger):  # not where the event it follows or answers happened
            spans = _earlier_spans(sent)
            places = [p for p in places if not any(a <= p.start < b for a, b in spans)] or \
                [p for p in places if p.place.precision in ("country", "admin1")]
        if places:
            root = trigger
            while root.dep_ not in ("ROOT", "ccomp", "relcl") and root.head.i != root.i:
                root = root.head
            lo, hi = root.left_edge.idx, root.right_edge.idx + len(root.right_edge.text)
            clause = [p for p in places if lo <= p.start < hi] or places
            return min(clause, key=lambda p: (_describes_place(sent, p, places), PLACE_RANK.get(p.place.precision, 6),
                                              abs(p.start - trigger.idx)))
        if any(sent.start_char <= p.start < sent.end_char for p in analysis.places if p.relation not in (None, "near")):
            return None  # the sentence places the event only relative to somewhere: better unknown than wrong
        para = _paragraph(text, sent.start_char)
        earlier = [p for p in usable if para <= p.start < sent.start_char]
        if not earlier:  # the article's dateline or lead
            lead_end = _paragraph_end(text, 0)
            first = next((p for p in usable if p.start >= 0), None)
            if first is not None and sent.start_char > first.start:
                lead_end = max(lead_end, _paragraph_end(text, first.start))
                earlier = [p for p in usable if p.start < min(lead_end, sent.start_char) and p.start < 600]
        if earlier:  # the most specific place told earlier, the latest on ties
            return min(reversed(earlier), key=lambda p: PLACE_RANK.get(p.place.precision, 6))
        return None


# a time expression right after a reporting verb dates the telling, not the event ("told Reuters on Thursday",
# "the Red Cross said Tuesday", "said in a statement on Friday")
_REPORTING_DATE = re.compile(r"\b(?:said|says|told|tells|announced|reported|added|stated|confirmed|declared)\b"
                             r"[^.,;:\"“”]{0,28}$", re.I)

# a line holding nothing but a date ("October 22, 2017", "Friday, 13 April 2017") is a page's byline or date
# stamp: when the article was published (or the page saved), never when its events happened
_WEEKDAY_LINE = re.compile(r"^[\W_]*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?)?[\W_]*$", re.I)


# the signature line of an embedded social-media post: "— Peter Cook (@PentagonPresSec) May 21, 2016"
_EMBED_BYLINE = re.compile(r"^\s*[—–-]\s*[^\n]{0,80}\(@\w{1,30}\)\s*$")


def _date_line(t: TimeExpression, text: str) -> bool:
    """The time expression is a full date with its year, alone on its line (a weekday before it allowed) or
    closing the signature line of an embedded post."""
    start, end = t.char_start or 0, t.char_end or 0
    if not re.search(r"\b(?:19|20)\d\d\b", text[start:end]):
        return False  # "April 8" over a live blog's entries of that day is a heading, not a byline
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start:start]
    return bool(_WEEKDAY_LINE.match(before) or _EMBED_BYLINE.match(before)) \
        and not text[end:line_end].strip(" ,.|-–—")


def _dateline(p: PlaceMention, text: str) -> bool:
    """The mention opens a paragraph in capitals and is followed by a dash soon after: a news dateline."""
    return in_dateline(text, p.start, p.end)


STRAY_SCORE = 0.75  # a place resolved with less confidence than this, in a country the article never names ...


_BORDER_NOUNS = frozenset({"border", "borders", "frontier", "boundary"})


def _place_token(sent: Any, p: PlaceMention) -> Any | None:
    """The head token of a place mention in the parse."""
    span = sent.doc.char_span(p.start, p.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _across_border(sent: Any, p: PlaceMention) -> bool:
    """The place names the other side of a border the sentence speaks of: "the Niger border", "the border with
    Mali", "the Afghanistan-Pakistan border region" is not."""
    tok = _place_token(sent, p) if p.place.precision == "country" else None
    if tok is None:
        return False
    if tok.dep_ in ("compound", "nmod", "amod") and tok.head.lemma_.lower() in _BORDER_NOUNS:
        return not any(c.dep_ in ("compound", "nmod", "amod") and c.i != tok.i for c in tok.head.children)
    return tok.dep_ == "pobj" and tok.head.lower_ == "with" and tok.head.head.lemma_.lower() in _BORDER_NOUNS


# verbs of attackers leaving the scene: where they went is not where they struck ("retreated back into the
# Democratic Republic of Congo", "fled into the bush", "escaped to Niger")
_ESCAPE_VERBS = frozenset({"flee", "retreat", "escape", "withdraw", "disperse", "vanish", "melt"})


def _escape_route(sent: Any, p: PlaceMention) -> bool:
    """The place is where someone fled or retreated to ("into X", "to X", "towards X", "across X")."""
    tok = _place_token(sent, p)
    if tok is None:
        return False
    for _ in range(4):  # "into various parts of eastern Congo": climb to the preposition's own object
        if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ in ("NOUN", "PROPN"):
            tok = tok.head.head
        elif tok.dep_ in ("conj", "compound", "appos") and tok.head.pos_ in ("NOUN", "PROPN"):
            tok = tok.head
        else:
            break
    if tok.dep_ != "pobj" or tok.head.lower_ not in ("into", "to", "towards", "toward", "across", "back"):
        return False
    verb = tok.head.head
    if verb.lower_ == "back" and verb.head.i != verb.i:  # "retreated back into"
        verb = verb.head
    return verb.pos_ == "VERB" and verb.lemma_.lower() in _ESCAPE_VERBS


def _stray_countries(places: list[PlaceMention]) -> set[str]:
    """Countries of the article's places that only weakly resolved names point to, while the article clearly
    names another country at least twice ("Madina district" read as Saudi Arabia's Medina in a report from
    Mogadishu): such a place is more likely a spot the gazetteer does not know than a foreign city."""
    firm = Counter(p.place.country_code for p in places if p.score >= STRAY_SCORE and p.place.country_code)
    if not firm or firm.most_common(1)[0][1] < 2:
        return set()
    weak = {p.place.country_code for p in places if p.score < STRAY_SCORE and p.place.country_code}
    return {c for c in weak if c not in firm}


# a named part of a city ("the city's Madina district", "the K5 junction"): capitalised words before a word for a
# part of a town; the gazetteer does not list most of them
_SUB_PLACE = re.compile(
    r"(?:\b(?:the|a) (?:city|capital|town)['’]s |\bthe |\bin |\bat |\b(?:struck|hit|rocked|targeted|shook) )"
    r"((?:[A-Z][\w'’-]*|[A-Z0-9]{1,4})(?: (?:[A-Z][\w'’-]*|al-[A-Z][\w'’-]*)){0,2}) "
    r"(district|neighbou?rhood|quarter|suburb|junction|intersection|roundabout|square|market)\b")


def _sub_place(sent: Any, usable: list[PlaceMention]) -> PlaceMention | None:
    """A named part of the city the article told last before the sentence ("the city's Madina district"): placed
    at that city, one step finer (``point``), without a gazetteer id."""
    m = _SUB_PLACE.search(span_text(sent))
    if m is None:
        return None
    start = sent.start_char + m.start(1)
    cities = [p for p in usable if p.start < start and p.place.precision == "city"]
    if not cities:
        return None
    city = cities[-1].place
    name = f"{m.group(1)} {m.group(2)}"
    place = Place(None, name, city.lat, city.lon, city.country_code, city.admin1, city.admin2, "PPLX", 0, "point")
    return PlaceMention(name, start, sent.start_char + m.end(2), place, score=0.6)


# a place that says whose government or organisation is meant, not where something happened ("the government in
# Bamako has denied ...", "a Shia militia allied with the government in Baghdad", "the Washington-based council")
_ACTOR_SEAT = re.compile(r"\b(?:government|authorities|officials|regime|administration|leadership|ministry|junta|"
                         r"rulers|parliament)\s+(?:in|of)\s+(?:the\s+)?$", re.I)


_ACTOR_OWNER = re.compile(r"['’]s\s+(?:president|prime\s+minister|government|army|military|armed\s+forces|police|"
                          r"foreign\s+minister|interior\s+minister|defen[cs]e\s+minister|ministry|leader|king|"
                          r"parliament|newspaper|news\s+agency|state\s+media|ambassador|embassy)\b", re.I)


def _names_an_actor(p: PlaceMention, text: str) -> bool:
    """The place says whose government, force or outlet is meant ("the government in Bamako", "Cameroon's President
    Paul Biya", "the Washington-based council"), not where something happened."""
    return bool(_ACTOR_SEAT.search(text[max(0, p.start - 40):p.start]) or _ACTOR_OWNER.match(text, p.end)) \
        or text.startswith("-based", p.end)


def _locates(p: PlaceMention) -> bool:
    """A place mention that can be where something happened (not a bearing anchor, not an actor's metonym)."""
    return p.relation in (None, "near") and p.score >= 0.5


def _aggregate(date: TimeExpression, place: PlaceMention | None, figures: CasualtyFigures) -> bool:
    """A toll over a long period for a whole country or region ("7,000 civilians killed in 2013"): a statistic."""
    if date.start is None or date.end is None or (date.end - date.start).days < 300:
        return False
    broad = place is None or place.place.precision in ("country", "region", "unknown")
    return broad and (figures.killed.known or figures.casualties.known)


_TALLY_HEADS = COUNT_NOUNS | {"tens"}
_BROAD = frozenset({"admin1", "country", "region", "unknown"})
_MUNITIONS = frozenset({"rocket", "missile", "shell", "mortar", "bomb", "drone", "round", "grenade", "projectile",
                        "barrel"})


def _tally(tok: Any, date: TimeExpression, place: PlaceMention | None) -> bool:
    """The trigger is a count of attacks over a country or a province with no named day, a statistic: "more than
    4,000 air strikes since last August", "hundreds of raids", "conducted 7,603 airstrikes since operations began"
    (ten or more of them). "40 air strikes on Tuesday" is that day's event, "some 90 airstrikes, the bulk of them
    around the Mosul dam" a campaign at one site, and a count of rockets or shells one salvo's size."""
    if date.precision == "day" or (place is not None and place.place.precision not in _BROAD):
        return False
    if tok.pos_ != "NOUN" or tok.tag_ != "NNS" or tok.lemma_.lower() in _MUNITIONS:
        return False
    if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lower_ in _TALLY_HEADS:
        return True
    count = _number_of(tok)
    return count is not None and (count.low or 0) >= 10


def _number_of(tok: Any) -> Count | None:
    """The number a noun's numeric modifier gives ("more than 4,000 air strikes", "the other four Meiteis")."""
    counted = next((c for c in tok.children if c.dep_ == "nummod"), None)
    return parse_quantity(tok.doc[counted.left_edge.i:counted.i + 1].text) if counted is not None else None


def _maybe_background(sent: Any, analysis: Analysis, hit: _Hit, date: TimeExpression, specific: bool) -> str | None:
    """"background" when the hit, found asserted or reported, is a reference to the past given its date."""
    if hit.factuality not in EVENT_FACTUALITIES:  # only then is the background test alone the same verdict
        verdict = classify_factuality(sent, analysis, trigger=hit.token, event_date=date, specific=specific)
        return "background" if verdict == "background" else None
    return "background" if is_background(sent, analysis, date, specific) else None


def _describes_place(sent: Any, mention: PlaceMention, places: list[PlaceMention]) -> bool:
    """The mention only locates another place ("Fallujah, which is south of Baghdad"; "Baquba, the capital of X")."""
    span = sent.char_span(mention.start - sent.start_char, mention.end - sent.start_char, alignment_mode="expand")
    if span is None:
        return False
    starts = {p.start for p in places if p is not mention}
    for anc in span.root.ancestors:
        if anc.dep_ in ("relcl", "appos") and (anc.head.idx in starts or anc.head.ent_type_ in _PLACE_ENTS):
            return True
        if anc.dep_ in ("ROOT", "ccomp"):
            break
    return False


def _usable_places(analysis: Analysis) -> list[PlaceMention]:
    """The places that may locate an event (``_locates``, not inside an actor's name, not a weak place in a stray
    country, not a government's seat), in document order.

    Found once per document (kept with its parse) with an index of the actor spans: asked per event, it cost
    events x places x actors, so a long report of many events took minutes.
    """
    def build() -> list[PlaceMention]:
        cover = SpanCover((a.start, a.end) for a in analysis.actors)
        stray = _stray_countries(analysis.places)
        text = analysis.document.clean_text
        return [p for p in analysis.places if _locates(p) and not cover.strictly_inside(p.start, p.end)
                and not (p.score < STRAY_SCORE and p.place.country_code in stray) and not _names_an_actor(p, text)]

    usable: list[PlaceMention] = _per_document(analysis, "usable_places", (analysis.places, analysis.actors), build)
    return usable


_KILL_LEMMAS = frozenset({"kill", "assassinate", "execute", "behead", "slay", "murder"})


def _article_place(analysis: Analysis) -> PlaceMention | None:
    """The place an article is about: the one region or town (finer than a country) it names at least twice,
    more often than any other. None when there is no such place."""
    counts: Counter[tuple[str | None, str | None, str]] = Counter()
    first: dict[tuple[str | None, str | None, str], PlaceMention] = {}
    for p in _usable_places(analysis):
        if PLACE_RANK.get(p.place.precision, 6) > PLACE_RANK["admin1"]:
            continue
        key = (p.place.country_code, p.place.admin1, p.place.name)
        counts[key] += 1
        first.setdefault(key, p)
    top = counts.most_common(2)
    if not top or top[0][1] < 2 or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    return first[top[0][0]]


# a place named by a definite noun or "there": one the article told before ("the village was attacked again")
_PLACE_BACK = re.compile(r"\b(?:the (?:village|town|city|hamlet|settlement|camp|district|neighbou?rhood|market)|there)\b",
                         re.I)


def _place_unplaced(events: list[Event], analysis: Analysis) -> list[Event]:
    """An event of the article that no sentence places ("gunfire outside the mosque ...") is where the other
    sentences of its document event place it, else where the article is (``_article_place``), as a coder places
    it from the rest of the report; so is one placed only in that country whose sentence points back at a place
    ("on February 14 the village was attacked again")."""
    def vague(e: Event) -> bool:  # unplaced, or placed in a country only but pointing back at a place told before
        return e.doc_event is not None and (e.location is None or (
            e.location.place.precision == "country" and _PLACE_BACK.search(e.quote) is not None))

    if not any(vague(e) for e in events):
        return events
    # first the place of its own document event: the most specific any of its sentences gives (the earliest on ties)
    frame_place: dict[int, PlaceMention] = {}
    for e in events:
        if e.doc_event is not None and e.location is not None and e.location.place.precision != "country":
            best = frame_place.get(e.doc_event)
            if best is None or PLACE_RANK.get(e.location.place.precision, 6) < PLACE_RANK.get(best.place.precision, 6):
                frame_place[e.doc_event] = e.location

    def fits(e: Event, where: PlaceMention) -> bool:
        return e.location is None or e.location.place.country_code == where.place.country_code

    events = [replace(e, location=frame_place[e.doc_event])
              if vague(e) and e.doc_event in frame_place and fits(e, frame_place[e.doc_event]) else e
              for e in events]
    if not any(vague(e) for e in events):
        return events
    where = _article_place(analysis)
    if where is None:
        return events
    return [replace(e, location=where) if vague(e) and fits(e, where) else e for e in events]


def _named_dead(sent: Any) -> list[tuple[str, Count | None]]:
    """The people the sentence names as killed: the object of an active killing verb ("forces killed Hapilon and
    Maute"), the subject of a passive one ("Mansoor was killed") or the name a bare participle follows ("leader
    Mansoor killed in strike"), with their coordinated names; each with its count when the name is counted
    members of a community ("four Meiteis were killed": four, not one), else None (one person)."""
    heads: dict[int, tuple[Any, Any]] = {}
    for tok in sent:
        if tok.lemma_.lower() not in _KILL_LEMMAS or tok.pos_ not in ("VERB", "AUX"):
            continue
        cands = [c for c in tok.children if c.dep_ == "nsubjpass"
                 or (c.dep_ == "dobj" and not any(a.dep_ == "auxpass" for a in tok.children))]
        if tok.tag_ == "VBN" and tok.dep_ in ("acl", "amod") and tok.head.i != tok.i:
            cands.append(tok.head)
        for c in cands:
            for h in (c, *c.conjuncts):
                counted = next((n for n in h.children if n.dep_ == "nummod"), None)
                if counted is not None and h.pos_ == "PROPN":
                    heads[h.i] = (h, counted)
                elif h.ent_type_ == "PERSON":
                    heads[h.i] = (h, None)
    names: dict[str, Count | None] = {}
    for h, counted in sorted(heads.values(), key=lambda x: x[0].i):
        if counted is not None:
            count = _number_of(h)
            if count is not None:
                names.setdefault(h.doc[counted.left_edge.i:h.i + 1].text, count)
            continue
        ent = next((e for e in sent.ents if e.start <= h.i < e.end and e.label_ == "PERSON"), None)
        names.setdefault(ent.text if ent is not None else h.text, None)
    return list(names.items())


# a sentence saying no one claimed its event ("there was no immediate claim of responsibility", "no one has
# claimed the attack", "has not claimed responsibility")
_NO_CLAIM = re.compile(r"\b(?:no(?:body| one|\s+group)?|not)\b[^.;]{0,40}\b(?:claim(?:ed)?|responsibility)\b", re.I)
# verbs of a war a group wages, told as who the group is: "a Saudi-led coalition battling the Houthis", "the
# coalition, which is fighting the rebels"
_WAR_VERBS = frozenset({"fight", "battle", "combat"})


def _standing_war(tok: Any) -> bool:
    """A participle or relative clause of a war verb on a noun ("the coalition battling rebels in Yemen"): who the
    noun is, not an event of the sentence; its enemy is neither the target of the sentence's strike nor does it
    make the strike a clash."""
    return tok.pos_ == "VERB" and tok.lemma_.lower() in _WAR_VERBS and tok.dep_ in ("acl", "relcl") \
        and tok.head.pos_ in ("NOUN", "PROPN") and tok.tag_ != "VBN"


def _subordinate(tok: Any) -> bool:
    """The token sits in a relative clause or an apposition (background detail, not the sentence's event)."""
    return any(a.dep_ in ("relcl", "appos") for a in [tok, *tok.ancestors])


# an event told as the cause or the moment of the sentence's own event: "struck Derna after the jihadists
# executed 21 Copts", "launched missiles in response to a chemical attack", "following the bombing"
_EARLIER_MARKS = frozenset({"after", "following", "before"})
_RESPONSE_NOUNS = frozenset({"response", "retaliation", "revenge", "reprisal", "reaction"})


def _earlier_event(tok: Any) -> bool:
    """The token sits in a clause or phrase about another event the sentence's own event follows or answers."""
    for a in [tok, *tok.ancestors]:
        if _earlier_head(a):
            return True
    return False


def _earlier_head(tok: Any) -> bool:
    """``tok`` heads a clause with its own subject after "after/before" ("after the jihadists executed ..."), or
    a noun phrase after "after/following/before" or "in response to" ("following the bombing"). A subjectless
    "after killing 30" tells the same actors' same event and is not one; nor is what a toll told without its
    killers follows ("six soldiers were killed after militants ambushed a patrol"): that is how they died."""
    if tok.dep_ == "advcl":
        mark = next((c.lower_ for c in tok.children if c.dep_ == "mark" and c.lower_ in _EARLIER_MARKS), None)
        return mark is not None and any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children) \
            and (mark == "before" or not _toll_without_killers(tok.head))
    if tok.dep_ == "pobj" and tok.pos_ in ("NOUN", "PROPN"):
        head = tok.head
        if head.lower_ in _EARLIER_MARKS:
            return head.lower_ == "before" or not _toll_without_killers(head.head)
        return head.lower_ in ("to", "for") and head.head.lower_ in _RESPONSE_NOUNS
    return False


_TOLL_LEMMAS = frozenset({"kill", "wound", "injure", "hurt", "die"})


def _toll_without_killers(verb: Any) -> bool:
    """``verb`` tells people killed, wounded or dead without saying by whom ("were killed", "died")."""
    lemma = verb.lemma_.lower()
    if lemma not in _TOLL_LEMMAS or any(c.dep_ == "agent" for c in verb.children):
        return False
    return lemma == "die" or verb.tag_ == "VBN" or any(c.dep_ == "auxpass" for c in verb.children)


def _earlier_spans(sent: Any) -> list[tuple[int, int]]:
    """Character spans of the sentence's clauses and phrases about an earlier event (see ``_earlier_event``)."""
    spans: list[tuple[int, int]] = []
    for tok in sent:
        if _earlier_head(tok):
            sub = list(tok.subtree)
            spans.append((sub[0].idx, sub[-1].idx + len(sub[-1])))
    return spans


def _earlier_span(sent: Any, trigger: Any) -> tuple[int, int] | None:
    """The character span of the earlier-event clause or phrase that holds ``trigger``, or None."""
    return next(((a, b) for a, b in _earlier_spans(sent) if a <= trigger.idx < b), None)


def _own_figures(sent: Any, trigger: Any, figures: CasualtyFigures) -> CasualtyFigures:
    """The sentence's casualty figures without those told of an earlier event the trigger's event follows
    ("jets struck Derna after the jihadists executed 21 Copts": the 21 are the executions' dead)."""
    if not figures.any or _earlier_event(trigger):
        return figures
    spans = _earlier_spans(sent)
    if not spans:
        return figures
    text = span_text(sent)
    base = sent.start_char
    chars = list(text)
    for a, b in spans:
        for k in range(max(0, a - base), min(len(chars), b - base)):
            chars[k] = " "
    return parse_casualties("".join(chars))


# the event told as what someone claims, is blamed for, is suspected of or denies: "claimed responsibility for the
# bombing", "took credit for", "Iran is responsible for the attacks", "are suspected to be behind the blasts",
# "denied its planes carried out the strikes", "blamed the attack on ..."
_ATTRIBUTION_NOUNS = {"responsibility": "claimed", "credit": "claimed", "blame": "blamed"}
_ATTRIBUTION_VERBS = {"claim": "claimed", "blame": "blamed", "accuse": "blamed", "deny": "denied",
                      "suspect": "suspected"}


def _attribution(tok: Any) -> str | None:
    """How the sentence tells its event when it tells it only as the object of a claim, a blame, a suspicion or a
    denial of responsibility ("claimed", "blamed", "suspected", "denied"), else None."""
    kind: str | None = None
    for a in [tok, *list(tok.ancestors)[:5]]:
        head = a.head
        if a.dep_ == "pobj" and head.lower_ == "for":
            owner = head.head
            # "responsibility for X", or "took credit for X" with the "for" hung on the verb
            noun = owner if owner.lemma_.lower() in _ATTRIBUTION_NOUNS else next(
                (c for c in owner.children if c.dep_ == "dobj" and c.lemma_.lower() in _ATTRIBUTION_NOUNS), None)
            if noun is not None:
                kind = kind or _ATTRIBUTION_NOUNS[noun.lemma_.lower()]
            elif owner.lower_ == "responsible":
                kind = kind or "blamed"
        elif a.dep_ == "pobj" and head.lower_ == "behind":
            kind = kind or "suspected"
        elif head.lemma_.lower() in _ATTRIBUTION_VERBS and (
                a.dep_ == "dobj" or (a.dep_ in ("ccomp", "xcomp") and head.lemma_.lower() != "claim")):
            # "claimed the bombing", "denied (that) its planes struck"; "claimed that the remains ..." asserts
            kind = kind or _ATTRIBUTION_VERBS[head.lemma_.lower()]
        if a.lemma_.lower() in ("deny", "denied") or a.head.lemma_.lower() == "deny":
            return "denied"
        if a.dep_ == "ROOT":
            break
    return kind


# plural cue words name fighters, not a group ("liberation rebels" is no name)
_PLURAL_GROUP_WORDS = frozenset({"rebels", "guerrillas", "separatists", "militias", "fighters"})


def _in_name(analysis: Analysis | None, start: int, end: int) -> bool:
    """The characters [start, end) lie inside a named actor's mention before its last word ("Liberation" in "the
    National Liberation Front"; not "warplanes" in "coalition warplanes", nor a generic mention such as "bombers")."""
    if analysis is None or not analysis.actors:
        return False
    def build() -> Overlaps:
        return Overlaps([m for m in analysis.actors if not m.actor.generic and m.how not in ("generic", "demonym")
                         and kind_of(m.actor) != "civilian" and m.actor.type != "rioters"])  # "protest movement": people

    index: Overlaps = _per_document(analysis, "named_actors", (analysis.actors,), build)
    return any(m.start <= start and end < m.end and m.text[end - m.start:].strip() for m in index.of(start, start + 1))


def _strikes_things(sub: str) -> bool:
    """Sub-types whose events can hit buildings, vehicles or infrastructure (not protests, arrests, agreements)."""
    kind = SUB_EVENT_TYPES[sub]
    return kind not in ("Protests", "Strategic developments") or sub == "Looting/property destruction"


def _token_at(sent: Any, start: int, end: int) -> Any:
    """The head token of the characters [start, end) of the sentence text."""
    span = sent.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def _per_document(analysis: Analysis, name: str, sources: tuple[Any, ...], build: Any) -> Any:
    """``build()``, made once per document and kept with its parse while ``sources`` (the lists it is made
    from) are the same objects: asked per sentence or per event, a scan of the document made long reports
    quadratic."""
    memo = parsed(analysis.spacy_doc).memo(name) if analysis.spacy_doc is not None else {}
    got = memo.get("value")
    if got is None or len(got[0]) != len(sources) or any(a is not b for a, b in zip(got[0], sources, strict=True)):
        got = memo["value"] = (sources, build())
    return got[1]


def _place_index(analysis: Analysis, places: list[PlaceMention]) -> ByStart:
    """``places`` (the analysis' own or its usable ones) indexed by start, once per document: asked per
    sentence or event, a scan of all made a long report quadratic."""
    which = "usable" if places is not analysis.places else "all"
    return _per_document(analysis, f"place_index_{which}", (places,), lambda: ByStart(places))


def _usable_times(analysis: Analysis) -> ByStart:
    """The time expressions that may date an event (placed in the text, not a byline's date), indexed by
    ``char_start``, once per document."""
    def build() -> ByStart:
        text = analysis.document.clean_text
        usable = [t for t in analysis.times if t.char_start is not None and t.start is not None
                  and not _date_line(t, text)]
        return ByStart(usable, key=lambda t: t.char_start)

    index: ByStart = _per_document(analysis, "usable_times", (analysis.times,), build)
    return index


def _times_in(analysis: Analysis, sent: Any) -> list[TimeExpression]:
    return [t for t in analysis.times if t.char_start is not None and sent.start_char <= t.char_start < sent.end_char]


def _paragraph(text: str, offset: int) -> int:
    """Start offset of the paragraph holding ``offset``."""
    i = text.rfind("\n", 0, offset)
    return 0 if i < 0 else i + 1


def _paragraph_end(text: str, offset: int) -> int:
    i = text.find("\n", offset)
    return len(text) if i < 0 else i


def _inherit_context(events: list[Event], window: int = 600) -> list[Event]:
    """A bare toll ("the number of dead rose to 70") refers back to the event told just before it."""
    out: list[Event] = []
    for e in events:
        if e.trigger == "" and e.is_event and not e.attribution:  # (a bare blame is folded into its event later)
            prev = next((p for p in reversed(out) if p.is_event and p.trigger and 0 <= e.start - p.end <= window), None)
            if prev is not None:
                e = replace(
                    e, event_type=prev.event_type, sub_event_type=prev.sub_event_type, trigger=prev.trigger,
                    date=e.date if e.date.start is not None else prev.date,
                    location=e.location or prev.location,
                    perpetrators=e.perpetrators or prev.perpetrators, targets=e.targets or prev.targets,
                )
        out.append(e)
    return out


def _resolve_anaphors(events: list[Event], anaphors: re.Pattern[str] | None) -> list[Event]:
    """An undated event told with a definite back-reference ("the mosque", "the attack") takes the latest date."""
    if anaphors is None:
        return events
    out: list[Event] = []
    for e in events:
        if e.is_event and e.event_type == "Explosions/Remote violence" and anaphors.search(e.quote):
            # "Gunmen attacked X. The attack was carried out with grenades": the weapon names the earlier attack
            for i in range(len(out) - 1, -1, -1):
                p = out[i]
                if p.is_event and 0 <= e.start - p.end <= 400 and p.sub_event_type in _GENERIC_SUBS:
                    out[i] = replace(p, event_type=e.event_type, sub_event_type=e.sub_event_type)
                    break
        if e.is_event and e.date.start is None and anaphors.search(e.quote):
            # the latest event of its own kind, dated or not ("an attack on a village ... The attack took place on
            # Thursday" keeps the village attack's day, not that of "an insurgency since 2012" told in between);
            # else the latest dated one of a compatible kind
            prev = next((p for p in reversed(out) if p.is_event and p.event_type == e.event_type), None) or next(
                (p for p in reversed(out) if p.is_event and p.date.start is not None
                 and p.event_type in _COMPATIBLE.get(e.event_type, ())), None)
            if prev is not None and prev.date.start is not None:
                here = PLACE_RANK.get(e.location.place.precision, 6) if e.location else 7
                there = PLACE_RANK.get(prev.location.place.precision, 6) if prev.location else 7
                e = replace(e, date=prev.date, location=prev.location if there < here else e.location)
        out.append(e)
    return out


_GENERIC_SUBS = {"Attack", "Armed clash"}
_COMPATIBLE = {
    "Violence against civilians": ("Explosions/Remote violence", "Battles"),
    "Explosions/Remote violence": ("Violence against civilians", "Battles"),
    "Battles": ("Violence against civilians", "Explosions/Remote violence"),
    "Protests": ("Riots",),
    "Riots": ("Protests",),
}


def _lead_as_coded(events: list[Event]) -> list[Event]:
    """A lead event told in general terms (an attack, a clash) is listed by its mention of the specific sub-type
    the event is coded with (``coded_subtype``): "militants attacked the base, killing 38" and "they took over
    the town" tell one event, a town taken in fighting, as ACLED codes a battle that changes who holds a place."""
    lead = events[0] if events else None
    if lead is None or lead.doc_event is None or not lead.is_event or not told_generally(lead.sub_event_type):
        return events
    members = [e for e in events if e.doc_event == lead.doc_event and e.is_event]
    sub = coded_subtype((e.sub_event_type, e.salience) for e in members)
    if told_generally(sub):
        return events
    first = next(e for e in members if e.sub_event_type == sub)
    return [first, *(e for e in events if e is not first)]


def _salience(e: Event, length: int) -> float:
    """Factual first, then casualties, named participants, specific date and place, early position."""
    score = (100.0 if e.is_event else 0.0) + e.salience  # e.salience holds the cue strength
    if e.killed.known or e.injured.known or e.casualties.known:
        score += 20.0
    if any(p.actor.known and not p.actor.generic for p in e.perpetrators + e.targets):
        score += 8.0
    elif e.perpetrators or e.targets:
        score += 4.0
    if e.date.precision in ("day", "week", "part-of-month"):
        score += 4.0
    if e.location is not None:
        score += 4.0 if e.location.place.precision in ("point", "city", "admin2") else 2.0
    score += 10.0 * (1.0 - min(e.start / length, 1.0))
    return round(score, 3)


__all__ = ["Cue", "EventExtractor", "EventLexicon", "load_lexicon"]


def _nearest(told: list[int], events: list[Event], c: Any, sent: Any) -> int:
    """Of the events a sentence tells, the one whose trigger word stands nearest the candidate phrase."""
    if len(told) == 1:
        return told[0]
    text = span_text(sent)

    def distance(k: int) -> int:
        trig = events[k].trigger
        at = text.find(trig) if trig else -1
        return abs(sent.start_char + at - c.start) if at >= 0 else 1 << 30

    return min(told, key=distance)


def _overlapping(c: Any, event: Event) -> bool:
    """The candidate phrase is one of the event's participants or property targets already."""
    spans = [(p.start, p.end) for p in (*event.perpetrators, *event.targets)] \
        + [(t.start, t.end) for t in event.property_targets]
    return any(a is not None and b is not None and a < c.end and c.start < b for a, b in spans)


def _unique_new(items: list[Participant], taken: set[str]) -> list[Participant]:
    out: list[Participant] = []
    for p in items:
        if p.actor.id not in taken:
            taken.add(p.actor.id)
            out.append(p)
    return out
