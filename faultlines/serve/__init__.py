"""The local web UI and JSON API: ``create_app(db_path)`` builds the ASGI app, ``run(db_path)`` serves it."""

from faultlines.serve.app import ServeSettings, create_app, run, serve_app

__all__ = ["ServeSettings", "create_app", "run", "serve_app"]
