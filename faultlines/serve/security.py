"""Safe-by-default HTTP plumbing: security headers, body size limit, per-client rate limit, error containment."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def content_security_policy(tile_url: str | None = None) -> str:
    """The CSP every response carries; images may come from the tile host only when online tiles are enabled."""
    img = "'self' data:"
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "a"))
        if parts.scheme in ("http", "https") and parts.hostname:
            host = parts.hostname
            if "{s}." in tile_url:
                host = "*." + host.split(".", 1)[1]
            img += f" {parts.scheme}://{host}"
    return (
        "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        f"img-src {img}; style-src 'self'; connect-src 'self'; font-src 'self'; form-action 'self'"
    )


def security_headers(csp: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", csp.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
    ]


def _wants_json(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith("/api/")


async def _send_error(send: Send, scope: Scope, status: int, message: str,
                      extra: list[tuple[bytes, bytes]] | None = None) -> None:
    """A minimal error response (JSON under /api/, plain HTML elsewhere) that never includes internals."""
    if _wants_json(scope):
        body = json.dumps({"error": {"status": status, "message": message}}).encode()
        ctype = b"application/json"
    else:
        from markupsafe import escape

        body = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{status}</title></head>"
                f"<body><h1>{status}</h1><p>{escape(message)}</p><p><a href=\"/\">faultlines</a></p></body></html>"
                ).encode()
        ctype = b"text/html; charset=utf-8"
    headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityMiddleware:
    """Adds the security headers to every response and turns any escaped exception into a bare 500."""

    def __init__(self, app: ASGIApp, csp: str) -> None:
        self.app = app
        self.headers = security_headers(csp)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in self.headers if h[0] not in names)]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:  # never a stack trace to the client; the log has it
            logger.exception("unhandled error on %s", scope.get("path"))
            if not started:
                await _send_error(send_with_headers, scope, 500, "Internal error.")


class BodyLimitMiddleware:
    """Refuses request bodies larger than ``max_bytes`` (by Content-Length, and while streaming)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    too_big = int(v) > self.max_bytes
                except ValueError:
                    too_big = True
                if too_big:
                    await _send_error(send, scope, 413, "Request body too large.")
                    return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            await _send_error(send, scope, 413, "Request body too large.")


class BodyTooLarge(Exception):
    """Raised inside the app when a streamed body passes the limit."""


class TokenBucket:
    """Per-client token buckets in memory: ``rate`` requests a second, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: int, max_clients: int = 10_000) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, client: str, now: float | None = None) -> tuple[bool, float]:
        """(allowed, seconds until the next token)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            ok = tokens >= 1.0
            if ok:
                tokens -= 1.0
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        wait = 0.0 if ok else (1.0 - tokens) / self.rate
        return ok, wait


class RateLimitMiddleware:
    """Applies a TokenBucket to ``/api/`` requests per client address; answers 429 with Retry-After."""

    def __init__(self, app: ASGIApp, rate: float, burst: int) -> None:
        self.app = app
        self.bucket = TokenBucket(rate, burst) if rate > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.bucket is None or scope["type"] != "http" or not str(scope.get("path", "")).startswith("/api/"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client") or ("unknown", 0)
        ok, wait = self.bucket.allow(str(client[0]))
        if not ok:
            retry = str(max(1, int(wait + 0.999))).encode()
            await _send_error(send, scope, 429, "Too many requests.", [(b"retry-after", retry)])
            return
        await self.app(scope, receive, send)
