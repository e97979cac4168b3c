"""Clean HTML: trafilatura extracts the article text, then each paragraph is aligned back to the raw HTML source.

Alignment: the raw HTML is scanned once into a "visible" stream of its text (tags, comments, scripts and styles
skipped; entities decoded; whitespace runs collapsed to one space), in chunks that remember their raw offsets.
Each extracted paragraph (whitespace collapsed the same way) is looked up in that stream, first whole, then word
by word within a window after the previous match. Characters copied literally from the raw HTML become offset-map segments; characters that came
from an entity (``&amp;``), whitespace that differs from the source, and paragraphs that cannot be found are
synthetic: by the OffsetMap convention they map to the start of the next aligned segment (the nearest aligned
text after them), or to the end of the last one at the end of the document.
"""

from __future__ import annotations

import bisect
import html as htmlmod
import logging
import re
from typing import Any

from faultlines.clean.result import CleanResult
from faultlines.clean.rules import CleaningRules
from faultlines.clean.text import clean_text
from faultlines.clean.tracked import compose
from faultlines.errors import InputError
from faultlines.model import OffsetMap

log = logging.getLogger(__name__)

DEFAULT_MAX_DEPTH = 2000
_WORD_WINDOW = 4000  # how far (in visible characters) past the last match a lone word is looked for

_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|noscript|template|svg|math|title)\b[^<>]*>.*?(?:</\1\s*>|\Z)"
    r"|<[!?][^<>]*>"
    r"|</?[a-zA-Z][^<>]*>"
    r"|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?",
    re.DOTALL | re.IGNORECASE,
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^<>]*?(/?)>")
_WORD = re.compile(r"\S+")
_ODD_SPACE = re.compile(r"\s{2,}|[^\S ]")  # whitespace the stream collapses to one space (not a copy of raw)
_MAX_MERGE_GAP = 8
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr basefont frame keygen".split())
# elements a new sibling of the same kind closes implicitly (so unclosed <p> or <li> do not count as nesting)
_IMPLIED_END = frozenset("p li dt dd option tr td th thead tbody tfoot colgroup rp rt".split())


class HtmlTooDeep(InputError):
    """The HTML nests elements deeper than the limit: refused before lxml or trafilatura see it."""

    code = "E120"


def html_depth(html: str, limit: int | None = None) -> int:
    """The maximum element nesting depth of ``html``; stops counting once past ``limit``."""
    stack: list[str] = []
    open_count: dict[str, int] = {}  # how many of each element are open (a stray end tag is found in O(1))
    deepest = 0
    for m in _TAG.finditer(html):
        closing, name, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        if closing:
            if open_count.get(name):
                while stack:
                    top = stack.pop()
                    open_count[top] -= 1
                    if top == name:
                        break
            continue
        if name in _VOID or selfclose:
            continue
        if name in _IMPLIED_END and stack and stack[-1] == name:
            stack.pop()
            open_count[name] -= 1
        stack.append(name)
        open_count[name] = open_count.get(name, 0) + 1
        if len(stack) > deepest:
            deepest = len(stack)
            if limit is not None and deepest > limit:
                break
    return deepest


def clean_html(html: str, *, max_depth: int = DEFAULT_MAX_DEPTH, rules: CleaningRules | None = None,
               url: str | None = None) -> CleanResult:
    """Extract the article text of ``html`` (no comments, precision first) with a map back into the HTML source.

    Raises HtmlTooDeep when elements nest deeper than ``max_depth``. Returns empty text when nothing is extracted.
    ``removed`` is empty: trafilatura decides what is boilerplate, and what it drops is not tracked span by span.
    """
    depth = html_depth(html, max_depth)
    if depth > max_depth:
        raise HtmlTooDeep(f"HTML nests deeper than {max_depth} elements")
    paragraphs, metadata = _extract(html, url)
    if not paragraphs:
        return CleanResult("", OffsetMap(), (), metadata)
    stream = _VisibleStream(html)
    text, segments = _align(paragraphs, stream, html)
    # the text rules catch furniture trafilatura kept (share lines, comment spam inside the article element)
    second = clean_text(text, rules=rules, markup=False)
    omap = compose(second.offset_map.segments, segments)
    return CleanResult(second.text, omap, (), {**second.metadata, **metadata})


def _extract(html: str, url: str | None) -> tuple[list[str], dict[str, Any]]:
    import trafilatura  # heavy import, only when HTML is met

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, include_comments=False, favor_precision=True, with_metadata=True,
            include_tables=True, date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # lxml/trafilatura on hostile markup: no text, recorded as "empty"
        log.warning("trafilatura failed: %s: %s", type(exc).__name__, exc)
        return [], {}
    if doc is None:
        return [], {}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    metadata = {key: data.get(src) for key, src in (("title", "title"), ("author", "author"), ("date", "date"),
                                                     ("outlet", "sitename"), ("url", "url"))}
    metadata = {k: v for k, v in metadata.items() if isinstance(v, str) and v.strip()}
    paragraphs = [p.strip() for p in (data.get("text") or "").split("\n")]
    return [p for p in paragraphs if p], metadata


class _VisibleStream:
    """The visible text of an HTML source with whitespace runs collapsed to one space, in chunks with raw offsets."""

    text: str
    starts: list[int]  # stream offset where each chunk starts
    chunks: list[tuple[int, int, bool]]  # (raw_start, length, literal: copied as is from the raw HTML)

    def __init__(self, html: str) -> None:
        parts: list[str] = []
        self.starts, self.chunks = [], []
        pos = 0
        n = 0
        space = True  # the stream ends with a space (or is empty): no space is added

        def add(text: str, raw_start: int, literal: bool) -> None:
            nonlocal n, space
            if not text:
                return
            parts.append(text)
            self.starts.append(n)
            self.chunks.append((raw_start, len(text), literal))
            n += len(text)
            space = text.endswith(" ")

        def add_literal(a: int, b: int) -> None:
            if a < b and space and html[a] == " ":
                a += 1
            if a < b:
                add(html[a:b], a, True)

        def add_space(at: int) -> None:
            if not space:
                add(" ", at, False)

        def add_text(a: int, b: int) -> None:
            for m in _ODD_SPACE.finditer(html, a, b):
                add_literal(a, m.start())
                add_space(m.start())
                a = m.end()
            add_literal(a, b)

        for m in _TOKEN.finditer(html):
            add_text(pos, m.start())
            pos = m.end()
            tok = m.group(0)
            if tok.startswith("&"):
                decoded = htmlmod.unescape(tok)
                if decoded == tok:
                    add_text(m.start(), m.end())
                elif decoded.isspace():
                    add_space(m.start())
                else:
                    add(" ".join(decoded.split()), m.start(), False)
        add_text(pos, len(html))
        self.text = "".join(parts)

    def raw_runs(self, start: int, length: int) -> list[tuple[int, int, int]]:
        """(stream_start, raw_start, length) runs of literal characters for stream[start:start+length]."""
        runs = []
        i = max(bisect.bisect_right(self.starts, start) - 1, 0)
        end = start + length
        while i < len(self.chunks) and self.starts[i] < end:
            raw, n, literal = self.chunks[i]
            cs = self.starts[i]
            lo, hi = max(start, cs), min(end, cs + n)
            if hi > lo and literal:
                runs.append((lo, raw + (lo - cs), hi - lo))
            i += 1
        return runs


def _align(paragraphs: list[str], stream: _VisibleStream, raw: str) -> tuple[str, list[tuple[int, int, int]]]:
    """Join paragraphs (whitespace collapsed) with blank lines and map each literal character back into ``raw``."""
    paragraphs = [" ".join(p.split()) for p in paragraphs]
    segments: list[tuple[int, int, int]] = []
    text = "\n\n".join(paragraphs)
    cursor = 0
    offset = 0
    for para in paragraphs:
        at = stream.text.find(para, cursor)
        if at < 0:
            at = stream.text.find(para)
        if at >= 0:
            _map_span(offset, len(para), at, stream, text, raw, segments)
            cursor = at + len(para)
        else:
            for m in _WORD.finditer(para):
                w = m.group(0)
                at = stream.text.find(w, cursor, cursor + _WORD_WINDOW + len(w))
                if at >= 0:
                    _map_span(offset + m.start(), len(w), at, stream, text, raw, segments)
                    cursor = at + len(w)
        offset += len(para) + 2
    return text, segments


def _map_span(clean_start: int, length: int, stream_at: int, stream: _VisibleStream, text: str, raw: str,
              segments: list[tuple[int, int, int]]) -> None:
    for s, r, n in stream.raw_runs(stream_at, length):
        c = clean_start + (s - stream_at)
        if text[c:c + n] != raw[r:r + n]:
            continue
        if segments:
            pc, pr, pn = segments[-1]
            if c < pc + pn:
                continue
            gap_c, gap_r = c - (pc + pn), r - (pr + pn)
            if gap_c == gap_r and gap_c <= _MAX_MERGE_GAP and text[pc + pn:c] == raw[pr + pn:r]:
                segments[-1] = (pc, pr, pn + gap_c + n)
                continue
        segments.append((c, r, n))
