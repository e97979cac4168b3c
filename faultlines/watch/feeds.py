"""RSS and Atom feeds read with feedparser: the articles a feed lists, and whether a response is a feed at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
                        "application/rdf+xml", "application/feed+json"})
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})


class MalformedFeed(ValueError):
    """A response that says it is a feed but is not one feedparser can read."""


@dataclass(frozen=True)
class Entry:
    url: str
    title: str | None = None
    published: str | None = None  # ISO date, when the feed gives one
    version: str | None = None  # the feed's updated (else published) stamp as written: a new one means an update


@dataclass(frozen=True)
class Feed:
    title: str | None
    entries: list[Entry]


def looks_like_feed(content_type: str, body: bytes) -> bool:
    """A feed by its declared type, or an XML body whose root is <rss>, <feed> or <rdf:RDF>."""
    if content_type in FEED_TYPES:
        return True
    if content_type in PAGE_TYPES:
        return False
    head = body[:1024].lstrip().lower()
    return head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed")


def parse(body: bytes, base_url: str) -> Feed:
    """The entries of a feed, their links made absolute and normalised; ``MalformedFeed`` when it is broken and
    gives no entry with a link (feedparser is lenient: a feed with a small flaw still gives its entries, and a well-formed
    feed may be empty)."""
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    entries: list[Entry] = []
    seen: set[str] = set()
    for e in parsed.entries:
        link = e.get("link") or ""
        if not link:
            continue
        url = normalise(urljoin(base_url, link))
        if url in seen or urlsplit(url).scheme not in ("http", "https"):
            continue
        seen.add(url)
        # the entry's own keys (feedparser's get() maps a missing "updated" to "published", with a warning)
        stamp = dict.get(e, "published_parsed") or dict.get(e, "updated_parsed")
        published = datetime(stamp[0], stamp[1], stamp[2], tzinfo=UTC).date().isoformat() if stamp else None
        version = dict.get(e, "updated") or dict.get(e, "published") or None
        entries.append(Entry(url, e.get("title"), published, version))
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        reason = parsed.get("bozo_exception")
        detail = f"{type(reason).__name__}: {reason}"[:200] if reason else "no entries"
        raise MalformedFeed(f"not a readable RSS or Atom feed ({detail})")
    return Feed(parsed.feed.get("title"), entries)


def normalise(url: str) -> str:
    """One spelling per article URL: lower-case scheme and host, no fragment."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


__all__ = ["Entry", "FEED_TYPES", "Feed", "MalformedFeed", "PAGE_TYPES", "looks_like_feed", "normalise", "parse"]
