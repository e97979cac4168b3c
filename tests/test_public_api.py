"""The public API stays complete and importable (httpx's habit), and ``python -m faultlines`` works."""

from __future__ import annotations

import subprocess
import sys

import faultlines


def test_all_names_exist_and_are_exported():
    for name in faultlines.__all__:
        assert hasattr(faultlines, name), name
    public = {n for n in dir(faultlines) if not n.startswith("_")}
    modules = {"config", "errors", "model", "pipeline", "store", "ingest", "clean", "analyze", "extract", "resolve",
               "export", "serve", "demo", "cli", "distributed", "annotations", "logging", "version", "limits", "spans", "geo",
               "worker", "training",
               "PackageNotFoundError"}
    assert public - set(faultlines.__all__) <= modules


def test_library_never_configures_logging():
    import logging

    handlers = logging.getLogger("faultlines").handlers
    assert all(isinstance(h, logging.NullHandler) for h in handlers)


def test_python_dash_m():
    out = subprocess.run([sys.executable, "-m", "faultlines", "--help"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "ingest" in out.stdout and "extract" in out.stdout
