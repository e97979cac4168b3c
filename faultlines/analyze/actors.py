"""Actor mentions: who acts in a text, resolved to canonical actors of the knowledge base.

``ActorRecognizer`` runs five sources in order, each one only filling spans the earlier ones left free:
(1) knowledge-base aliases matched word by word over the normalized text (longest match wins),
(2) acronyms and short names the text defines in parentheses ("Iraqi Security Forces (ISF)"),
(3) surnames that back off to a full personal name seen earlier in the document ("Maliki"),
(4) generic nouns and demonyms ("gunmen", "a Shia militia", "Iranian support"),
(5) spaCy's named entities (ORG, NORP, PERSON, and GPE only in an actor's role); unknown names become new actors,
typed by their own words where they say what they are ("Arakan Army": a rebel group). No actor is made of an
outlet, a journalist's byline or photo credit, a place, a number or a hashtag (``ActorRecognizer.admit``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from faultlines.analyze.actor_kb import (
    ActorKB,
    AliasEntry,
    Word,
    iter_words,
    name_key,
    normalize_name,
)
from faultlines.analyze.datelines import in_dateline
from faultlines.analyze.parsed import parsed
from faultlines.model import Actor, ActorMention, Document

log = logging.getLogger(__name__)

_PAREN_RE = re.compile(r"\(([^()\n]{1,80})\)")
_PAREN_SPLIT_RE = re.compile(r"\s*(?:,|;|/|\bor\b|\band\b|\b(?:formerly|also|previously|commonly|later)?\s*"
                             r"(?:known|referred to|called)\s+as\b|\baka\b|\ba\.k\.a\.|\bi\.e\.)\s*", re.I)
_ACRONYM_RE = re.compile(r"^[A-Z][A-Za-z0-9&.\-]{0,9}$")
_SUBJECT_PRONOUNS = frozenset({"it", "he", "she", "this", "that", "there", "what", "who", "which", "here"})
_TITLE_WORDS = frozenset({"mr", "mrs", "ms", "dr", "gen", "general", "president", "prime", "minister", "sheikh",
                          "ayatollah", "grand", "colonel", "col", "lt", "major", "maj", "sgt", "captain", "capt"})
_NAME_FUNCTION_WORDS = frozenset({"of", "the", "for", "and", "al", "el", "de", "del", "la", "los", "las", "y", "in"})
_NER_TYPES = {"ORG": "organization", "PERSON": "person"}
_CASE_SENSITIVE_LOWER = re.compile(r"[A-Z]")
_POSSESSIVE_RE = re.compile(r"['’][sS]\b")


class ActorRecognizer:
    """Finds actor mentions in a parsed document; one instance serves many documents."""

    def __init__(self, kb: ActorKB, nlp: Any = None, gazetteer: Any = None) -> None:
        self.kb = kb
        self.nlp = nlp
        self.gazetteer = gazetteer  # places by name: an unknown name that is a known place makes no actor

    # ------------------------------------------------------------------------------------------------ entry

    def __call__(self, sdoc: Any, document: Document | None = None) -> list[ActorMention]:
        """Actor mentions of ``sdoc`` (parsed clean text), sorted by start and never overlapping."""
        text = parsed(sdoc).text
        words = list(iter_words(text))
        state = _State(text, sdoc, words, lowercase=not _CASE_SENSITIVE_LOWER.search(text))
        state.author = normalize_name(document.author) if document is not None and document.author else ""
        self._kb_matches(state)
        self._definitions(state)
        self._backoff(state)
        self._generic_and_demonyms(state)
        self._entities(state)
        mentions = list(state.mentions.values())
        if state.places:  # a name its context made a place once is that place throughout the article
            mentions = [m for m in mentions if m.how != "new" or normalize_name(m.text) not in state.places]
        return sorted(mentions, key=lambda m: m.start)

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
        elif entry.capitalized and not words[0].surface[:1].isupper() and not (st.lowercase and entry.acronym):
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
            if (prev.lower_ in _SUBJECT_PRONOUNS or prev.pos_ == "PRON") and tok.pos_ in ("AUX", "VERB"):
                return False
        return True

    def _agent_role(self, st: _State, start: int, end: int) -> bool:
        """Whether a place-like name (country, capital) acts here: agent, possessor, modifier, target or ally.
        Never in a dateline ("KABUL, March 3 --" is where the report was filed, whatever the parse makes of it)."""
        if in_dateline(st.text, start, end):
            return False
        if st.text[end:end + 1] == ")" and st.text[:start].rstrip().endswith("(") \
                and st.text[:start].rstrip()[:-1].rstrip()[-1:].isalpha():
            return False  # "eastern Democratic Republic of the Congo (DRC)": the short form of the name before it
        span = st.sdoc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return False
        tok = span.root
        for _ in range(4):
            dep = tok.dep_
            if dep == "conj" or (dep == "appos" and tok.head.i != tok.i):
                tok = tok.head
                continue
            head = tok.head
            if dep in ("compound", "nmod", "amod"):  # "Tehran's envoy" acts; "the Mogadishu blast" happened there
                return (head.lower_ not in self.kb.place_heads and head.lemma_.lower() not in self.kb.event_heads
                        and head.pos_ in ("NOUN", "PROPN"))
            if dep == "poss" and head.lemma_.lower() in self.kb.owned_places:
                return False  # "Somalia's capital" is a place
            if dep == "pobj":
                prep = tok.head
                if prep.head.lower_ in self.kb.owned_places or prep.head.lemma_.lower() in self.kb.owned_places:
                    return False  # "the border region with Afghanistan", "the border between Chad and Sudan"
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
                if self.kb.is_outlet(piece):
                    continue  # "BAMAKO, Mali (AFP) -": the agency that filed it, not a short name of Mali
                known = self.kb.lookup(piece)
                if known is not None and not self._related(known.id, owner.actor.id):
                    long_name = st.text[owner.start:owner.end]
                    if not _spells(long_name, piece):
                        continue  # the KB knows this short name as another actor: keep that
                    if not owner.actor.known and _alike(long_name, known):
                        # "Allied Democratic Front (ADF)": the base's actor under a slip of its name
                        st.add(owner.start, owner.end, known, "acronym", replace=True)
                        continue
                    # else the text's own long name spells it: "United Peoples Democratic Front (UPDF)" is not
                    # Uganda's army, "Australian Defence Force (ADF)" not the Congolese rebels
                if known is None and not _acronym_like(st, piece):
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
                current = st.mentions.get(w.start)
                if current is not None and current.actor.id == actor.id and current.end == w.end:
                    continue  # the KB already said so
                st.add(_arabic_article_start(st, word_i), w.end, actor, "acronym", replace=True)
        for piece, actor in defined.items():  # multi-word short names ("Hashd al-Shaabi")
            if " " not in piece:
                continue
            for m in re.finditer(re.escape(piece), st.text):
                st.add(m.start(), m.end(), actor, "acronym", replace=True)

    def _related(self, a: str, b: str) -> bool:
        """Whether two actors are the same or one is part of the other."""
        return a == b or b in {x.id for x in self.kb.ancestors(a)} or a in {x.id for x in self.kb.ancestors(b)}

    def _unknown_owner(self, st: _State, before: int, candidates: list[tuple[str, int]]) -> ActorMention | None:
        """A new actor for an unknown long name that an acronym follows ("Nineveh Guards (NG)")."""
        acronyms = [p for p, _ in candidates if _acronym_like(st, p)]
        if not acronyms:
            return None
        letters = acronyms[0].replace(".", "").replace("-", "").upper()
        prev = [w for w in st.words if before - 160 < w.end <= before]
        chosen: list[Word] | None = None
        for k in range(1, min(len(prev), 2 * len(letters) + 2) + 1):
            tail = prev[-k:]
            if tail[0].surface.lower() in _NAME_FUNCTION_WORDS or any(
                _gap(st.text, x.end, y.start) and st.text[x.end : y.start].strip() not in (",", "&")
                for x, y in zip(tail, tail[1:], strict=False)
            ):
                continue
            content = [w for w in tail if w.surface.lower() not in _NAME_FUNCTION_WORDS]
            if not st.lowercase and not all(w.surface[:1].isupper() for w in content):
                break
            if "".join(w.surface[0] for w in content).upper() == letters:
                chosen = tail
                break
        if not chosen or len(chosen) < 2:
            return None
        start, end = chosen[0].start, chosen[-1].end
        if st.overlaps(start, end):
            return None
        name = st.text[start:end]
        if not self.admit(st, start, end, name):
            return None
        actor = self.kb.new_actor(name, self.kb.guess_type(name) or "organization")
        return st.add(start, end, actor, "new")

    # ------------------------------------------------------------------------------------------------ (3) back-off

    def _backoff(self, st: _State) -> None:
        """Surnames resolve to the full name of a person mentioned earlier in the same document."""
        people: dict[str, tuple[int, Actor]] = {}
        place_names = st.place_names()
        for ent in parsed(st.sdoc).ents:
            if ent.label_ == "PERSON" and len(ent) > 1 and not st.overlaps(ent.start_char, ent.end_char):
                name = _strip_titles(ent.text)
                if (len(name_key(name)) > 1 and name[:1].isupper() and not self._looks_like_place(ent, place_names)
                        and self.admit(st, ent.start_char, ent.end_char, name, "PERSON")):
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
        nouns, first_words = self.kb.generic_nouns, self.kb.generic_first
        words = st.words
        norms = [w.norm for w in words]
        used_demonyms: set[int] = set()
        resume = 0  # words before this are inside a generic mention already found
        for i in [k for k, norm in enumerate(norms) if first_words.get(norm, 0)]:  # most words start none
            if i < resume:
                continue
            hit = None
            for length in range(min(first_words[norms[i]], len(words) - i), 0, -1):
                noun = nouns.get(tuple(norms[i : i + length]))
                if noun is not None and not st.overlaps(words[i].start, words[i + length - 1].end):
                    hit = (noun, i + length - 1)
                    break
            if hit is None:
                continue
            noun, last = hit
            if not self._is_noun(st, words[last]):
                continue
            first, qualifier = self._qualifiers(st, i)
            actor_id = noun.actor_id
            if qualifier is not None:
                actor_id = self.kb.demonyms[qualifier][1].get(noun.cls, actor_id)
                used_demonyms.update(range(first, i))
            elif noun.cls == "civilians":
                actor_id = self._community_of(st, words[last]) or self._site_identity(st, words[last]) or actor_id
            actor = self.kb.get(actor_id)
            if actor is not None:
                how = "demonym" if actor_id != noun.actor_id else "generic"
                st.add(words[first].start, words[last].end, actor, how)
            resume = last + 1
        # demonyms on their own: "Iranian support", "American air cover"
        demonym_first = self.kb.demonym_first
        for i, w in enumerate(words):
            if i in used_demonyms or w.norm not in demonym_first:
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

    def _community_of(self, st: _State, w: Word) -> str | None:
        """The collective a civilian noun belongs to ("residents from the Turkmen minority" -> Turkmen)."""
        tok = st.token_at(w.start)
        if tok is None:
            return None
        for prep in tok.children:
            if prep.dep_ != "prep" or prep.lower_ not in ("of", "from", "among"):
                continue
            for obj in prep.children:
                if obj.dep_ != "pobj":
                    continue
                m = st.mention_covering(obj.idx)
                if m is not None and m.actor.type == "civilians" and not m.actor.generic and m.actor.id != "civilians":
                    return m.actor.id
        return None

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
                if not st.words[lo].norm:
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
                    and tok.lower_ not in self.kb.skip_modifiers and not st.overlaps(prev.start, prev.end) and not _gap(st.text, prev.end, st.words[first].start)):
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

    def _looks_like_place(self, ent: Any, place_names: set[str]) -> bool:
        """An ORG/PERSON entity that is really a place: named as a place elsewhere, listed with places, or 'in X'."""
        if normalize_name(ent.text) in place_names:
            return True
        root = ent.root
        if root.dep_ == "pobj" and root.head.lower_ in self.kb.locative_preps:
            return True
        if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in self.kb.place_heads:
            return True  # "the coastal town of Derna", "the province of X": a place, never a party to the event
        if root.dep_ == "poss" and root.head.lower_ in self.kb.place_heads:
            return True  # "Guerrero's capital": the place that has a capital
        if root.dep_ == "appos" and root.head.lower_ in self.kb.place_heads:
            return True  # "the state capital, Chilpancingo"
        if any(c.dep_ == "appos" and c.lower_ in self.kb.place_heads for c in root.children):
            return True  # "Zaranj, the capital of Nimroz"
        chain = [root]
        tok = root
        for _ in range(6):
            if tok.dep_ not in ("conj", "appos") or tok.head.i == tok.i:
                break
            tok = tok.head
            chain.append(tok)
        for t in list(chain):
            chain += [c for c in t.children if c.dep_ in ("conj", "appos")]
        return any(t.ent_type_ in ("GPE", "LOC", "FAC") for t in chain if t.i < ent.start or t.i >= ent.end)

    def _common_word(self, st: _State, ent: Any) -> bool:
        """A one-word entity that is an ordinary word capitalized at a sentence start ("Groups", "Comments")."""
        if len(ent) != 1 or ent[0].text.isupper():
            return False
        tok = ent[0]
        return tok.pos_ == "NOUN" or tok.is_stop or (tok.is_sent_start and tok.lower_ in st.lower_words())

    def _entities(self, st: _State) -> None:
        place_names = st.place_names()
        surnames: dict[str, tuple[int, Actor]] = {}  # last word of a 2-3 word unknown name -> (end, actor)
        for m in sorted(st.mentions.values(), key=lambda x: x.start):
            key = name_key(m.text)
            if m.how == "new" and 2 <= len(key) <= 3 and key[-1] not in surnames:
                surnames[key[-1]] = (m.end, m.actor)
        for ent in parsed(st.sdoc).ents:
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
            entry = self.kb.aliases.get(name_key(name))
            known = self.kb.get(entry.actor_id) if entry is not None else None
            if entry is not None and entry.metonym and not self._agent_role(st, start, end):
                continue  # a capital or country named as a place
            if label == "GPE":
                if known is not None and entry is not None and entry.metonym:
                    st.add(start, end, known, "ner")
                continue
            if label == "NORP":
                demonym = self.kb.demonyms.get(name_key(name))
                if demonym is not None:
                    actor_id = demonym[1].get("actor")
                    if actor_id and not self._names_place(st, Word(start, end, name, normalize_name(name))):
                        actor = self.kb.get(actor_id)
                        if actor is not None:
                            st.add(start, end, actor, "ner")
                    continue
                if known is not None:
                    st.add(start, end, known, "ner")
                    continue
                if self._common_word(st, ent):
                    continue  # "Smoke billowing from ...": a caption's first word, not a people
                root = ent.root
                cue = self.kb.guess_type("", root.head.lemma_) if root.head.i != root.i else None
                if (root.dep_ in ("amod", "compound", "nmod") or root.pos_ == "ADJ") and cue is None:
                    continue  # "Shia areas": an adjective, not a group acting ("Seleka rebels" is a group)
                if self.admit(st, start, end, name, label):
                    st.add(start, end, self.kb.new_actor(name, cue or "identity militia"), "new")
                continue
            if known is not None:
                st.add(start, end, known, "ner")
                continue
            if self._looks_like_place(ent, place_names) or self._common_word(st, ent):
                continue
            name = _strip_titles(name) if label == "PERSON" else name
            key = name_key(name)
            if len(key) == 1 and key[0] in surnames and surnames[key[0]][0] <= start:
                st.add(start, end, surnames[key[0]][1], "backoff")
                continue
            if not name or (label == "PERSON" and len(key) < 2) or not self.admit(st, start, end, name, label):
                continue
            root = ent.root
            cue = self.kb.guess_type(name, root.head.lemma_ if root.head.i != root.i else "")
            kind = _NER_TYPES[label] if label == "PERSON" else cue or _NER_TYPES[label]
            added = st.add(start, end, self.kb.new_actor(name, kind), "new")
            if added is not None and 2 <= len(key) <= 3:
                surnames.setdefault(key[-1], (end, added.actor))

    def admit(self, st: _State, start: int, end: int, name: str, label: str = "ORG") -> bool:
        """Whether an unknown name may become an actor: not an outlet, a number, a hashtag or a place (by its own
        words or the gazetteer), and not a journalist (a byline, a photo credit, the document's author, a person the
        text calls a journalist, reporter, correspondent or photographer)."""
        if self.kb.unfit_name(name) is not None:
            return False
        while end > start and st.text[end - 1].isspace():  # an entity that ran on to the line's end
            end -= 1
        if "\n" in st.text[start:end]:
            return False  # a name never spans two lines: a byline run into the next line ("Jane Roe\nRebels")
        typed = self.kb.guess_type(name) is not None  # its own words say what it is ("... Front", "... militia")
        if not typed and _placed_by_context(st.text, start, end, self.kb, label == "PERSON"):
            st.places.add(normalize_name(name))
            return False  # "the Sambisa forest", "Pakistan's Dalbandine area", "a market in Dahyan"
        if self.kb.weapon_words and names_a_weapon(st.sdoc, start, end, self.kb.weapon_words):
            return False  # "Tochka-U tactical ballistic missiles": the weapon, not who fired it
        key = name_key(name)
        if st.author and normalize_name(name) in st.author:
            return False
        if key and (key[0] in self.kb.credit_words or _credited(st.text, start, end, self.kb, label == "PERSON")):
            return False
        if label == "PERSON" and _of_the_press(st.sdoc, start, end):
            return False  # "NAME, a Yemeni journalist, told ...", "photojournalist NAME": who tells, not an actor
        gaz = self.gazetteer
        if gaz is not None and (label != "PERSON" or len(key) == 1) and not typed:
            try:
                if gaz.close_ids(name):
                    return False
            except Exception:  # a gazetteer double may not know every call
                return True
        return True


_NEXT_WORD = re.compile(r"[ \t]+([a-z]+)\b")
# "Tikrit, 170 km north of Baghdad", "Saqlawiya, north-west of Fallujah", "Baqubah, which is about 35 miles
# north-east of Baghdad": the name before a bearing from another place is a place
_BEARING_AFTER = re.compile(r",\s+(?:which is\s+|which lies\s+)?(?:about\s+|some\s+|around\s+|nearly\s+)?"
                            r"(?:\d[\d,.]*\s*(?:km|kilometers|kilometres|miles)\s+(?:\([^)]{0,30}\)\s+)?)?"
                            r"(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of\b", re.I)
_PREV_WORD = re.compile(r"\b([a-z]+)[ \t]+$")


def _placed_by_context(text: str, start: int, end: int, kb: ActorKB, person: bool = False) -> bool:
    """An unknown name that its context makes a place: followed by a place word ("the Sambisa forest", "the
    Dalbandine area") or by a bearing from another place ("Saqlawiya, north-west of Fallujah"), or the object of a
    locative preposition ("a market in Dahyan", "near Kalemie")."""
    if _BEARING_AFTER.match(text, end, min(len(text), end + 80)):
        return True  # even for a name the tagger took for a person's ("Jurf Nasr, north-west of Fallujah")
    if person:
        return False
    nxt = _NEXT_WORD.match(text, end, min(len(text), end + 30))
    if nxt is not None and nxt.group(1) in kb.place_words:
        return True
    prev = _PREV_WORD.search(text, max(0, start - 20), start)
    return prev is not None and prev.group(1) in kb.locative_preps


def names_a_weapon(sdoc: Any, start: int, end: int, weapon_words: frozenset[str]) -> bool:
    """The name at [start, end) modifies a weapon noun ("Tochka-U tactical ballistic missiles", "Shahed drones"):
    its head, through compounds and modifiers, is one of ``weapon_words``."""
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    tok = span.root
    for _ in range(4):
        if tok.dep_ not in ("compound", "nmod", "amod", "npadvmod") or tok.head.i == tok.i:
            return False
        tok = tok.head
        if tok.lower_ in weapon_words:
            return True
    return False


_CREDIT_SEP = re.compile(r"[\s:/|(\[—–-]*$")
_BYLINE_REACH = 800  # characters from the top of a document where a name alone on its line is a byline
_BYLINE_REST = re.compile(r"\s*(?:[/|,–—-]\s*(?:[A-Z][\w.]*,?\s*|\d[\d,:]*\s*)*)?$")
_FOLLOWING = r"((?:[^\W\d_][\w.&'-]*\s?){1,3})"
_AFTER_NAME = re.compile(r"\s*[/|]\s*" + _FOLLOWING)  # "AP Photo/NAME/AFP"
_AFTER_PERSON = re.compile(r"\s*[/|(,]\s*" + _FOLLOWING)  # "NAME, Reuters", "(NAME/AFP)"


def _credited(text: str, start: int, end: int, kb: ActorKB, person: bool) -> bool:
    """The name at [start, end) is a byline or a credit: "By NAME", "Photo: NAME", "NAME/AFP" (and for a person
    "NAME, Reuters")."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 40):start]
    before = _CREDIT_SEP.sub("", before).lower()
    if any(before == c or before.endswith(" " + c) or before.endswith("/" + c) for c in kb.credit_words):
        return True
    line_end = text.find("\n", end)
    rest = text[end:len(text) if line_end < 0 else line_end]
    if person and start < _BYLINE_REACH and not text[line_start:start].strip() and _BYLINE_REST.match(rest):
        return True  # a name alone on a line at the top ("Jane Doe", "Jane Doe / April 9, 2022"): a byline
    after = text[end:end + 40].split("\n", 1)[0]
    m = (_AFTER_PERSON if person else _AFTER_NAME).match(after)
    if m is None:
        return False
    following = m.group(1).split()
    return any(kb.is_outlet(" ".join(following[:n])) for n in range(len(following), 0, -1))


# a person the text calls one of these is a journalist: who tells the news, never an actor of it
_PRESS = frozenset({"journalist", "photojournalist", "reporter", "correspondent", "photographer", "cameraman",
                    "videographer", "columnist", "editor"})


def _of_the_press(sdoc: Any, start: int, end: int) -> bool:
    """The person at [start, end) is called a journalist: by an apposition ("NAME, a Yemeni journalist,"), a title
    before the name ("photojournalist NAME") or a noun the name is in apposition to ("the reporter, NAME")."""
    span = sdoc.char_span(start, end, alignment_mode="expand") if sdoc is not None else None
    if span is None or not len(span):
        return False
    root = span.root
    words = [c for c in root.children if c.dep_ in ("appos", "compound") and not span.start <= c.i < span.end]
    words += [c for c in root.children if c.dep_ == "compound" and span.start <= c.i < span.end and c.i == span.start]
    if root.dep_ == "appos":
        words.append(root.head)
    return any(w.lemma_.lower() in _PRESS or w.lower_ in _PRESS for w in words)


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
        self._lower: set[str] | None = None
        self.author = ""  # the document's author, normalized: never an actor of the document
        self.places: set[str] = set()  # unknown names the context made places (normalized): places throughout

    def lower_words(self) -> set[str]:
        """Words the document writes in lower case somewhere (so a capitalized one may be a sentence start)."""
        if self._lower is None:
            self._lower = {w.surface for w in self.words if w.surface.islower()}
        return self._lower

    def place_names(self) -> set[str]:
        """Normalized names spaCy tagged as places somewhere in the document."""
        return {normalize_name(e.text) for e in parsed(self.sdoc).ents if e.label_ in ("GPE", "LOC", "FAC")}

    def token_at(self, char: int) -> Any:
        tok = self._tok_at.get(char)
        if tok is None:
            span = self.sdoc.char_span(char, char + 1, alignment_mode="expand")
            tok = span[0] if span is not None and len(span) else None
        return tok

    def overlaps(self, start: int, end: int) -> bool:
        return any(self._covered[c] is not None for c in range(start, end))

    def mention_covering(self, char: int) -> ActorMention | None:
        owner = self._covered[char] if 0 <= char < len(self._covered) else None
        return self.mentions.get(owner) if owner is not None else None

    def mention_ending_at(self, end: int) -> ActorMention | None:
        owner = self._covered[end - 1] if end > 0 else None
        m = self.mentions.get(owner) if owner is not None else None
        return m if m is not None and m.end == end else None

    def add(self, start: int, end: int, actor: Actor, how: str, *, replace: bool = False) -> ActorMention | None:
        """Record a mention unless it overlaps one already found (``replace`` drops exactly-covered ones); an
        entity that ran on to the line's end loses its trailing white space ("Fulani" of a headline)."""
        while end > start and self.text[end - 1].isspace():
            end -= 1
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


def _spells(name: str, short: str) -> bool:
    """The initials of the content words of ``name`` spell ``short`` ("United Peoples Democratic Front", "UPDF")."""
    letters = short.replace(".", "").replace("-", "").upper()
    initials = "".join(w[0] for w in re.findall(r"[^\W\d_][\w'’]*", name) if w.lower() not in _NAME_FUNCTION_WORDS)
    return len(letters) >= 2 and initials.upper() == letters


def _alike(name: str, actor: Actor) -> bool:
    """``name`` shares most of its words with one of ``actor``'s names ("Allied Democratic Front" and "Allied
    Democratic Forces")."""
    words = set(name_key(name))
    return bool(words) and any(len(words & (other := set(name_key(a)))) * 3 >= 2 * max(len(words), len(other))
                               for a in (actor.name, *actor.aliases))


def _acronym_like(st: _State, piece: str) -> bool:
    """An abbreviation: "ISF", "M-19"; in a lower-cased text any short single word ("fmln")."""
    if _ACRONYM_RE.match(piece) and sum(c.isupper() for c in piece) >= 2:
        return True
    return st.lowercase and piece.replace("-", "").isalnum() and 2 <= len(piece) <= 6 and " " not in piece


def _strip_titles(name: str) -> str:
    parts = name.split()
    while parts and parts[0].lower().rstrip(".") in _TITLE_WORDS:
        parts.pop(0)
    return " ".join(parts)


__all__ = ["ActorKB", "ActorRecognizer", "normalize_name"]
