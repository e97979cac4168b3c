"""Crash safety: ``faultlines ingest`` killed with SIGKILL at random points, then re-run, gives the same database.

Every write is one SQLite transaction (a document, one document's extraction, a set of incidents), documents
stored but not extracted are resumed, and events without an incident are resolved by the next run. So after any
number of kills and one complete run the database must pass ``PRAGMA integrity_check``, hold every document once,
and hold the same events and incidents as a run that was never interrupted. Readers are never blocked by a writer.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_parallel import snapshot

TIMEOUT = 300


def _command(db: Path, corpus: Path, manifest: Path) -> list[str]:
    return [sys.executable, "-m", "faultlines", "ingest", "--db", str(db), str(corpus), "--meta", str(manifest),
            "--workers", "1", "--quiet"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONHASHSEED": "0"}


def _count(db: Path, sql: str) -> int:
    """A count read through a read-only connection (0 while the database or its tables do not exist yet)."""
    import sqlite3

    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute(sql).fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _kill_when(cmd: list[str], ready, deadline: float = 120.0) -> str:
    """Start an ingest, SIGKILL it as soon as ``ready()`` holds (or it ends by itself); returns what happened."""
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    try:
        while proc.poll() is None and time.monotonic() - t0 < deadline:
            if ready(time.monotonic() - t0):
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(30)
                return f"killed at {time.monotonic() - t0:.1f}s"
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    return f"finished by itself (rc {proc.returncode})"


def _finish(cmd: list[str]) -> None:
    res = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=TIMEOUT)
    assert res.returncode in (0, 3), res.stderr[-2000:]


def _check_recovered(db: Path, reference: dict[str, object], history: list[str]) -> None:
    from faultlines.store import Store, resolution

    with Store(db, readonly=True) as st:
        assert st.integrity_check() == "ok", history
        dup = st.conn.execute("SELECT name, count(*) FROM documents GROUP BY name HAVING count(*) > 1").fetchall()
        assert not dup, (history, [tuple(r) for r in dup])
        pending = st.conn.execute("SELECT count(*) FROM documents WHERE status = 'stored'").fetchone()[0]
        assert pending == 0, history
        orphans = st.conn.execute(  # codable factual mentions that no incident holds
            f"SELECT count(*) FROM events e WHERE e.incident_id IS NULL AND {resolution.FACTUAL}"
        ).fetchone()[0]
        assert orphans == 0, history
    got = snapshot(db)
    for key, want in reference.items():
        assert got[key] == want, (key, history)


@pytest.fixture(scope="module")
def corpus():
    from faultlines.demo import corpus_dir, manifest_path

    if not corpus_dir().is_dir():
        pytest.skip("the demo corpus is not bundled in this checkout")
    return corpus_dir(), manifest_path()


@pytest.fixture(scope="module")
def reference(tmp_path_factory, corpus):
    """An uninterrupted CLI run, read by a concurrent reader the whole time it writes."""
    from faultlines.store import Store, queries

    db = tmp_path_factory.mktemp("ref") / "ref.db"
    proc = subprocess.Popen(_command(db, *corpus), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    reads, seen_docs, errors = 0, [], []
    t0 = time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < TIMEOUT:
        if _count(db, "SELECT count(*) FROM schema_migrations") > 0:
            try:
                with Store(db, readonly=True) as st:
                    seen_docs.append(queries.stats(st.conn)["documents"])
                    reads += 1
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(repr(exc))
        time.sleep(0.1)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode in (0, 3), err.decode()[-2000:]
    elapsed = time.monotonic() - t0
    return {"db": db, "seconds": elapsed, "snapshot": snapshot(db), "reads": reads, "seen": seen_docs,
            "errors": errors}


def test_reader_keeps_working_while_ingest_writes(reference):
    assert not reference["errors"]
    assert reference["reads"] >= 5
    seen = reference["seen"]
    assert seen == sorted(seen)  # a reader sees committed documents only, and never loses one


def _crash_and_recover(tmp_path: Path, corpus, reference, rng: random.Random, kills: int) -> list[str]:
    """Kill ``kills`` runs at random points (by time, by documents stored, by extractions committed), then finish."""
    db = tmp_path / "crash.db"
    cmd = _command(db, *corpus)
    total = len(reference["snapshot"]["documents"])
    # Kill times are drawn inside the uninterrupted run's own duration (which includes loading the model), so a
    # fast machine does not finish before the kill; the reference ran with a reader polling, so it is no faster.
    latest = max(1.0, 0.7 * float(reference["seconds"]))
    history: list[str] = []
    for k in range(kills):
        if _count(db, "SELECT count(*) FROM ingest_runs WHERE finished_at IS NOT NULL"):
            break  # a run got through: nothing left to interrupt
        mode = (k + rng.randrange(3)) % 3
        if mode == 0:  # while starting: loading the model, reading, storing the first documents
            at = rng.uniform(0.5, latest)
            history.append(f"after {at:.1f}s: " + _kill_when(cmd, lambda t, at=at: t >= at))
        elif mode == 1:  # once some documents are stored (reading and extracting interleave)
            n = rng.randint(1, max(1, total - 1))
            history.append(f"at {n} stored: " + _kill_when(
                cmd, lambda t, n=n: _count(db, "SELECT count(*) FROM documents") >= n))
        else:  # in the middle of the writes: after a random number of further extractions is committed
            done = _count(db, "SELECT count(*) FROM documents WHERE status = 'extracted'")
            n = done + rng.randint(1, max(1, total - done - 1))
            history.append(f"at {n} extracted: " + _kill_when(
                cmd, lambda t, n=n: _count(db, "SELECT count(*) FROM documents WHERE status = 'extracted'") >= n))
    _finish(cmd)
    _check_recovered(db, reference["snapshot"], history)
    return history


def test_killed_ingest_recovers_to_the_uninterrupted_result(tmp_path, corpus, reference):
    history = _crash_and_recover(tmp_path, corpus, reference, random.Random(), kills=2)
    assert any("killed" in h for h in history), history


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(5))
def test_killed_many_times_recovers(tmp_path, corpus, reference, seed):
    history = _crash_and_recover(tmp_path, corpus, reference, random.Random(seed), kills=6)
    assert sum("killed" in h for h in history) >= 2, history

