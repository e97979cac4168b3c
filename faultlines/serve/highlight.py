"""Server-side highlighting of spans in a document's clean text: every piece of text is escaped first."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

CONTEXT_CHARS = 600


@dataclass(frozen=True)
class Span:
    """A highlighted stretch of clean text: CSS class, tooltip and optional link."""

    start: int
    end: int
    kind: str
    title: str = ""
    href: str | None = None
    anchor: str | None = None


def mark_in_context(text: str, start: int | None, end: int | None, limit: int = CONTEXT_CHARS) -> Markup:
    """The paragraph around [start, end) with the span wrapped in <mark>, escaped."""
    if start is None or end is None or not 0 <= start <= end <= len(text):
        return Markup("")
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    para_start = max(para_start, start - limit)
    para_end = min(para_end, end + limit)
    before, quote, after = text[para_start:start], text[start:end], text[end:para_end]
    lead = "… " if para_start > 0 and text[para_start - 1] != "\n" else ""
    tail = " …" if para_end < len(text) and text[para_end] != "\n" else ""
    return Markup("{}{}<mark>{}</mark>{}{}").format(lead, before, quote, after, tail)


def highlight(text: str, spans: list[Span]) -> Markup:
    """Text with every span highlighted; overlapping spans split into segments that carry all their classes."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    anchors: dict[int, list[str]] = {}
    for s in valid:
        if s.anchor:
            anchors.setdefault(s.start, []).append(s.anchor)
    parts: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        for name in anchors.get(a, []):
            parts.append(str(Markup('<span class="anchor" id="{}"></span>').format(name)))
        chunk = escape(text[a:b])
        covering = [s for s in valid if s.start <= a and b <= s.end]
        if not covering:
            parts.append(str(chunk))
            continue
        # the innermost (shortest) spans come first in the tooltip and give the link
        classes = " ".join(sorted({f"hl-{s.kind}" for s in covering}))
        title = " | ".join(dict.fromkeys(s.title for s in sorted(covering, key=lambda s: s.end - s.start) if s.title))
        link = next((s.href for s in sorted(covering, key=lambda s: s.end - s.start) if s.href), None)
        if link:
            parts.append(str(Markup('<a class="{}" href="{}" title="{}">{}</a>').format(classes, link, title, chunk)))
        else:
            parts.append(str(Markup('<span class="{}" title="{}">{}</span>').format(classes, title, chunk)))
    return Markup("".join(parts))
