"""Actor mentions: who acts in a text, resolved to canonical actors of the knowledge base.

``ActorRecognizer`` runs five sources in order, each one only filling spans the earlier ones left free:
(1) knowledge-base aliases matched word by word over the normalized text (longest match wins),
(2) acronyms and short names the text defines in parentheses ("Iraqi Security Forces (ISF)"),
(3) surnames that back off to a full personal name seen earlier in the document ("Maliki"),
(4) generic nouns and demonyms ("gunmen", "a Shia militia", "Iranian support"),
(5) spaCy's named entities (ORG, NORP, PERSON, and GPE only in an actor's role); unknown names become new actors.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from faultlines.analyze.actor_kb import (
    ActorKB,
    AliasEntry,
    Word,
    iter_words,
    name_key,
    normalize_name,
)
from faultlines.model import Actor, ActorMention, Document

log = logging.getLogger(__name__)

_PAREN_RE = re.compile(r"\(([^()\n]{1,80})\)")
_PAREN_SPLIT_RE = re.compile(r"\s*(?:,|;|/|\bor\b|\band\b|\b(?:formerly|also|previously|commonly|later)?\s*"
                             r"(?:known|referred to|called)\s+as\b|\baka\b|\ba\.k\.a\.|\bi\.e\.)\s*", re.I)
_ACRONYM_RE = re.compile(r"^[A-Z][A-Za-z0-9&.\-]{0,9}$")
_SUBJECT_PRONOUNS = frozenset({"it", "he", "she", "this", "that", "there", "what", "who", "which", "here"})
_TITLE_WORDS = frozenset({"mr", "mrs", "ms", "dr", "gen", "general", "president", "prime", "minister", "sheikh",
                          "ayatollah", "grand", "colonel", "col", "lt", "major", "maj", "sgt", "captain", "capt"})
_NER_TYPES = {"ORG": "organization", "PERSON": "person"}
_CASE_SENSITIVE_LOWER = re.compile(r"[A-Z]")
_POSSESSIVE_RE = re.compile(r"['’][sS]\b")


class ActorRecognizer:
    """Finds actor mentions in a parsed document; one instance serves many documents."""

    def __init__(self, kb: ActorKB, nlp: Any = None) -> None:
        self.kb = kb
        self.nlp = nlp

    # ------------------------------------------------------------------------------------------------ entry

    def __call__(self, sdoc: Any, document: Document | None = None) -> list[ActorMention]:
        """Actor mentions of ``sdoc`` (parsed clean text), sorted by start and never overlapping."""
        text = sdoc.text
        words = list(iter_words(text))
        state = _State(text, sdoc, words, lowercase=not _CASE_SENSITIVE_LOWER.search(text))
        self._kb_matches(state)
        self._definitions(state)
        self._backoff(state)
        self._generic_and_demonyms(state)
        self._entities(state)
        return sorted(state.mentions.values(), key=lambda m: m.start)

    # ------------------------------------------------------------------------------------------------ (1) KB

    def _kb_matches(self, st: _State) -> None:
        aliases, first_words = self.kb.aliases, self.kb.first_words
        norms = [w.norm for w in st.words]
        i, n = 0, len(norms)
        while i < n:
            maxlen = first_words.get(norms[i], 0)
            if not maxlen:
                i += 1
                continue
            found = None
            key: list[str] = []
            j = i
            # collect up to maxlen normalized words from i (skipping dropped ones), try longest first
            spans: list[tuple[tuple[str, ...], int]] = []
            while j < n and len(key) < maxlen:
                if norms[j]:
                    if j > i and _gap(st.text, st.words[j - 1].end, st.words[j].start):
                        break
                    key.append(norms[j])
                    spans.append((tuple(key), j))
                j += 1
            for k, last in reversed(spans):
                entry = aliases.get(k)
                if entry is not None and self._alias_ok(st, entry, i, last):
                    found = (entry, last)
                    break
            if found is None:
                i += 1
                continue
            entry, last = found
            start = _arabic_article_start(st, i)
            actor = self.kb.get(entry.actor_id)
            if actor is not None:
                st.add(start, st.words[last].end, actor, "kb")
            i = last + 1

    def _alias_ok(self, st: _State, entry: AliasEntry, i: int, last: int) -> bool:
        words = st.words[i : last + 1]
        if entry.cased:
            kept = [k for k in range(i, last + 1) if st.words[k].norm]
            for pos, forms in entry.cased:
                if st.words[kept[pos]].surface not in forms:
                    return False
            if any(not self._name_like(st, kept[pos]) for pos in entry.stopwords):
                return False
        elif entry.capitalized and not words[0].surface[:1].isupper():
            return False
        if entry.metonym and not self._agent_role(st, words[0].start, words[-1].end):
            return False
        return True

    def _name_like(self, st: _State, i: int) -> bool:
        """An all-caps short word that is also an English word ("IS", "US") is a name unless the text shouts."""
        neighbours = [w.surface for w in st.words[max(0, i - 2) : i + 3] if w is not st.words[i] and w.surface.isalpha()]
        if neighbours and all(n.isupper() and len(n) > 1 for n in neighbours):
            return False
        tok = st.token_at(st.words[i].start)
        if tok is not None and tok.i > 0:
            prev = tok.doc[tok.i - 1]
            if prev.lower_ in _SUBJECT_PRONOUNS or prev.pos_ == "PRON":
                return False
        return True

    def _agent_role(self, st: _State, start: int, end: int) -> bool:
        """Whether a place-like name (country, capital) acts here: agent, possessor, modifier, target or ally."""
        span = st.sdoc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return False
        tok = span.root
        for _ in range(4):
            dep = tok.dep_
            if dep == "conj" or (dep == "appos" and tok.head.i != tok.i):
                tok = tok.head
                continue
            if dep in ("compound", "nmod", "amod"):
                return tok.head.lower_ not in self.kb.place_heads and tok.head.pos_ in ("NOUN", "PROPN")
            if dep == "pobj":
                prep = tok.head
                if prep.lower_ == "from":
                    return self._gives(prep.head)
                return prep.lower_ in self.kb.agent_preps
            return dep in self.kb.agent_deps
        return False

    def _gives(self, head: Any) -> bool:
        """Whether a "from" phrase names a source of support or force ("aid from X", "arms came from X")."""
        heads = self.kb.from_heads
        if head.pos_ in ("NOUN", "PROPN"):
            return head.lemma_.lower() in heads or head.lower_ in heads
        return any(c.dep_ in ("nsubj", "nsubjpass", "dobj") and (c.lemma_.lower() in heads or c.lower_ in heads)
                   for c in head.children)

    # ------------------------------------------------------------------------------------------------ (2) definitions

    def _definitions(self, st: _State) -> None:
        """'LONG NAME (SHORT)' defines SHORT for the rest of the document; also for names the KB lacks."""
        defined: dict[str, Actor] = {}
        for m in _PAREN_RE.finditer(st.text):
            before = m.start()
            while before > 0 and st.text[before - 1] == " ":
                before -= 1
            owner = st.mention_ending_at(before)
            inner_start = m.start(1)
            candidates = []
            for piece in _PAREN_SPLIT_RE.split(m.group(1)):
                piece = piece.strip(" \"'“”.")
                if not piece:
                    continue
                offset = st.text.find(piece, inner_start, m.end(1))
                candidates.append((piece, offset))
            if not candidates:
                continue
            if owner is None:
                owner = self._unknown_owner(st, before, candidates)
                if owner is None:
                    continue
            for piece, offset in candidates:
                is_acronym = bool(_ACRONYM_RE.match(piece)) and sum(c.isupper() for c in piece) >= 2
                known = self.kb.lookup(piece)
                if not (is_acronym or known is not None):
                    continue
                defined[piece] = owner.actor
                if offset >= 0:
                    st.add(offset, offset + len(piece), owner.actor, "acronym", replace=True)
        if not defined:
            return
        for word_i, w in enumerate(st.words):
            for piece, actor in defined.items():
                if " " in piece or w.surface != piece.replace(".", ""):
                    continue
                if self.kb.aliases.get(name_key(piece)) and not self._name_like(st, word_i) and len(piece) <= 3:
                    continue
                st.add(_arabic_article_start(st, word_i), w.end, actor, "acronym", replace=True)
        for piece, actor in defined.items():  # multi-word short names ("Hashd al-Shaabi")
            if " " not in piece:
                continue
            for m in re.finditer(re.escape(piece), st.text):
                st.add(m.start(), m.end(), actor, "acronym", replace=True)

    def _unknown_owner(self, st: _State, before: int, candidates: list[tuple[str, int]]) -> ActorMention | None:
        """A new actor for an unknown long name that an acronym follows ("Nineveh Guards (NG)")."""
        acronyms = [p for p, _ in candidates if _ACRONYM_RE.match(p) and sum(c.isupper() for c in p) >= 2]
        if not acronyms:
            return None
        letters = acronyms[0].replace(".", "")
        caps = [w for w in st.words if w.end <= before and w.end > before - 120]
        # walk back over capitalized words (allowing "of", "the", "al" inside) until the initials fit
        chosen: list[Word] = []
        for w in reversed(caps):
            if w.surface[:1].isupper():
                chosen.insert(0, w)
            elif w.surface.lower() in ("of", "the", "for", "and", "al", "el") and chosen:
                chosen.insert(0, w)
            else:
                break
        target = letters.upper()
        for k in range(len(chosen)):
            tail = chosen[k:]
            if not tail[0].surface[:1].isupper():
                continue
            if "".join(w.surface[0] for w in tail if w.surface[:1].isupper()).upper() == target:
                chosen = tail
                break
        else:
            return None
        start, end = chosen[0].start, chosen[-1].end
        if st.overlaps(start, end):
            return None
        actor = self.kb.new_actor(st.text[start:end], "organization")
        return st.add(start, end, actor, "new")

    # ------------------------------------------------------------------------------------------------ (3) back-off

    def _backoff(self, st: _State) -> None:
        """Surnames resolve to the full name of a person mentioned earlier in the same document."""
        people: dict[str, tuple[int, Actor]] = {}
        for ent in st.sdoc.ents:
            if ent.label_ == "PERSON" and len(ent) > 1 and not st.overlaps(ent.start_char, ent.end_char):
                name = _strip_titles(ent.text)
                if len(name.split()) > 1 and name[:1].isupper():
                    st.add(ent.start_char, ent.end_char, self.kb.new_actor(name, "person"), "new")
        for m in sorted(st.mentions.values(), key=lambda x: x.start):
            if m.actor.type != "person":
                continue
            parts = [w for w in iter_words(m.text) if w.norm]
            if len(parts) < 2:
                continue
            surname = parts[-1].norm
            if surname not in people:
                people[surname] = (m.end, m.actor)
        if not people:
            return
        for i, w in enumerate(st.words):
            hit = people.get(w.norm)
            if hit is None or w.start < hit[0] or not w.surface[:1].isupper():
                continue
            start = _arabic_article_start(st, i)
            if not st.overlaps(start, w.end):
                st.add(start, w.end, hit[1], "backoff")

    # ------------------------------------------------------------------------------------------------ (4) generic

    def _generic_and_demonyms(self, st: _State) -> None:
        nouns, maxlen = self.kb.generic_nouns, self.kb.max_generic_len
        words = st.words
        norms = [w.norm for w in words]
        used_demonyms: set[int] = set()
        i = 0
        while i < len(words):
            hit = None
            for length in range(min(maxlen, len(words) - i), 0, -1):
                noun = nouns.get(tuple(norms[i : i + length]))
                if noun is not None and not st.overlaps(words[i].start, words[i + length - 1].end):
                    hit = (noun, i + length - 1)
                    break
            if hit is None:
                i += 1
                continue
            noun, last = hit
            if not self._is_noun(st, words[last]):
                i += 1
                continue
            first, qualifier = self._qualifiers(st, i)
            actor_id = noun.actor_id
            if qualifier is not None:
                actor_id = self.kb.demonyms[qualifier][1].get(noun.cls, actor_id)
                used_demonyms.update(range(first, i))
            elif noun.cls == "civilians":
                actor_id = self._site_identity(st, words[last]) or actor_id
            actor = self.kb.get(actor_id)
            if actor is not None:
                how = "demonym" if actor_id != noun.actor_id else "generic"
                st.add(words[first].start, words[last].end, actor, how)
            i = last + 1
        # demonyms on their own: "Iranian support", "American air cover"
        for i, w in enumerate(words):
            if i in used_demonyms or not w.norm:
                continue
            for length in (3, 2, 1):
                key = tuple(norms[i : i + length])
                entry = self.kb.demonyms.get(key)
                if entry is None or "actor" not in entry[1]:
                    continue
                end_w = words[min(i + length, len(words)) - 1]
                if entry[0][:1].isupper() and not w.surface[:1].isupper():
                    continue
                if st.overlaps(w.start, end_w.end) or self._names_place(st, end_w):
                    continue
                actor = self.kb.get(entry[1]["actor"])
                if actor is not None:
                    st.add(w.start, end_w.end, actor, "demonym")
                break

    def _site_identity(self, st: _State, w: Word) -> str | None:
        """The community of an identity-marked site in the same sentence ("a Sunni mosque" -> Sunni civilians)."""
        tok = st.token_at(w.start)
        if tok is None:
            return None
        found: set[str] = set()
        for t in tok.sent:
            if t.lower_ not in self.kb.identity_sites:
                continue
            for child in t.children:
                if child.dep_ not in ("amod", "compound", "nmod"):
                    continue
                entry = self.kb.demonyms.get(name_key(child.text))
                if entry is not None and "actor" not in entry[1] and "civilians" in entry[1]:
                    found.add(entry[1]["civilians"])
        return found.pop() if len(found) == 1 else None

    def _qualifiers(self, st: _State, i: int) -> tuple[int, tuple[str, ...] | None]:
        """The first word of the modifiers left of a generic noun, and the nearest demonym among them."""
        first, qualifier = i, None
        steps = 0
        while first > 0 and steps < 4:
            steps += 1
            matched = False
            for length in (3, 2, 1):
                lo = first - length
                if lo < 0:
                    continue
                key = tuple(w.norm for w in st.words[lo:first] if w.norm)
                entry = self.kb.demonyms.get(key)
                if entry is None or st.overlaps(st.words[lo].start, st.words[first - 1].end):
                    continue
                if entry[0][:1].isupper() and not st.words[lo].surface[:1].isupper() and not st.lowercase:
                    continue
                if _gap(st.text, st.words[first - 1].end, st.words[first].start):
                    continue
                qualifier = qualifier or key
                first, matched = lo, True
                break
            if matched:
                continue
            prev = st.words[first - 1]
            tok = st.token_at(prev.start)
            if (tok is not None and tok.pos_ in ("ADJ", "VERB") and tok.dep_ in ("amod", "compound")
                    and not st.overlaps(prev.start, prev.end) and not _gap(st.text, prev.end, st.words[first].start)):
                first -= 1
                continue
            break
        return first, qualifier

    def _is_noun(self, st: _State, w: Word) -> bool:
        tok = st.token_at(w.start)
        return tok is None or tok.pos_ in ("NOUN", "PROPN", "ADJ", "X")

    def _names_place(self, st: _State, w: Word) -> bool:
        """The demonym modifies a place word ("the Iraqi border"), so it names no actor."""
        tok = st.token_at(w.start)
        if tok is None:
            return False
        if tok.dep_ in ("amod", "compound", "nmod") and tok.head.i > tok.i:
            return tok.head.lower_ in self.kb.place_heads or tok.head.ent_type_ in ("GPE", "LOC", "FAC")
        return False

    # ------------------------------------------------------------------------------------------------ (5) NER

    def _entities(self, st: _State) -> None:
        for ent in st.sdoc.ents:
            label = ent.label_
            if label not in ("ORG", "PERSON", "NORP", "GPE"):
                continue
            start, end = ent.start_char, ent.end_char
            if ent[0].lower_ == "the":
                start = ent[0].idx + len(ent[0].text) + 1 if len(ent) > 1 else start
            if start >= end or st.overlaps(start, end):
                continue
            name = st.text[start:end].strip()
            if not name[:1].isupper() or not any(c.isalpha() for c in name) or len(name) < 2:
                continue
            known = self.kb.lookup(name)
            if label == "GPE":
                entry = self.kb.aliases.get(name_key(name))
                if entry is not None and known is not None and self._agent_role(st, start, end):
                    st.add(start, end, known, "ner")
                continue
            if label == "NORP":
                entry = self.kb.demonyms.get(name_key(name))
                if entry is not None:
                    actor_id = entry[1].get("actor")
                    if actor_id and not self._names_place(st, _word_like(st, start, end)):
                        actor = self.kb.get(actor_id)
                        if actor is not None:
                            st.add(start, end, actor, "ner")
                    continue
                if known is not None:
                    st.add(start, end, known, "ner")
                    continue
                root = ent.root
                if root.dep_ in ("amod", "compound", "nmod") or root.pos_ == "ADJ":
                    continue  # "Shia areas": an adjective, not a group acting
                st.add(start, end, self.kb.new_actor(name, "identity militia"), "new")
                continue
            if known is not None:
                st.add(start, end, known, "ner")
                continue
            name = _strip_titles(name) if label == "PERSON" else name
            if not name:
                continue
            st.add(start, end, self.kb.new_actor(name, _NER_TYPES[label]), "new")


# ---------------------------------------------------------------------------------------------------- helpers


class _State:
    """The mentions found so far in one document, with quick span look-ups."""

    def __init__(self, text: str, sdoc: Any, words: list[Word], *, lowercase: bool) -> None:
        self.text = text
        self.sdoc = sdoc
        self.words = words
        self.lowercase = lowercase
        self.mentions: dict[int, ActorMention] = {}
        self._covered: list[int | None] = [None] * (len(text) + 1)
        self._tok_at: dict[int, Any] = {t.idx: t for t in sdoc}

    def token_at(self, char: int) -> Any:
        tok = self._tok_at.get(char)
        if tok is None:
            span = self.sdoc.char_span(char, char + 1, alignment_mode="expand")
            tok = span[0] if span is not None and len(span) else None
        return tok

    def overlaps(self, start: int, end: int) -> bool:
        return any(self._covered[c] is not None for c in range(start, end))

    def mention_ending_at(self, end: int) -> ActorMention | None:
        owner = self._covered[end - 1] if end > 0 else None
        m = self.mentions.get(owner) if owner is not None else None
        return m if m is not None and m.end == end else None

    def add(self, start: int, end: int, actor: Actor, how: str, *, replace: bool = False) -> ActorMention | None:
        """Record a mention unless it overlaps one already found (``replace`` drops exactly-covered ones)."""
        if start >= end:
            return None
        overlapping = {self._covered[c] for c in range(start, end)} - {None}
        if overlapping:
            if not replace:
                return None
            olds = [self.mentions[s] for s in overlapping if s is not None]
            if any(o.start < start or o.end > end for o in olds):
                return None
            for o in olds:
                del self.mentions[o.start]
                for c in range(o.start, o.end):
                    self._covered[c] = None
        mention = ActorMention(self.text[start:end], start, end, actor, how)
        self.mentions[start] = mention
        for c in range(start, end):
            self._covered[c] = start
        return mention


def _gap(text: str, a: int, b: int) -> bool:
    """Whether the characters between two words break a name (anything but spaces, hyphens, dots, apostrophes)."""
    between = text[a:b]
    if "\n" in between:
        return True
    return bool(_POSSESSIVE_RE.sub("", between).strip(" -‐‑–.'’"))


def _arabic_article_start(st: _State, i: int) -> int:
    """Start of word ``i``, moved back over a dropped "al-"/"el-" written before it."""
    if i > 0:
        prev = st.words[i - 1]
        if not prev.norm and prev.surface.lower() != "the" and not _gap(st.text, prev.end, st.words[i].start):
            return prev.start
    return st.words[i].start


def _strip_titles(name: str) -> str:
    parts = name.split()
    while parts and parts[0].lower().rstrip(".") in _TITLE_WORDS:
        parts.pop(0)
    return " ".join(parts)


def _word_like(st: _State, start: int, end: int) -> Word:
    return Word(start, end, st.text[start:end], normalize_name(st.text[start:end]))


def recognize(texts: Iterable[str], kb: ActorKB, nlp: Any) -> list[list[ActorMention]]:
    """Actor mentions of several texts (a convenience for scripts and notebooks)."""
    recognizer = ActorRecognizer(kb, nlp)
    return [recognizer(sdoc) for sdoc in nlp.pipe(texts)]


__all__ = ["ActorKB", "ActorRecognizer", "normalize_name", "recognize"]
