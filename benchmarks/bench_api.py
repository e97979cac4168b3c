"""Load-test /api/incidents on loopback: N synthetic incidents, a fixed number of requests, a few clients.

    python benchmarks/bench_api.py                 # 10k incidents, 2000 requests, 4 clients
    python benchmarks/bench_api.py --n 1000000     # the big run

Prints one line: n, requests, errors, p50_ms, p99_ms, req_per_s. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

TYPES = {
    "Battles": ["Armed clash", "Government regains territory"],
    "Explosions/Remote violence": ["Air/drone strike", "Remote explosive/landmine/IED", "Suicide bomb"],
    "Violence against civilians": ["Attack", "Abduction/forced disappearance"],
    "Strategic developments": ["Arrests", "Agreement"],
}
PLACES = [("Mosul", "Nineveh", "IQ", 36.34, 43.13), ("Baghdad", "Baghdad", "IQ", 33.34, 44.40),
          ("Ramadi", "Anbar", "IQ", 33.42, 43.30), ("Raqqa", "Raqqa", "SY", 35.95, 39.01),
          ("Aleppo", "Aleppo", "SY", 36.20, 37.16), ("Deir ez-Zor", "Deir ez-Zor", "SY", 35.33, 40.14),
          ("Kirkuk", "Kirkuk", "IQ", 35.47, 44.39), ("Idlib", "Idlib", "SY", 35.93, 36.63)]
QUERIES = [
    "/api/incidents?limit=50",
    "/api/incidents?event_type=Battles&limit=50",
    "/api/incidents?country=SY&date_from=2016-01-01&date_to=2016-06-30&limit=50",
    "/api/incidents?sort=-date&limit=20",
    "/api/incidents?place=Mosul&sort=-date&limit=20",
    "/api/incidents?disputed=true&date_from=2017-01-01&limit=50",
    "/api/incidents?event_type=Air/drone%20strike&country=IQ&limit=50&offset=100",
    "/api/incidents/inc-00000042",
]


def build(path: Path, n: int, seed: int = 7) -> None:
    """N synthetic incidents through the store (batched transactions)."""
    from faultlines.model import Incident, IncidentSource
    from faultlines.store.sqlite import Store

    rng = random.Random(seed)
    store = Store(path)
    batch: list[Incident] = []
    for i in range(n):
        typ = rng.choice(list(TYPES))
        name, admin1, cc, lat, lon = rng.choice(PLACES)
        day = 1 + rng.randrange(365 * 6)
        year, rest = 2014 + day // 365, day % 365
        d = f"{year}-{1 + rest // 31:02d}-{1 + rest % 28:02d}"
        killed = rng.choice([None, rng.randrange(0, 60)])
        batch.append(Incident(
            id=f"inc-{i:08d}", event_type=typ, sub_event_type=rng.choice(TYPES[typ]),
            date_start=date.fromisoformat(d), date_end=date.fromisoformat(d), date_precision="day", place_name=name,
            admin1=admin1, country_code=cc, lat=lat + rng.uniform(-0.2, 0.2), lon=lon + rng.uniform(-0.2, 0.2),
            geonameid=None, place_precision="city", killed_low=killed, killed_high=killed, injured_low=None,
            injured_high=None, perpetrators=("Group A",), targets=("Civilians",),
            disputed=("killed",) if rng.random() < 0.1 else (),
            sources=tuple(IncidentSource(f"doc-{i}-{k}", f"doc-{i}-{k}", "Outlet", ())
                          for k in range(1 + rng.randrange(4)))))
        if len(batch) == 20_000:
            store.replace_incidents([], batch)
            batch = []
    if batch:
        store.replace_incidents([], batch)
    store.conn.execute("ANALYZE")
    store.close()


def add_order_indexes(path: Path) -> None:
    """Indexes whose expressions match the ORDER BY of the default sorts (what a schema migration could add)."""
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("CREATE INDEX IF NOT EXISTS incidents_order_date ON incidents(date_start IS NULL, date_start, id)")
    conn.execute("CREATE INDEX IF NOT EXISTS incidents_order_date_desc "
                 "ON incidents(date_start IS NULL, date_start DESC, id)")
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


def serve(db: str, port: int) -> None:
    import uvicorn

    from faultlines.serve.app import ServeSettings, create_app

    app = create_app(db, settings=ServeSettings(rate_limit=0))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, proc: subprocess.Popen, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server exited before answering")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/openapi.json")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start in time")


def load(port: int, requests: int, clients: int, time_limit: float) -> tuple[list[float], int, float]:
    """Send ``requests`` GETs from ``clients`` keep-alive connections; stop early after ``time_limit`` seconds."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(requests))
    start = time.perf_counter()
    stop_at = start + time_limit

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop_at:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            t0 = time.perf_counter()
            try:
                conn.request("GET", QUERIES[i % len(QUERIES)])
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(dt)
                errors += 0 if ok else 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="synthetic incidents (default 10000)")
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--time-limit", type=float, default=120.0, help="stop sending after this many seconds")
    ap.add_argument("--db", help="reuse or keep the database at this path")
    ap.add_argument("--order-indexes", action="store_true",
                    help="add expression indexes matching the incident sort orders (proposed schema change)")
    ap.add_argument("--serve", nargs=2, metavar=("DB", "PORT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return 0
    tmp = None
    if args.db:
        db = Path(args.db)
    else:
        tmp = tempfile.TemporaryDirectory()
        db = Path(tmp.name) / "bench.db"
    t0 = time.perf_counter()
    if not db.exists():
        build(db, args.n)
    if args.order_indexes:
        add_order_indexes(db)
    build_s = time.perf_counter() - t0
    port = _free_port()
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(db), str(port)], env=env)
    try:
        _wait(port, proc)
        latencies, errors, elapsed = load(port, args.requests, args.clients, args.time_limit)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if tmp is not None:
            tmp.cleanup()
    done = len(latencies)
    lat = sorted(latencies) or [0.0]
    p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))]
    print(f"n={args.n} requests={done} errors={errors} p50_ms={statistics.median(lat):.1f} p99_ms={p99:.1f} "
          f"req_per_s={done / elapsed:.1f} clients={args.clients} build_s={build_s:.1f}"
          + (" indexes=order" if args.order_indexes else ""))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
