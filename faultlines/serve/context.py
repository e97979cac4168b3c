"""What a view needs from the app, read from the request: this request's database connection and the page
renderer. The app object (``app.create_app``) owns both, on ``app.state``, as datasette's app object owns its
templates and databases; views import this module, never the app."""

from __future__ import annotations

import sqlite3
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse


def conn(request: Request) -> sqlite3.Connection:
    """This thread's read-only connection, with a fresh time budget for the request."""
    connection: sqlite3.Connection = request.app.state.db.connect()
    return connection


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page rendered with autoescaping; every template gets the app's flags."""
    app = request.app
    html = app.state.env.get_template(template).render(
        request=request, allow_edits=app.state.allow_edits, has_vendor=app.state.has_vendor,
        tile_url=app.state.settings.tile_url, path=request.url.path, **context)
    return HTMLResponse(html, status_code=status_code)


__all__ = ["conn", "render"]
