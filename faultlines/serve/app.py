"""The web app factory: HTML pages and the JSON API over one faultlines database, safe by default."""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from faultlines.errors import StoreError
from faultlines.serve.context import render
from faultlines.serve.security import (
    BodyLimitMiddleware,
    RateLimitMiddleware,
    SecurityMiddleware,
    content_security_policy,
)
from faultlines.store.sqlite import connect_read_only

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
VENDOR = STATIC / "vendor"  # filled by scripts/build_assets.sh (make assets); may be missing


@dataclass(frozen=True)
class ServeSettings:
    """Tunables of the web server; the defaults are safe for a local analyst."""

    max_body_bytes: int = 64 * 1024  # request bodies above this are refused with 413
    rate_limit: float = 50.0  # API requests per second per client (token bucket); 0 disables
    rate_burst: int = 200  # bucket size
    query_timeout: float = 20.0  # seconds one request may spend in the database before it is answered 503
    tile_url: str | None = None  # online map tiles (e.g. an OSM tile URL template); None keeps the map offline
    # Host headers accepted (blocks DNS rebinding against a loopback server); ("*",) accepts any.
    # "testserver" is the in-process test client's name; it resolves nowhere, so allowing it opens nothing.
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1", "testserver")


class Database:
    """Read-only SQLite connections, one per thread, so readers keep working while an ingest writes (WAL).

    Each request gets a time budget: a query still running after ``query_timeout`` seconds is interrupted
    (answered 503) so one expensive filter cannot tie up the server.
    """

    def __init__(self, path: str, query_timeout: float = 0.0) -> None:
        self.path = str(Path(path).resolve())
        self.uri = f"file:{self.path}?mode=ro"
        self.query_timeout = query_timeout
        self._local = threading.local()

    def _over_budget(self) -> bool:
        deadline = getattr(self._local, "deadline", None)
        return deadline is not None and time.monotonic() > deadline

    def connect(self) -> sqlite3.Connection:
        """This thread's connection, with a fresh time budget for the request that asks for it."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect_read_only(self.path, self._over_budget if self.query_timeout > 0 else None)
            self._local.conn = conn
        self._local.deadline = time.monotonic() + self.query_timeout if self.query_timeout > 0 else None
        return conn


def make_env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["num"] = lambda v: "" if v is None else f"{v:,}" if isinstance(v, int) else str(v)
    return env


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "Internal error."
    if _wants_json(request):
        return JSONResponse({"error": {"status": status, "message": detail}}, status_code=status,
                            headers=getattr(exc, "headers", None))
    return render(request, "error.html", status_code=status, status=status, message=detail, title=str(status))


async def database_error(request: Request, exc: Exception) -> Response:
    """An interrupted (too slow) query is a 503 the client can act on; anything else is a plain 500."""
    if "interrupted" in str(exc):
        status, message = 503, "The query took too long; narrow the filters or lower the limit."
    else:
        logger.error("database error on %s: %s", request.url.path, exc)
        status, message = 500, "Internal error."
    if _wants_json(request):
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)
    return render(request, "error.html", status_code=status, status=status, message=message, title=str(status))


async def server_error(request: Request, exc: Exception) -> Response:
    logger.exception("error on %s", request.url.path, exc_info=exc)
    if _wants_json(request):
        return JSONResponse({"error": {"status": 500, "message": "Internal error."}}, status_code=500)
    return render(request, "error.html", status_code=500, status=500, message="Internal error.", title="500")


def create_app(db_path: str, *, allow_edits: bool = False, token: str | None = None,
               settings: ServeSettings | None = None) -> Starlette:
    """The ASGI app over ``db_path`` (read-only unless ``allow_edits``; edits then need ``app.state.token``)."""
    from faultlines.serve import api, pages

    if not Path(db_path).is_file():
        raise StoreError(f"no database at {db_path}")
    settings = settings or ServeSettings()
    csp = content_security_policy(settings.tile_url)
    routes = [*pages.routes(), *api.routes(),
              Mount("/static", app=StaticFiles(directory=str(STATIC), follow_symlink=False), name="static")]
    middleware = [
        Middleware(SecurityMiddleware, csp=csp),
        Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
        Middleware(RateLimitMiddleware, rate=settings.rate_limit, burst=settings.rate_burst),
    ]
    if "*" not in settings.allowed_hosts:
        middleware.insert(1, Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts)))
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={HTTPException: http_error, sqlite3.OperationalError: database_error,
                                        Exception: server_error})
    app.state.db = Database(db_path, settings.query_timeout)
    app.state.db_path = str(db_path)
    app.state.settings = settings
    app.state.allow_edits = allow_edits
    app.state.token = (token or secrets.token_urlsafe(24)) if allow_edits else None
    app.state.env = make_env()
    app.state.has_vendor = (VENDOR / "leaflet" / "leaflet.js").is_file()
    return app


def serve_app(app: Starlette, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run an app built by ``create_app`` with uvicorn until interrupted."""
    import uvicorn

    if host not in ("127.0.0.1", "localhost", "::1"):
        logger.warning("serving on %s: the UI is reachable from other machines", host)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


def run(db_path: str, host: str = "127.0.0.1", port: int = 8000, allow_edits: bool = False,
        token: str | None = None, settings: ServeSettings | None = None,
        on_token: Callable[[str], None] | None = None) -> None:
    """Serve ``db_path`` (loopback by default); with edits on, ``on_token`` receives the token to show the user."""
    settings = settings or ServeSettings()
    if host not in ("127.0.0.1", "localhost", "::1") and "*" not in settings.allowed_hosts:
        settings = replace(settings, allowed_hosts=("*",))  # reachable by whatever name the network uses
    app = create_app(db_path, allow_edits=allow_edits, token=token, settings=settings)
    if allow_edits and on_token is not None:
        on_token(app.state.token)
    serve_app(app, host, port)
