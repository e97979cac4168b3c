"""Time expressions resolved against the publication date; unknown stays unknown."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faultlines.analyze.dates import TimeResolver, parse_time

SUNDAY = date(2014, 8, 24)


def span(text: str, anchor: date | None = SUNDAY, precision: str = "day"):
    e = parse_time(text, anchor, precision)
    assert e is not None, text
    return e.start, e.end, e.precision


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Friday", (date(2014, 8, 22), date(2014, 8, 22), "day")),
        ("on Friday", (date(2014, 8, 22), date(2014, 8, 22), "day")),
        ("Sunday", (SUNDAY, SUNDAY, "day")),
        ("last Sunday", (date(2014, 8, 17), date(2014, 8, 17), "day")),
        ("last Saturday", (date(2014, 8, 16), date(2014, 8, 23), "range")),  # yesterday, or a week before it
        ("last Friday", (date(2014, 8, 22), date(2014, 8, 22), "day")),
        ("Friday night", (date(2014, 8, 22), date(2014, 8, 22), "day")),
        ("on 22 August", (date(2014, 8, 22), date(2014, 8, 22), "day")),
        ("August 22", (date(2014, 8, 22), date(2014, 8, 22), "day")),
        ("22 August 2014", (date(2014, 8, 22), date(2014, 8, 22), "day")),
        ("Aug. 3, 2009", (date(2009, 8, 3), date(2009, 8, 3), "day")),
        ("mid-November", (date(2013, 11, 11), date(2013, 11, 20), "part-of-month")),
        ("early June", (date(2014, 6, 1), date(2014, 6, 10), "part-of-month")),
        ("late June", (date(2014, 6, 21), date(2014, 6, 30), "part-of-month")),
        ("in June", (date(2014, 6, 1), date(2014, 6, 30), "month")),
        ("in October", (date(2013, 10, 1), date(2013, 10, 31), "month")),
        ("March 2011", (date(2011, 3, 1), date(2011, 3, 31), "month")),
        ("last year", (date(2013, 1, 1), date(2013, 12, 31), "year")),
        ("in 2013", (date(2013, 1, 1), date(2013, 12, 31), "year")),
        ("1979", (date(1979, 1, 1), date(1979, 12, 31), "year")),
        ("2006-2007", (date(2006, 1, 1), date(2007, 12, 31), "range")),
        ("between 2006 and 2007", (date(2006, 1, 1), date(2007, 12, 31), "range")),
        ("the 1980s", (date(1980, 1, 1), date(1989, 12, 31), "range")),
        ("since 2003", (date(2003, 1, 1), SUNDAY, "range")),
        ("over a month in", (date(2014, 7, 24), SUNDAY, "range")),
        ("the past six months", (date(2014, 2, 24), SUNDAY, "range")),
        ("yesterday", (date(2014, 8, 23), date(2014, 8, 23), "day")),
        ("last week", (date(2014, 8, 11), date(2014, 8, 17), "week")),
        ("this week", (date(2014, 8, 18), date(2014, 8, 24), "week")),
        ("two days ago", (date(2014, 8, 22), date(2014, 8, 22), "day")),
    ],
)
def test_expressions_against_a_day_anchor(text: str, expected: tuple) -> None:
    assert span(text) == expected


def test_unknown_stays_unknown_without_anchor() -> None:
    for text in ("Friday", "22 August", "on Friday", "yesterday", "in June", "last week"):
        e = parse_time(text, None)
        assert e is not None and e.text == text
        assert (e.start, e.end, e.precision) == (None, None, "unknown"), text


def test_a_year_in_the_text_needs_no_anchor() -> None:
    assert span("22 August 2014", None) == (date(2014, 8, 22), date(2014, 8, 22), "day")


def test_recently_is_kept_as_unknown() -> None:
    e = parse_time("recently", SUNDAY)
    assert e is not None and e.precision == "unknown" and e.start is None


def test_coarse_anchor_does_not_invent_a_day() -> None:
    start, end, precision = span("Friday", date(2014, 8, 1), "month")
    assert (start, end, precision) == (date(2014, 8, 1), date(2014, 8, 31), "month")
    assert span("in June", date(2014, 1, 1), "year")[0] == date(2014, 6, 1)


def test_not_a_time_expression() -> None:
    assert parse_time("the militia", SUNDAY) is None
    assert parse_time("", SUNDAY) is None


@pytest.mark.parametrize("text", ["99999", "in 99999", "31 February 2014", "45 March", "since 99999",
                                  "100000 years ago", "between 2010 and 2001"])
def test_absurd_numbers_give_unknown(text: str) -> None:
    e = parse_time(text, SUNDAY)
    assert e is None or (e.start is None and e.precision == "unknown")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.one_of(st.none(), st.dates()), st.sampled_from(["day", "month", "year", "unknown"]))
def test_parse_time_never_raises_and_orders_dates(text: str, anchor, precision: str) -> None:
    e = parse_time(text, anchor, precision)
    if e is not None and e.start is not None and e.end is not None:
        assert e.start <= e.end


_WORDS = st.sampled_from(["Friday", "last", "mid-", "June", "22", "2014", "since", "between", "and", "the past",
                          "six", "months", "99999", "1980s", "ago", "week", "over a", "month in", "-", "early"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=5), st.one_of(st.none(), st.dates()))
def test_date_like_word_salad_never_raises(words: list[str], anchor) -> None:
    e = parse_time(" ".join(words), anchor)
    if e is not None and e.start is not None and e.end is not None:
        assert e.start <= e.end


def test_resolver_finds_offsets_in_a_document(nlp, make_doc) -> None:
    text = "Gunmen attacked a market on Friday. The town had been calm since 2003, officials said in mid-November."
    doc = make_doc(text, published=SUNDAY)
    found = {t.text: t for t in TimeResolver()(nlp(text), doc)}
    assert found["Friday"].start == date(2014, 8, 22)
    assert text[found["Friday"].char_start:found["Friday"].char_end] == "Friday"
    assert found["since 2003"].precision == "range"
    assert found["mid-November"].precision == "part-of-month"


def test_an_embedded_post_counts_its_days_from_when_it_was_posted(nlp, make_doc) -> None:
    text = ("Rebels shelled the town on Friday, officials said.\n"
            "Today our forces struck a rebel depot near Kalemie. More to follow\n"
            "— Army Spokesman (@army_spox) August 21, 2014\n"
            "The army said yesterday it would go on.")
    found = {t.text: t for t in TimeResolver()(nlp(text), make_doc(text, published=SUNDAY))}
    assert found["Today"].start == date(2014, 8, 21)  # the post's day, not the article's (Sunday 24)
    assert found["yesterday"].start == date(2014, 8, 23)  # after the post: the article's own days again
    assert found["Friday"].start == date(2014, 8, 22)


def test_resolver_without_publication_date_keeps_unknowns(nlp, make_doc) -> None:
    text = "Gunmen attacked a market on Friday."
    times = TimeResolver()(nlp(text), make_doc(text))
    assert [(t.text, t.precision, t.start) for t in times] == [("Friday", "unknown", None)]


def test_overnight_is_the_night_before_publication():
    assert span("overnight") == (date(2014, 8, 23), date(2014, 8, 23), "day")


def test_overnight_with_a_named_day_takes_the_day(analyzer, make_doc):
    text = "Rockets hit the city overnight Friday, killing three."
    times = analyzer(make_doc(text, published=SUNDAY)).times
    assert [(t.text, t.start) for t in times] == [("Friday", date(2014, 8, 22))]
