"""Polite HTTP fetching for ``faultlines watch``: timeouts, a size cap, bounded redirects, robots.txt, a delay per
host, retries with back-off, conditional requests and a User-Agent that says who is asking.

One ``Fetcher`` per watch run keeps the per-host clock and the robots.txt rules it has read. Errors are
``FetchError``: ``transient`` ones (a timeout, a 5xx, a 429, a refused connection) are worth trying again on a later
pass; the others (a 404, a redirect loop, a page over the cap, robots.txt says no) are not.
"""

from __future__ import annotations

import time
import urllib.robotparser
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from faultlines import __version__

USER_AGENT = f"faultlines/{__version__} (conflict-news monitor; +https://pypi.org/project/faultlines/)"
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_CODES = frozenset({408, 425, 429, 500, 502, 503, 504})


class FetchError(Exception):
    """A URL that could not be fetched: ``reason`` is a short code, ``transient`` says a later try may work."""

    def __init__(self, url: str, reason: str, detail: str = "", *, transient: bool = False) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.url, self.reason, self.detail, self.transient = url, reason, detail, transient


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 when a conditional request found nothing new
    headers: dict[str, str]
    body: bytes = b""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Fetcher:
    """Fetch URLs politely. ``delay``: seconds between two requests to one host; ``retries``: further tries of a
    transient failure, ``backoff`` seconds apart, doubling."""

    timeout: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    delay: float = 1.0
    retries: int = 2
    backoff: float = 1.0
    robots: bool = True
    user_agent: str = USER_AGENT
    client: Any = None
    _last: dict[str, float] = field(default_factory=dict)
    _rules: dict[str, urllib.robotparser.RobotFileParser | bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.client is None:
            self.client = httpx.Client(timeout=httpx.Timeout(self.timeout), follow_redirects=False,
                                       headers={"User-Agent": self.user_agent})

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            accept: str = "*/*") -> Fetched:
        """GET ``url`` following at most ``max_redirects`` redirects (each hop checked against robots.txt)."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = {url}
        for _ in range(self.max_redirects + 1):
            _check_url(url)
            if self.robots and not self.allowed(url):
                raise FetchError(url, "robots", "robots.txt disallows it")
            got = self._retrying(url, headers)
            if got.status in REDIRECT_CODES:
                target = got.headers.get("location")
                if not target:
                    raise FetchError(url, "http", f"{got.status} without a Location")
                url = urljoin(url, target)
                if url in seen:
                    raise FetchError(url, "redirect-loop", "a redirect came back to a URL already visited")
                seen.add(url)
                continue
            return got
        raise FetchError(url, "too-many-redirects", f"more than {self.max_redirects}")

    def allowed(self, url: str) -> bool:
        """What the host's robots.txt says of ``url`` for our User-Agent (read once per host and run). A missing
        robots.txt (4xx) allows all; one that cannot be read (5xx, no answer) allows nothing for now."""
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        rules = self._rules.get(host)
        if rules is None:
            try:
                got = self._once(host + "/robots.txt", {"Accept": "text/plain"})
            except FetchError:
                rules = False
            else:
                if got.status >= 500:
                    rules = False
                elif got.status >= 400 or got.status in REDIRECT_CODES:
                    rules = True
                else:
                    parser = urllib.robotparser.RobotFileParser()
                    parser.parse(got.body.decode("utf-8", "replace").splitlines())
                    rules = parser
            self._rules[host] = rules
        if isinstance(rules, bool):
            return rules
        return rules.can_fetch(self.user_agent, url)

    def _retrying(self, url: str, headers: dict[str, str]) -> Fetched:
        wait = self.backoff
        for attempt in range(self.retries + 1):
            try:
                got = self._once(url, headers)
            except FetchError as exc:
                if not exc.transient or attempt == self.retries:
                    raise
            else:
                if got.status not in TRANSIENT_CODES:
                    if got.status >= 400:
                        raise FetchError(url, "http", f"HTTP {got.status}")
                    return got
                if attempt == self.retries:
                    raise FetchError(url, "http", f"HTTP {got.status}", transient=True)
                retry_after = got.headers.get("retry-after", "")
                if retry_after.isdigit():
                    wait = max(wait, min(float(retry_after), 60.0))
            time.sleep(wait)
            wait *= 2
        raise FetchError(url, "http", "no answer", transient=True)  # not reached

    def _once(self, url: str, headers: dict[str, str]) -> Fetched:
        host = urlsplit(url).netloc
        pause = self.delay - (time.monotonic() - self._last.get(host, -1e9))
        if pause > 0:
            time.sleep(pause)
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                declared = r.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(url, "too-large", f"{declared} bytes (cap {self.max_bytes})")
                body = bytearray()
                for chunk in r.iter_raw() if r.status_code in REDIRECT_CODES else r.iter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise FetchError(url, "too-large", f"over {self.max_bytes} bytes")
                return Fetched(str(r.url), r.status_code, {k.lower(): v for k, v in r.headers.items()}, bytes(body))
        except httpx.TimeoutException as exc:
            raise FetchError(url, "timeout", f"no answer within {self.timeout:g} s", transient=True) from exc
        except httpx.TransportError as exc:  # refused, reset, DNS, a broken response
            raise FetchError(url, "network", f"{type(exc).__name__}: {exc}"[:200], transient=True) from exc
        finally:
            self._last[host] = time.monotonic()


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(url, "bad-url", "only http and https URLs can be watched")


__all__ = ["USER_AGENT", "FetchError", "Fetched", "Fetcher"]
