"""Install the way users do (issue 18): build the wheel, `pip install` it with no extras into a throw-away
virtual environment, and ingest a mixed folder with the installed command.

The environment is cached under ``.venv/wheel-test/`` per hash of what goes into the wheel (pyproject.toml and
the package's files), so a second run only ingests. pip reaches the package index (or its cache) the first time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".venv" / "wheel-test"


def _source_hash() -> str:
    h = hashlib.sha256()
    files = [ROOT / "pyproject.toml", ROOT / "README.md",
             *sorted(p for p in (ROOT / "faultlines").rglob("*") if p.is_file() and "__pycache__" not in p.parts)]
    for p in files:
        h.update(str(p.relative_to(ROOT)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, **kw)


@pytest.fixture(scope="module")
def installed() -> Path:
    """The bin/ folder of a virtual environment holding only the wheel and its declared dependencies."""
    key = _source_hash()
    venv = CACHE / key
    stamp = venv / ".installed"
    if stamp.exists():
        return venv / "bin"
    if CACHE.exists():  # environments of older sources
        for old in CACHE.iterdir():
            shutil.rmtree(old, ignore_errors=True)
    wheels = CACHE / f"wheels-{key}"
    r = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)], timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    [wheel] = wheels.glob("faultlines-*.whl")
    r = _run([sys.executable, "-m", "venv", str(venv)], timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    r = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
             timeout=1800)
    if r.returncode != 0 and ("Could not find a version" in r.stderr or "No matching distribution" in r.stderr
                              or "NewConnectionError" in r.stderr):
        shutil.rmtree(venv, ignore_errors=True)
        pytest.skip(f"the package index cannot be reached: {r.stderr.strip().splitlines()[-1]}")
    assert r.returncode == 0, r.stderr[-3000:]
    shutil.rmtree(wheels, ignore_errors=True)
    stamp.write_text(wheel.name)
    return venv / "bin"


def _mixed_folder(folder: Path) -> dict[str, str]:
    """The files and what must happen to each: "stored" or a failure reason."""
    folder.mkdir()
    (folder / "plain.txt").write_text("On 3 March 2015 gunmen attacked a checkpoint in Ramadi, Iraq, killing four "
                                      "soldiers.\n", encoding="utf-8")
    (folder / "notes.md").write_text("# Clashes in Tikrit\n\nOn 4 March 2015 **fighters** clashed with police in "
                                     "[Tikrit](https://example.org/tikrit), Iraq.\n", encoding="utf-8")
    (folder / "page.html").write_text(
        "<!doctype html><html><head><title>Car bomb in Baghdad</title></head><body><article><h1>Car bomb in "
        "Baghdad</h1><p>A car bomb exploded at a market in Baghdad, Iraq, on 5 March 2015, killing six people and "
        "wounding twenty, police said.</p><p>No group claimed the attack, which came a day after clashes in the "
        "north of the country left several fighters dead.</p></article></body></html>", encoding="utf-8")
    (folder / "cp1252.txt").write_bytes("Caf\u00e9 owners in Mosul said militants \u2014 \u201cfighters\u201d \u2014 "
                                        "shelled the market on 6 March 2015.\n".encode("cp1252"))
    (folder / "utf16.txt").write_bytes("Protesters gathered in Basra, Iraq, on 7 March 2015 to denounce the "
                                       "killings.\n".encode("utf-16"))
    (folder / "blob.bin").write_bytes(bytes(range(256)) * 8)
    (folder / "empty.txt").write_text("  \n\n", encoding="utf-8")
    return {"plain.txt": "stored", "notes.md": "stored", "page.html": "stored", "cp1252.txt": "stored",
            "utf16.txt": "stored", "blob.bin": "binary", "empty.txt": "empty"}


def test_the_plain_wheel_install_ingests_a_mixed_folder(installed, tmp_path):
    expected = _mixed_folder(tmp_path / "in")
    db = tmp_path / "x.db"
    r = _run([str(installed / "faultlines"), "ingest", "--db", str(db), "--quiet", "--workers", "1",
              str(tmp_path / "in")], cwd=tmp_path, timeout=600)
    assert "Traceback" not in r.stderr, r.stderr[-3000:]
    assert r.returncode == 3, (r.stdout, r.stderr[-3000:])
    docs = json.loads(_run([str(installed / "faultlines"), "documents", "--db", str(db), "--format", "json"],
                           cwd=tmp_path, timeout=120).stdout)
    assert sorted(d["name"] for d in docs) == sorted(n for n, what in expected.items() if what == "stored")
    assert all(d["status"] == "extracted" for d in docs)
    failures = json.loads(_run([str(installed / "faultlines"), "failures", "--db", str(db), "--format", "json"],
                               cwd=tmp_path, timeout=120).stdout)
    assert sorted((Path(f["source"]).name, f["reason"]) for f in failures) == sorted(
        (n, what) for n, what in expected.items() if what != "stored")
    r = _run([str(installed / "python"), "-c", "import lxml.html.clean, faultlines; print(faultlines.__file__)"],
             cwd=tmp_path, timeout=120)
    assert r.returncode == 0 and str(installed.parent) in r.stdout  # the installed copy, not the source tree


def test_the_plain_wheel_install_ingests_the_demo(installed, tmp_path):
    r = _run([str(installed / "faultlines"), "ingest", "--db", str(tmp_path / "demo.db"), "--demo", "--quiet",
              "--workers", "1", "--json"], cwd=tmp_path, timeout=600)
    assert r.returncode == 0, (r.stdout[-2000:], r.stderr[-3000:])
    report = json.loads(r.stdout)
    assert report["failed"] == 0 and report["stored"] == report["extracted"] > 0
