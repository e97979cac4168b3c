"""Start a real, throw-away PostgreSQL server on loopback for tests (skipped, saying why, if none is installed)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for cand in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return cand
    return None


def why_unavailable() -> str | None:
    for name in ("initdb", "postgres"):
        if not find_bin(name):
            return f"PostgreSQL's {name} is not installed (make test installs Debian's postgresql when it can)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'faultlines[postgres]')"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser: cannot start PostgreSQL as an unprivileged user"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yields a DSN ``postgresql://USER@127.0.0.1:PORT/postgres`` for a fresh server; stops and removes it after."""
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    user = "postgres" if as_root else os.environ.get("USER", "postgres")
    base = Path(tempfile.mkdtemp(prefix="faultlines-pg-"))
    data = base / "data"
    if as_root:
        shutil.chown(base, "postgres")
    port = _free_port()
    subprocess.run([*prefix, find_bin("initdb"), "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    proc = subprocess.Popen([*prefix, find_bin("postgres"), "-D", str(data), "-p", str(port), "-k", str(base),
                             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dsn = f"postgresql://{user}@127.0.0.1:{port}/postgres"
    try:
        import psycopg

        for _ in range(100):
            try:
                psycopg.connect(dsn).close()
                break
            except psycopg.OperationalError:
                time.sleep(0.1)
        else:
            raise RuntimeError("PostgreSQL did not start")
        yield dsn
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(base, ignore_errors=True)
