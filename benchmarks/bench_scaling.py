"""Scaling: 1 vs 2 local worker processes, and the Ray engine vs the local engine, on the same synthetic corpus.

    python benchmarks/bench_scaling.py              # 160 synthetic articles (about 55k words)
    python benchmarks/bench_scaling.py --n 1000     # a corpus big enough to amortize model loading fully
    python benchmarks/bench_scaling.py --no-ray

Each configuration runs in a fresh interpreter, so model loading is counted the way a user pays it; ``steady``
figures start at the first result (model loaded everywhere). Wall times depend on what else the machine runs:
the line ends with the load average seen during the runs. ``cpu1``/``cpu2`` are the CPU seconds each run used
(workers included): ``cpu_overhead_2`` near 1 means two workers waste nothing, whatever the wall times say on a
busy machine. One line of ``key=value`` figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _one(mode: str, n: int, batch_size: int) -> dict[str, float]:
    """Run one configuration in this process and return its timings."""
    import synthetic

    from faultlines.config import Settings
    from faultlines.model import Extraction
    from faultlines.pipeline import extract_batches

    docs = synthetic.synthetic_documents(n)
    batches = [docs[i:i + batch_size] for i in range(0, len(docs), batch_size)]
    workers = 1 if mode == "local1" else 2
    settings = Settings(workers=workers, batch_size=batch_size, engine="ray" if mode == "ray2" else "local")
    t0 = time.perf_counter()
    first = None
    events = 0
    for res in extract_batches(iter(batches), settings):
        if first is None:
            first = time.perf_counter()
        if isinstance(res, Extraction):
            events += len(res.events)
    end = time.perf_counter()
    return {"total": end - t0, "steady": end - (first or end), "docs": len(docs), "events": events,
            "words": synthetic.words(docs)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=160, help="synthetic articles")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--run", choices=["local1", "local2", "ray2"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        print(json.dumps(_one(args.run, args.n, args.batch_size)))
        return 0
    modes = ["local1", "local2"]
    try:
        import ray  # noqa: F401

        has_ray = True
    except ImportError:
        has_ray = False
    if has_ray and not args.no_ray:
        modes.append("ray2")
    res: dict[str, dict[str, float]] = {}
    loads = []
    cpu: dict[str, float] = {}
    for m in modes:
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run([sys.executable, __file__, "--run", m, "--n", str(args.n), "--batch-size",
                              str(args.batch_size)], capture_output=True, text=True, check=True)
        res[m] = json.loads(out.stdout.strip().splitlines()[-1])
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run and its (waited-for) worker processes
        cpu[m] = ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime
        loads.append(os.getloadavg()[0])
    r1, r2 = res["local1"], res["local2"]
    if r1["events"] != r2["events"]:
        print(f"warning: local1 found {r1['events']} events, local2 {r2['events']}", file=sys.stderr)
    parts = [f"docs={r1['docs']}", f"words={r1['words']}", f"cores={os.cpu_count()}",
             f"t1={r1['total']:.1f}s", f"t2={r2['total']:.1f}s", f"speedup={r1['total'] / r2['total']:.2f}",
             f"steady_speedup={r1['steady'] / max(r2['steady'], 1e-6):.2f}",
             f"docs_s_1={r1['docs'] / r1['total']:.1f}", f"docs_s_2={r2['docs'] / r2['total']:.1f}",
             f"cpu1={cpu['local1']:.0f}s", f"cpu2={cpu['local2']:.0f}s",
             f"cpu_overhead_2={cpu['local2'] / max(cpu['local1'], 1e-6):.2f}"]
    if "ray2" in res:
        rr = res["ray2"]
        parts += [f"t_ray2={rr['total']:.1f}s", f"ray_vs_local2={rr['total'] / r2['total']:.2f}",
                  f"ray_steady_vs_local2={rr['steady'] / max(r2['steady'], 1e-6):.2f}",
                  f"ray_events_equal={rr['events'] == r2['events']}"]
    else:
        parts.append("ray=skipped" if has_ray else "ray=not-installed")
    parts.append(f"load_avg={max(loads):.1f}")
    print("scaling " + " ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
