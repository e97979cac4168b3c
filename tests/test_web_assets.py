"""The front-end build script: pinned npm packages, and pages that still work when npm is missing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_npm_dependencies_are_pinned_exactly():
    deps = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert {"leaflet", "topojson-client", "world-atlas", "cytoscape"} <= set(deps)
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in deps.values()), deps


def test_build_script_without_npm_exits_cleanly(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "mkdir"):
        found = shutil.which(tool)
        if found is None:
            pytest.skip(f"{tool} not available")
        os.symlink(found, bin_dir / tool)
    proc = subprocess.run([str(bin_dir / "bash"), str(ROOT / "scripts" / "build_assets.sh")],
                          env={"PATH": str(bin_dir)}, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "npm not found" in proc.stderr
    assert (ROOT / "faultlines" / "serve" / "static" / "vendor").is_dir()


def test_pages_degrade_without_vendor_libraries(tmp_path, monkeypatch):
    from starlette.testclient import TestClient

    from faultlines.serve import app as app_module
    from faultlines.store.sqlite import Store

    Store(tmp_path / "e.db").close()
    monkeypatch.setattr(app_module, "VENDOR", tmp_path / "no-vendor")  # as if `make assets` never ran
    client = TestClient(app_module.create_app(str(tmp_path / "e.db")))
    assert client.app.state.has_vendor is False
    for path in ("/map", "/network", "/causal-map"):
        html = client.get(path).text
        assert "make assets" in html and "/static/vendor/" not in html, path
