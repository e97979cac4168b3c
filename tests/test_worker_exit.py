"""A killed ingest leaves nothing behind: its worker processes end with it (issue 18)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()  # state, ppid, ...


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st and int(st[1]) == pid:
                out.append(int(entry))
    return out


def _running(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] not in ("Z", "X")


def test_kill_9_of_an_ingest_with_two_workers_leaves_no_worker_running(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(80):  # enough batches for the worker pool to start
        (folder / f"{i:03d}.txt").write_text(
            f"Report {i}: gunmen attacked a checkpoint in Ramadi, Iraq, on 3 March 2015, killing {i + 2} soldiers.\n",
            encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "faultlines.cli", "ingest", "--db", str(tmp_path / "x.db"),
                             "--quiet", "--workers", "2", str(folder)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kids: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(kids) < 2:
            if proc.poll() is not None:
                pytest.fail(f"the ingest ended (status {proc.returncode}) before its workers were seen")
            kids = _children(proc.pid)
            time.sleep(0.1)
        assert len(kids) >= 2, "no worker processes started"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(map(_running, kids)):
            time.sleep(0.2)
        assert [k for k in kids if _running(k)] == [], "worker processes outlived their killed parent"
    finally:
        for k in kids:
            try:
                os.kill(k, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if proc.poll() is None:
            proc.kill()
