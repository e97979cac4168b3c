"""The regular-expression prefilter: it may only skip a pattern that cannot match (never changes results)."""

from __future__ import annotations

import random
import re

import pytest

from faultlines.extract.prefilter import K, StartIndex, lengths_of, may_match, starts, word_starts


@pytest.mark.parametrize("pattern, expected", [
    ("air ?strikes?", {"airst", "air s"}),
    (r"(hand )?grenades?", {"hand ", "grena"}),
    (r"\bieds?\b", {"ied"}),  # "ieds" begins with "ied": listing it would add nothing
    ("[sz]x|ab", {"sx", "zx", "ab"}),
    (r"molest\w*", {"moles"}),  # what follows the first K characters is never read
    ("rap(e|ed)", {"rape"}),
    (r"(?:gang[- ]rap\w*)", {"gang-", "gang "}),
    (r"(seiz|hid)\w* .{0,60}arms", {"seiz", "hid"}),  # what cannot be listed leaves the letters before it
    (r"ab(\w+ )?cd", {"ab"}),
    (r"ab(?i:x)y", {"ab"}),
])
def test_starts_lists_what_matches_begin_with(pattern, expected):
    assert K == 5
    assert starts(pattern) == frozenset(expected)


@pytest.mark.parametrize("pattern", [r"\w+ attack", r".{0,3}x", "a?", "", r"[^a]bc", "(?i:x)y", " lead", "-x"])
def test_starts_gives_up_on_what_it_cannot_list(pattern):
    """Leading classes, wildcards, empty matches, inline flags, and matches that need not start with a word."""
    assert starts(pattern) is None


def test_open_starts_never_skip_a_match():
    """Patterns with unlistable parts after their first letters, on random texts: a match is never skipped."""
    rng = random.Random(11)
    patterns = [r"(seiz|hid|stor)\w* .{0,20}(arms|guns?)", r"ab(\w+ )?cd", r"downed (\w+ ){0,2}jets?", r"x[^a]y"]
    firsts = [starts(p) for p in patterns]
    assert all(f is not None for f in firsts)
    compiled = [re.compile(rf"(?<![\w-])(?:{p})") for p in patterns]
    lengths = lengths_of(*firsts)
    alphabet = ["seiz", "hid", "stor", "ed", "ing", "arms", "gun", "s", "ab", "cd", "downed", "jet", "x", "y", "b",
                " ", " ", "-", "ab cd", "hide"]
    matched = 0
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        keys = word_starts(text, lengths)
        for first, rx in zip(firsts, compiled, strict=True):
            if rx.search(text):
                matched += 1
                assert may_match(first, keys), (rx.pattern, text)
    assert matched > 150


def test_word_starts_follow_the_lexicon_anchor():
    keys = word_starts("the car-bomb hit al-qaeda", range(1, K + 1))
    assert {"t", "th", "the", "the ", "the c", "car-b", "hit a", "al-qa", "hit"} <= keys
    assert not {"bomb", "qaeda", "b", "q"} & keys  # after a hyphen is not a word start for the lexicon
    assert word_starts("", (3,)) == frozenset()


def _lexicon_patterns() -> list[tuple[str, re.Pattern[str]]]:
    from faultlines.extract.events import load_lexicon
    from faultlines.extract.prefilter import case_sensitive

    lexicon = load_lexicon()
    out = []
    for first, rx in [(c.first, c.phrases) for c in lexicon.cues] + [(lexicon.non_conflict_first, lexicon.non_conflict)]:
        fast = case_sensitive(rx)
        if fast is not None:
            out.append((first, fast))
    return out


def test_no_trigger_pattern_is_skipped_where_it_matches():
    """Random texts built from the lexicon's own words (triggers and off-topic phrases), cut and glued at random: whenever a trigger pattern
    matches, the prefilter must let it through; and it does skip most patterns most of the time."""
    rng = random.Random(7)
    patterns = _lexicon_patterns()
    assert sum(first is not None for first, _ in patterns) >= 20  # nearly every cue can be skipped
    lengths = lengths_of(*(first for first, _ in patterns))
    vocab = sorted({w for _, rx in patterns for w in re.findall(r"[a-z]{2,}", rx.pattern)})
    filler = ["the", "a", "of", "in", "near", "town", "on", "-", ",", ".", "and", "al-", "x", "\n"]
    skipped = matched = 0
    index = StartIndex(first for first, _ in patterns)
    for _ in range(3000):
        words = [rng.choice(vocab if rng.random() < 0.5 else filler) for _ in range(rng.randint(1, 14))]
        words = [w[: rng.randint(1, len(w))] if rng.random() < 0.15 else w for w in words]
        seps = [rng.choice([" ", " ", " ", "", "-", ", "]) for _ in words]
        text = "".join(w + s for w, s in zip(words, seps, strict=True))
        keys = word_starts(text, lengths)
        # the index gives exactly the patterns that may_match, in order
        assert index.candidates(text) == [i for i, (first, _) in enumerate(patterns) if may_match(first, keys)]
        for first, rx in patterns:
            hit = rx.search(text) is not None
            matched += hit
            if not may_match(first, keys):
                skipped += 1
                assert not hit, (rx.pattern[:80], text)
    assert matched > 500 and skipped > 10000


def test_the_cue_matcher_finds_what_a_plain_search_finds():
    """The event lexicon's matcher: the triggers it lets through and their spans are those of a plain
    case-insensitive search, in lower-cased and in mixed-case sentences written for the test."""
    from faultlines.extract.events import load_lexicon
    from faultlines.extract.prefilter import CueMatcher, lowered

    lx = load_lexicon()
    matcher = CueMatcher([c.phrases for c in lx.cues], [c.first if c.phrases is not None else frozenset()
                                                        for c in lx.cues], lx.non_conflict, lx.non_conflict_first)
    sentences = ["Gunmen ambushed a convoy near Kalemie and killed six soldiers.",
                 "jets bombed the market of the town on friday, killing 12 people.",
                 "A fire in a textile factory killed 30 workers, the police said.",
                 "The earthquake destroyed 200 houses and killed 40 people.",
                 "Protesters marched to the governor's office; police fired tear gas.",
                 "İstanbul: a car bomb exploded near a police station."]  # lower-casing changes the length
    offs = 0
    for text in sentences:
        low = lowered(text)
        ids, maybe_off = matcher.candidates(low)
        for i, cue in enumerate(lx.cues):
            plain = [m.span() for m in cue.phrases.finditer(text)] if cue.phrases is not None else []
            assert (matcher.spans(i, text, low) if i in ids else []) == plain, (cue.sub, text)
        off = lx.non_conflict.search(text) is not None
        assert (maybe_off and matcher.off_topic(text, low)) == off, text
        offs += off
    assert offs >= 1  # the off-topic pattern is exercised too
