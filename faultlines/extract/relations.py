"""Relations between recognised actors (supports, fights, leads, member_of...) read off the dependency parse.

Cues live in ``data/lexicon/relations.yaml``. Only pairs of recognised actor mentions become relations, one per
(subject, relation, object, sentence); questions, wishes, conditionals and negations are skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from faultlines.analyze.parsed import parsed
from faultlines.model import RELATION_TYPES, ActorMention, Analysis, Relation
from faultlines.spans import ByStart

log = logging.getLogger(__name__)

LEXICON = Path(__file__).resolve().parents[1] / "data" / "lexicon" / "relations.yaml"
SYMMETRIC = {"allied", "rivals"}
SUBJ = ("nsubj", "csubj")
MODIFIERS = ("compound", "amod", "nmod", "poss")
REL_PRONOUNS = {"which", "that", "who", "whom", "whose"}


@dataclass
class Lexicon:
    """The relation cues, loaded from YAML."""

    verbs: dict[str, str] = field(default_factory=dict)  # lemma -> relation
    verb_preps: dict[str, set[str]] = field(default_factory=dict)  # relation -> prepositions taking the object
    nouns: dict[str, str] = field(default_factory=dict)
    noun_preps: dict[str, set[str]] = field(default_factory=dict)
    modifier_is_object: set[str] = field(default_factory=set)
    hyphen: dict[str, str] = field(default_factory=dict)
    with_help: set[str] = field(default_factory=set)
    alongside: list[tuple[str, ...]] = field(default_factory=list)
    examples: list[tuple[str, ...]] = field(default_factory=list)
    from_nouns: set[str] = field(default_factory=set)
    receive_verbs: set[str] = field(default_factory=set)
    reciprocal: set[str] = field(default_factory=set)
    not_groups: set[str] = field(default_factory=set)
    not_asserted: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Lexicon:
        data = yaml.safe_load(Path(path or LEXICON).read_text(encoding="utf-8")) or {}
        _no_booleans(data)
        lex = cls()
        for rel, words in (data.get("verbs") or {}).items():
            _check(rel)
            for w in words:
                lex.verbs[str(w).split()[0].lower()] = rel
        lex.verb_preps = {rel: {str(p) for p in ps} for rel, ps in (data.get("object_preps") or {}).items()}
        for rel, spec in (data.get("nouns") or {}).items():
            _check(rel)
            for w in spec.get("words", []):
                lex.nouns[str(w).split()[-1].lower()] = rel
            lex.noun_preps[rel] = {str(p) for p in spec.get("object_preps", [])}
            if spec.get("modifier") == "object":
                lex.modifier_is_object.add(rel)
        lex.hyphen = {str(k).lower(): str(v) for k, v in (data.get("hyphen") or {}).items()}
        for rel in lex.hyphen.values():
            _check(rel)
        lex.with_help = {str(w) for w in data.get("with_help", [])}
        lex.alongside = [tuple(str(p).lower().split()) for p in data.get("alongside", [])]
        lex.examples = [tuple(str(p).lower().split()) for p in data.get("examples", [])]
        lex.from_nouns = {str(w) for w in data.get("from_nouns", [])}
        lex.receive_verbs = {str(w) for w in data.get("receive_verbs", [])}
        lex.reciprocal = {str(w) for w in data.get("reciprocal_verbs", [])}
        lex.not_groups = {str(w) for w in data.get("not_groups", [])}
        lex.not_asserted = {k: {str(w) for w in v} for k, v in (data.get("not_asserted") or {}).items()}
        return lex


def _no_booleans(node: Any) -> None:
    """YAML reads bare on/no/yes/off as booleans: refuse them rather than match the word "True"."""
    if isinstance(node, bool):
        raise ValueError(f"relations lexicon: a bare YAML boolean ({node}); quote words like \"on\" or \"no\"")
    if isinstance(node, dict):
        for value in node.values():
            _no_booleans(value)
    elif isinstance(node, list):
        for value in node:
            _no_booleans(value)


def _check(rel: str) -> None:
    if rel not in RELATION_TYPES:
        raise ValueError(f"relations lexicon: unknown relation type {rel!r}")


@dataclass(frozen=True)
class Found:
    """A candidate relation between two mentions, with the token that triggered it."""

    subject: ActorMention
    relation: str
    object: ActorMention
    trigger: Any
    factuality: str = "asserted"


class RelationExtractor:
    """Relations of one analysed document. Relations come from the text only; ``kb`` names "X" in "X-backed Y"."""

    def __init__(self, kb: object = None, lexicon: Lexicon | None = None) -> None:
        self.kb = kb
        self.lex = lexicon or Lexicon.load()

    def lookup(self, text: str) -> Any:
        """The KB actor a name or a demonym stands for ("Iran", "Iranian"), None without a KB."""
        if self.kb is None:
            return None
        actor = getattr(self.kb, "lookup", lambda t: None)(text)
        if actor is not None:
            return actor
        demonyms = getattr(self.kb, "demonyms", None)
        if demonyms:
            try:
                from faultlines.analyze.actor_kb import name_key

                entry = demonyms.get(name_key(text))
            except Exception:  # noqa: BLE001 - a KB without demonym support simply has none
                entry = None
            if entry and entry[1].get("actor"):
                return self.kb.get(entry[1]["actor"])  # type: ignore[attr-defined]
        return None

    def __call__(self, analysis: Analysis) -> list[Relation]:
        doc = analysis.spacy_doc
        if doc is None or not analysis.actors:
            return []
        out: list[Relation] = []
        seen: set[tuple[str, str, str, int]] = set()
        by_start = ByStart(analysis.actors)
        for sentence in analysis.sentences:
            mentions = [m for m in by_start.between(sentence.start, sentence.end) if m.end <= sentence.end]
            if not mentions:  # one mention can still hold two actors ("Iran-backed militias")
                continue
            span = parsed(doc).span(sentence.start, sentence.end)
            if span is None:
                continue
            if sentence.text.rstrip().endswith("?"):
                continue
            index = _MentionIndex(doc, mentions)
            for f in _Sentence(self.lex, doc, span, index, self.lookup).relations():
                s, o = f.subject.actor, f.object.actor
                if s.id == o.id:
                    continue
                if f.relation in SYMMETRIC and s.id > o.id:
                    s, o = o, f.subject.actor
                    subj_text, obj_text = f.object.text, f.subject.text
                else:
                    subj_text, obj_text = f.subject.text, f.object.text
                key = (s.id, f.relation, o.id, sentence.start)
                if key in seen:
                    continue
                seen.add(key)
                out.append(Relation(
                    subject=s, relation=f.relation, object=o, quote=sentence.text, start=sentence.start,
                    end=sentence.end, trigger=f.trigger.text, factuality=f.factuality,
                    subject_text=subj_text, object_text=obj_text,
                ))
        return out


class _MentionIndex:
    """Maps tokens to the actor mentions covering them."""

    def __init__(self, doc: Any, mentions: Iterable[ActorMention]) -> None:
        self.by_token: dict[int, ActorMention] = {}
        self.roots: dict[int, ActorMention] = {}
        for m in mentions:
            span = parsed(doc).span(m.start, m.end)
            if span is None or not len(span):
                continue
            for tok in span:
                self.by_token.setdefault(tok.i, m)
            self.roots[span.root.i] = m

    def at(self, tok: Any) -> ActorMention | None:
        return self.by_token.get(tok.i)


class _Sentence:
    """Applies every rule to one parsed sentence."""

    def __init__(self, lex: Lexicon, doc: Any, span: Any, index: _MentionIndex, lookup: Any = None) -> None:
        self.lex, self.doc, self.span, self.index = lex, doc, span, index
        self.lookup = lookup or (lambda text: None)
        self._words: list[str] | None = None  # lower-case words of the sentence and where each occurs
        self._where: dict[str, list[int]] = {}

    # -------------------------------------------------------------------------------- mention helpers

    def mentions(
        self, tok: Any | None, depth: int = 0, examples: bool = True, conj: bool = True
    ) -> list[ActorMention]:
        """Actor mentions a noun token stands for, with its coordinated tokens ("A, B and C")."""
        if tok is None or depth > 3:
            return []
        out: list[ActorMention] = []
        for t in (tok, *tok.conjuncts) if conj else (tok,):
            if not (self.span.start <= t.i < self.span.end):
                continue
            m = self.index.at(t)
            if m is not None:
                out.append(m)
                continue
            found = [f for c in t.children if c.dep_ in ("compound", "nmod") and (f := self.index.at(c)) is not None]
            if not found:  # partitive ("many of the militias") or examples ("groups like X")
                for prep in t.children:
                    if prep.dep_ == "prep" and (prep.lower_ == "of" or (examples and self._is_example(prep))):
                        for pobj in prep.children:
                            if pobj.dep_ == "pobj":
                                found.extend(self.mentions(pobj, depth + 1))
            out.extend(found)
        return list(dict.fromkeys(out))

    def _is_example(self, prep: Any) -> bool:
        words = tuple(t.lower_ for t in self.doc[max(prep.i - 1, 0) : prep.i + 1])
        return any(ex == words[-len(ex) :] for ex in self.lex.examples if len(ex) <= len(words))

    def subject_of(self, verb: Any) -> list[ActorMention]:
        """Mentions acting as the subject of ``verb`` (climbing xcomp/conj/advcl; relative clauses use their head)."""
        tok = verb
        for _ in range(7):
            for child in tok.children:
                if child.dep_ in SUBJ:
                    if child.lower_ in REL_PRONOUNS and tok.dep_ == "relcl":
                        return self.mentions(tok.head)
                    return self.mentions(child)
            if tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN"):
                return self.mentions(tok.head)
            if tok.dep_ in ("xcomp", "conj", "advcl", "pcomp", "acl", "pobj", "prep") and tok.head.i != tok.i:
                if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN"):
                    return self.mentions(tok.head)
                tok = tok.head
                continue
            break
        return []

    def pobjs(self, tok: Any, preps: Iterable[str]) -> list[ActorMention]:
        preps = set(preps)
        out: list[ActorMention] = []
        for prep in tok.children:
            if prep.dep_ in ("prep", "agent", "dative") and prep.lower_ in preps:
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        out.extend(self.mentions(pobj))
        return out

    def asserted(self, tok: Any) -> bool:
        """False when the clause of ``tok`` is negated, conditional, modal or a wish."""
        na = self.lex.not_asserted
        t = tok
        for _ in range(6):
            for child in t.children:
                low = child.lower_
                if child.dep_ == "neg" or (child.dep_ in ("neg", "advmod", "det") and low in na.get("neg", ())):
                    if child.dep_ == "neg" or t is tok:
                        return False
                if child.dep_ == "mark" and low in na.get("marks", ()):
                    return False
                if child.dep_ == "advcl" and any(  # "If X happens, A will fight B": the main clause is conditional
                    g.dep_ == "mark" and g.lower_ in na.get("marks", ()) for g in child.children
                ):
                    return False
                if child.dep_ == "aux" and low in na.get("aux", ()):
                    return False
            if t is not tok and t.lemma_.lower() in na.get("wish", ()) and t.pos_ == "VERB":
                return False
            if t.dep_ == "ROOT" or t.head.i == t.i:
                break
            t = t.head
        return True

    # -------------------------------------------------------------------------------- rules

    def relations(self) -> Iterator[Found]:
        lex = self.lex
        lowers, lemmas = parsed(self.doc).words
        for i in range(self.span.start, self.span.end):
            lower, lemma = lowers[i], lemmas[i]
            if not (lemma in lex.verbs or lemma in lex.nouns or lower in lex.nouns or lower in lex.hyphen
                    or lower == "with" or lower == "from"):
                continue  # no rule can fire on this token (most tokens): no Token built
            tok = self.doc[i]
            if tok.pos_ in ("VERB", "AUX") and lemma in lex.verbs:
                yield from self._verb(tok, lex.verbs[lemma])
            noun_rel = lex.nouns.get(lemma) or lex.nouns.get(lower)  # ``lower`` is ``tok.lower_``
            if tok.pos_ in ("NOUN", "PROPN") and noun_rel and self.index.at(tok) is None:
                yield from self._noun(tok, noun_rel)
            if lower in lex.hyphen and tok.i > self.span.start and self.doc[tok.i - 1].text in "-–":
                yield from self._hyphen(tok, lex.hyphen[lower])
            if tok.dep_ == "prep" and lower == "with":
                yield from self._with_help(tok)
            if tok.dep_ == "prep" and lower == "from":
                yield from self._from_party(tok)
        yield from self._alongside()
        yield from self._examples()

    def _pairs(
        self, subs: list[ActorMention], rel: str, objs: list[ActorMention], trigger: Any, clause: bool = True
    ) -> Iterator[Found]:
        """Every subject-object pair; ``clause=False`` for noun-phrase facts the clause's modality cannot undo."""
        if clause and not self.asserted(trigger):
            return
        factuality = self.attribution(trigger)
        for s in subs:
            for o in objs:
                if s is not o:
                    yield Found(s, rel, o, trigger, factuality)

    def attribution(self, tok: Any) -> str:
        """"reported" when the clause is attributed to a source ("officials said X funds Y", "according to")."""
        report = self.lex.not_asserted.get("report", set())
        words = self._lower_words()
        if any(words[i : i + 2] == ["according", "to"] for i in range(len(words) - 1)):
            return "reported"
        t = tok
        for _ in range(6):
            if t.head.i == t.i:
                break
            if t.dep_ in ("ccomp", "parataxis") and t.head.lemma_.lower() in report:
                return "reported"
            t = t.head
        return "asserted"

    def _verb(self, verb: Any, rel: str) -> Iterator[Found]:
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        if verb.tag_ == "VBN" and verb.dep_ in ("acl", "amod") and verb.head.pos_ in ("NOUN", "PROPN"):
            passive = True  # "militias backed by Iran"
        if passive:
            patient = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
            # "factions led by X": only the noun the participle modifies, not nouns coordinated with it
            patients = self.mentions(patient) if patient is not None else self.mentions(verb.head, conj=False)
            yield from self._pairs(self.pobjs(verb, ["by"]), rel, patients, verb)
            return
        subs = self.subject_of(verb)
        objs: list[ActorMention] = []
        for child in verb.children:
            if child.dep_ in ("dobj", "obj"):
                objs.extend(self.mentions(child))
        objs.extend(self.pobjs(verb, self.lex.verb_preps.get(rel, ())))
        if not objs and verb.lemma_.lower() in self.lex.reciprocal:  # "A and B clashed"
            objs = subs[1:]
            subs = subs[:1]
        yield from self._pairs(subs, rel, objs, verb)

    def _noun(self, noun: Any, rel: str) -> Iterator[Found]:
        objs = self.pobjs(noun, self.lex.noun_preps.get(rel, ()))
        if not objs and noun.dep_ == "dobj":  # "X carried out strikes against Y": the parser hangs Y on the verb
            objs = self.pobjs(noun.head, self.lex.noun_preps.get(rel, ()))
        mods: list[ActorMention] = []
        for child in noun.children:
            if child.dep_ in MODIFIERS:
                mods.extend(self.mentions(child, examples=False))
        subs: list[ActorMention] = []
        if rel in self.lex.modifier_is_object:
            objs = objs + mods
        else:
            subs = mods
        if rel in SYMMETRIC and len(objs) >= 2 and not subs:  # "the rivalry between A and B"
            for i, a in enumerate(objs):
                yield from self._pairs([a], rel, objs[i + 1 :], noun)
            return
        head = noun.head
        if not subs:
            if noun.dep_ == "appos":
                subs = self.mentions(head)
            elif noun.dep_ in ("compound",) and head.pos_ == "PROPN":  # "Quds Force commander Suleimani"
                subs = self.mentions(head)
            elif noun.dep_ in ("attr", "dobj", "nsubj", "pobj") and head.pos_ in ("VERB", "AUX"):
                if noun.dep_ == "nsubj":  # "support for Y has come from X"
                    subs = self.pobjs(head, ["from"])
                elif head.lemma_.lower() in self.lex.receive_verbs:  # "Y receives support from X"
                    subs = self.pobjs(head, ["from"]) + self.pobjs(noun, ["from"])
                    objs = objs or self.subject_of(head)
                else:  # "X is the leader of Y", "X launched an offensive against Y"
                    subs = self.subject_of(head)
            elif any(c.dep_ == "appos" for c in noun.children):
                subs = self.mentions(next(c for c in noun.children if c.dep_ == "appos"))
        if not subs and rel not in self.lex.modifier_is_object:
            subs = self.pobjs(noun, ["from", "by"])
        yield from self._pairs(subs, rel, objs, noun)

    def _hyphen(self, cue: Any, rel: str) -> Iterator[Found]:
        before = self.index.at(self.doc[cue.i - 2]) if cue.i >= 2 else None
        inside = self.index.at(cue)
        subs = [before] if before is not None and before is not inside else []
        if not subs and cue.i >= 2:  # "Iran-backed militias" recognised as one mention: name the prefix
            subs = self._prefix_actor(cue.i - 1, inside)
        target = cue.head if cue.head.i > cue.i else None
        objs = [inside] if inside is not None else (self.mentions(target) if target is not None else [])
        if not objs:  # fall back on the next mention in the same noun phrase
            for t in self.doc[cue.i + 1 : min(cue.i + 6, self.span.end)]:
                if t.is_punct or t.pos_ in ("VERB", "AUX", "ADP"):
                    break
                m = self.index.at(t)
                if m is not None:
                    objs = [m]
                    break
        if rel == "member_of":  # "X-affiliated Y": Y is the member
            subs, objs = objs, subs
        yield from self._pairs(subs, rel, objs, cue, clause=False)

    def _prefix_actor(self, hyphen: int, inside: ActorMention | None) -> list[ActorMention]:
        """The actor named by the words just before a hyphen (within the mention, or not a mention at all)."""
        lo = inside.start if inside is not None else None
        toks: list[Any] = []
        i = hyphen - 1
        while i >= self.span.start and len(toks) < 3 and not self.doc[i].is_punct and self.doc[i].text[:1].isupper():
            if lo is not None and self.doc[i].idx < lo:
                break
            toks.insert(0, self.doc[i])
            i -= 1
        for k in range(len(toks)):
            text = self.doc[toks[k].i : hyphen].text
            actor = self.lookup(text)
            if actor is not None:
                start = toks[k].idx
                return [ActorMention(text, start, start + len(text), actor, how="kb")]
        return []

    def _with_help(self, prep: Any) -> Iterator[Found]:
        """"with the help of X" / "with X's support": X supports the clause's subject."""
        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
            if pobj.lemma_.lower() not in self.lex.with_help:
                continue
            helpers = self.pobjs(pobj, ["of", "from"])
            helpers += [m for c in pobj.children if c.dep_ == "poss" for m in self.mentions(c)]
            head = prep.head
            helped = self.subject_of(head) if head.pos_ in ("VERB", "AUX") else self.mentions(head)
            yield from self._pairs(helpers, "supports", helped, pobj)

    def _from_party(self, prep: Any) -> Iterator[Found]:
        """"a politician from Y, X" / "X, an official from Y": X member_of Y."""
        noun = prep.head
        if noun.lemma_.lower() not in self.lex.from_nouns:
            return
        groups = self.pobjs(noun, ["from"])
        people: list[ActorMention] = []
        for c in (*noun.children, *(g for p in prep.children if p.dep_ == "pobj" for g in p.children)):
            if c.dep_ == "appos":  # "a politician from Y, X" (the parser may hang X on Y)
                people.extend(self.mentions(c))
        if noun.dep_ == "appos" or (noun.dep_ == "attr" and noun.head.pos_ == "AUX"):
            people.extend(self.mentions(noun.head) if noun.dep_ == "appos" else self.subject_of(noun.head))
        if not people and groups:  # "a politician from Y, X": the name right after the comma
            end = max(t.right_edge.i for t in prep.children if t.dep_ == "pobj") + 1
            while end < self.span.end and self.doc[end].is_space:
                end += 1
            if end + 1 < self.span.end and self.doc[end].text == ",":
                nxt = self.index.at(self.doc[end + 1])
                if nxt is not None and nxt.actor.type == "person":
                    people.append(nxt)
        yield from self._pairs(people, "member_of", groups, noun)

    def _phrase_ends(self, phrases: list[tuple[str, ...]]) -> Iterator[tuple[Any, Any]]:
        """(first token, last token) of every occurrence of the phrases in the sentence."""
        words = self._lower_words()
        if not self._where:
            for i, w in enumerate(words):
                self._where.setdefault(w, []).append(i)
        for phrase in phrases:
            n = len(phrase)
            for i in self._where.get(phrase[0], ()) if phrase else ():
                if tuple(words[i : i + n]) == phrase:
                    yield self.span[i], self.span[i + n - 1]

    def _lower_words(self) -> list[str]:
        """``Token.lower_`` of the sentence's tokens (read once per document)."""
        if self._words is None:
            self._words = parsed(self.doc).words[0][self.span.start:self.span.end]
        return self._words

    def _alongside(self) -> Iterator[Found]:
        for first, last in self._phrase_ends(self.lex.alongside):
            objs = [m for c in last.children if c.dep_ == "pobj" for m in self.mentions(c)]
            anchor = first.head if first.head.pos_ in ("VERB", "AUX") else last.head
            while anchor.pos_ not in ("VERB", "AUX") and anchor.head.i != anchor.i:
                anchor = anchor.head
            yield from self._pairs(self.subject_of(anchor), "allied", objs, first)

    def _examples(self) -> Iterator[Found]:
        """"militias such as A and B": each example member_of the head, when the head is an actor."""
        for first, last in self._phrase_ends(self.lex.examples):
            head = first.head if first.head.i < first.i else last.head
            if last.dep_ == "prep" and last.head.i < first.i:
                head = last.head
            group = self.index.at(head)
            if group is None or group.actor.type in self.lex.not_groups:
                continue
            items = [m for c in last.children if c.dep_ == "pobj" for m in self.mentions(c)]
            items = [m for m in items if m.actor.type not in self.lex.not_groups]
            yield from self._pairs(items, "member_of", [group], first, clause=False)


__all__ = ["Lexicon", "RelationExtractor"]
