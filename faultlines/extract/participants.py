"""Who did it and to whom: perpetrators and targets of an event trigger, from the dependency parse.

Arguments are read off the trigger's syntax (active subject, passive agent "by X", object, passive subject,
"on/against X", possessive or compound modifiers of a noun trigger such as "an ISIS suicide bomber",
appositions and coordination) and from attribution cues ("attributed to X", "blamed on X", "X claimed
responsibility"). Each argument span is resolved to the actor mentions of the analysis that overlap it, then
to the knowledge base, then to a new actor: a name the text gives ("manuel rodriguez patriotic front", typed by
its last word even in lower-cased text) or a proper noun.

Each participant keeps how the text establishes it (``Participant.how``): "stated" (the sentence says so),
"claimed" (the actor claims it), "blamed" (someone holds it responsible), "suspected", "denied" (the actor denies
it). Never an actor: an outlet, a place, a number, a hashtag; never a perpetrator: a monitor (a rights group), or
civilians unless the sentence says civilians did it (a witness verb's subject is no agent: "worshippers heard
gunfire").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from faultlines.analyze.actors import names_a_weapon as _names_a_weapon
from faultlines.analyze.parsed import parsed, span_text
from faultlines.model import Actor, ActorMention, Analysis, Participant, PropertyTarget

STATE_TYPES = frozenset({"state forces", "state", "external/other forces", "coalition", "state military"})
NONSTATE_TYPES = frozenset({"rebel group", "political militia", "identity militia", "militia", "rioters"})
CIVILIAN_TYPES = frozenset({"civilians", "protesters"})
ARMED_TYPES = STATE_TYPES | NONSTATE_TYPES

_SUBJ = ("nsubj", "csubj")
_OBJ = ("dobj", "nsubjpass", "attr", "oprd")
_TARGET_PREPS = ("on", "against", "at", "upon", "targeting", "into")
_INHERIT = ("conj", "advcl", "xcomp", "acl", "pcomp")  # not ccomp: "TV reported that ..." names a source
# an event named as the time of another act ("police sealed the area after the blast", "in the wake of the
# bombing"): the act's subject did something then, it is not said to have done the event
_TIME_PREPS = frozenset({"after", "following", "since", "before", "amid"})
_TIME_NOUNS = frozenset({"wake", "aftermath"})
_SINCE = frozenset({"since"})
_NOT_NAME_LEFT = ("det", "poss", "nummod", "predet", "case", "cc", "conj", "punct", "prep", "quantmod")
_SKIP_CHILD = ("relcl", "acl", "punct", "cc", "advcl", "prep")
_ATTRIBUTION = re.compile(
    r"\b(?:(?P<attr>attributed|blamed|pinned|ascribed)\s+(?:it\s+)?(?:to|on)|(?P<claim>(?<!lives )claimed\s+by)|"
    r"(?P<resp>(?:claimed|claiming|took|taken|takes|assumed)\s+(?:the\s+)?(?:responsibility|credit)))\b",
    re.I,
)


def _attribution_matches(sent: Any) -> tuple[tuple[int, int, bool, bool], ...]:
    """(start, end, responsibility?, attributed?) of each ``_ATTRIBUTION`` match in the sentence; remembered with
    the document, as every event of a sentence asks again."""
    text = span_text(sent)
    memo = parsed(sent.doc).memo("attribution")
    found = memo.get(text)
    if found is None:
        found = memo[text] = tuple((m.start(), m.end(), bool(m.group("resp")), bool(m.group("attr")))
                                   for m in _ATTRIBUTION.finditer(text))
    return found


def _arg_span(tok: Any) -> tuple[int, int]:
    """Characters of the argument noun phrase headed by ``tok`` (without relative clauses or trailing clauses)."""
    left = tok.left_edge.i
    right = tok.i
    for child in tok.rights:
        if child.dep_ in _SKIP_CHILD and child.dep_ != "prep":
            continue
        if child.dep_ == "prep" and child.lower_ != "of":
            continue
        right = max(right, child.right_edge.i)
    doc = tok.doc
    return doc[left].idx, doc[right].idx + len(doc[right].text)


def _thing_right(tok: Any, depth: int = 0) -> int:
    """Last token of a thing's name: names and one "of" phrase after the head, never conjuncts or clauses."""
    right = tok.i
    for c in tok.rights:
        if c.dep_ in ("compound", "flat"):
            right = max(right, c.right_edge.i)
        elif c.dep_ == "prep" and c.lower_ == "of" and depth < 2:
            for g in c.children:
                if g.dep_ == "pobj":
                    right = max(right, _thing_right(g, depth + 1))
    return right


def _phrase_text(tok: Any) -> str:
    """A short noun phrase for the argument: its left modifiers and head (plus compound/flat names)."""
    doc = tok.doc
    left = min([tok.i] + [c.left_edge.i for c in tok.lefts if c.dep_ not in ("punct", "cc", "prep")])
    right = tok.i
    for c in tok.rights:
        if c.dep_ in ("compound", "flat", "appos") and c.i == right + 1:
            right = c.right_edge.i if c.dep_ != "appos" else right
    return doc[left: right + 1].text


# words that end a possessive phrase: what follows them is no longer the possessor's own
_LINKS = frozenset({"on", "in", "at", "against", "by", "of", "for", "to", "from", "with", "and", "or", "near"})
_JOINED = re.compile(r"\b(?:and|or|with|against|while)\b|[;.]")


# verbs and nouns of an assault on a place: an unknown name they strike, told "in" a known place, is a part of it
_SITE_ASSAULTS = frozenset({"attack", "raid", "storm", "shell", "bomb", "bombard", "overrun", "besiege", "invade",
                            "loot", "torch", "assault", "strike", "offensive", "airstrike", "incursion"})


def _sited(tok: Any, analysis: Analysis) -> bool:
    """An unknown name struck by an assault and told as lying in a known place: "the attack on Dahieh in Beirut's
    southern suburbs", "police raided Vila Cruzeiro in Rio de Janeiro", "gunmen attacked Gidan Haliliu in Zamfara
    state" name a quarter or a village, not a person or a group."""
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ in ("on", "against", "at", "into"):
        head = head.head
    elif tok.dep_ != "dobj":
        return False
    if head.lemma_.lower() not in _SITE_ASSAULTS:
        return False
    doc = tok.doc
    right = max([tok.i, *(c.right_edge.i for c in tok.children if c.dep_ in ("compound", "flat"))])
    if right + 2 >= len(doc) or doc[right + 1].lower_ not in ("in", "near", "outside"):
        return False
    after = doc[right + 2].idx
    return any(p.start == after for p in analysis.places)


def _possessor(text: str, end: int) -> bool:
    """The mention ending at ``end`` is a possessive ("Somalia’s", "Somalia's")."""
    return text[end:end + 2] in ("'s", "’s") or text[end:end + 1] in ("'", "’")


def _coordinated(tok: Any) -> list[Any]:
    """The token and the tokens coordinated with it ("soldiers and policemen")."""
    out = [tok]
    for c in tok.children:
        if c.dep_ in ("conj", "appos") and c.pos_ in ("NOUN", "PROPN", "PRON"):
            out.extend(_coordinated(c))
    return out


class ParticipantFinder:
    """Finds perpetrators and targets of a trigger token, resolved to actors."""

    def __init__(self, kb: Any = None, common_nouns: frozenset[str] = frozenset(),
                 harm_verbs: frozenset[str] = frozenset(), suffer_verbs: frozenset[str] = frozenset(),
                 wield_verbs: frozenset[str] = frozenset(), site_words: frozenset[str] = frozenset()) -> None:
        self.kb = kb
        self.site_words = site_words  # "the military barracks", "Islamic State targets": whose site was struck
        self.harm_verbs = harm_verbs  # "a bomb KILLED five": the verb whose object a noun trigger's victims are
        self.suffer_verbs = suffer_verbs  # "five soldiers DIED in an ambush": the verb whose subject suffers
        self.wield_verbs = wield_verbs  # "forces USING missiles": the noun the participle qualifies holds them
        self.common_nouns = common_nouns  # capitalised common nouns ("Mosque") never become new actors
        # read once from the base: the head nouns a compound trigger climbs to, and what ``_carried`` looks up
        self._strike_nouns = _STRIKE_NOUNS | frozenset(getattr(kb, "event_heads", frozenset()))
        self._weapons: frozenset[str] = frozenset(getattr(kb, "weapon_words", frozenset()))
        self._generic_nouns = getattr(kb, "generic_nouns", None) or {}
        self._sorted_for: list[ActorMention] | None = None  # ``_ends_of`` memo
        self._sorted_ends: list[int] | None = None

    # ---------------------------------------------------------------------------------------- resolution
    def _mentions(self, analysis: Analysis, start: int, end: int) -> list[ActorMention]:
        """The actor mentions overlapping [start, end), in their order."""
        actors = analysis.actors
        ends = self._ends_of(actors)
        if ends is None:  # not sorted and disjoint: scan them all
            return [m for m in actors if m.start < end and start < m.end]
        out = []
        for k in range(bisect.bisect_right(ends, start), len(actors)):  # the first that ends after ``start``
            m = actors[k]
            if m.start >= end:
                break  # sorted and disjoint: every later mention starts later
            out.append(m)
        return out

    def _ends_of(self, actors: list[ActorMention]) -> list[int] | None:
        """The mentions' end offsets when they are sorted by start and do not overlap (as ``ActorRecognizer``
        gives them), else None; remembered for the last list seen."""
        if self._sorted_for is not actors:
            ok = all(m.start <= m.end for m in actors) and all(
                a.end <= b.start for a, b in zip(actors, actors[1:], strict=False))
            self._sorted_for, self._sorted_ends = actors, ([m.end for m in actors] if ok else None)
        return self._sorted_ends

    def _kb_actor(self, tok: Any, analysis: Analysis) -> Actor | None:
        kb = self.kb
        if kb is None:
            return None
        for text in (_phrase_text(tok), tok.text):
            try:
                actor = kb.lookup(text)
                if actor is not None and kb.is_metonym(text):
                    # a capital or a country where the actor recognizer found no actor: a place here
                    # ("BAMAKO, Mali (AFP) -", "the attack in Kabul")
                    return None
            except Exception:  # a KB double may not know every call
                actor = None
            if actor is not None:
                return actor
        named = _cue_name(tok, kb)
        if named is not None:
            name, kind = named
            return kb.new_actor(name, kind) if _fit(kb, name) else None
        if tok.dep_ == "compound" and not tok.ent_type_ and not any(c.dep_ == "compound" for c in tok.children):
            return None  # "Regime Air Strike" in a headline: a kind of strike, not who struck
        if tok.pos_ == "PROPN" and tok.ent_type_ in ("ORG", "NORP", "PERSON", "") and tok.lower_ not in self.common_nouns:
            if any(c.dep_ == "nummod" for c in tok.children):
                # "four Meiteis", "three Kukis": counted members of a community, not a group or a person by name
                return kb.get("civilians") if hasattr(kb, "get") else None
            name = _phrase_text(tok)
            start, end = _arg_span(tok)
            if not _fit(kb, name) or _on_place(analysis, start, end) or _named_place(analysis, name) \
                    or _sited(tok, analysis):
                return None  # an outlet, a number, a hashtag, or a place ("Kunduz" is where, not who)
            weapons: frozenset[str] = getattr(kb, "weapon_words", frozenset())
            if weapons and _names_a_weapon(tok.doc, tok.idx, tok.idx + len(tok.text), weapons):
                return None  # "hit by Tochka-U missiles": the weapon, not who fired it
            try:
                return kb.new_actor(name, "organization" if tok.ent_type_ != "PERSON" else "person")
            except Exception:
                return None
        return None

    def resolve(self, tok: Any, analysis: Analysis, how: str = "stated") -> list[Participant]:
        """Participants named by the argument headed by ``tok`` (and its coordinated siblings)."""
        out: list[Participant] = []
        for t in _coordinated(tok):
            if t.pos_ == "PRON" and t.lower_ not in ("they", "them"):
                continue
            start, end = _arg_span(t)
            mentions = self._mentions(analysis, start, end)
            if any(not m.actor.known for m in mentions):  # an unknown name may be a place ("X in Beirut")
                sited = _sited(t, analysis)
                mentions = [m for m in mentions if m.actor.known or not (sited or _on_place(analysis, m.start, m.end))]
            modified = False
            if t.pos_ in ("NOUN", "PROPN") and not any(self._carried(x) for x in (t, *t.lefts)):
                # a modifier names the phrase's actor only for armed men, a band or a weapon ("Boko Haram fighters",
                # "Russian rockets"), or for a site of its own ("the military barracks", "Islamic State targets"; not
                # a country's: "a Yemeni market" is where); "a Dutch birdwatcher" is a person, not the Netherlands
                site = t.lemma_.lower() in self.site_words or t.lower_ in self.site_words
                # (only a modifier before the noun: "a gathering of soldiers", "bases manned by militias" keep theirs)
                kept = [m for m in mentions if m.start <= t.idx < m.end or m.start > t.idx
                        or (site and m.actor.type != "state")]
                modified, mentions = len(kept) < len(mentions), kept
            if any(m.start <= t.idx < m.end and not m.actor.generic for m in mentions):
                # "Sudan's paramilitary Rapid Support Forces": the named force, not also the country it belongs to
                mentions = [m for m in mentions if m.start <= t.idx < m.end or m.actor.type != "state"]
            if mentions and all(m.actor.type == "state" for m in mentions) and any(
                    c.dep_ == "case" for c in t.children):
                # "by Sudan’s paramilitary Rapid Support Forces" misparsed with "Sudan" as the object: the
                # possessor's named force, told right after it, is the participant
                owned = [m for m in self._mentions(analysis, end, end + 60)
                         if not m.actor.generic and m.actor.type != "state"
                         and len(words := span_text(t.doc)[end:m.start].split()) <= 3
                         and not any(w.lower() in _LINKS for w in words)]  # not "Israel's attack on Kfar Deen"
                mentions = owned[:1] or mentions
            if mentions:
                for m in mentions:
                    out.append(Participant(m.text, m.actor, how, m.start, m.end))
                if all(m.actor.generic for m in mentions):  # "fighters of the Tamba Liberation Front"
                    out.extend(self._member_of(t, analysis, how))
                continue
            if modified:
                continue  # no new actor of a phrase whose actor is only its modifier
            actor = self._kb_actor(t, analysis)
            if actor is not None:
                out.append(Participant(_phrase_text(t), actor, how, start, end))
        named = [p for p in out if not p.actor.generic and p.actor.type != "state"]
        if named:
            # "Somalia's Al Shabaab terrorist group", "Somalia's rebels, al-Shabab": the country a named group
            # belongs to is where it is from, not a party ("Iran's army and Hezbollah" are two)
            text = span_text(tok.doc)
            out = [p for p in out if p.actor.type != "state" or p.end is None or not _possessor(text, p.end)
                   or not any(q.start is not None and 0 <= q.start - p.end <= 60
                              and not _JOINED.search(text[p.end:q.start]) for q in named)]
        return _unique(out)

    def fill(self, tok: Any, analysis: Analysis, perpetrator: bool, how: str = "stated") -> list[Participant]:
        """The participants of a noun phrase (headed by ``tok``) the role model chose, under the rules' own bars.
        Nothing when the phrase's head is a place, half of a hyphenated word ("rebel-held"), a modifier of another
        noun ("a government school"), or the subject of a verb of saying: a source, neither who did it nor whom it
        struck ("the Houthi group said", "Damascus has refuted", "the Committee of Doctors said"); no unknown name
        after a preposition of place ("a house in Pa Zi Gyi").
        An actor named only by a modifier counts when the head is a word for armed men or a group ("Boko Haram
        fighters"), not otherwise ("Egyptian state TV"). Never an outlet, a byline or photo credit, or an unfit
        new name; as a perpetrator never a monitor, nor civilians (the model reads no "civilians opened fire")."""
        kb = self.kb
        if _on_place(analysis, tok.idx, tok.idx + len(tok)) or _hyphenated(tok) or _speaks(tok):
            return []
        if tok.dep_ in ("nmod", "amod", "npadvmod") and tok.head.pos_ in ("NOUN", "PROPN"):
            return []  # the "government" of "a government secondary school": a modifier, not the phrase
        if perpetrator:
            found = self._unidentified(tok, how) or self.resolve(tok, analysis, how)
        else:
            found = self.resolve(tok, analysis, how)
        armed_head = _armed_noun(tok, kb)
        where = tok.dep_ == "pobj" and tok.head.lower_ in _LOCATIVE
        found = [p for p in found if (armed_head or _covers(p, tok))
                 and (p.actor.known or (_fit(kb, p.actor.name) and not where))]
        if perpetrator:
            return [p for p in found if not _reporter(kb, p.actor) and p.actor.type != "civilians"]
        return [p for p in found if not _outlet(kb, p.actor)]

    def _unidentified(self, tok: Any, how: str, acting: bool = False) -> list[Participant]:
        """"unknown persons", "three unidentified individuals": people the text does not name, doing the harm.
        ``acting``: the phrase is the event's own subject, so plain "two men" or "a person" who did it are
        unidentified attackers too, not civilians (someone's "men" are nobody the text names: none)."""
        kb = self.kb
        if tok.lemma_.lower() in _BAND_NOUNS:  # "a group of unidentified persons"
            tok = next((g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                        if g.dep_ == "pobj"), tok)
        if kb is None or tok.lemma_.lower() not in _PERSON_NOUNS:
            return []
        if not any(c.dep_ in ("amod", "compound") and c.lower_ in _UNNAMED for c in tok.children) and not (
                acting and tok.lemma_.lower() in _ANONYMOUS and not any(c.dep_ == "poss" for c in tok.children)):
            return []
        actor = kb.get("unidentified-armed-group") if hasattr(kb, "get") else None
        if actor is None:
            return []
        start, end = _arg_span(tok)
        return [Participant(_phrase_text(tok), actor, how, start, end)]

    def _victims(self, tok: Any, analysis: Analysis) -> list[Participant]:
        """Whom a killing, a kidnapping or a wounding harmed when no actor names them: a person by name
        ("carlos perez", in any case)."""
        kb = self.kb
        out: list[Participant] = []
        for t in _coordinated(tok):
            if t.pos_ not in ("NOUN", "PROPN") or t.like_num or t.ent_type_ in _NOT_VICTIM_ENTS:
                continue
            start, end = _arg_span(t)
            if t.pos_ == "PROPN" and _on_place(analysis, start, end):
                continue  # "the attack on Baga": where
            if t.lemma_.lower() in _NOT_VICTIMS:
                continue
            text = _phrase_text(t)
            first = t.doc[t.left_edge.i]
            while first.i < t.i and (first.dep_ in ("det", "poss") or first.is_punct) and text.startswith(first.text):
                text = text[len(first.text):].strip()  # "the mayor" -> "mayor"
                first = t.doc[first.i + 1]
                start = first.idx
            if not (t.pos_ == "PROPN" or t.ent_type_ == "PERSON") or not _fit(kb, text):
                continue  # "the mayor", "three priests": told as people, but no one an analyst can follow up
            try:
                actor = kb.new_actor(text, "person")
            except Exception:  # a KB double
                actor = None
            if actor is not None:
                out.append(Participant(text, actor, "stated", start, end))
        return out

    def _member_of(self, tok: Any, analysis: Analysis, how: str) -> list[Participant]:
        """The named group a generic noun belongs to ("fighters of X", "members of X") when X is a new name."""
        out = []
        for prep in tok.children:
            if prep.dep_ != "prep" or prep.lower_ != "of":
                continue
            for g in prep.children:
                if g.dep_ == "pobj" and _cue_name(g, self.kb) is not None:
                    actor = self._kb_actor(g, analysis)
                    if actor is not None:
                        start, end = _arg_span(g)
                        out.append(Participant(_phrase_text(g), actor, how, start, end))
        return out

    # ---------------------------------------------------------------------------------------- syntax
    def arguments(self, trigger: Any) -> tuple[list[Any], list[Any]]:
        """Head tokens of the agent side and the patient side of ``trigger``."""
        agents: list[Any] = []
        patients: list[Any] = []
        word = trigger
        while trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ == "compound" and trigger.head.i > trigger.i \
                and trigger.head.lemma_.lower() in self._strike_nouns:
            trigger = trigger.head  # "an artillery strike carried out by X": the phrase's head holds its arguments
        verb = trigger
        if trigger.pos_ in ("NOUN", "PROPN"):
            for c in trigger.children:
                if c.i == word.i or (c.dep_ == "compound" and word.i in (c.i, *(x.i for x in c.subtree))):
                    continue  # the trigger word itself is no argument
                if c.dep_ in ("poss", "compound", "nmod") and c.pos_ in ("PROPN", "NOUN") or (
                    c.dep_ == "amod" and c.ent_type_ == "NORP"
                ):
                    agents.append(c)
                if c.dep_ == "prep" and c.lower_ == "by":
                    agents.extend(g for g in c.children if g.dep_ == "pobj")
                if c.dep_ == "acl" and c.tag_ == "VBN":  # "the murder perpetrated by guerrillas"
                    agents.extend(g for a in c.children if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj")
                if c.dep_ == "prep" and c.lower_ in _TARGET_PREPS + ("of",):
                    patients.extend(g for g in c.children if g.dep_ == "pobj")
                    # "the murder of the mayor perpetrated by rebels": the clause may hang on the victim
                    agents.extend(g for o in c.children if o.dep_ == "pobj" for v in o.children
                                  if v.dep_ == "acl" and v.lemma_.lower() in _PERFORM for a in v.children
                                  if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj")
            if trigger.dep_ in ("nsubj", "nsubjpass") and trigger.head.pos_ in ("VERB", "AUX"):
                verb = trigger.head
                if trigger.dep_ == "nsubjpass":  # "the attack was perpetrated by commandos"
                    agents.extend(g for c in verb.children if c.dep_ == "agent" for g in c.children
                                  if g.dep_ == "pobj")
                if trigger.dep_ == "nsubj" and (not self.harm_verbs or verb.lemma_.lower() in self.harm_verbs):
                    patients.extend(c for c in verb.children if c.dep_ in _OBJ)
                return agents, patients
            if _named_as_time(trigger):
                return agents, patients
            if trigger.dep_ in ("dobj", "pobj", "attr") and trigger.head.pos_ in ("VERB", "AUX", "ADP"):
                verb = trigger.head if trigger.head.pos_ != "ADP" else trigger.head.head
                if trigger.dep_ == "pobj" and trigger.head.lower_ in ("in", "during") and self._suffers(verb):
                    # "Mansoor killed in a drone strike", "five soldiers died in the ambush": the victims
                    patients.extend(c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass"))
                    return agents, patients
                # "worshippers heard gunfire", "authorities said gunmen ...", "the UN condemned the attack": no agent
                # (the gunmen of "officials said gunmen killed ..." are their own)
                if verb.lemma_.lower() in _SPEAKING and _armed_noun(trigger, self.kb):
                    agents.append(trigger)
                elif verb.lemma_.lower() not in self._witness_verbs() and verb.lemma_.lower() not in _SPEAKING:
                    agents.extend(c for c in verb.children if c.dep_ in _SUBJ)
                    if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN") \
                            and verb.lemma_.lower() in self.wield_verbs \
                            and not any(c.dep_ in _SUBJ for c in verb.children):
                        # "Russian forces using Tochka-U missiles", "rebels armed with grenades": who holds them
                        agents.append(verb.head)
                return agents, patients
            return agents, patients
        subj_found = False
        # "as many as 300 people killed", "two soldiers killed in an ambush": a killing verb with no object of its
        # own whose subject is counted, or a bare participle, tells a passive without its auxiliary
        suffered = self._suffers(verb) and verb.lemma_.lower() not in ("die", "perish")
        for c in verb.children:
            if c.dep_ in _SUBJ and suffered and (verb.tag_ == "VBN" or _counted(c)):
                patients.append(c)
                subj_found = True
            elif c.dep_ in _SUBJ:
                agents.append(c)
                subj_found = True
            elif c.dep_ == "agent":
                agents.extend(g for g in c.children if g.dep_ == "pobj")
            elif c.dep_ in _OBJ:
                patients.append(c)
            elif c.dep_ == "prep" and c.lower_ in _TARGET_PREPS:
                patients.extend(g for g in c.children if g.dep_ == "pobj")
            elif c.dep_ == "prep" and c.lower_ == "by" and verb.tag_ == "VBN":
                agents.extend(g for g in c.children if g.dep_ == "pobj")
        for res in _results(verb, self.harm_verbs):  # "a bomb exploded, killing two and wounding a nurse"
            patients.extend(g for g in res.children if g.dep_ == "dobj")
        for conj in verb.children:  # "attacked the mosque and massacred worshippers": shared subject, both objects
            if conj.dep_ == "conj" and conj.pos_ == "VERB" and not any(g.dep_ in _SUBJ for g in conj.children):
                patients.extend(g for g in conj.children if g.dep_ in _OBJ)
        head = verb
        while not subj_found and head.dep_ in _INHERIT and head.head.i != head.i:
            head = head.head
            for c in head.children:
                if c.dep_ in _SUBJ:
                    agents.append(c)
                    subj_found = True
                elif c.dep_ == "agent":
                    agents.extend(g for g in c.children if g.dep_ == "pobj")
                    subj_found = True
        return agents, patients

    def _carried(self, tok: Any) -> bool:
        """The noun names armed men, a band, one of its ranks or a weapon: an actor in a modifier is its own
        ("Russian rockets", "Abu Sayyaf leader Isnilon Hapilon", "Taliban chief Mullah Mansoor")."""
        low, lemma = tok.lower_, tok.lemma_.lower()
        return _armed_noun(tok, self.kb) or (lemma + "s",) in self._generic_nouns or low in self._weapons \
            or lemma in self._weapons or lemma in _RANKS or lemma in _WAR_MACHINES or low in _QUANTITY_HEADS \
            or tok.like_num

    def _suffers(self, verb: Any) -> bool:
        """The verb's subject suffers what it is told "in": "died", or "killed"/"wounded" with no object of its
        own (a headline's passive: "leader killed in strike"; "troops killed five in a raid" has its object)."""
        lemma = verb.lemma_.lower()
        if lemma not in self.suffer_verbs or verb.pos_ not in ("VERB", "AUX"):
            return False
        return lemma in ("die", "perish") or not any(c.dep_ in ("dobj", "attr", "oprd") for c in verb.children)

    def _witness_verbs(self) -> frozenset[str]:
        return getattr(self.kb, "witness_verbs", frozenset())

    def attributions(self, sent: Any, analysis: Analysis) -> list[Participant]:
        """Actors the sentence holds responsible: "attributed to X", "blamed on X", "X claimed responsibility"."""
        out: list[Participant] = []
        for m_start, m_end, resp, attr in _attribution_matches(sent):
            start = sent.start_char + m_start
            end = sent.start_char + m_end
            if resp:
                how = "claimed"
                before = [a for a in analysis.actors if sent.start_char <= a.start and a.end <= start]
                picks = before[-1:]
            else:
                how = "blamed" if attr else "claimed"
                after = [a for a in analysis.actors if end <= a.start < min(end + 80, sent.end_char)]
                picks = after[:1]
            out.extend(Participant(a.text, a.actor, how, a.start, a.end) for a in picks)
        return out

    def blamed(self, sent: Any, analysis: Analysis) -> list[Participant]:
        """Armed actors a blame with no "for"/"on" names ("Officials have blamed the Islamist al-Shabab group",
        "..., officials said, blaming the extremist Boko Haram group"): blamed for the event the sentence tells,
        or, when it tells none, for the one the article was telling."""
        out: list[Participant] = []
        for tok in _bare_blames(sent):
            out.extend(p for p in self.resolve(tok, analysis, "blamed")  # not "blamed the government"
                       if p.actor.type in ARMED_TYPES and p.actor.type != "state"
                       and (not p.actor.generic or p.actor.type in NONSTATE_TYPES))
        return _specific(_unique(out))

    def property_targets(self, trigger: Any, analysis: Analysis, words: frozenset[str],
                         blast: bool = False) -> tuple[PropertyTarget, ...]:
        """Things (not actors) the trigger's patient side names, when their head noun is in ``words``; for a
        ``blast`` also the thing it went off at ("a bomb exploded outside the courthouse", "planted under a bus")."""
        _, patients = self.arguments(trigger)
        if blast:
            patients = patients + _blast_sites(trigger)
        # "set fire to X", "opened fire on X": the thing is the object of the patient's preposition
        patients = patients + [g for p in patients if p.lemma_.lower() not in words for c in p.children
                               if c.dep_ == "prep" and c.lower_ in ("to", "on", "at") for g in c.children
                               if g.dep_ == "pobj"]
        out: list[PropertyTarget] = []
        seen: set[int] = set()
        for p in patients:
            for t in _coordinated(p):
                if t.i in seen or t.pos_ not in ("NOUN", "PROPN"):
                    continue
                seen.add(t.i)
                if t.lemma_.lower() not in words and t.lower_ not in words:
                    continue
                doc = t.doc
                lefts = [c.left_edge.i for c in t.lefts if c.dep_ not in _NOT_NAME_LEFT and not c.is_punct]
                right = _thing_right(t)
                first = min([t.i, *lefts])
                start, end = doc[first].idx, doc[right].idx + len(doc[right].text)
                if self._mentions(analysis, start, end):
                    continue  # an actor's site ("the ISIS headquarters"): the actor is the target
                out.append(PropertyTarget(span_text(doc)[start:end], start, end))
        return tuple(out)

    def __call__(self, trigger: Any, analysis: Analysis) -> tuple[tuple[Participant, ...], tuple[Participant, ...]]:
        """(perpetrators, targets) of the event triggered by ``trigger``."""
        agents, patients = self.arguments(trigger)
        agents = [a for a in agents if not _town_modifier(trigger, a, analysis, self.kb)]
        said = [a for a in agents if _says_did(trigger, a)]  # "civilians opened fire", "shot by villagers"
        perps = [p for a in agents for p in (self._unidentified(a, "stated", a in said) or self.resolve(a, analysis))
                 if p.actor.type != "civilians" or (a in said and a.lemma_.lower() not in _ANONYMOUS)]
        targets = [p for a in patients for p in self.resolve(a, analysis)]
        perps.extend(self.attributions(trigger.sent, analysis))
        perps.extend(self.blamed(trigger.sent, analysis))
        for tok, how in held_responsible(trigger):
            perps.extend(self.resolve(tok, analysis, how) or self._unidentified(tok, how))
        harmed = [a for a in patients if _direct(a)] if trigger.lemma_.lower() in _PERSON_HARM else []
        harmed += [g for r in _results(trigger, self.harm_verbs) if r.lemma_.lower() in _PERSON_HARM
                   for g in r.children if g.dep_ == "dobj"]
        targets.extend(v for a in harmed if not self.resolve(a, analysis) for v in self._victims(a, analysis))
        kb = self.kb
        perps = [p for p in perps if not _reporter(kb, p.actor)]
        targets = [p for p in targets if not _outlet(kb, p.actor)]
        perps = _specific(_unique(perps))
        target_ids = {p.actor.id for p in perps}
        targets = _specific([t for t in _unique(targets) if t.actor.id not in target_ids])
        return tuple(perps), tuple(targets)


# the verbs of a harm done to people: their patient is a victim even when no actor names it
_PERSON_HARM = frozenset({"kill", "murder", "assassinate", "kidnap", "abduct", "wound", "injure", "shoot",
                          "execute", "massacre", "torture", "slay", "behead", "assassination", "kidnapping",
                          "abduction", "killing", "execution", "slaying"})
_NOT_VICTIMS = frozenset({"way", "time", "day", "night", "week", "month", "year", "hour", "part", "number",
                          "rest", "one", "all", "none", "each", "both", "others", "attack", "attempt", "plan"})
_NOT_VICTIM_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "GPE", "LOC"})
# people the text does not name ("unknown persons", "unidentified men"): unidentified attackers when they act
_PERSON_NOUNS = frozenset({"person", "persons", "individual", "man", "men", "people", "youth", "subject",
                           "assailant", "attacker", "gunman", "stranger"})
# of those, the words that say nothing of who the people are: as the subject of an attack, unidentified attackers
# ("two men blew themselves up", "about 50 men took the town"), never civilians
_ANONYMOUS = frozenset({"man", "men", "person", "persons", "individual"})
_PERFORM = frozenset({"perpetrate", "commit", "carry", "stage", "conduct", "launch", "mount", "plan", "order",
                      "organize", "organise"})
_BAND_NOUNS = frozenset({"group", "band", "gang", "squad", "party"})
_UNNAMED = frozenset({"unknown", "unidentified", "unnamed", "armed", "masked", "hooded", "heavily", "young"})
# "blamed X for the attack", "X were implicated in the murder", "X is responsible for the bombing"
_BLAME_OBJECT = {"blame": "blamed", "accuse": "blamed", "hold": "blamed", "implicate": "suspected",
                 "charge": "suspected", "convict": "suspected", "sentence": "suspected", "arrest": "suspected",
                 "detain": "suspected", "link": "suspected", "tie": "suspected"}
_BLAME_PREPS = frozenset({"for", "of", "in", "with", "over", "to"})


_BLAST_PREPS = frozenset({"outside", "near", "under", "beneath", "underneath", "beside", "inside", "against"})


def _dating(x: Any, words: frozenset[str] = _TIME_PREPS) -> bool:
    """``x`` only dates the word it hangs on: a preposition of time ("after the blast") or a clause marked by one
    ("after soldiers abandoned their posts")."""
    return (x.dep_ == "prep" and x.lower_ in words) or (
        x.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in words for m in x.children))


def _named_as_time(trigger: Any) -> bool:
    """``trigger`` (a noun) dates another act: the object of "after", "following", "since", "before" or "amid", or
    of "in the wake/aftermath of"."""
    if trigger.dep_ not in ("pobj", "dobj"):
        return False
    prep = trigger.head
    if prep.lower_ in _TIME_PREPS:
        return True
    return prep.lower_ == "of" and prep.head.lower_ in _TIME_NOUNS


def acts_around(subject: Any, trigger_text: str) -> bool:
    """``subject`` is the subject of a verb whose time is given by the event ``trigger_text`` names ("police sealed
    the area after the blast", "the government banned the group after an attack killed forty"): it acted then,
    it is not said to have done the event."""
    if subject.dep_ not in ("nsubj", "nsubjpass") or not trigger_text:
        return False
    wanted = trigger_text.lower()
    for x in subject.head.children:
        timed = _dating(x) or (x.dep_ == "prep" and any(p.lower_ in _TIME_NOUNS for p in x.children))
        if timed and wanted in x.doc[x.left_edge.i:x.right_edge.i + 1].text.lower():
            return True
    return False


def time_clauses(tok: Any) -> frozenset[int]:
    """The "since ..." clauses and phrases ``tok`` stands in, by the index of their head: two triggers with
    different ones tell events of different times ("the first town to fall to the militants since U.S. forces
    began withdrawing"). "After" is left out: what came just before is often part of the same fight ("the clash
    took place after army troops attacked")."""
    out = []
    x = tok
    while True:
        if _dating(x, _SINCE):
            out.append(x.i)
        if x.head.i == x.i:
            return frozenset(out)
        x = x.head


def in_time_clause(head: Any, sent: Any, trigger_text: str) -> bool:
    """``head`` stands in a clause or phrase that only dates the event of ``trigger_text`` ("rebels overran the
    town after soldiers abandoned their posts", "... since U.S. forces began their withdrawal"), which does not hold
    the trigger's first word: it names who did something then, not who did the event."""
    at = sent.text.find(trigger_text) if trigger_text else -1
    if at < 0:
        return False
    first = sent.doc.char_span(sent.start_char + at, sent.start_char + at + 1, alignment_mode="expand")
    if first is None or not len(first):
        return False
    trigger = first[0]
    x = head
    while x.head.i != x.i:
        if _dating(x):
            return not (x.left_edge.i <= trigger.i <= x.right_edge.i)
        x = x.head
    return False


def _blast_sites(trigger: Any) -> list[Any]:
    """What a bomb went off at: the object of "outside", "near", "under", "in front of" on the trigger, its verb
    ("exploded", "planted", "placed") or the participle that carries it."""
    heads = [trigger]
    if trigger.pos_ in ("NOUN", "PROPN"):
        heads.extend(c for c in trigger.children if c.dep_ == "acl")  # "a bomb planted under a bus"
        if trigger.dep_ in ("nsubj", "nsubjpass", "dobj") and trigger.head.pos_ == "VERB":
            heads.append(trigger.head)  # "a bomb exploded outside ...", "left a bomb near ..."
    out: list[Any] = []
    for h in heads:
        for c in h.children:
            if c.dep_ != "prep":
                continue
            if c.lower_ in _BLAST_PREPS:
                out.extend(g for g in c.children if g.dep_ == "pobj")
            elif c.lower_ == "in":  # "in front of the ministry"
                out.extend(g for f in c.children if f.dep_ == "pobj" and f.lower_ == "front" for o in f.children
                           if o.dep_ == "prep" and o.lower_ == "of" for g in o.children if g.dep_ == "pobj")
    return out


def _results(verb: Any, harm_verbs: frozenset[str]) -> list[Any]:
    """The participle clauses that tell what the event did: ", killing two and wounding five", ", destroying a bus"."""
    out = []
    for c in verb.children:
        if c.dep_ == "advcl" and c.tag_ == "VBG" and (not harm_verbs or c.lemma_.lower() in harm_verbs):
            out.append(c)
            out.extend(g for g in c.children if g.dep_ == "conj" and g.tag_ == "VBG")
    return out


def _direct(tok: Any) -> bool:
    """The patient is the object itself ("killed the mayor", "the murder of the mayor"), not a place or time
    reached through another preposition ("killed on the highway")."""
    return tok.dep_ in _OBJ or (tok.dep_ == "pobj" and tok.head.lower_ == "of")


def _bare_blames(sent: Any) -> list[Any]:
    """The objects of an active, unnegated "blame" with no "for"/"on" phrase of its own."""
    out: list[Any] = []
    if "blam" not in span_text(sent).lower():
        return out  # (most sentences: no token read)
    for tok in sent:
        if tok.lemma_.lower() != "blame" or tok.pos_ != "VERB":
            continue
        if any(c.dep_ in ("nsubjpass", "auxpass", "neg") or (c.dep_ in ("prep", "dative") and c.lower_ in ("for", "on"))
               for c in tok.children):
            continue
        out.extend(c for c in tok.children if c.dep_ == "dobj")
    return out


def held_responsible(trigger: Any) -> list[tuple[Any, str]]:
    """Who the sentence holds responsible for the event its noun trigger names, with how: "X claimed the attack",
    "blamed X for the murder", "X were implicated in (or involved in, arrested for) the killing", "X is responsible
    for (or was
    behind) the bombing", "the attack was the work of X"."""
    if trigger.pos_ not in ("NOUN", "PROPN"):
        return []
    tok = trigger
    for _ in range(3):  # "for the murder of ...", "in the assassination attempt": up through "of" phrases
        if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ == "NOUN":
            tok = tok.head.head
            continue
        break
    if tok.dep_ == "dobj" and tok.head.lemma_.lower() == "claim" and tok.head.pos_ == "VERB":
        return [(c, "claimed") for c in tok.head.children if c.dep_ == "nsubj"]  # "the group claimed the attack"
    if tok.dep_ != "pobj":
        return []
    prep = tok.head
    head = prep.head
    lemma = head.lemma_.lower()
    out: list[tuple[Any, str]] = []
    credit = head if lemma in ("responsibility", "credit") else next(
        (c for c in head.children if c.dep_ == "dobj" and c.lemma_.lower() in ("responsibility", "credit")), None)
    if prep.lower_ == "for" and credit is not None:  # "X claimed responsibility for the bombing"
        verb = credit.head if credit is head else head
        if verb.lemma_.lower() not in ("deny", "reject"):
            out.extend((c, "claimed") for c in verb.children if c.dep_ == "nsubj")
    elif prep.lower_ in _BLAME_PREPS and head.dep_ == "dobj" and head.head.lemma_.lower() in _BLAME_OBJECT:
        out.append((head, _BLAME_OBJECT[head.head.lemma_.lower()]))  # "blamed [the rebels for the murder]"
    elif prep.lower_ in _BLAME_PREPS and lemma in _BLAME_OBJECT and head.pos_ == "VERB":
        passive = [c for c in head.children if c.dep_ == "nsubjpass"]
        objects = [c for c in head.children if c.dep_ == "dobj"]
        out.extend((c, _BLAME_OBJECT[lemma]) for c in (passive or objects))
    elif prep.lower_ == "in" and lemma in ("involve", "participate", "take", "engage") and head.pos_ == "VERB":
        out.extend((c, "suspected") for c in head.children if c.dep_ in ("nsubj", "nsubjpass"))
    elif prep.lower_ == "for" and head.lower_ == "responsible":
        verb = head.head
        out.extend((c, "blamed") for c in verb.children if c.dep_ in ("nsubj", "nsubjpass"))
    elif prep.lower_ == "behind" and head.pos_ in ("AUX", "VERB"):
        out.extend((c, "suspected") for c in head.children if c.dep_ == "nsubj")
    return out


def established(participants: Iterable[Participant], attribution: str | None) -> tuple[Participant, ...]:
    """The perpetrators of an event the sentence tells as a claim, a blame, a suspicion or a denial
    (``Event.attribution``), each marked with how the text establishes it, unless a cue already said."""
    if not attribution:
        return tuple(participants)
    return tuple(replace(p, how=attribution) if p.how == "stated" else p for p in participants)


def _counted(tok: Any) -> bool:
    """The noun phrase gives a number of people ("300 people", "as many as 2,000 villagers", "dozens of men")."""
    return tok.like_num or any(c.dep_ == "nummod" for c in tok.children) or (
        tok.lower_ in COUNT_NOUNS and any(c.dep_ == "prep" for c in tok.children))


def _says_did(trigger: Any, agent: Any) -> bool:
    """The agent is the trigger's own subject or "by" agent (the text says it did it), not inherited."""
    if trigger.pos_ not in ("VERB", "AUX"):
        return False
    head = agent.head
    if agent.dep_ == "pobj":
        head = head.head
    while head.dep_ in ("conj", "appos") and head.i != head.head.i and head.pos_ in ("NOUN", "PROPN", "PRON"):
        head = head.head
    return head.i == trigger.i


def _named_place(analysis: Analysis, name: str) -> bool:
    """The article names a place so, elsewhere ("the attack on Baga" after "Baga, a town on the border"): a
    name the text makes a place once is that place throughout, unless it acts as a government there."""
    key = name.strip().lower()
    return any(p.text.strip().lower() == key and p.relation != "metonym" and p.score >= 0.5 for p in analysis.places)


def _town_modifier(trigger: Any, tok: Any, analysis: Analysis, kb: Any = None) -> bool:
    """``tok`` modifies the event noun as the town, region or country it happened in ("the Mogadishu bomb
    blast", "a Kabul suicide attack", "the Somalia truck bomb" in a report from Somalia), even where the name also
    stands for a government. A country other than the one the article is about is the state that acts ("a US
    drone strike" in Pakistan, "Israel strikes" on Gaza)."""
    if tok.dep_ != "compound" or trigger.pos_ not in ("NOUN", "PROPN"):
        return False
    if tok.head.i != trigger.i and not (tok.head.dep_ == "compound" and tok.head.head.i == trigger.i):
        return False
    lo, hi = tok.idx, tok.idx + len(tok.text)
    here = [p for p in analysis.places if p.start <= lo and hi <= p.end]
    if any(p.place.precision in ("point", "city", "admin2", "admin1") for p in here):
        return True
    home = _home_country(analysis)
    if home is None:
        return False
    if any(p.place.precision == "country" and p.place.country_code == home for p in here):
        return True
    try:  # a headline's "Nigeria bomb blast", which the place reader may leave to the actor base
        state = kb.lookup(tok.text) if kb is not None else None
    except Exception:  # a KB double may not know every call
        state = None
    return state is not None and state.type == "state" and state.country == home


def _home_country(analysis: Analysis) -> str | None:
    """The country the article's towns and regions lie in, when they all lie in one."""
    countries = {p.place.country_code for p in analysis.places
                 if p.place.precision in ("point", "city", "admin2", "admin1") and p.place.country_code}
    return next(iter(countries)) if len(countries) == 1 else None


# verbs of saying: their subject is a source of the report, not who did it ("the Houthi group said")
_SPEAKING = frozenset({"say", "tell", "report", "announce", "state", "add", "note", "confirm", "allege", "accuse",
                       "quote", "cite", "deny", "refute", "reject", "condemn", "warn", "write", "insist", "argue",
                       "describe", "explain", "tweet", "declare"})
_LOCATIVE = frozenset({"in", "at", "near", "outside", "inside", "around", "across"})
# nouns of a band or its members: the actor the phrase names may be its modifier ("Boko Haram's gunmen unit")
_STRIKE_NOUNS = frozenset({"strike", "airstrike", "bombardment", "shelling", "assault", "barrage", "offensive"})
# what a force fights with, and a head that only counts ("hundreds of Taliban forces")
_WAR_MACHINES = frozenset({"jet", "fighter", "warplane", "plane", "aircraft", "helicopter", "gunship", "bomber",
                           "tank", "artillery", "warship", "vessel", "boat", "convoy", "patrol", "vehicle", "unit"})
# heads that only count the people or things after them ("hundreds of villagers", "dozens of raids")
COUNT_NOUNS = frozenset({"hundreds", "dozens", "scores", "thousands"})
_QUANTITY_HEADS = COUNT_NOUNS | {"some", "many", "several", "most", "all"}
# ranks, posts and ruling bodies of a group or a force: the group is named in their modifier ("Abu Sayyaf leader
# X", "the military council's air bombardment")
_RANKS = frozenset({"leader", "commander", "chief", "founder", "emir", "deputy", "official", "operative",
                    "spokesman", "spokesperson", "head", "boss", "kingpin", "lieutenant", "general", "colonel",
                    "council", "command"})
_GROUP_HEADS = frozenset({"group", "member", "members", "faction", "unit", "cell", "wing", "column", "squad",
                          "commando", "commandos", "brigade", "battalion", "element", "elements"})


def _speaks(tok: Any) -> bool:
    """The phrase is, or is the "of" phrase or an apposition of, the subject of a verb of saying ("the Committee of
    Doctors said", "a local youth group, the X Movement, said", "said the mayor of the town, NAME")."""
    for _ in range(4):
        if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ in ("NOUN", "PROPN"):
            tok = tok.head.head
        elif tok.dep_ == "appos" and tok.head.i != tok.i and tok.head.pos_ in ("NOUN", "PROPN"):
            tok = tok.head
        else:
            break
    return tok.dep_ in ("nsubj", "nsubjpass") and tok.head.lemma_.lower() in _SPEAKING


def _hyphenated(tok: Any) -> bool:
    """Half of a hyphenated word ("rebel-held", "Taliban-controlled"): a modifier, never a participant."""
    doc = tok.doc
    after = tok.i + 1 < len(doc) and doc[tok.i + 1].text == "-" and not tok.whitespace_
    before = tok.i > 1 and doc[tok.i - 1].text == "-" and not doc[tok.i - 1].whitespace_ \
        and not doc[tok.i - 2].whitespace_
    return bool(after or before)


def _armed_noun(tok: Any, kb: Any) -> bool:
    """The phrase's head is a word for armed men or a band ("fighters", "gunmen", "group")."""
    low = tok.lower_
    if low in _GROUP_HEADS or tok.lemma_.lower() in _GROUP_HEADS:
        return True
    nouns = getattr(kb, "generic_nouns", None) or {}
    return (low,) in nouns or (tok.lemma_.lower(),) in nouns


def _covers(p: Participant, tok: Any) -> bool:
    return p.start is not None and p.end is not None and p.start <= tok.idx < p.end


def _on_place(analysis: Analysis, start: int, end: int) -> bool:
    """Characters [start, end) overlap a place the analysis resolved ("the attack on Baga"): where, not who."""
    return any(p.start < end and start < p.end for p in analysis.places)


def _fit(kb: Any, name: str) -> bool:
    try:
        return kb.unfit_name(name) is None
    except AttributeError:  # a KB double without the outlet table
        return True


def _outlet(kb: Any, actor: Actor) -> bool:
    try:
        return not actor.generic and kb.is_outlet(actor.name)
    except AttributeError:
        return False


def _reporter(kb: Any, actor: Actor) -> bool:
    """An outlet or a monitor: who tells of violence, never who commits it."""
    try:
        return _outlet(kb, actor) or kb.is_monitor(actor)
    except AttributeError:
        return False


def _cue_name(tok: Any, kb: Any) -> tuple[str, str] | None:
    """An unknown organisation's name ending in the word that says what it is, and the type that word suggests:
    "the manuel rodriguez patriotic front" (no capitals needed), "Arakan Army". A bare cue word ("the army",
    "rebels") or a cue word with only ordinary adjectives ("armed rebels") names no one."""
    guess = getattr(kb, "guess_type", None)
    if guess is None or tok.pos_ not in ("NOUN", "PROPN"):
        return None
    kind = guess("", tok.lemma_) or guess("", tok.lower_)
    if kind is None:
        return None
    mods = [c for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod") and c.pos_ in ("PROPN", "NOUN", "ADJ")]
    if not mods or not any(m.pos_ == "PROPN" or (m.dep_ == "compound" and m.pos_ == "NOUN") for m in mods):
        return None
    if tok.lower_ in _PLURAL_CUES and not any(m.pos_ == "PROPN" for m in mods):
        return None  # "drug rebels"? only a proper name before a plural cue names a group
    doc = tok.doc
    first = min(m.left_edge.i for m in mods)
    while first < tok.i and (doc[first].dep_ in _NOT_NAME_LEFT or doc[first].is_punct or doc[first].like_num):
        first += 1
    right = _thing_right(tok) if tok.lower_ not in _PLURAL_CUES else tok.i
    words = doc[first:right + 1]
    if len(words) < 2:
        return None
    if tok.lower_ in _PLURAL_CUES:  # "Seleka rebels": the group is "Seleka"
        name = doc[first:tok.i].text
    else:
        name = words.text
    return name.strip(" \"'“”"), kind


_PLURAL_CUES = frozenset({"rebels", "guerrillas", "separatists", "herders", "militias", "brigades"})


def _unique(items: Iterable[Participant]) -> list[Participant]:
    seen: set[str] = set()
    out = []
    for p in items:
        if p.actor.id not in seen:
            seen.add(p.actor.id)
            out.append(p)
    return out


def _gap(p: Participant, q: Participant) -> int | None:
    """Characters between two participants' phrases (0 or less when they touch or overlap); None if unplaced."""
    if p.start is None or p.end is None or q.start is None or q.end is None:
        return None
    return max(p.start, q.start) - min(p.end, q.end)


def _specific(items: list[Participant]) -> list[Participant]:
    """Drop generic armed actors ("a suicide bomber") when the same side names a specific one ("ISIS"), and an
    unidentified armed group whose phrase another actor names ("rebel fighters" are rebels)."""
    items = [p for p in items if p.actor.id != "unidentified-armed-group" or not any(
        q.actor.id != p.actor.id and (g := _gap(p, q)) is not None and g <= 1 and kind_of(q.actor) != "civilian"
        for q in items)]
    named = [p for p in items if not p.actor.generic]
    if not named:
        return items
    return [p for p in items if not p.actor.generic or kind_of(p.actor) == "civilian"]


def kind_of(actor: Actor) -> str:
    """'state', 'nonstate', 'civilian' or 'other' for an actor type."""
    t = (actor.type or "").lower()
    if t in STATE_TYPES:
        return "state"
    if t in NONSTATE_TYPES:
        return "nonstate"
    if t in CIVILIAN_TYPES:
        return "civilian"
    return "other"


__all__ = ["COUNT_NOUNS", "ParticipantFinder", "established", "kind_of", "ARMED_TYPES", "CIVILIAN_TYPES", "NONSTATE_TYPES", "STATE_TYPES"]
