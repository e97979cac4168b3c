"""Toponym resolution: find place names in a parsed document and pick the gazetteer entry each one means.

Candidates are spaCy GPE/LOC/FAC entities plus proper-noun spans the model missed when a locative cue ("in",
"near", "X province") says they are places. Each name is resolved once per document with a score mixing the
gazetteer prior (feature class, population) with document context: the countries and admin1 regions the article
names, and "X province" / "city of X" hints. Offsets ("75 miles northeast of Baghdad", "near X") become a
``relation`` and ``distance_km`` on the mention.

Score convention (``PlaceMention.score``), read by event location binding:

* ``>= 0.5``: the text names a location (the higher, the surer the gazetteer choice);
* ``0.4``, relation ``"modifier"`` / ``"demonym"`` / ``"embedded"``: a place named as the owner or origin of
  something ("U.S. officials", "Russian jets", "the Washington Post"): a real toponym, not where an event happened;
* ``0.3``, relation ``"metonym"``: a place name the actor recognizer took as an acting government
  ("Washington said...", "Tehran, which backs..."): kept as a toponym, never an event location.

Precision over recall for doubtful matches: a name that only matches after heavy folding ("Karrada" -> "Karad")
or a small far-away town in a country the article otherwise never places anything in is dropped, not placed.
"""

from __future__ import annotations

import csv
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from spacy.attrs import ENT_TYPE, IDX, POS
from spacy.symbols import ADJ, NOUN, PROPN

from faultlines.analyze.datelines import CAPITALS_NAME
from faultlines.analyze.gazetteer import DATA_DIR, Gazetteer, light_name, normalize_name
from faultlines.analyze.parsed import parsed
from faultlines.model import ActorMention, Document, Place, PlaceMention
from faultlines.spans import actor_cover

log = logging.getLogger(__name__)

RULER_NAME = "faultlines_places"
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
DEMONYM_LABELS = frozenset({"NORP", "LANGUAGE", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
EMBEDDING_LABELS = frozenset({"ORG", "FAC", "EVENT", "WORK_OF_ART", "LAW"})  # names that may contain a place name
EMBEDDED_WEIGHT = 0.4  # a place inside an organisation name
MODIFIER_WEIGHT = 0.4  # a place named inside a longer actor phrase ("U.S. officials")
DEMONYM_WEIGHT = 0.4  # "Russian jets"
METONYM_WEIGHT = 0.3  # "Washington said"
LOOSE_PENALTY = 3.0  # a candidate that matched only after adding/dropping a vowel ending
FAR_KM = 1500.0  # a small town farther than this from the article's main country needs its own support
SMALL_POPULATION = 100000
STRONG_POPULATION = 20000
Candidate = tuple[str, int, int, str | None, float, str | None]  # lookup text, start, end, hint, weight, role
ADMIN_WORDS = frozenset({"province", "governorate", "region", "state", "prefecture", "oblast", "district"})
SETTLEMENT_WORDS = frozenset({"city", "town", "village", "district", "neighbourhood", "neighborhood", "suburb"})
LOCATIVE_CUES = frozenset({"in", "near", "at", "outside", "around", "from", "into", "toward", "towards", "across",
                           "of", "to", "through", "inside", "between"})
ARTICLES = frozenset({"al", "el", "ad", "as", "ar", "at", "an", "az", "ash", "adh"})
MILES_KM = 1.609344

_BEARINGS = "north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|south-east|south-west"
_OFFSET_RE = re.compile(
    r"(?:(?P<num>\d+(?:[.,]\d+)?)\s*-?\s*(?P<unit>miles?|mi|kilometers?|kilometres?|kms?)\s+(?:\([^)]{0,30}\)\s+)?)?"
    rf"(?:(?P<bearing>{_BEARINGS})\s+of\s+(?:the\s+)?(?:(?:city|town|village|province)\s+of\s+)?"
    r"|(?P<near>near|outside|close to|on the outskirts of|in the outskirts of|outskirts of|around|nearby)\s+"
    r"(?:the\s+)?(?:(?:city|town|village|province)\s+of\s+)?)$",
    re.IGNORECASE,
)

# ("the northern city of Kunduz", "northeast Nigeria" say where a place lies, not an offset from it: a bearing is
# an offset only with "of": "75 miles northeast of Baghdad")
# Every match of _OFFSET_RE ends with one of these words and then whitespace (a quick test before the search)
_OFFSET_LAST = tuple(sorted({"of", "the", "near", "outside", "to", "around", "nearby"}
                            | {b + e for b in _BEARINGS.split("|") for e in ("", "ern")}))


_NAME = r"[A-Z][\w'’]+(?:[- ][A-Z][\w'’]+){0,2}"
_SETTLEMENT = r"(?i:village|town|hamlet|settlement|township|air ?base|airfield|air field|airport|military base|barracks)"
_SITE = re.compile(r"air ?base|airfield|air field|airport|military base|barracks", re.I)
# "X, a village in ...", "the village of X", "the Syrian airbase of X", "X village", "at X Airfield": a named
# settlement or site the text itself calls one
_UNLISTED_RE = re.compile(
    rf"\b(?P<a>{_NAME}), (?:a|an|the) (?:small |remote |farming |fishing |border |northern |southern |eastern |"
    rf"western |central |nearby |neighbouring |neighboring )?(?P<ka>{_SETTLEMENT}) (?:in|near|on|of|outside|north|"
    rf"south|east|west)\b"
    rf"|\bthe (?:[A-Za-z]+(?:-[A-Za-z]+)? ){{0,2}}"
    rf"(?P<kb>{_SETTLEMENT}) of (?P<b>{_NAME})"
    rf"|\b(?:in|on|at|near|from) (?:the )?(?P<c>{_NAME}) (?P<kc>{_SETTLEMENT})\b")


_TITLE_BEFORE = re.compile(r"\b(?:Mullah|Sheikh|Shaikh|Imam|Ayatollah|Emir|President|Gen\.?|General|Col\.?|"
                           r"Colonel|Commander|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Minister|Cleric|Maulana|Sayyid|Hajji?) $")


# the place after it is across the border: "Baga, a town on the border with Chad" (not "Ogossagou-Peul, in the zone
# of Bankass, near the border with Burkina Faso", where Bankass is the parent)
_ACROSS_BORDER = re.compile(r"\bborders?\s+(?:with|of)\s+(?:the\s+)?$", re.I)


def _lower_cased(text: str) -> bool:
    """The text was lower-cased as a whole (as MUC-4 is): capitals then say nothing about names."""
    letters = [c for c in text[:5000] if c.isalpha()]
    return not letters or sum(c.isupper() for c in letters) < 0.01 * len(letters)


_DATELINE_RE = re.compile(r"(?m)^[ \t]*(" + CAPITALS_NAME + r")(?=,| \(| ?[-\u2013\u2014] )")


def _inner_hyphen(tok: Any) -> bool:
    """A hyphen joining two words with no space ("El-Fasher" tokenized as El / - / Fasher)."""
    doc = tok.doc
    return tok.text in "-‐‑" and 0 < tok.i < len(doc) - 1 and not doc[tok.i - 1].whitespace_ \
        and not tok.whitespace_


def _load_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [x.strip() for x in path.read_text(encoding="utf-8").splitlines() if x.strip() and not x.startswith("#")]


def _load_stop_names() -> frozenset[str]:
    return frozenset(normalize_name(x) for x in _load_lines(DATA_DIR / "not_places.txt"))


def _load_demonyms() -> dict[str, str]:
    """Demonym (lower-case) -> the place name it refers to, from ``demonyms.csv``."""
    path = DATA_DIR / "demonyms.csv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh) if len(r) >= 2 and not r[0].startswith("#")]
    return {r[0].strip().lower(): r[1].strip() for r in rows[1:] if r[0].strip()}


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


class PlaceResolver:
    """Callable: (spaCy doc, Document, actor mentions) -> resolved PlaceMentions sorted by start."""

    def __init__(self, gazetteer: Gazetteer, *, focus_countries: Sequence[str] = ()) -> None:
        self.gazetteer = gazetteer
        self.focus_countries = tuple(focus_countries)
        self.stop_names = _load_stop_names()
        self.demonyms = _load_demonyms()

    # ------------------------------------------------------------------------------------------------ pipeline

    @staticmethod
    def add_to_pipeline(nlp: Any, gazetteer: Gazetteer | None = None) -> None:
        """Add (once) an entity ruler before ``ner`` with the curated place names the model tends to miss."""
        if RULER_NAME in nlp.pipe_names:
            return
        patterns = []
        seen: set[tuple[str, ...]] = set()
        names = _load_lines(DATA_DIR / "ner_patterns.txt")
        supplement = DATA_DIR / "supplement.csv"
        labels: dict[str, str] = {}
        if supplement.exists():
            with open(supplement, encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    label = "GPE" if row.get("precision") in ("city", "admin1", "admin2", "country") else "LOC"
                    if row.get("feature") in ("MILB", "AIRB", "DAM", "OILR", "PRN"):
                        label = "FAC"
                    for n in [row["name"], *(row.get("aliases") or "").split(";")]:
                        if n.strip():
                            names.append(n.strip())
                            labels[n.strip()] = label
        for name in names:
            words = tuple(t.text.lower() for t in nlp.make_doc(name))
            if len(words) == 1 and len(words[0]) <= 4 or words in seen:
                continue  # too short to be a safe pattern ("KRI", "Dora" is also a given name)
            seen.add(words)
            patterns.append({"label": labels.get(name, "GPE"), "pattern": name, "id": "faultlines-place"})
        before = "ner" if "ner" in nlp.pipe_names else None
        # phrase patterns on LOWER: a PhraseMatcher, far cheaper per document than token patterns in a Matcher
        ruler = nlp.add_pipe("entity_ruler", name=RULER_NAME, before=before,
                             config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"})
        with nlp.select_pipes(disable=nlp.pipe_names):  # the patterns only need the tokenizer
            ruler.add_patterns(patterns)

    # ------------------------------------------------------------------------------------------------ resolution

    def __call__(self, sdoc: Any, document: Document | None = None,
                 actor_mentions: Iterable[ActorMention] = ()) -> list[PlaceMention]:
        spans = self._candidate_spans(sdoc, list(actor_mentions))
        if not spans:
            return []
        # first pass: context-free best guesses give the document's countries and admin1 regions;
        # ``local`` counts only sub-country places (cities, provinces, points): what an article is "in"
        countries: Counter[str] = Counter({c: 2 for c in self.focus_countries})
        local: Counter[Any] = Counter({("local", c): 2 for c in self.focus_countries})
        admins: Counter[tuple[str, str]] = Counter()
        votes: dict[str, Counter[Any]] = {}  # each name's own vote, removed when that name is scored
        for text, _s, _e, hint, _w, _role in spans:
            ids = self._ids(text, hint)
            if not ids:
                continue
            close = self.gazetteer.close_ids(text)
            best = self.gazetteer.records[max(ids, key=lambda i: self.gazetteer.prior(i) - (i not in close) * 9)]
            n = 2 if best[6] in ("PCLI", "ADM1") else 1
            vote = votes.setdefault(normalize_name(text), Counter())
            if best[4]:
                countries[best[4]] += n
                vote[best[4]] += n
                if best[6] not in ("PCLI", "CONT", "RGN") and _w >= 1.0:
                    local[("local", best[4])] += 1
                    vote[("local", best[4])] += 1
            if best[4] and best[5]:
                admins[(best[4], best[5])] += n
                vote[(best[4], best[5])] += n
        chosen: dict[tuple[str, str | None], tuple[int, float] | None] = {}
        out: list[PlaceMention] = []
        for text, start, end, hint, weight, role in spans:
            key = (normalize_name(text), hint)
            if key not in chosen:
                chosen[key] = self._choose(text, hint, votes.get(key[0], Counter()), countries, local, admins)
            picked = chosen[key]
            if picked is None:
                continue
            best_id, score = picked
            relation, dist = self._offset(parsed(sdoc).text, start)
            if weight < 1.0:
                relation, dist, final = role, None, weight
            else:
                final = 0.5 + 0.5 * min(1.0, max(0.0, score / 10))
            out.append(PlaceMention(parsed(sdoc).text[start:end], start, end, self.gazetteer.place(best_id), relation, dist,
                                    round(final, 3)))
        out.extend(self._unlisted(parsed(sdoc).text, out, countries))
        out.sort(key=lambda m: (m.start, m.end))
        return out

    def _unlisted(self, text: str, found: list[PlaceMention], countries: Counter[str]) -> list[PlaceMention]:
        """Villages and towns the gazetteer does not list, named as such by the text ("Ogossagou, a village in
        central Mali", "the village of Ogossagou-Peul", "Pazigyi village"). They take the country (and province)
        of the place the text puts them in, or of the article; their coordinates stay unknown."""
        taken = [(m.start, m.end) for m in found]
        out: list[PlaceMention] = []
        pos = 0
        while (m := _UNLISTED_RE.search(text, pos)) is not None:
            pos = m.start() + 1  # overlapping: "at the Syrian airbase of X" is tried again from "the"
            name_group = next(g for g in ("a", "b", "c") if m.group(g))
            site = bool(_SITE.fullmatch(m.group("k" + name_group) or ""))
            start, end = m.span(name_group)
            name = m.group(name_group)
            if any(a < end and start < b for a, b in taken) or normalize_name(name) in self.stop_names \
                    or name.lower() in self.demonyms:
                continue
            after = [p for p in found if end <= p.start <= end + 60 and p.place.country_code]
            parent = after[0].place if after else None
            # "the Syrian airbase of X": the demonym in the phrase says the country
            own = next((p.place.country_code for p in found if m.start() <= p.start < m.end()
                        and p.relation == "demonym" and p.place.country_code), None)
            cc = parent.country_code if parent else own or (countries.most_common(1)[0][0] if countries else None)
            if cc is None:
                continue
            ccs = [cc] + [c for c, _ in countries.most_common(3) if c != cc]  # "on the border with Chad": not in it
            recs = self.gazetteer.records
            ids = self.gazetteer.lookup_ids(name)
            # the towns of that name in the first of those countries where the name is known at all
            home = next((c for c in ccs if any(recs[i][4] == c for i in ids)), None)
            listed = [i for i in ids if recs[i][4] == home and recs[i][8] == "city"]
            if listed:  # a listed town the text calls one, in that country ("Baga, a town on the border ...")
                place = self.gazetteer.place(max(listed, key=lambda i: recs[i][7]))
            else:
                if parent is not None and _ACROSS_BORDER.search(text[end:after[0].start]) and len(countries) > 1:
                    # "Baga, a town on the border with Chad": the town is in the article's other country
                    cc = next((c for c, _ in countries.most_common() if c != parent.country_code), cc)
                    parent = None
                admin1 = parent.admin1 if parent and parent.precision in ("admin1", "admin2", "city") else None
                place = Place(None, name, None, None, cc, admin1, None, "PPL", 0, "point" if site else "city")
            out.append(PlaceMention(name, start, end, place, score=0.6))
            taken.append((start, end))
        return out

    def _choose(self, text: str, hint: str | None, own: Counter[Any], countries: Counter[str], local: Counter[Any],
                admins: Counter[tuple[str, str]]) -> tuple[int, float] | None:
        """The best record for a name given the rest of the document, or None when the best guess is too doubtful."""
        ids = self._ids(text, hint)
        if not ids:
            return None
        ctx_countries = Counter({k: v - own.get(k, 0) for k, v in countries.items() if v - own.get(k, 0) > 0})
        recs = self.gazetteer.records
        if hint == "admin" and ctx_countries and not any(ctx_countries.get(recs[i][4] or "") for i in ids):
            # "Sa'ada province" in a report from Yemen: no province of that name in the article's countries, so
            # not a namesake province abroad but whatever the name is in those countries
            every = self.gazetteer.lookup_ids(text)
            if any(ctx_countries.get(recs[i][4] or "") for i in every):
                ids = every
        ctx_admins = Counter({k: v - own.get(k, 0) for k, v in admins.items() if v - own.get(k, 0) > 0})
        ctx_local = Counter({k[1]: v - own.get(k, 0) for k, v in local.items()
                             if isinstance(k, tuple) and v - own.get(k, 0) > 0})
        top = float(max(ctx_countries.values(), default=1))
        close = self.gazetteer.close_ids(text)
        city_admins = {(recs[i][4], recs[i][5]) for i in ids[:200] if recs[i][8] == "city"}
        scored = [(self._score(i, text, hint, ctx_countries, top, ctx_admins, city_admins)
                   - (0.0 if i in close else LOOSE_PENALTY), i) for i in ids[:200]]
        score, best_id = max(scored)
        r = recs[best_id]
        curated = r[0] is not None and r[0] < 0
        big = r[6] in ("PCLI", "ADM1", "CONT", "RGN", "PPLC") or r[7] >= SMALL_POPULATION or curated
        if best_id not in close and not curated and not ctx_countries.get(r[4] or "", 0):
            return None  # "Karrada" -> "Karad" (India) with nothing else in India: a folding accident
        if r[6] == "ADM1" and ctx_countries and not curated and not ctx_countries.get(r[4] or "", 0):
            return None  # "Sa'ada province" in a report from Yemen is not a namesake district of Mayotte
        if not big and r[4] and not ctx_local.get(r[4]) and not ctx_admins.get((r[4], r[5] or "")):
            main, n = max(ctx_local.items(), key=lambda kv: kv[1], default=(None, 0))
            centre = self.gazetteer.country(main) if main and n >= 2 and main != r[4] else None
            if centre is not None and centre.lat is not None and r[2] is not None \
                    and _km(centre.lat, centre.lon, r[2], r[3]) > FAR_KM:  # type: ignore[arg-type]
                return None  # a village in Alabama in an article about Baghdad: unresolved beats wrong
        return best_id, score

    def _ids(self, text: str, hint: str | None) -> list[int]:
        """Gazetteer candidates, filtered by a province/city hint when the text gave one."""
        ids = self.gazetteer.lookup_ids(text)
        if hint == "admin" and ids:
            admin = [i for i in ids if self.gazetteer.records[i][6] == "ADM1"]
            ids = admin or ids
        return ids

    def _score(self, i: int, text: str, hint: str | None, countries: Counter[str], top: float,
               admins: Counter[tuple[str, str]], city_admins: set[tuple[Any, Any]]) -> float:
        r = self.gazetteer.records[i]
        score = self.gazetteer.prior(i)
        if r[4]:
            score += 4.0 * countries.get(r[4], 0) / top
        else:
            score += 2.0  # continents and world regions are never "in" the article's countries
        if r[4] and r[5] and r[6] != "ADM1" and admins.get((r[4], r[5])):
            score += 2.0
        if r[0] is not None and r[0] < 0:
            score += 1.0  # curated entries exist because they matter for the conflicts we cover
        if hint == "admin" and r[6] == "ADM1":
            score += 5.0
        elif hint == "settlement" and r[8] == "city":
            score += 2.0
        if hint != "admin" and r[6] == "ADM1" and (r[4], r[5]) in city_admins:
            score -= 3.0  # bare "Kirkuk" / "Irbil": the city rather than its namesake province
        if light_name(r[1]) == light_name(text) or (r[0] is not None and r[0] < 0):
            score += 1.5  # the place's own name (or a curated alias), not one of its many alternate names
        return score

    @staticmethod
    def _offset(text: str, start: int) -> tuple[str | None, float | None]:
        """("northeast", 120.7) for "75 miles northeast of X", ("near", None) for "near X", else (None, None)."""
        window = text[max(0, start - 80):start]
        if not window[-1:].isspace():
            return None, None  # every match ends in whitespace
        words = window.split()
        if not words or (words[-1].isascii() and not words[-1].lower().endswith(_OFFSET_LAST)):
            return None, None  # nor does it end with a word that the pattern can end with: no match possible
        m = _OFFSET_RE.search(window)
        if not m:
            return None, None
        relation = (m.group("bearing") or "near").lower().replace("-", "")
        dist = None
        if m.group("num"):
            value = float(m.group("num").replace(",", "."))
            dist = round(value * MILES_KM, 1) if m.group("unit").lower().startswith("mi") else value
        return relation, dist

    # ------------------------------------------------------------------------------------------------ candidates

    def _candidate_spans(self, sdoc: Any, actors: list[ActorMention]) -> list[Candidate]:
        """Every span that may be a place, with its lookup text, hint ("admin"/"settlement"/None) and weight."""
        spans: list[Candidate] = []
        taken: set[int] = set()
        person_words = {t.lower_ for e in parsed(sdoc).ents if e.label_ == "PERSON" and len(e) > 1 for t in e}
        dates = {i for e in parsed(sdoc).ents if e.label_ in ("DATE", "TIME") for i in range(e.start_char, e.end_char)}
        for ent in parsed(sdoc).ents:
            label = ent.label_
            toks = list(ent)
            while toks and toks[0].lower_ == "the":
                toks = toks[1:]
            if not toks:
                continue
            cand: Candidate | None = None
            if label in PLACE_LABELS:
                if len(toks) == 1 and toks[0].tag_ in ("JJ", "NNPS") and toks[0].pos_ != "PROPN":
                    cand = self._demonym(sdoc, toks)  # demonyms tagged as GPE ("Iranian")
                else:
                    cand = self._span_candidate(sdoc, toks, actors)
            elif label == "NORP":
                cand = self._demonym(sdoc, toks)
            elif label in DEMONYM_LABELS:
                continue
            elif all(t.pos_ == "PROPN" or _inner_hyphen(t) for t in toks) and len(toks) <= 3 + sum(
                    _inner_hyphen(t) for t in toks):
                # a place NER gave another label: a metonym ("Tunis said"), or a town tagged as a person
                cand = self._span_candidate(sdoc, toks, actors, need_cue=True, need_strong=label == "PERSON")
                if cand is None and not (len(toks) == 1 and toks[0].lower_ in person_words):
                    cand = self._span_candidate(sdoc, toks, actors, need_strong=True)
            if cand is None and label in EMBEDDING_LABELS and len(toks) > 1:
                cand = self._embedded(sdoc, toks, actors)
            if cand:
                spans.append(cand)
                taken.update(range(cand[1], cand[2]))
        # news datelines in capitals ("MOSUL, Iraq -", "BAGHDAD (Reuters) -"), which the model rarely tags
        for mt in _DATELINE_RE.finditer(parsed(sdoc).text):
            start, end = mt.span(1)
            if not taken.intersection(range(start, end)) and self._strong(mt.group(1), exact=True) \
                    and not self._inside_actor(start, end, actors) \
                    and normalize_name(mt.group(1)) not in self.stop_names:
                spans.append((mt.group(1), start, end, None, 1.0, None))
                taken.update(range(start, end))
        # token attributes as plain lists: Token objects only for the few tokens that matter
        pos, ent_type, idx = (col.tolist() for col in sdoc.to_array([POS, ENT_TYPE, IDX]).T) if len(sdoc) else ([], [], [])
        # proper-noun runs outside any entity
        run: list[int] = []
        for i in range(len(pos) + 1):
            if i < len(pos) and pos[i] == PROPN and not ent_type[i] and idx[i] not in taken:
                run.append(i)
                continue
            if run and len(run) <= 3:
                cand = self._span_candidate(sdoc, [sdoc[k] for k in run], actors, need_cue=True)
                if cand:
                    spans.append(cand)
            run = []
        # demonyms the model did not tag as NORP ("Slovak officials")
        text = parsed(sdoc).text
        for i in range(len(pos)):
            if not ent_type[i] and idx[i] not in taken and text[idx[i]].isupper() and pos[i] in (ADJ, PROPN):
                tok = sdoc[i]
                cand = self._demonym(sdoc, [tok])
                if cand and i + 1 < len(pos) and pos[i + 1] in (NOUN, PROPN, ADJ):
                    spans.append(cand)
        # a token of a date is never a place ("Aug 22"); a place named as an acting government is a metonym
        acting = {(a.start, a.end) for a in actors}  # an actor mention covering exactly the name: "Washington said"
        spans = [c if c[4] < 1.0 or (c[1], c[2]) not in acting else (*c[:4], METONYM_WEIGHT, "metonym")
                 for c in spans if not dates.intersection(range(c[1], c[2]))]
        # a name after a person's title is a person ("Mullah Mansur" is not Baghdad's Mansour district)
        spans = [c for c in spans if not _TITLE_BEFORE.search(text, max(0, c[1] - 20), c[1])]
        if not _lower_cased(text):  # in ordinary text a name in lower case is a word ("in the bush"), not a place
            spans = [c for c in spans if any(ch.isupper() for ch in c[0])]
        spans.sort(key=lambda c: c[1])
        return spans

    def _demonym(self, sdoc: Any, toks: list[Any]) -> Candidate | None:
        """ "Russian" / "South Korean" -> a low-weight candidate for the country or region it refers to."""
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1])
        target = self.demonyms.get(parsed(sdoc).text[start:end].lower())
        if target is None or not self.gazetteer.lookup_ids(target):
            return None
        return target, start, end, None, DEMONYM_WEIGHT, "demonym"

    def _embedded(self, sdoc: Any, toks: list[Any], actors: list[ActorMention]) -> Candidate | None:
        """A strong place name inside an organisation name ("the Toronto Transit Commission"), with a low weight."""
        for n in (3, 2, 1):
            for k in range(0, len(toks) - n + 1):
                part = toks[k:k + n]
                if not all(t.pos_ == "PROPN" for t in part) or len(part) == len(toks):
                    continue
                if k > 0 and (toks[k - 1].text == "-" or toks[k - 1].lower_ in ARTICLES):
                    continue  # a piece of a hyphenated name ("al-Abadi"), not a place inside a name
                text = parsed(sdoc).text[part[0].idx:part[-1].idx + len(part[-1])]
                if self._strong(text, exact=True):
                    start, end = part[0].idx, part[-1].idx + len(part[-1])
                    if self._inside_actor(start, end, actors):
                        return text, start, end, None, MODIFIER_WEIGHT, "modifier"
                    return text, start, end, None, EMBEDDED_WEIGHT, "embedded"
        for k, tok in enumerate(toks[:-1]):  # "the Syrian Observatory for ...": a demonym opening a name
            cand = self._demonym(sdoc, [tok]) if k == 0 or toks[k - 1].lower_ in ("of", "the") else None
            if cand:
                return (*cand[:4], EMBEDDED_WEIGHT, "embedded")
        return None

    def _span_candidate(self, sdoc: Any, toks: list[Any], actors: list[ActorMention],
                        need_cue: bool = False, need_strong: bool = False) -> Candidate | None:
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1])
        hint: str | None = None
        full = parsed(sdoc).text[start:end]
        last = toks[-1].lower_
        if len(toks) > 1 and last in ADMIN_WORDS | SETTLEMENT_WORDS and not self.gazetteer.lookup_ids(full):
            hint, toks = ("admin" if last in ADMIN_WORDS else "settlement"), toks[:-1]
        else:
            nxt = sdoc[toks[-1].i + 1] if toks[-1].i + 1 < len(sdoc) else None
            if nxt is not None and nxt.lower_ in ADMIN_WORDS:
                hint, end = "admin", nxt.idx + len(nxt)
            elif nxt is not None and nxt.lower_ in SETTLEMENT_WORDS and nxt.lower_ != "district":
                hint = "settlement"
        first = toks[0]
        if first.i >= 2 and sdoc[first.i - 1].text == "-" and sdoc[first.i - 2].lower_ in ARTICLES \
                and sdoc[first.i - 1].idx == sdoc[first.i - 2].idx + len(sdoc[first.i - 2]):
            toks = [sdoc[first.i - 2], sdoc[first.i - 1], *toks]  # "Al-Fallujah" tokenized as Al / - / Fallujah
            start = min(start, toks[0].idx)
        text = parsed(sdoc).text[toks[0].idx:toks[-1].idx + len(toks[-1])]
        key = normalize_name(text)
        if not key or key in self.stop_names or not self.gazetteer.lookup_ids(text):
            return None
        if self._inside_actor(start, end, actors):
            # "U.S. officials", "Baghdad government": the place owns the actor; keep it as a modifier if well known
            return (text, start, end, hint, MODIFIER_WEIGHT, "modifier") if self._strong(text, exact=True) else None
        if (need_strong or (need_cue and text.isupper() and len(text) <= 5)) and not self._strong(text, exact=True):
            return None  # a person-labelled name or an acronym ("NATO") must be a well-known place name
        if need_strong and not need_cue:
            return text, start, end, hint, 1.0, None
        if need_cue and hint is None:
            prev = sdoc[toks[0].i - 1] if toks[0].i > 0 else None
            coordinated = (prev is not None and prev.lower_ in ("and", "or", ",") and prev.i > 0
                           and sdoc[prev.i - 1].ent_type_ in PLACE_LABELS)
            if not coordinated and (prev is None or prev.lower_ not in LOCATIVE_CUES):
                return None
            if prev is not None and prev.lower_ in ("of", "to", "from") and not self._strong(text):
                return None
            if toks[0].i + len(toks) < len(sdoc) and sdoc[toks[0].i + len(toks)].pos_ == "PROPN":
                return None
        return text, start, end, hint, 1.0, None

    def _strong(self, text: str, exact: bool = False) -> bool:
        """A name the gazetteer knows as a sizeable place, a region or a curated entry (``exact``: main names only)."""
        key = light_name(text)
        if len(key.replace(" ", "")) <= 2 and not text.isupper():
            return False  # "La", "Mt": abbreviations that only a context could resolve
        for i in self.gazetteer.lookup_ids(text)[:5]:
            r = self.gazetteer.records[i]
            if exact and light_name(r[1]) not in (key, key + " city") and r[6] not in ("PCLI", "ADM1", "CONT", "RGN"):
                continue
            if exact and text.isupper() and len(text) <= 5 and r[6] not in ("PCLI", "ADM1", "CONT", "RGN"):
                continue
            big = STRONG_POPULATION * (5 if exact else 1)
            if r[7] >= big or r[6] in ("PCLI", "ADM1", "CONT", "RGN") or (r[0] is not None and r[0] < 0):
                return True
        return False

    @staticmethod
    def _inside_actor(start: int, end: int, actors: list[ActorMention]) -> bool:
        """True when the span sits strictly inside a longer actor mention (a name part, not a metonym)."""
        return actor_cover(actors).strictly_inside(start, end)  # indexed: a long report has thousands of actors


__all__ = ["PlaceResolver", "Gazetteer", "RULER_NAME"]

