"""Property tests (nothing raises on arbitrary input) and a bounded loopback load test of the API."""

from __future__ import annotations

import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faultlines.extract.casualties import parse_casualties, parse_quantity

NUMBERISH = st.lists(st.sampled_from(list("0123456789,. -") + ["at least ", "over ", "dozens of ", "killed",
                                                                 " wounded", "10^30", "a", "and"]),
                     max_size=25).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), NUMBERISH))
def test_quantities_never_raise_and_ranges_are_ordered(text):
    c = parse_quantity(text)
    if c is not None and c.low is not None and c.high is not None:
        assert c.low <= c.high
    if c is not None:
        assert c.low is None or 0 <= c.low < 10**9


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=120), NUMBERISH.map(lambda s: "gunmen killed " + s + " people")))
def test_casualty_figures_never_raise(text):
    figures = parse_casualties(text)
    for count in (figures.killed, figures.injured, figures.casualties):
        assert count.low is None or count.high is None or count.low <= count.high


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300))
def test_extractor_never_raises_on_arbitrary_unicode(extract, text):
    ex = extract(text)
    for e in ex.events:
        assert 0 <= e.start <= e.end <= len(text)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_bounded_loopback_load_has_no_errors(tmp_path, capsys):
    """A fixed number of requests from a few clients, stopped by a time limit: zero errors, p50/p99 reported."""
    uvicorn = pytest.importorskip("uvicorn")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_api

    from faultlines.serve.app import ServeSettings, create_app

    db = tmp_path / "load.db"
    bench_api.build(db, 2000)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(str(db), settings=ServeSettings(rate_limit=0)),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        latencies, errors, seconds = bench_api.load(port, requests=300, clients=4, time_limit=60)
    finally:
        server.should_exit = True
        thread.join(10)
    assert errors == 0
    assert len(latencies) == 300
    lat = sorted(latencies)
    with capsys.disabled():
        print(f"\nload: 300 requests in {seconds:.1f}s, p50={statistics.median(lat):.1f}ms "
              f"p99={lat[int(len(lat) * 0.99) - 1]:.1f}ms, errors=0")
