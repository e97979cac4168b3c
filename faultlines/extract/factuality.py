"""Factuality of an event mention: did the text assert it happened, or only imagine, predict, deny or generalise it?

The answer is one of ``asserted``, ``reported``, ``hypothetical``, ``predicted``, ``negated``, ``habitual`` or
``background`` (see ``faultlines.model.Factuality``). Cues come from factuality.yaml and are read off the
dependency parse around the trigger: the clause chain from the trigger up to the sentence root (stopping at
relative clauses, which carry their own tense), its auxiliaries, ``mark`` and ``neg`` children, frequency
adverbs, question marks and reporting verbs. The first matching class wins, in the order
hypothetical > negated > predicted > habitual > background > reported > asserted.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from faultlines.analyze.parsed import parsed, span_text
from faultlines.extract.casualties import parse_casualties
from faultlines.model import TimeExpression

LEXICON = Path(__file__).resolve().parent.parent / "data" / "lexicon" / "factuality.yaml"
FACTUALITIES = ("asserted", "reported", "hypothetical", "predicted", "negated", "habitual", "background")
_STOP_DEPS = {"relcl"}
_COMPLEMENT_DEPS = {"xcomp", "ccomp", "dobj", "prep", "pobj", "nsubjpass", "nsubj", "acomp", "attr", "advcl"}  # a relative clause has its own tense and modality
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)s?\b")


def _phrases(words: list[str], *, lowered: bool = True) -> re.Pattern[str] | None:
    """One pattern for a list of phrases. ``lowered``: it is only searched in lower-cased text, so it needs no
    re.IGNORECASE, which makes Python's re several times slower."""
    words = [w for w in words if w]
    if not words:
        return None
    alt = "|".join(re.escape(w.lower()).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])", 0 if lowered else re.I)


class _Cues:
    """The compiled factuality lexicon."""

    def __init__(self, data: dict[str, Any]) -> None:
        def words(key: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in data.get(key) or [])

        self.conditional_marks = words("conditional_marks")
        self.hypothetical = _phrases(data.get("hypothetical_phrases") or [])
        self.predicted_modals = words("predicted_modals")
        self.hypothetical_modals = words("hypothetical_modals")
        self.plan_verbs = words("plan_verbs")
        self.plan = _phrases(data.get("plan_phrases") or [])
        self.predicted_modifiers = words("predicted_modifiers")
        self.negating_verbs = words("negating_verbs")
        self.habitual_words = words("habitual_words")
        self.habitual = _phrases(data.get("habitual_phrases") or [])
        self.reporting_verbs = words("reporting_verbs")
        self.reporting = _phrases(data.get("reporting_phrases") or [])
        self.background = _phrases(data.get("background_phrases") or [], lowered=False)
        self.background_days = int(data.get("background_days", 365))
        self.history_days = int(data.get("history_days", 3 * 365))


@functools.lru_cache(maxsize=4)
def load_cues(path: str | None = None) -> _Cues:
    with open(path or LEXICON, encoding="utf-8") as fh:
        return _Cues(yaml.safe_load(fh) or {})


def clause_chain(token: Any) -> list[Any]:
    """The trigger and the heads that govern its clause, up to the root (not beyond a relative clause)."""
    chain = [token]
    while token.dep_ not in _STOP_DEPS and token.head.i != token.i:
        token = token.head
        chain.append(token)
    return chain


def _is_verbal(t: Any) -> bool:
    return t.pos_ in ("VERB", "AUX") or t.tag_.startswith("VB")


def _verbal(chain: list[Any]) -> list[Any]:
    return [t for t in chain if _is_verbal(t)]


def _search(pattern: re.Pattern[str] | None, text: str, memo: dict[Any, Any] | None = None) -> bool:
    """``pattern.search(text)``; remembered in ``memo`` (the document's) when given: a sentence is classified
    once per trigger and per date check."""
    if pattern is None:
        return False
    if memo is None:
        return pattern.search(text) is not None
    key = (pattern, text)
    found = memo.get(key)
    if found is None:
        found = memo[key] = pattern.search(text) is not None
    return bool(found)


def _bare_plural(tok: Any) -> bool:
    return tok.tag_ in ("NNS", "NNPS") and not any(c.dep_ in ("det", "poss", "nummod") for c in tok.children)


def _generic_present(verbs: list[Any]) -> bool:
    """The governing verb is a simple present (active or passive) with a bare plural subject."""
    if not verbs:
        return False
    head = verbs[0]
    auxes = [c for c in head.children if c.dep_ in ("aux", "auxpass")]
    if any(a.tag_ in ("VBD", "MD") or a.lower_ in ("has", "have", "had", "been") for a in auxes):
        return False
    if head.tag_ == "VBG" and any(a.lemma_ == "be" for a in auxes):
        return False  # progressive: ongoing, not habitual
    if not (head.tag_ == "VBP" or (head.tag_ == "VBN" and any(a.tag_ == "VBP" for a in auxes))):
        return False
    subj = next((c for t in verbs for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subj is not None and (_bare_plural(subj) or subj.lower_ in ("they", "we"))


def _no_past_generic(sent: Any) -> bool:
    """No past or perfect verb anywhere and a bare plural opening noun phrase (robust to mis-parsed verbs)."""
    if any(t.tag_ in ("VBD", "MD") or (t.lower_ in ("has", "have", "had") and t.dep_ == "aux") for t in sent):
        return False
    chunks = [c for c in sent.noun_chunks if c.root.dep_ not in ("pobj", "npadvmod")] if sent.doc.has_annotation(
        "DEP") else []
    return bool(chunks) and _bare_plural(chunks[0].root)


def _is_habitual_present(sent: Any, chain: list[Any], analysis: Any, cues: _Cues) -> bool:
    """Present-simple generic statements ("insurgents wheel car bombs ...", "victims are arrested ...")."""
    # every condition must hold: the cheap ones first
    verbs = _verbal(chain)
    if any(v.lemma_.lower() in cues.reporting_verbs for v in verbs):
        return False  # "forces report ...": a present-tense report of a past event
    if not span_text(sent).rstrip().endswith((".", "!", ";")):
        return False  # headlines use the present for past events
    if any(e.label_ in ("GPE", "LOC", "FAC", "DATE", "TIME") for e in parsed(sent.doc).ents_in(sent)):
        return False
    if analysis is not None:
        s, e = sent.start_char, sent.end_char
        if any(s <= p.start < e for p in getattr(analysis, "places", ()) or ()):
            return False
        if any(t.char_start is not None and s <= t.char_start < e for t in getattr(analysis, "times", ()) or ()):
            return False
    return _generic_present(verbs) or _no_past_generic(sent)


def _published(analysis: Any) -> date | None:
    doc = getattr(analysis, "document", None)
    return getattr(doc, "published", None) if doc is not None else None


def _is_background(sent: Any, analysis: Any, event_date: TimeExpression | None, specific: bool,
                   cues: _Cues) -> bool:
    """A reference to a long-past period that the text frames as history, not a new incident."""
    published = _published(analysis)
    if published is None:
        return False
    old = False
    if event_date is not None and event_date.end is not None:
        old = (published - event_date.end).days > cues.background_days
    else:
        years = [int(y) for y in _YEAR.findall(span_text(sent))]
        old = bool(years) and max(years) < published.year - 1
    if not old:
        return False
    if event_date is not None and event_date.end is not None and (
            published - event_date.end).days > cues.history_days:
        return True  # so long ago that even a named place and action is history told as context
    if specific:
        return False  # a named place and a concrete action: a dated past incident, not background
    if event_date is not None and event_date.precision == "day" and _has_toll(span_text(sent)):
        return False  # "on February 14, 2020, the village was attacked again, killing 35": its day and its toll
    return _search(cues.background, span_text(sent)) or event_date is not None


def _has_toll(text: str) -> bool:
    figures = parse_casualties(text)
    return figures.killed.known or figures.casualties.known


def is_background(span: Any, analysis: Any, event_date: TimeExpression | None, specific: bool) -> bool:
    """The background test of ``classify_factuality`` alone. For a mention that ``classify_factuality`` (without a
    date) found asserted or reported, every earlier test came out negative and does not depend on the date, so
    ``classify_factuality(..., event_date=d, specific=s)`` is "background" exactly when this is True."""
    sent = span.sent if hasattr(span, "sent") else span
    return _is_background(sent, analysis, event_date, specific, load_cues())


def classify_factuality(
    span: Any,
    analysis: Any = None,
    *,
    trigger: Any = None,
    event_date: TimeExpression | None = None,
    specific: bool = False,
) -> str:
    """The factuality of the event mention triggered by ``trigger`` (default: the span's root) in ``span``.

    ``span`` is a spaCy Span (usually the sentence) or a whole Doc; ``event_date`` and ``specific`` (a concrete
    place and action) decide between a dated past incident and a background reference.
    """
    cues = load_cues()
    if hasattr(span, "doc"):
        sent = span.sent
    else:  # a whole Doc: read as one span
        span = sent = span[:]
    token = trigger if trigger is not None else span.root
    chain = clause_chain(token)
    text = span_text(sent)
    lower = text.lower()
    memo = parsed(sent.doc).memo("factuality")
    # (dependency, lower case, tag) of each chain token's children, read once: the tests below look at them often
    kids = [[(c.dep_, c.lower_, c.tag_) for c in t.children] for t in chain]
    # hypothetical: conditions, questions, counterfactual frames
    for k in kids:
        if any(dep == "mark" and low in cues.conditional_marks for dep, low, _ in k):
            return "hypothetical"
    if text.rstrip().endswith("?") or _search(cues.hypothetical, lower, memo):
        return "hypothetical"
    # negated
    for t, k in zip(chain[:3], kids, strict=False):
        if any(dep == "neg" for dep, _, _ in k):
            return "negated"
        if t.i != token.i and t.lemma_.lower() in cues.negating_verbs:
            return "negated"
    noun = token.pos_ == "NOUN"  # chain[0] is the token itself: kids[0] are its children
    if noun and any(dep == "det" and low == "no" for dep, low, _ in kids[0]):
        return "negated"
    # predicted / hypothetical modals, plans
    if noun and any(dep == "amod" and low in cues.predicted_modifiers for dep, low, _ in kids[0]):
        return "predicted"
    past = False  # a clause in the simple past under the trigger: a modal further up frames the telling
    for t, k in zip(chain, kids, strict=True):
        if not _is_verbal(t):
            continue
        if past:
            break  # "we will remind that on April 7 the enemy struck ...": struck happened
        past = t.tag_ == "VBD"
        for dep, low, tag in k:
            if dep in ("aux", "auxpass") and tag == "MD":
                if low in cues.hypothetical_modals:
                    return "hypothetical"
                if low in cues.predicted_modals:
                    return "predicted"
            if dep == "aux" and low == "to" and t.i == token.i and token.head.lemma_.lower() in cues.plan_verbs:
                return "predicted"
    for child, t in zip(chain, chain[1:], strict=False):
        if t.lemma_.lower() in cues.plan_verbs and child.dep_ in _COMPLEMENT_DEPS:
            return "predicted"
    if cues.plan and any(cues.plan.search(lower[max(0, t.idx - sent.start_char - 12): t.idx - sent.start_char + 1])
                         for t in chain[:2]):
        return "predicted"
    # habitual
    for k in kids:
        if any(dep in ("advmod", "npadvmod", "amod") and low in cues.habitual_words for dep, low, _ in k):
            return "habitual"
    if _search(cues.habitual, lower, memo) or _is_habitual_present(sent, chain, analysis, cues):
        return "habitual"
    # background
    if _is_background(sent, analysis, event_date, specific, cues):
        return "background"
    # reported
    if any(t.i != token.i and t.lemma_.lower() in cues.reporting_verbs for t in chain) or _search(
        cues.reporting, lower, memo
    ):
        return "reported"
    return "asserted"


__all__ = ["FACTUALITIES", "classify_factuality", "clause_chain", "is_background", "load_cues"]
