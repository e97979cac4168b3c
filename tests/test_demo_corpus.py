"""The bundled demo corpus and its gold file stay consistent: every quote is found, every name resolves, no NLP."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import get_args

import pytest

from faultlines.demo import corpus_dir, manifest_path, manifest_rows
from faultlines.model import ACLED_TYPES, SUB_EVENT_TYPES, DatePrecision

GOLD_PATH = Path(__file__).parent / "gold" / "demo_gold.json"
MANIFEST_KEYS = {"file", "published", "published_precision", "outlet", "author", "url", "title"}
RECORD_KEYS = {"id", "title", "published", "outlet", "text"}


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _article_files() -> list[Path]:
    return sorted(p for p in corpus_dir().iterdir() if p.is_file() and p.suffix != ".jsonl")


def _record_files() -> list[Path]:
    return sorted(corpus_dir().glob("*.jsonl"))


def _records() -> list[dict]:
    return [json.loads(line) for path in _record_files()
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    """Document name -> decoded raw text (file name for files, record id for JSON Lines records)."""
    out = {p.name: _decode(p.read_bytes()) for p in _article_files()}
    out.update({r["id"]: r["text"] for r in _records()})
    return out


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads(GOLD_PATH.read_text(encoding="utf-8"))


def _norm_space(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _assert_in(fragment: str, doc: str, texts: dict[str, str], what: str) -> None:
    assert doc in texts, f"{what}: unknown document {doc!r}"
    assert _norm_space(fragment) in _norm_space(texts[doc]), f"{what}: {fragment!r} not found in {doc}"


# ------------------------------------------------------------------------------------------------------- corpus


def test_corpus_size_counts_records(texts):
    assert 15 <= len(texts) <= 25


def test_every_format_is_present():
    suffixes = [p.suffix for p in _article_files()]
    assert suffixes.count(".html") == 1
    assert ".md" in suffixes
    assert suffixes.count(".txt") >= 12
    assert len(_record_files()) == 1


def test_manifest_lies_outside_the_corpus_folder():
    assert manifest_path().is_file()
    assert manifest_path().parent == corpus_dir().parent


def test_manifest_names_every_article_file_and_only_existing_ones():
    rows = manifest_rows()
    named = [r["file"] for r in rows]
    assert len(named) == len(set(named)), "a file is listed twice"
    assert set(named) == {p.name for p in _article_files()}


@pytest.mark.parametrize("row", manifest_rows(), ids=lambda r: r["file"])
def test_manifest_row_is_complete(row):
    assert set(row) == MANIFEST_KEYS
    published = date.fromisoformat(row["published"])
    assert date(2013, 1, 1) <= published <= date(2017, 12, 31)
    assert row["published_precision"] in get_args(DatePrecision)
    assert row["outlet"] and row["title"]
    assert re.match(r"https://[a-z0-9.-]+\.example\.org/", row["url"])


def test_records_carry_their_own_metadata():
    records = _records()
    assert len(records) == 2
    for rec in records:
        assert set(rec) == RECORD_KEYS
        assert date(2013, 1, 1) <= date.fromisoformat(rec["published"]) <= date(2017, 12, 31)
        assert len(rec["text"].split()) >= 50


@pytest.mark.parametrize("path", _article_files(), ids=lambda p: p.name)
def test_article_length(path):
    text = _decode(path.read_bytes())
    if path.suffix == ".html":
        text = re.sub(r"<[^>]+>", " ", text)
    assert 120 <= len(text.split()) <= 450


def test_exactly_one_file_is_windows_1252():
    legacy = []
    for path in _article_files():
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            legacy.append(path)
    assert len(legacy) == 1
    text = legacy[0].read_bytes().decode("cp1252")
    assert "Mus\u2019ab" in text and "caf\u00e9" in text and "\u201c" in text


def test_html_page_has_boilerplate_and_spam():
    (html,) = [p for p in _article_files() if p.suffix == ".html"]
    text = html.read_text(encoding="utf-8")
    for marker in ("<nav", "<header", "<footer", "share-buttons", "Related stories", "Pingback", "cialis", "casino"):
        assert marker in text, marker


def test_a_plain_text_file_ends_with_comment_spam():
    spammy = [p for p in _article_files() if p.suffix == ".txt"
              and re.search(r"^\d+ Comments$", p.read_text(encoding="utf-8", errors="replace"), re.M)]
    assert spammy
    assert "viagra" in spammy[0].read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------------------- gold


def test_gold_incident_quotes_occur_in_their_documents(gold, texts):
    for inc in gold["incidents"]:
        assert inc["sources"], inc["id"]
        for doc, src in inc["sources"].items():
            _assert_in(src["quote"], doc, texts, inc["id"])


def test_gold_must_merge_clusters(gold):
    clusters = [inc for inc in gold["incidents"] if len(inc.get("must_merge", [])) >= 2]
    assert len(clusters) >= 3
    for inc in gold["incidents"]:
        assert set(inc.get("must_merge", [])) <= set(inc["sources"]), inc["id"]


def test_gold_disputed_tolls_really_differ(gold):
    """At least two merge clusters carry different death tolls from different outlets."""
    disputed = 0
    for inc in gold["incidents"]:
        lows = {s["killed"]["low"] for s in inc["sources"].values() if (s.get("killed") or {}).get("low") is not None}
        if len(inc.get("must_merge", [])) >= 2 and len(lows) >= 2:
            disputed += 1
    assert disputed >= 2


def test_gold_source_tolls_fit_the_incident_toll(gold):
    for inc in gold["incidents"]:
        killed = inc.get("killed") or {}
        if "low_min" not in killed:
            continue
        for doc, src in inc["sources"].items():
            low = (src.get("killed") or {}).get("low")
            if low is not None:
                assert killed["low_min"] <= low <= killed["low_max"], (inc["id"], doc)
        highs = [v for s in inc["sources"].values() for v in ((s.get("killed") or {}).get("high"),
                                                              (s.get("killed") or {}).get("low")) if v is not None]
        if killed.get("high") is not None:
            assert killed["high"] == max(highs), inc["id"]


def test_gold_incidents_are_well_formed(gold):
    ids = [inc["id"] for inc in gold["incidents"]]
    assert len(ids) == len(set(ids))
    for inc in gold["incidents"]:
        assert inc["event_type"] and set(inc["event_type"]) <= set(ACLED_TYPES), inc["id"]
        for sub in inc.get("sub_event_type", []):
            assert SUB_EVENT_TYPES.get(sub) in inc["event_type"], (inc["id"], sub)
        start, end = date.fromisoformat(inc["date"]["start"]), date.fromisoformat(inc["date"]["end"])
        assert date(2013, 1, 1) <= start <= end <= date(2017, 12, 31), inc["id"]
        assert inc["date"]["precision"] in get_args(DatePrecision)
        assert inc["location"]["country_code"] == "IQ"
        assert 29 < inc["location"]["lat"] < 38 and 38 < inc["location"]["lon"] < 49, inc["id"]
        for other in inc.get("distinct_from", []):
            assert other in ids and other != inc["id"], (inc["id"], other)


def test_gold_covers_the_acled_types(gold):
    required = {t for inc in gold["incidents"] if inc["required"] for t in inc["event_type"]}
    assert required >= {"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests",
                        "Strategic developments"}


def test_gold_combined_casualties_are_not_a_death_toll(gold, texts):
    combined = [inc for inc in gold["incidents"] if "must_not_claim_low_at_least" in (inc.get("killed") or {})]
    assert combined
    for inc in combined:
        quote = next(iter(inc["sources"].values()))["quote"]
        assert re.search(r"killed or wounded|killing or wounding|killed and wounded", quote), inc["id"]


def test_gold_actor_ids_resolve(gold):
    actors = gold["actors"]
    used = set()
    for inc in gold["incidents"]:
        used |= set(inc.get("perpetrators", [])) | set(inc.get("targets", []))
    for rel in gold["relations"]:
        used |= {rel["subject"], rel["object"]}
    assert used <= set(actors), sorted(used - set(actors))
    for aid, actor in actors.items():
        assert actor["type"] and actor["aliases"], aid
        assert actor.get("part_of") in (None, *actors), aid


def test_gold_actor_aliases_are_used_in_the_corpus(gold, texts):
    corpus = _norm_space(" ".join(texts.values())).lower()
    for aid, actor in gold["actors"].items():
        assert any(alias.lower() in corpus for alias in actor["aliases"]), aid


def test_gold_not_incidents_occur_in_their_documents(gold, texts):
    assert {n["why"].split(" (")[0] for n in gold["not_incidents"]} >= {
        "hypothetical", "prediction", "habitual pattern", "historical background"}
    for bad in gold["not_incidents"]:
        _assert_in(bad["quote"], bad["doc"], texts, bad["why"])
        for place in bad.get("places", []):
            assert place in texts[bad["doc"]], place


def test_gold_not_victims_occur_in_their_documents(gold, texts):
    for item in gold["not_victims"]:
        _assert_in(item["quote"], item["doc"], texts, item["why"])


def test_gold_relations_and_claims_occur_in_their_documents(gold, texts):
    relation_types = {"supports", "allied", "fights", "attacks", "opposes", "rivals", "controls", "leads", "member_of"}
    for rel in gold["relations"]:
        assert rel["relation"] in relation_types
        assert any(_norm_space(rel["quote"]) in _norm_space(texts[d]) for d in rel["docs"]), rel["quote"]
        assert all(d in texts for d in rel["docs"]), rel["docs"]
    for claim in gold["causal_claims"]:
        _assert_in(claim["quote"], claim["doc"], texts, "causal claim")
        assert claim["cause"] and claim["effect"]


def test_gold_cleaning_targets_are_really_in_the_raw_text(gold, texts):
    for item in gold["cleaning"]:
        for bad in item["must_not_contain"]:
            _assert_in(bad, item["doc"], texts, "cleaning")


def test_gold_framing_contrast_is_present(texts):
    """Different outlets name the same actors differently; the gold's aliases rely on it."""
    corpus = " ".join(texts.values())
    for label in ("Iranian regime", "Islamic Republic of Iran", "Popular Mobilization Forces", "Iran\u2019s proxy militias",
                  "Volunteer fighters", "Daesh terrorist gangs", "ISIS insurgents"):
        assert label in corpus, label
