"""Clean plain text and Markdown: drop comment sections, page furniture and markup, keep offsets into the raw text."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from faultlines.clean.result import CleanResult
from faultlines.clean.rules import CleaningRules, InlineRule, load_rules
from faultlines.clean.tracked import Edit, TrackedText

log = logging.getLogger(__name__)

_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
_MAX_RULE_LINE = 600  # longer lines are body text: no line rule looks at them
_LIST_MARKER = re.compile(r"\s*(\d{1,5}[.)]|[-*+•])\s")
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_CR = re.compile(r"\r\n?")
_TRAILING_SPACE = re.compile(r"[ \t\f\v\u00a0\u200b\ufeff]+(?=\n|\Z)")
_INVISIBLE = re.compile(r"[\u200b\ufeff\u00ad]")
_BLANK_RUN = re.compile(r"\n{3,}")
_MARKUP_CHAR = re.compile(r"[*_<>&\\#!\[\]]")  # no inline rule can match a line without one of these
_LEAD = re.compile(r"\A\s+")
_TAIL = re.compile(r"\s+\Z")


def clean_text(raw: str, *, rules: CleaningRules | None = None, markup: bool = True) -> CleanResult:
    """Clean ``raw`` plain text or Markdown; ``markup=False`` leaves inline markup alone (for extracted HTML)."""
    rules = rules or load_rules()
    tracked = TrackedText(raw)
    metadata: dict[str, Any] = {}
    tracked.apply(_line_edits(raw, rules, metadata))
    if markup:
        for rule in rules.inline_rules:
            tracked.apply(_inline_edits(tracked.text, rule))
    tracked.apply(_long_token_edits(tracked.text))
    tracked.apply(_newline_edits(tracked.text))
    tracked.apply(_space_edits(tracked.text))
    tracked.apply(_blank_edits(tracked.text))
    return CleanResult(tracked.text, tracked.offset_map(), tuple(tracked.removed), metadata)


def strip_markup(line: str, rules: CleaningRules) -> str:
    """The line with its inline markup removed, for rule matching only (offsets are not tracked here)."""
    if not _MARKUP_CHAR.search(line):
        return line.strip()
    for rule in rules.inline_rules:
        if rule.action == "unescape":
            line = rule.pattern.sub(lambda m: html.unescape(m.group(0)), line)
        elif rule.keep is not None:
            line = rule.pattern.sub(_group_getter(rule.keep), line)
        else:
            line = rule.pattern.sub("", line)
    return line.strip()


def _group_getter(group: int) -> Callable[[re.Match[str]], str]:
    return lambda m: m.group(group) or ""


def _lines(raw: str) -> Iterator[tuple[int, int, str]]:
    """(start, end including the newline, content without line ending) for each line."""
    for m in _LINE.finditer(raw):
        yield m.start(), m.end(), m.group(0).rstrip("\r\n")


def _line_edits(raw: str, rules: CleaningRules, metadata: dict[str, Any]) -> list[Edit]:
    edits: list[Edit] = []
    min_comment_pos = rules.comment_min_position * len(raw)
    lines = list(_lines(raw))
    views: dict[int, str] = {}  # line index -> markup-free view, for non-blank lines short enough for rules
    dropped: set[int] = set()  # line indexes a line rule drops
    stop = len(lines)  # index of the comment-section header, if any
    nonblank = 0
    for i, (start, end, content) in enumerate(lines):
        if not content.strip():
            continue
        nonblank += 1
        if len(content) > _MAX_RULE_LINE:
            continue
        view = views[i] = strip_markup(content, rules)
        if nonblank <= rules.byline_max_index:
            _read_byline(view, content.strip(), rules, metadata)
        if start >= min_comment_pos and _is_comment_header(view, rules):
            edits.append(Edit(start, len(raw), "", "comment-section"))
            stop = i
            break
        rule = next((r.name for r in rules.line_rules if r.matches(view)), None)
        if rule is None and _is_link_spam(view, content, rules):
            rule = rules.spam_name
        if rule is not None:
            edits.append(Edit(start, end, "", rule))
            dropped.add(i)
    footer = _footer_edit(lines, stop, views, dropped, rules)
    if footer is not None:
        edits = [e for e in edits if e.end <= footer.start or e.start >= footer.end] + [footer]
    return edits


def _footer_edit(lines: list[tuple[int, int, str]], stop: int, views: dict[int, str], dropped: set[int],
                 rules: CleaningRules) -> Edit | None:
    """The edit dropping a trailing separator plus the short boilerplate paragraphs after it (before ``stop``)."""
    fr = rules.footer
    if fr is None or stop == 0:
        return None
    end = lines[stop][0] if stop < len(lines) else lines[-1][1]
    paragraphs = chars = 0
    seen = False  # any non-blank line below the current position
    para: list[int] = []  # line indexes of the paragraph being read, bottom-up
    found: int | None = None
    for i in range(stop - 1, -1, -1):
        content = lines[i][2]
        is_sep = bool(content.strip()) and fr.separator.fullmatch(content.strip()) is not None
        if para and (is_sep or not content.strip()):  # a paragraph is complete: judge it
            if not all(j in dropped for j in para):  # paragraphs line rules drop anyway count for nothing
                text = " ".join(views[j] for j in reversed(para))
                paragraphs += 1
                chars += len(text)
                if paragraphs > fr.max_paragraphs or chars > fr.max_chars or not fr.signals.search(text):
                    return _footer_at(found, end, fr.name)
            para = []
        if is_sep:
            if lines[i][0] < fr.min_position * end:
                break
            if seen:
                found = lines[i][0]
        elif content.strip():
            if i not in views:
                break
            para.append(i)
            seen = True
    return _footer_at(found, end, fr.name)


def _footer_at(start: int | None, end: int, name: str) -> Edit | None:
    return None if start is None else Edit(start, end, "", name)


def _is_comment_header(view: str, rules: CleaningRules) -> bool:
    return len(view) <= rules.comment_max_length and any(p.fullmatch(view) for p in rules.comment_headers)


def _is_link_spam(view: str, content: str, rules: CleaningRules) -> bool:
    if len(view) > rules.spam_max_length:
        return False
    terms = {m.group(0).lower() for m in rules.spam_terms.finditer(view)}
    if len(terms) >= rules.spam_min_terms:
        return True
    return bool(terms) and (bool(_LIST_MARKER.match(content)) or bool(_URL.search(content))
                            or len(view) <= rules.spam_short_length)


def _read_byline(view: str, raw_line: str, rules: CleaningRules, metadata: dict[str, Any]) -> None:
    if len(view) > rules.byline_max_length:
        return
    for pattern in rules.byline_patterns:
        m = pattern.fullmatch(view) or pattern.fullmatch(raw_line)
        if m:
            for key, value in m.groupdict().items():
                if value and key not in metadata:
                    metadata[key] = value.strip()
            return


def _inline_edits(text: str, rule: InlineRule) -> list[Edit]:
    """The edits one inline rule makes to ``text``."""
    edits: list[Edit] = []
    for m in rule.pattern.finditer(text):
        if rule.action == "unescape":
            rep = html.unescape(m.group(0))
            if rep != m.group(0):
                edits.append(Edit(m.start(), m.end(), rep, rule.name))
        elif rule.keep is not None and m.group(rule.keep) is not None:
            g0, g1 = m.span(rule.keep)
            edits.append(Edit(m.start(), g0, "", rule.name))
            edits.append(Edit(g1, m.end(), "", rule.name))
        elif edits and edits[-1].end == m.start() and not edits[-1].replacement:  # a run of markup: one edit
            edits[-1] = Edit(edits[-1].start, m.end(), "", rule.name)
        else:
            edits.append(Edit(m.start(), m.end(), "", rule.name))
    return edits


MAX_TOKEN_CHARS = 1000  # no word of prose is this long; the tokenizer's time grows with the square of a token's length
_LONG_TOKEN = re.compile(rf"\S{{{MAX_TOKEN_CHARS + 1},}}")


def _long_token_edits(text: str) -> list[Edit]:
    """Runs of more than MAX_TOKEN_CHARS characters without a space out ("[[[[...", base64, a minified script)."""
    return [Edit(m.start(), m.end(), "", "long-token") for m in _LONG_TOKEN.finditer(text)]


def _newline_edits(text: str) -> list[Edit]:
    """Line endings to ``\\n``."""
    edits = [Edit(m.start(), m.start() + 1, "", "whitespace") if m.group(0) == "\r\n"
             else Edit(m.start(), m.end(), "\n", "whitespace") for m in _CR.finditer(text)]
    return edits


def _space_edits(text: str) -> list[Edit]:
    """Invisible characters and trailing spaces out."""
    edits = [Edit(m.start(), m.end(), "", "whitespace") for m in _INVISIBLE.finditer(text)]
    edits += [Edit(m.start(), m.end(), "", "whitespace") for m in _TRAILING_SPACE.finditer(text)]
    return _disjoint(edits)


def _blank_edits(text: str) -> list[Edit]:
    """At most one blank line between paragraphs; no leading or trailing whitespace."""
    edits = [Edit(m.start() + 2, m.end(), "", "whitespace") for m in _BLANK_RUN.finditer(text)]
    for m in (_LEAD.search(text), _TAIL.search(text)):
        if m:
            edits.append(Edit(m.start(), m.end(), "", "whitespace"))
    return _disjoint(edits)


def _disjoint(edits: list[Edit]) -> list[Edit]:
    """Merge overlapping deletions so TrackedText.apply keeps all of them."""
    out: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if out and e.start < out[-1].end and not e.replacement and not out[-1].replacement:
            prev = out[-1]
            out[-1] = Edit(prev.start, max(prev.end, e.end), "", prev.rule)
        elif out and e.start < out[-1].end:
            continue
        else:
            out.append(e)
    return out
