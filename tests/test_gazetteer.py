"""The offline gazetteer: name normalization, lookups, admin1 names and the curated supplement."""

from __future__ import annotations

import time

import pytest

from faultlines.analyze.gazetteer import Gazetteer, normalize_name, variant_key


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Baquba", "Baqubah"),
        ("Ba'qubah", "Baqubah"),
        ("Ba‘qūbah", "Baquba"),
        ("Falluja", "Fallujah"),
        ("Al-Fallujah", "Fallujah"),
        ("Ramadi", "Al-Ramadi"),
        ("Tal Afar", "Tall Afar"),
        ("ad-Dawr", "Dawr"),
    ],
)
def test_spelling_variants_share_a_key(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


def test_different_places_keep_different_keys() -> None:
    assert normalize_name("Mosul") != normalize_name("Basra")
    assert normalize_name("Iran") != normalize_name("Iraq")


@pytest.mark.parametrize(
    ("name", "admin1"),
    [
        ("Baquba", "Diyala"),
        ("Mosul", "Nineveh"),
        ("Tikrit", "Salah ad Din"),
        ("Al-Fallujah", "Anbar"),
        ("Ramadi", "Anbar"),
        ("Hawija", "Kirkuk"),
        ("Amerli", "Salah ad Din"),
        ("Camp Ashraf", "Diyala"),
        ("Kirkuk", "Kirkuk"),
    ],
)
def test_iraqi_places_carry_their_province_name(gaz: Gazetteer, name: str, admin1: str) -> None:
    top = gaz.lookup(name)
    assert top, name
    assert any(p.country_code == "IQ" and p.admin1 == admin1 for p in top[:3])


def test_countries_and_admin1(gaz: Gazetteer) -> None:
    iq = gaz.country("iq")
    assert iq is not None and iq.precision == "country" and iq.name == "Iraq"
    assert 29 < iq.lat < 37 and 38 < iq.lon < 49
    diyala = gaz.admin1("IQ", "10")
    assert diyala is not None and diyala.name == "Diyala" and diyala.precision == "admin1"
    assert gaz.admin1("IQ", "Salahuddin") == gaz.admin1("IQ", "18")
    assert gaz.admin1("IQ", "No Such Province") is None
    assert gaz.country("ZZ") is None


def test_supplement_rows_are_points_with_sources(gaz: Gazetteer) -> None:
    dam = gaz.lookup("Mosul Dam")[0]
    assert dam.precision == "point" and dam.feature == "DAM"
    assert dam.geonameid is not None and dam.geonameid < 0  # curated entries use negative ids
    region = gaz.lookup("Kurdistan Region")[0]
    assert region.precision == "region"


@pytest.mark.parametrize(("name", "country", "admin1"), [
    ("Shayrat", "SY", "Homs"), ("Sha'irat", "SY", "Homs"), ("T-4 airbase", "SY", "Homs"),
    ("Hmeimim", "SY", "Latakia"), ("Ain al-Asad", "IQ", "Anbar"), ("Balad air base", "IQ", "Salah ad Din"),
])
def test_air_bases_struck_in_the_wars_are_points_of_their_province(gaz: Gazetteer, name, country, admin1) -> None:
    top = gaz.lookup(name)[0]
    assert (top.country_code, top.admin1, top.precision) == (country, admin1, "point")


def test_supplement_names_are_unique_and_well_formed() -> None:
    import csv

    from faultlines.analyze.gazetteer import DATA_DIR

    rows = list(csv.DictReader((DATA_DIR / "supplement.csv").open(encoding="utf-8")))
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))
    for r in rows:
        assert r["source"], r["name"]
        if r["lat"]:
            assert -90 <= float(r["lat"]) <= 90 and -180 <= float(r["lon"]) <= 180, r["name"]


def test_lookup_is_fast_after_load(gaz: Gazetteer) -> None:
    gaz.lookup("Baghdad")
    t = time.perf_counter()
    for _ in range(2000):
        gaz.lookup("Baghdad")
    assert (time.perf_counter() - t) / 2000 < 2e-4


def test_load_is_cached_per_process(gaz: Gazetteer) -> None:
    assert Gazetteer.load() is gaz


def test_unknown_name_gives_no_candidates(gaz: Gazetteer) -> None:
    assert gaz.lookup("Qwxzzyville") == []
    assert gaz.lookup("") == []


def test_vowel_ending_folding_is_a_loose_match(gaz: Gazetteer) -> None:
    assert variant_key("Baquba") == variant_key("Baqubah")
    assert variant_key("Karrada") != variant_key("Karad")
    assert normalize_name("Karrada") == normalize_name("Karad")  # still found, but only as a loose candidate
    karad = [i for i in gaz.lookup_ids("Karrada") if gaz.records[i][4] == "IN"]
    assert karad and not set(karad) & gaz.close_ids("Karrada")
    assert set(karad) <= gaz.close_ids("Karad")


def test_baghdad_districts_are_curated(gaz: Gazetteer) -> None:
    for name in ("Karrada", "Adhamiya", "Kadhimiyah", "Jadiriya", "Bab al-Sharqi"):
        top = [p for p in gaz.lookup(name) if p.country_code == "IQ"]
        assert top and top[0].admin1 == "Baghdad", name
