"""Incident resolution at scale: time and peak memory of ``resolve`` on 10k and 100k synthetic mentions.

    python benchmarks/bench_resolution.py            # 10k and 100k
    python benchmarks/bench_resolution.py --big      # adds 1M (minutes, several GB)
    python benchmarks/bench_resolution.py --sizes 20000 --profile   # cProfile of one size, top functions

Each size runs in a forked child so its peak RSS is its own. Prints one line of ``key=value`` figures.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def _run(n: int, args: argparse.Namespace, out: mp.Queue) -> None:
    import synthetic

    from faultlines.resolve.incidents import candidate_pairs, resolve

    events = synthetic.event_records(n, seed=args.seed, per_day=args.per_day, span_days=args.span_days,
                                     undated=args.undated)
    base = _rss_mb()
    t0 = time.perf_counter()
    pairs = sum(1 for _ in candidate_pairs(events, 3)) if args.pairs else -1
    t1 = time.perf_counter()
    rows = resolve(events)
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put({"n": n, "seconds": round(t2 - t1, 2), "pairs_seconds": round(t1 - t0, 2), "pairs": pairs,
             "incidents": len(rows), "peak_mb": round(peak - base, 1)})


def _profile(n: int, args: argparse.Namespace) -> None:
    import cProfile
    import pstats

    import synthetic

    from faultlines.resolve.incidents import resolve

    events = synthetic.event_records(n, seed=args.seed, per_day=args.per_day, span_days=args.span_days,
                                     undated=args.undated)
    prof = cProfile.Profile()
    prof.runcall(resolve, events)
    pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(15)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--big", action="store_true", help="add 1,000,000 mentions")
    ap.add_argument("--per-day", type=float, default=20.0, help="mentions per day (constant-density archive)")
    ap.add_argument("--span-days", type=int, default=None, help="fixed time span instead (a denser archive)")
    ap.add_argument("--undated", type=float, default=0.05, help="share of mentions without a date")
    ap.add_argument("--pairs", action="store_true", help="also count the candidate pairs (extra time)")
    ap.add_argument("--profile", action="store_true", help="cProfile the first size (to stderr) instead")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    sizes = list(args.sizes) + ([1_000_000] if args.big else [])
    if args.profile:
        _profile(sizes[0], args)
        return 0
    ctx = mp.get_context("fork")
    res: dict[int, dict] = {}
    for n in sizes:
        q: mp.Queue = ctx.Queue()
        p = ctx.Process(target=_run, args=(n, args, q))
        p.start()
        res[n] = q.get()
        p.join()
    parts = [f"undated={args.undated}", f"density={f'span:{args.span_days}' if args.span_days else args.per_day}"]
    for n in sizes:
        r = res[n]
        k = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"
        parts += [f"t_{k}={r['seconds']}s", f"peak_{k}={r['peak_mb']}MB", f"incidents_{k}={r['incidents']}"]
        if args.pairs:
            parts.append(f"pairs_{k}={r['pairs']}")
    for a, b in zip(sizes, sizes[1:], strict=False):
        ratio = res[b]["seconds"] / max(res[a]["seconds"], 1e-6)
        parts.append(f"growth_{b // a}x={ratio:.1f}")
    print("resolution " + " ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
