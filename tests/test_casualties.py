"""Casualty figures: the quantity convention and which numbers count as victims."""

from __future__ import annotations

import pytest

from faultlines.extract.casualties import parse_casualties, parse_quantity


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("52", 52, 52),
        ("1,200", 1200, 1200),
        ("seven", 7, 7),
        ("forty-five", 45, 45),
        ("two hundred and fifty", 250, 250),
        ("two dozen", 24, 24),
        ("a dozen", 12, 12),
        ("at least 70", 70, None),
        ("over 40", 41, None),
        ("more than 40", 41, None),
        ("up to 30", 1, 30),
        ("fewer than 10", 1, 9),
        ("nearly 50", 45, 49),
        ("about 100", 100, 100),
        ("some 80", 80, 80),
        ("between 64 and 75", 64, 75),
        ("20 to 30", 20, 30),
        ("20-30", 20, 30),
        ("dozens", 24, None),
        ("scores of", 20, None),
        ("hundreds", 200, None),
        ("1.5 million", 1_500_000, 1_500_000),
    ],
)
def test_parse_quantity(text: str, low: int | None, high: int | None) -> None:
    count = parse_quantity(text)
    assert count is not None
    assert (count.low, count.high) == (low, high)


@pytest.mark.parametrize("text", ["", "hello", "the army", "1" + "0" * 30])
def test_parse_quantity_refuses(text: str) -> None:
    assert parse_quantity(text) is None


def _fig(text: str) -> dict[str, tuple[int | None, int | None]]:
    figures = parse_casualties(text)
    kinds = ("killed", "injured", "casualties", "abducted", "arrested")
    return {k: (getattr(figures, k).low, getattr(figures, k).high) for k in kinds if getattr(figures, k).known}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Gunmen raided the shrine and massacred over 40 pilgrims.", {"killed": (41, None)}),
        ("Rival accounts give the number of dead as between 64 and 75.", {"killed": (64, 75)}),
        ("Troops raided the camp, killing 52 residents and kidnapping seven others.",
         {"killed": (52, 52), "abducted": (7, 7)}),
        ("The blast at the party ended up killing and injuring at least 70 guests.", {"casualties": (70, None)}),
        ("Shells killed or wounded 70 villagers.", {"casualties": (70, 70)}),
        ("Officials counted 70 casualties after the raid.", {"casualties": (70, 70)}),
        ("Nine soldiers were killed and 30 wounded at the checkpoint.", {"killed": (9, 9), "injured": (30, 30)}),
        ("The toll climbed to 15, after 10 killed were counted at first.", {"killed": (15, 15)}),
        ("Militants shot 5 policemen and 3 farmers, including 2 women.", {}),
        ("Militants killed 5 policemen and 3 farmers, including 2 women.", {"killed": (8, 8)}),
        ("Police arrested 20 protesters and detained three journalists.", {"arrested": (23, 23)}),
        ("One source said some 40 people died while another said 70 people died.", {"killed": (40, 70)}),
        ("The bombing left 12 people dead and dozens injured.", {"killed": (12, 12), "injured": (24, None)}),
        ("A policeman was killed by a sniper.", {"killed": (1, 1)}),
        ("Nobody was hurt in the explosion.", {"injured": (0, 0)}),
    ],
)
def test_parse_casualties(sentence: str, expected: dict) -> None:
    assert _fig(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The coalition flew 90 airstrikes in two days.",
        "The town lies 75 miles north of the capital.",
        "Donors pledged $500 million to rebuild the city.",
        "Fighters still hold 20% of the city.",
        "A 12-year-old boy was hurt in 2014.",
        "The siege lasted three weeks and 2 tanks were lost.",
        "Rebels were killed in 2015 during the offensive.",
        "He claimed 10000000000000000000000000 people were killed.",
    ],
)
def test_numbers_that_are_not_victims(sentence: str) -> None:
    figures = parse_casualties(sentence)
    assert not figures.killed.known or (figures.killed.low, figures.killed.high) != (2014, 2014)
    assert all((getattr(figures, k).low or 0) < 1000 for k in ("killed", "injured", "casualties"))
    assert not figures.casualties.known
    if "12-year-old" not in sentence and "Rebels" not in sentence:
        assert not figures.any


@pytest.mark.parametrize(("text", "n"), [
    ("Death toll from car bomb in northern market town rises to 64", 64),
    ("Toll from Tuesday's twin suicide bombings at the bus station raised to 38", 38),
])
def test_headline_toll_updates(nlp, text, n):
    from faultlines.extract.casualties import parse_casualties

    assert parse_casualties(nlp(text)[:]).killed.low == n


def test_homicides_and_murders_are_deaths():
    assert parse_casualties("The state recorded 1,950 homicides in 2019.").killed.low == 1950
    assert parse_casualties("Police counted 310 murders in the port city last year.").killed.low == 310
