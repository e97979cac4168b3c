"""Load the cleaning rules (regexes kept as data in ``faultlines/data/cleaning.yaml``) into compiled form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from faultlines.errors import InputError

DEFAULT_RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "cleaning.yaml"


@dataclass(frozen=True)
class LineRule:
    """Drop a whole line that fully matches one of ``patterns`` and is at most ``max_length`` characters."""

    name: str
    max_length: int
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, line: str) -> bool:
        return len(line) <= self.max_length and any(p.fullmatch(line) for p in self.patterns)


@dataclass(frozen=True)
class InlineRule:
    """Rewrite markup inside a line: drop the match, keep one of its groups, or unescape an entity."""

    name: str
    pattern: re.Pattern[str]
    keep: int | None = None
    action: str = "drop"  # drop | unescape


@dataclass(frozen=True)
class FooterRule:
    """A short boilerplate block after a separator line at the end of the text (see ``footer_block`` in the YAML)."""

    name: str
    separator: re.Pattern[str]
    signals: re.Pattern[str]
    min_position: float
    max_paragraphs: int
    max_chars: int


@dataclass(frozen=True)
class CleaningRules:
    """Every rule the plain-text cleaner applies (see the YAML file for what each part means)."""

    comment_headers: tuple[re.Pattern[str], ...]
    comment_min_position: float
    comment_max_length: int
    line_rules: tuple[LineRule, ...]
    spam_name: str
    spam_terms: re.Pattern[str]
    spam_max_length: int
    spam_min_terms: int
    spam_short_length: int
    byline_patterns: tuple[re.Pattern[str], ...]
    byline_max_index: int
    byline_max_length: int
    inline_rules: tuple[InlineRule, ...]
    footer: FooterRule | None = None


def _compile(pattern: str, *, case_sensitive: bool = False, multiline: bool = False) -> re.Pattern[str]:
    flags = 0 if case_sensitive else re.IGNORECASE
    if multiline:
        flags |= re.MULTILINE
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise InputError(f"bad cleaning rule {pattern!r}: {exc}") from exc


def rules_from_dict(data: dict[str, Any]) -> CleaningRules:
    """Compile a rules mapping shaped like ``cleaning.yaml``."""
    cs = data.get("comment_section") or {}
    spam = data.get("link_spam") or {}
    by = data.get("bylines") or {}
    by_cs = bool(by.get("case_sensitive", False))
    line_rules = tuple(
        LineRule(r["name"], int(r.get("max_length", 200)), (_compile("|".join(f"(?:{p})" for p in r["patterns"])),))
        for r in data.get("line_rules") or [] if r.get("patterns")
    )
    inline = tuple(
        InlineRule(r["name"], _compile(r["pattern"], multiline=bool(r.get("multiline"))),
                   keep=r.get("keep"), action=r.get("action", "drop"))
        for r in data.get("inline_rules") or []
    )
    terms = [t for t in spam.get("terms", []) if t]
    for r in data.get("line_rules") or []:
        for p in r.get("patterns") or []:
            _compile(p)  # a bad pattern is reported on its own, not as part of the joined alternation
    footer = _footer_rule(data.get("footer_block") or {})
    spam_re = _compile(r"\b(" + "|".join(terms) + r")\b") if terms else re.compile(r"(?!x)x")
    return CleaningRules(
        comment_headers=tuple(_compile(p) for p in cs.get("headers", [])),
        comment_min_position=float(cs.get("min_position", 0.3)),
        comment_max_length=int(cs.get("max_length", 100)),
        line_rules=line_rules,
        spam_name=str(spam.get("name", "link-spam")),
        spam_terms=spam_re,
        spam_max_length=int(spam.get("max_length", 160)),
        spam_min_terms=int(spam.get("min_terms", 2)),
        spam_short_length=int(spam.get("short_length", 40)),
        byline_patterns=tuple(_compile(p, case_sensitive=by_cs) for p in by.get("patterns", [])),
        byline_max_index=int(by.get("max_line_index", 8)),
        byline_max_length=int(by.get("max_length", 120)),
        inline_rules=inline,
        footer=footer,
    )


def _footer_rule(fb: dict[str, Any]) -> FooterRule | None:
    """The trailing-footer rule, or None when the mapping has no separators or no signals."""
    seps, signals = fb.get("separators") or [], fb.get("signals") or []
    if not seps or not signals:
        return None
    return FooterRule(
        name=str(fb.get("name", "footer-block")),
        separator=_compile("|".join(f"(?:{p})" for p in seps)),
        signals=_compile("|".join(f"(?:{p})" for p in signals)),
        min_position=float(fb.get("min_position", 0.5)),
        max_paragraphs=int(fb.get("max_paragraphs", 3)),
        max_chars=int(fb.get("max_chars", 500)),
    )


def load_rules(path: str | Path | None = None) -> CleaningRules:
    """The shipped rules, or the rules in ``path`` (a YAML file shaped like the shipped one)."""
    if path is None:
        return _default_rules()
    with open(path, encoding="utf-8") as fh:
        return rules_from_dict(yaml.safe_load(fh) or {})


@lru_cache(maxsize=1)
def _default_rules() -> CleaningRules:
    return load_rules(DEFAULT_RULES_PATH)
