"""Incident resolution: scoring, blocking, clustering, merged values, order independence, incremental = full."""

from __future__ import annotations

import random
from datetime import date

from faultlines.model import EventRecord
from faultlines.resolve.incidents import Constraints, block_keys, resolve, score_pair


def ev(i: str, doc: str, *, d: str | None = "2014-08-22", d_end: str | None = None, prec: str = "day",
       sub: str = "Attack", typ: str = "Violence against civilians", place: str | None = "Baqubah",
       admin1: str | None = "Diyala", cc: str | None = "IQ", lat: float | None = 33.75, lon: float | None = 44.64,
       pprec: str = "city", gid: int | None = 98854, perps: tuple[str, ...] = ("shia-militias",),
       killed: tuple[int | None, int | None] = (None, None), quote: str = "gunmen attacked worshippers at a mosque"
       ) -> EventRecord:
    return EventRecord(
        id=i, document_id=doc, document=doc, event_type=typ, sub_event_type=sub, quote=quote,
        date_start=date.fromisoformat(d) if d else None, date_end=date.fromisoformat(d_end or d) if d else None,
        date_precision=prec if d else "unknown", place_name=place, geonameid=gid, lat=lat, lon=lon,
        country_code=cc, admin1=admin1, place_precision=pprec, perpetrators=perps,
        perpetrator_names=tuple(p.title() for p in perps), killed_low=killed[0], killed_high=killed[1])


def test_same_event_from_two_outlets_scores_above_threshold():
    a = ev("e1", "a.txt", killed=(41, None))
    b = ev("e2", "b.txt", place="Diyala", pprec="admin1", gid=None, lat=33.9, lon=45.0, killed=(64, 75))
    res = score_pair(a, b)
    assert res is not None and res[0] >= 0.6
    assert "province" in res[1]["place"]["why"]


def test_far_dates_or_other_province_block():
    a = ev("e1", "a.txt")
    assert score_pair(a, ev("e2", "b.txt", d="2014-09-20")) is None
    assert score_pair(a, ev("e3", "b.txt", admin1="Anbar", place="Fallujah", gid=1, lat=33.35, lon=43.78)) is None
    assert score_pair(a, ev("e4", "b.txt", sub="Peaceful protest", typ="Protests")) is not None  # compatible types
    assert score_pair(a, ev("e5", "b.txt", sub="Agreement", typ="Strategic developments")) is None


def test_merged_values_keep_each_source_and_flag_disputes():
    a = ev("e1", "a.txt", place="Diyala", pprec="admin1", gid=None, killed=(41, None))
    b = ev("e2", "b.txt", killed=(64, 75))
    [inc] = resolve([a, b])
    assert inc.killed_low == 41 and inc.killed_high == 75
    assert "killed" in inc.disputed
    assert inc.place_name == "Baqubah"  # the most precise consistent place
    assert inc.source_count == 2 and sorted(inc.event_ids) == ["e1", "e2"]
    assert inc.reasons and inc.reasons[0]["score"] >= 0.6
    # each source keeps its own figure
    assert [(s.document, s.killed.low, s.killed.high) for s in inc.sources] == [("a.txt", 41, None), ("b.txt", 64, 75)]


def test_year_precision_is_kept_not_turned_into_a_day():
    [inc] = resolve([ev("e1", "a.txt", d="2013-01-01", d_end="2013-12-31", prec="year")])
    assert inc.date_precision == "year" and inc.date_start == date(2013, 1, 1) and inc.date_end == date(2013, 12, 31)
    assert inc.row()["date_start"] == "2013-01-01" and inc.row()["date_end"] == "2013-12-31"


def _corpus(n: int, seed: int = 7) -> list[EventRecord]:
    rnd = random.Random(seed)
    out = []
    for k in range(n):
        day = date(2014, 1 + (k // 10) % 12, 1 + k % 27)
        for s in range(rnd.randint(1, 3)):  # one real event told by one to three documents
            out.append(ev(f"e{k:03d}-{s}", f"doc{k}-{s}.txt", d=day.isoformat(),
                          lat=33.0 + (k % 5), lon=44.0, gid=1000 + k % 5, admin1=f"P{k % 5}",
                          killed=(rnd.randint(5, 9), None)))
    return out


def _clusters(rows):
    return sorted(tuple(sorted(r.event_ids)) for r in rows)


def test_result_does_not_depend_on_order():
    events = _corpus(40)
    base = _clusters(resolve(events))
    for seed in range(3):
        shuffled = events[:]
        random.Random(seed).shuffle(shuffled)
        assert _clusters(resolve(shuffled)) == base


def test_split_and_merge_constraints():
    a, b = ev("e1", "a.txt"), ev("e2", "b.txt")
    cons = Constraints(cannot_link={frozenset(("e1", "e2"))})
    assert len(resolve([a, b], constraints=cons)) == 2
    far = ev("e3", "c.txt", d="2014-12-01")
    cons = Constraints(groups=[frozenset(("e1", "e3"))])
    rows = resolve([a, far], constraints=cons)
    assert len(rows) == 1 and rows[0].corrected


def test_blocking_keys_are_few_for_vague_dates():
    assert len(block_keys(ev("e", "d", d="2013-01-01", d_end="2013-12-31", prec="year"), 3)) <= 5
    assert block_keys(ev("e", "d", d=None, cc=None), 3) == [("doc", "d")]


def _undated(i: str, doc: str, published: str, **kw) -> EventRecord:
    from dataclasses import replace

    return replace(ev(i, doc, d=None, **kw), published=published)


def test_two_undated_reports_of_one_province_published_days_apart_may_link():
    from faultlines.resolve.incidents import candidate_pairs, may_match

    a = _undated("u1", "a.txt", "2014-08-23", killed=(40, 40))
    b = _undated("u2", "b.txt", "2014-08-25", place="Diyala", pprec="admin1", gid=None, lat=33.9, lon=45.0,
                 killed=(41, 41))
    far = _undated("u3", "c.txt", "2014-09-20")
    other = _undated("u4", "d.txt", "2014-08-24", admin1="Anbar", place="Fallujah", gid=1, lat=33.35, lon=43.78)
    assert may_match(a, b, 3) and not may_match(a, far, 3) and not may_match(a, other, 3)
    res = score_pair(a, b)
    assert res is not None and res[0] >= 0.6 and "undated" in res[1]["date"]["why"]
    assert score_pair(a, far) is None
    pairs = set(candidate_pairs([a, b, far, other], 3))
    assert pairs == {(0, 1)}
    # the other type of event in the same province is not the same event
    assert score_pair(a, _undated("u5", "e.txt", "2014-08-24", sub="Armed clash", typ="Battles")) is None


def test_an_undated_report_of_the_next_day_counts_as_news_of_that_day():
    dated = ev("d1", "a.txt", d="2014-08-22")
    fresh = score_pair(dated, _undated("u1", "b.txt", "2014-08-23"))
    late = score_pair(dated, _undated("u2", "c.txt", "2014-09-10"))
    assert fresh is not None and late is not None
    assert fresh[1]["date"]["score"] == 0.75 and late[1]["date"]["score"] == 0.5
    assert fresh[0] > late[0]


def test_perpetrators_on_one_side_and_targets_on_the_other_are_no_evidence_against():
    from dataclasses import replace

    attackers = ev("a1", "a.txt", perps=("egyptian-military",))
    targets = replace(ev("a2", "b.txt", perps=()), targets=("unidentified-armed-group",))
    res = score_pair(attackers, targets)
    assert res is not None and res[1]["actors"]["score"] == 0.5
    rivals = ev("a3", "c.txt", perps=("islamic-state",))
    assert score_pair(attackers, rivals)[1]["actors"]["score"] < 0.5


def test_undated_and_dated_reports_of_one_unlisted_town_are_compared():
    from faultlines.resolve.incidents import candidate_pairs, may_match

    town = dict(place="Baga", gid=None, lat=None, lon=None, cc="NG", admin1=None, pprec="city")
    dated = ev("d1", "a.txt", d="2015-01-03", **town)
    undated = _undated("u1", "b.txt", "2015-01-03", **town)
    elsewhere = _undated("u2", "c.txt", "2015-01-03", **{**town, "place": "Doron Baga"})
    assert may_match(dated, undated, 3) and not may_match(dated, elsewhere, 3)
    res = score_pair(dated, undated)
    assert res is not None and res[0] >= 0.6 and res[1]["place"]["score"] == 1.0
    assert set(candidate_pairs([dated, undated, elsewhere], 3)) == {(0, 1)}


def test_a_ceiling_alone_sets_no_minimum():
    from faultlines.resolve.incidents import _merge_range

    low, high, disputed = _merge_range([(200, None), (1, 2000), (100, 100)])
    assert (low, high, disputed) == (100, 2000, True)
    assert _merge_range([(1, 2000)])[:2] == (1, 2000)


def test_two_towns_apart_are_two_places():
    a = ev("t1", "a.txt", place="Baqubah", gid=98854, lat=33.75, lon=44.64)
    near = ev("t2", "b.txt", place="Buhriz", gid=99999, lat=33.73, lon=44.65)  # 2 km: one place, two names
    far = ev("t3", "c.txt", place="Khalis", gid=99998, lat=33.81, lon=44.53)  # 12 km: another town
    assert "two towns" not in score_pair(a, near)[1]["place"]["why"]
    res = score_pair(a, far)
    assert res is not None and "two towns" in res[1]["place"]["why"] and res[1]["place"]["score"] < 0.5
