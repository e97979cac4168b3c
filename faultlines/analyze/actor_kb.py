"""The actor knowledge base: canonical actors, their aliases, generic actors and demonyms, loaded from data files.

Everything named here lives in ``faultlines/data`` (YAML); users add their own YAML or CSV files on top.
Names are compared after ``normalize_name``; the alias table is keyed by tuples of normalized words so the
recognizer can match it against the words of a text without any per-alias scanning.
"""

from __future__ import annotations

import csv
import functools
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from faultlines.errors import InputError
from faultlines.model import Actor

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
_TIME_ZONES = frozenset({"GMT", "UTC"})  # wire reports give local time and "(0100 GMT)"
ACTOR_DIR = DATA_DIR / "actors"

_APOSTROPHES = "'’‘ʿʼ`´"
# A word: dotted initials ("U.S."), or letters/digits possibly joined by inner apostrophes ("Asa'ib"), but not
# a possessive "'s" ("Iran's" -> "Iran").
_LETTERS = r"(?:[^\W_]|[\u0300-\u036f])+"  # letters and digits, with combining accents
_WORD_RE = re.compile(
    r"(?:[^\W\d_]\.){2,}|" + _LETTERS + r"(?:[" + _APOSTROPHES + r"](?![sS]\b)" + _LETTERS + r")*"
)
_DROP_ALWAYS = frozenset({"the", "al", "el"})
_DROP_BEFORE_HYPHEN = frozenset({"ad", "as", "an", "ar", "ash", "at", "az", "adh", "ath", "ed", "es", "en", "er"})
# The Persian/Urdu izafat joining two words of a name is spelled "-e-" or "-i-" ("Tehrik-e-Taliban",
# "Tehreek-i-Taliban", "Hizb-e Islami"): a one-letter connector next to a hyphen is dropped, so every spelling
# of the connector meets the same alias.
_IZAFAT = frozenset({"e", "i"})
_HYPHENS = "-‐‑‒–—"
_STRIP_TABLE = str.maketrans("", "", _APOSTROPHES + ".")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the actor files are large


def _load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_YAML_LOADER)  # a safe loader (CSafeLoader or SafeLoader)


class Word(NamedTuple):
    """One word of a text: its span, its surface with dots removed, and its normalized form ('' if dropped)."""

    start: int
    end: int
    surface: str
    norm: str


@functools.lru_cache(maxsize=65536)
def _fold_lower(text: str) -> str:
    """Lower case without diacritics (cached: texts repeat the same words)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@functools.lru_cache(maxsize=65536)
def _forms(word: str) -> tuple[str, str]:
    """A word's surface (apostrophes and dots removed) and its folded lower case (cached: words repeat)."""
    surface = word.translate(_STRIP_TABLE)
    return surface, _fold_lower(surface)


_new_word = tuple.__new__  # builds a Word without NamedTuple.__new__'s keyword handling (hot loop)


def iter_words(text: str) -> Iterator[Word]:
    """The words of ``text`` with offsets; article "the", Arabic "al-"/"el-" and the izafat "-e-"/"-i-" get an empty
    normalized form."""
    for m in _WORD_RE.finditer(text):
        word = m.group()
        start, end = m.span()
        if (word == "s" or word == "S") and start and text[start - 1] in _APOSTROPHES:
            continue  # the "s" of a possessive
        surface, low = _forms(word)
        if low in _DROP_ALWAYS or (low in _DROP_BEFORE_HYPHEN and (nxt := text[end : end + 1]) and nxt in _HYPHENS):
            low = ""
        elif low in _IZAFAT and start and (text[start - 1] in _HYPHENS or text[end : end + 1] in _HYPHENS):
            low = ""  # the connector of "Tehrik-i-Taliban"; not a name's first word
        yield _new_word(Word, (start, end, surface, low))


@functools.lru_cache(maxsize=65536)
def normalize_name(text: str) -> str:
    """A name in comparable form: no case, diacritics, apostrophes, hyphens, leading "the" or "al-" prefixes."""
    return " ".join(w.norm for w in iter_words(text) if w.norm)


@functools.lru_cache(maxsize=65536)
def name_key(text: str) -> tuple[str, ...]:
    """The normalized words of a name, the key of the alias table."""
    return tuple(w.norm for w in iter_words(text) if w.norm)


def slugify(text: str) -> str:
    """An id for a name: its normalized words joined by hyphens (letters of any script kept)."""
    return re.sub(r"[\W_]+", "-", normalize_name(text)).strip("-") or "actor"


@dataclass(frozen=True)
class AliasEntry:
    """What an alias key points at, and the conditions under which a match of it counts."""

    actor_id: str
    metonym: bool = False  # a place name standing for the actor: counts only in an agent-like role
    # short words (three letters or fewer, e.g. "ISF", "IS" in "IS fighters"): word position -> exact surfaces
    cased: tuple[tuple[int, frozenset[str]], ...] = ()
    capitalized: bool = False  # single capitalized word: the text must be capitalized too
    stopwords: tuple[int, ...] = ()  # positions of short words that are also English words ("IS", "US")
    acronym: bool = False  # a single all-caps word of four letters or more ("FMLN"): matched in lower-cased texts


@dataclass
class GenericNoun:
    cls: str
    actor_id: str


@dataclass
class _Raw:
    """An actor record before freezing: fields plus metonyms (not part of the shared Actor dataclass)."""

    fields: dict[str, Any]
    metonyms: list[str] = field(default_factory=list)


_STOP_SHORT = frozenset({"is", "us", "it", "an", "as", "at", "in", "on", "or", "be", "do", "no", "so", "to", "up",
                         "we", "me", "he", "my", "by", "am", "if", "of", "go", "mit", "nrc"})


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split("|") if v.strip()]
    return [str(v) for v in value]


def _read_records(path: Path) -> list[dict[str, Any]]:
    """Actor records of one YAML or CSV file."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as fh:
            return [dict(row) for row in csv.DictReader(fh)]
    data = _load_yaml(path.read_text(encoding="utf-8")) or []
    if isinstance(data, dict):
        data = data.get("actors", [])
    return list(data)


def _merge(raws: dict[str, _Raw], rec: dict[str, Any], source: str) -> None:
    aid = str(rec.get("id") or "").strip() or slugify(str(rec.get("name") or ""))
    if not aid or aid == "actor":
        log.warning("actor record without id or name in %s skipped", source)
        return
    former = _as_list(rec.get("former_names"))
    aliases = [*_as_list(rec.get("aliases")), *former]
    metonyms = _as_list(rec.get("metonyms"))
    codes = rec.get("codes") or {}
    if isinstance(codes, str):  # CSV: "cameo:IRQMIL|..."
        codes = dict(c.split(":", 1) for c in codes.split("|") if ":" in c)
    if aid in raws:  # a later file adds to an existing actor
        old = raws[aid]
        old.fields["aliases"] = list(dict.fromkeys([*old.fields["aliases"], *aliases]))
        old.fields["former_names"] = list(dict.fromkeys([*old.fields["former_names"], *former]))
        old.metonyms = list(dict.fromkeys([*old.metonyms, *metonyms]))
        for key in ("name", "type", "country", "part_of", "active"):
            if rec.get(key) and not old.fields.get(key):
                old.fields[key] = str(rec[key])
        old.fields["codes"] = {**old.fields["codes"], **{str(k): str(v) for k, v in codes.items()}}
        return
    name = str(rec.get("name") or aid)
    place_like = {normalize_name(m) for m in metonyms}
    raws[aid] = _Raw(
        {
            "id": aid,
            "name": name,
            "type": str(rec.get("type") or "organization"),
            "country": str(rec["country"]) if rec.get("country") else None,
            "aliases": list(dict.fromkeys([*([] if normalize_name(name) in place_like else [name]), *aliases])),
            "part_of": str(rec["part_of"]) if rec.get("part_of") else None,
            "codes": {str(k): str(v) for k, v in codes.items()},
            "generic": bool(rec.get("generic", False)),
            "active": str(rec["active"]) if rec.get("active") else None,
            "former_names": former,
        },
        metonyms,
    )


@functools.lru_cache(maxsize=1)
def shipped_outlets() -> dict[str, Any]:
    """The shipped table of news outlets, monitors, outlet head words and byline words (``data/outlets.yaml``)."""
    return _load_yaml((DATA_DIR / "outlets.yaml").read_text(encoding="utf-8")) or {}


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[tuple[tuple[str, dict[str, Any]], ...], dict[str, Any], dict[str, Any]]:
    """The shipped actor records (file, record), generic-actor table and demonym table, parsed once."""
    records = []
    for path in sorted(ACTOR_DIR.glob("*.yaml")):
        records += [(path.name, rec) for rec in _read_records(path)]
    generic = _load_yaml((DATA_DIR / "generic_actors.yaml").read_text(encoding="utf-8")) or {}
    demonyms = _load_yaml((DATA_DIR / "demonyms.yaml").read_text(encoding="utf-8")) or {}
    return tuple(records), generic, demonyms


_NATIONAL_CLASSES = frozenset({"security", "military", "police"})  # generic state forces a country's own stand for


class ActorKB:
    """Canonical actors and the tables that map names, generic nouns and demonyms onto them."""

    def __init__(self, records: Iterable[tuple[str, dict[str, Any]]], generic: dict[str, Any],
                 demonyms: dict[str, Any], outlets: dict[str, Any] | None = None) -> None:
        raws: dict[str, _Raw] = {}
        for source, rec in records:
            _merge(raws, rec, source)
        for rec in generic.get("actors", []):
            _merge(raws, {**rec, "generic": True}, "generic_actors.yaml")
        self._actors: dict[str, Actor] = {}
        self.metonyms: dict[str, tuple[str, ...]] = {}
        for aid, raw in raws.items():
            f = raw.fields
            self._actors[aid] = Actor(
                id=aid, name=f["name"], type=f["type"], country=f["country"], aliases=tuple(f["aliases"]),
                part_of=f["part_of"], codes=tuple(sorted(f["codes"].items())), generic=f["generic"],
                active=f["active"], former_names=tuple(f["former_names"]),
            )
            self.metonyms[aid] = tuple(raw.metonyms)
        for actor in self._actors.values():
            if actor.part_of and actor.part_of not in self._actors:
                log.warning("actor %s: part_of %s is not in the knowledge base", actor.id, actor.part_of)
        self.aliases: dict[tuple[str, ...], AliasEntry] = {}
        self.conflicts: list[tuple[str, str, str]] = []  # (alias, kept actor, other actor)
        for actor in self._actors.values():
            if actor.generic:
                continue
            for alias in actor.aliases:
                self._add_alias(alias, actor.id, metonym=False)
            for alias in self.metonyms.get(actor.id, ()):
                self._add_alias(alias, actor.id, metonym=True)
        self.max_alias_len = max((len(k) for k in self.aliases), default=1)
        self.first_words: dict[str, int] = {}  # first normalized word of an alias -> its longest alias length
        for k in self.aliases:
            self.first_words[k[0]] = max(self.first_words.get(k[0], 0), len(k))
        # generic nouns and demonyms
        self.generic_nouns: dict[tuple[str, ...], GenericNoun] = {}
        for noun, (cls, aid) in (generic.get("nouns") or {}).items():
            if aid not in self._actors:
                log.warning("generic noun %r points at unknown actor %s", noun, aid)
                continue
            self.generic_nouns[name_key(noun)] = GenericNoun(str(cls), str(aid))
        self.max_generic_len = max((len(k) for k in self.generic_nouns), default=1)
        self.generic_first: dict[str, int] = {}
        for k in self.generic_nouns:
            self.generic_first[k[0]] = max(self.generic_first.get(k[0], 0), len(k))
        roles = generic.get("roles") or {}
        self.agent_deps = frozenset(roles.get("deps") or ())
        self.agent_preps = frozenset(p.lower() for p in roles.get("preps") or ())
        self.from_heads = frozenset(h.lower() for h in roles.get("from_heads") or ())
        self.witness_verbs = frozenset(str(h).lower() for h in roles.get("witness_verbs") or ())
        self.skip_modifiers = frozenset(str(h).lower() for h in generic.get("skip_modifiers") or ())
        self.locative_preps = frozenset(str(h).lower() for h in generic.get("locative_preps") or ())
        self.identity_sites = frozenset(str(h).lower() for h in generic.get("identity_sites") or ())
        self.place_heads = frozenset(str(h).lower() for h in generic.get("place_heads") or ())
        self.event_heads = frozenset(str(h).lower() for h in generic.get("event_heads") or ())
        self.owned_places = frozenset(str(h).lower() for h in generic.get("owned_places") or ())
        self.demonyms: dict[tuple[str, ...], tuple[str, dict[str, str]]] = {}
        for word, table in (demonyms or {}).items():
            table = {str(k): str(v) for k, v in (table or {}).items()}
            missing = [v for v in table.values() if v not in self._actors]
            if missing:
                log.warning("demonym %r points at unknown actors %s", word, missing)
                table = {k: v for k, v in table.items() if v in self._actors}
            self.demonyms[name_key(str(word))] = (str(word), table)
        self.demonym_first = frozenset(k[0] for k in self.demonyms if k)  # first words, to skip the others fast
        # a country's own forces by generic-noun class ("security", "military", "police"), from the demonym whose
        # actor is that country's state ("Sudanese" -> sudan-military, sudan-police); first demonym wins
        self._national: dict[str, dict[str, str]] = {}
        for _word, table in self.demonyms.values():
            state = self._actors.get(table.get("actor", ""))
            if state is not None and state.type == "state" and state.country and state.country not in self._national:
                self._national[state.country] = {k: v for k, v in table.items() if k in _NATIONAL_CLASSES}
        self._generic_class: dict[str, str] = {}  # generic actor id -> its nouns' class
        for noun in self.generic_nouns.values():
            self._generic_class.setdefault(noun.actor_id, noun.cls)
        # names that are no actors: places by their last word ("Chin State"), and unknown organisations typed by
        # the word that names what they are ("Arakan Army", "Mai-Mai militia")
        self.place_words = frozenset(str(h).lower() for h in generic.get("place_words") or ())
        self.place_first_words = frozenset(str(h).lower() for h in generic.get("place_first_words") or ())
        self.weapon_words = frozenset(str(h).lower() for h in generic.get("weapon_words") or ())
        self.org_cues = {str(k).lower(): str(v) for k, v in (generic.get("org_cues") or {}).items()}
        self._set_outlets(shipped_outlets() if outlets is None else outlets)
        self._new: dict[str, Actor] = {}  # normalized name -> actor created for it
        self._new_ids: dict[str, Actor] = {}

    def _add_alias(self, alias: str, actor_id: str, *, metonym: bool) -> None:
        key = name_key(alias)
        if not key:
            return
        words = [w for w in iter_words(alias) if w.norm]
        cased = {
            i: {w.surface} for i, w in enumerate(words)
            if len(w.norm) <= 3 and (w.surface.isupper() or len(words) == 1)
        }
        old = self.aliases.get(key)
        if old is not None and old.actor_id != actor_id:
            self.conflicts.append((alias, old.actor_id, actor_id))
            log.debug("alias %r of %s already names %s; later one wins", alias, actor_id, old.actor_id)
            old = None
        capitalized = len(key) == 1 and alias[:1].isupper() and not cased
        acronym = len(key) == 1 and len(key[0]) >= 4 and words[0].surface.isupper()
        if old is not None:
            acronym = acronym or old.acronym
            for i, forms in old.cased:
                cased[i] = cased.get(i, set()) | set(forms)
            capitalized = capitalized and old.capitalized
            metonym = metonym and old.metonym
        self.aliases[key] = AliasEntry(
            actor_id, metonym=metonym, cased=tuple((i, frozenset(f)) for i, f in sorted(cased.items())),
            capitalized=capitalized, acronym=acronym,
            stopwords=tuple(i for i, f in sorted(cased.items()) if any(x.lower() in _STOP_SHORT for x in f)),
        )

    def _set_outlets(self, table: dict[str, Any]) -> None:
        self.outlet_keys = frozenset(k for k in (name_key(str(n)) for n in table.get("outlets") or ()) if k)
        # a name that may begin a longer one ("CNN Philippines", "AFP news agency"): several words, or an acronym
        listed = [str(n) for n in table.get("outlets") or ()]
        self.outlet_prefixes = frozenset(name_key(n) for n in listed if len(name_key(n)) > 1 or (
            n.replace(".", "").isupper() and len(n) > 1))
        self.outlet_firsts = frozenset(k[0] for k in self.outlet_prefixes if k)
        self.outlet_heads = frozenset(str(h).lower() for h in table.get("heads") or ())
        self.credit_words = tuple(sorted({str(c).lower() for c in table.get("credits") or ()}, key=len, reverse=True))
        monitors = [str(n) for n in table.get("monitors") or ()]
        self.monitor_keys = frozenset(k for k in (name_key(n) for n in monitors) if k)
        # the base's actors the list names; an armed actor that shares a short name with a monitor is not one
        # ("RSF": Reporters Without Borders, and Sudan's Rapid Support Forces)
        self.monitor_ids = frozenset(a.id for a in (self.lookup(n) for n in monitors)
                                     if a is not None and a.type == "organization")

    # ------------------------------------------------------------------------------------------------ names

    def is_outlet(self, name: str) -> bool:
        """A news outlet or agency: a listed name, a listed name and more ("CNN Philippines", "AP Photo/X"), or an
        unknown name ending in an outlet word ("Nile News", "Urdu TV")."""
        key = name_key(name)
        if not key:
            return False
        if key in self.outlet_keys:
            return True
        if key[0] in self.outlet_firsts and any(key[:n] in self.outlet_prefixes for n in range(1, len(key))):
            words = [w for w in iter_words(name) if w.norm]  # the acronym as written: "CNN", not "cnn"
            return any(key[:n] in self.outlet_prefixes and (n > 1 or words[0].surface.isupper())
                       for n in range(1, len(key)))
        return len(key) > 1 and key[-1] in self.outlet_heads and self.lookup(name) is None

    def is_monitor(self, actor: Actor) -> bool:
        """An organisation that documents violence (a rights group, a UN monitor): never a perpetrator."""
        return actor.id in self.monitor_ids or name_key(actor.name) in self.monitor_keys

    def unfit_name(self, name: str) -> str | None:
        """Why ``name`` can be no new actor ("outlet", "credit", "number", "tag", "time", "lines", "place", "event"), or
        None when it can."""
        text = name.strip()
        if not text:
            return "empty"
        if text[:1] in "#@" or "#" in text:
            return "tag"
        if text.upper() in _TIME_ZONES:
            return "time"  # "at 2:00 am (0100 GMT)": a clock, not a group
        if "\n" in text:
            return "lines"  # "Version 2 Version 3\nGoma": page furniture run into a headline; no name spans lines
        words = text.split()
        if "/" in words[0] and words[0].split("/", 1)[0].lower() in self.credit_words:
            return "credit"  # "Photo/Jane Doe" of "(AP Photo/Jane Doe)": a photo credit
        if words[0].replace(",", "").replace(".", "").isdigit() or sum(c.isdigit() for c in text) > len(text) // 2:
            return "number"  # "358 0 SHARES", "130 Fulani": a count or page furniture, not a name
        if self.is_outlet(text):
            return "outlet"
        key = name_key(text)
        if len(key) > 1 and (key[-1] in self.place_words or key[0] in self.place_first_words) and key[-1] not in self.org_cues:
            return "place"  # "Chin State", "K5 Junction", "Capital Mogadishu"
        if len(key) > 1 and key[-1] in self.event_heads:
            return "event"  # a headline's "Large Truck Bomb Shakes ...": what happened, not who did it
        return None

    def guess_type(self, name: str, head: str = "") -> str | None:
        """The ACLED actor type an unknown organisation's own words suggest ("Arakan Army": rebel group), from the
        last cue word of the name or from ``head``, the noun it modifies ("Seleka" in "Seleka rebels")."""
        for word in (*reversed(name_key(name)), _fold_lower(head)):
            if word in self.org_cues:
                return self.org_cues[word]
        return None

    # ------------------------------------------------------------------------------------------------ loading

    @classmethod
    def load(cls, extra_files: Iterable[Path | str] = ()) -> ActorKB:
        """The shipped knowledge base plus the user's YAML/CSV files (later files may extend earlier actors)."""
        extra = tuple(Path(p) for p in extra_files)
        if not extra:
            return _default_kb()
        records, generic, demonyms = _shipped()
        more: list[tuple[str, dict[str, Any]]] = []
        for path in extra:
            try:
                recs = _read_records(path)
            except (OSError, UnicodeDecodeError, yaml.YAMLError, csv.Error, TypeError, ValueError) as exc:
                raise InputError(f"cannot read actor file {path}: {' '.join(str(exc).split())}") from exc
            bad = next((r for r in recs if not isinstance(r, dict)), None)
            if bad is not None:
                raise InputError(f"actor file {path}: each actor must be a mapping (id, name, type, aliases, ...), "
                                 f"not {type(bad).__name__} {str(bad)[:60]!r}")
            more += [(str(path), rec) for rec in recs]
        try:
            return cls([*records, *more], generic, demonyms)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            raise InputError(f"bad actor file ({', '.join(map(str, extra))}): {type(exc).__name__}: {exc}") from exc

    # ------------------------------------------------------------------------------------------------ queries

    @property
    def actors(self) -> list[Actor]:
        return list(self._actors.values())

    def __len__(self) -> int:
        return len(self._actors)

    def get(self, actor_id: str) -> Actor | None:
        return self._actors.get(actor_id) or self._new_ids.get(actor_id)

    def lookup(self, text: str) -> Actor | None:
        """The actor whose alias (or place-name metonym) equals ``text`` after normalization, under the alias's
        case rules: short words keep their capitals ("US", not "us"; "CAR", not "car") and a place name standing
        for a state is capitalized ("Lima", not the "lima" of a lower-cased surname)."""
        entry = self.aliases.get(name_key(text))
        if entry is None:
            return None
        if entry.cased or (entry.metonym and entry.capitalized):
            words = [w for w in iter_words(text) if w.norm]
            if any(pos < len(words) and words[pos].surface not in forms for pos, forms in entry.cased):
                return None
            if entry.metonym and entry.capitalized and not words[0].surface[:1].isupper():
                return None
        return self._actors.get(entry.actor_id)

    def is_metonym(self, text: str) -> bool:
        """``text`` is a place name that stands for an actor only where it acts ("Damascus said"), as the actor
        recognizer decides (``ActorRecognizer``)."""
        entry = self.aliases.get(name_key(text))
        return entry is not None and entry.metonym

    def ancestors(self, actor_id: str) -> list[Actor]:
        """The chain of ``part_of`` parents, nearest first (cycles are cut)."""
        out: list[Actor] = []
        seen = {actor_id}
        actor = self.get(actor_id)
        while actor is not None and actor.part_of and actor.part_of not in seen:
            seen.add(actor.part_of)
            actor = self.get(actor.part_of)
            if actor is not None:
                out.append(actor)
        return out

    def demonym(self, word: str, cls: str = "actor") -> Actor | None:
        """The actor a nationality or identity word names ("Iranian" -> Iran), or picks for a generic-noun class."""
        entry = self.demonyms.get(name_key(word))
        actor_id = entry[1].get(cls) if entry else None
        return self.get(actor_id) if actor_id else None

    def national(self, actor: Actor, country: str | None) -> Actor | None:
        """The forces of ``country`` an unspecified state force stands for in an event there ("security forces"
        firing on protesters in Omdurman: Military Forces of Sudan), or None when ``actor`` is not such a generic
        actor or the base has no forces of that country."""
        if not actor.generic or not country:
            return None
        cls = self._generic_class.get(actor.id)
        target = self._national.get(country, {}).get(cls or "")
        return self._actors.get(target) if target else None

    def generic(self, key: str) -> Actor:
        """A generic actor by id or by one of its nouns ("gunmen"); unknown keys give the unidentified armed group."""
        actor = self._actors.get(key)
        if actor is None:
            noun = self.generic_nouns.get(name_key(key))
            actor = self._actors.get(noun.actor_id) if noun else None
        if actor is None:
            actor = self._actors.get("unidentified-armed-group") or self.new_actor(key, "political militia")
        return actor

    def new_actor(self, name: str, type: str) -> Actor:
        """An actor for a name the knowledge base does not know; the same name always gives the same actor."""
        clean = " ".join(name.split())
        key = normalize_name(clean)
        if key in self._new:
            return self._new[key]
        aid = slugify(clean)
        if aid in self._actors or aid in self._new_ids:
            aid = f"new-{aid}"
        while aid in self._new_ids:
            aid += "-x"
        actor = Actor(id=aid, name=clean, type=type, aliases=(clean,), known=False)
        self._new[key] = actor
        self._new_ids[aid] = actor
        return actor



@functools.lru_cache(maxsize=1)
def _default_kb() -> ActorKB:
    records, generic, demonyms = _shipped()
    return ActorKB(records, generic, demonyms)


__all__ = ["ActorKB", "AliasEntry", "GenericNoun", "Word", "iter_words", "name_key", "normalize_name", "slugify"]
