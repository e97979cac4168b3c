"""Memory while ingesting many articles: peak RSS of ``faultlines ingest`` at 25/50/75/100% of the corpus.

    python benchmarks/bench_memory.py                  # 1000 synthetic articles, two workers
    python benchmarks/bench_memory.py --n 2000 --workers 1
    python benchmarks/bench_memory.py --n 100000       # the full run (hours on 2 cores; about 200 MB of JSONL)
    python benchmarks/bench_memory.py --n 100000 --sentences 3-5   # 100k short articles (~60 words each)

The articles are written as JSON Lines files (200 records each) to a temporary folder and ingested with the real
``faultlines.pipeline.ingest`` into a temporary database. RSS is sampled from /proc for this process and its
worker processes; ``growth`` is RSS at 100% over RSS at 25% (flat memory: close to 1). One line of figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, IndexError, ValueError):
        return 0.0


def tree_rss_mb() -> tuple[float, float]:
    """(this process, this process plus its children) resident memory in MB."""
    me = os.getpid()
    kids = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if int((p / "stat").read_text().split(") ")[1].split()[1]) == me:
                    kids.append(int(p.name))
            except (OSError, IndexError, ValueError):
                continue
    own = rss_mb(me)
    return own, own + sum(rss_mb(k) for k in kids)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="synthetic articles")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--sentences", default="14-26", help="sentences per article, LOW-HIGH (default 14-26, ~270 words)")
    ap.add_argument("--per-day", type=float, default=10.0,
                    help="articles per day of the archive: its time span grows with --n (default 10; at least 2000 days)")
    ap.add_argument("--log-every", type=int, default=0, help="print a progress line every N articles (stderr)")
    ap.add_argument("--keep", type=Path, default=None, help="write the database here instead of a temporary file")
    args = ap.parse_args()

    import synthetic

    from faultlines.config import Settings
    from faultlines.pipeline import ingest

    with tempfile.TemporaryDirectory() as tmp:
        low, _, high = args.sentences.partition("-")
        span = max(2000, round(args.n / args.per_day))  # constant density: a bigger archive covers more time
        files = synthetic.write_jsonl(Path(tmp) / "corpus", args.n, sentences=(int(low), int(high or low)),
                                      span_days=span)
        db = args.keep or Path(tmp) / "memory.db"
        marks = {round(args.n * f): f"{int(f * 100)}" for f in (0.25, 0.5, 0.75)}
        samples: dict[str, tuple[float, float]] = {}
        peak = [0.0, 0.0]
        seen = [0]

        started = time.perf_counter()

        def progress(k: int) -> None:
            seen[0] += k
            if seen[0] in marks:  # reading /proc for every document would make the driver the bottleneck
                own, tree = tree_rss_mb()
                peak[0], peak[1] = max(peak[0], own), max(peak[1], tree)
                samples[marks[seen[0]]] = (own, tree)
            if args.log_every and seen[0] % args.log_every == 0:  # a progress line on stderr for long runs
                own, tree = tree_rss_mb()
                print(f"progress docs={seen[0]} seconds={time.perf_counter() - started:.0f} rss={own:.0f}MB/"
                      f"{tree:.0f}MB", file=sys.stderr, flush=True)

        stop = threading.Event()

        def sample() -> None:  # the final incident resolution happens after the last document is read
            while not stop.wait(0.5):
                own, tree = tree_rss_mb()
                peak[0], peak[1] = max(peak[0], own), max(peak[1], tree)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        settings = Settings(workers=args.workers, batch_size=args.batch_size)
        t0 = time.perf_counter()
        report = ingest(files, db, settings=settings, progress=progress)
        seconds = time.perf_counter() - t0
        stop.set()
        sampler.join()
        samples["100"] = tree_rss_mb()
        peak[0], peak[1] = max(peak[0], samples["100"][0]), max(peak[1], samples["100"][1])
        db_mb = Path(db).stat().st_size / 2**20
    parts = [f"docs={report.extracted}", f"sentences={args.sentences}", f"per_day={args.per_day:g}",
             f"workers={args.workers}", f"seconds={seconds:.0f}",
             f"docs_s={report.extracted / seconds:.1f}", f"incidents={report.incidents}", f"db_mb={db_mb:.0f}"]
    for k in ("25", "50", "75", "100"):
        own, tree = samples.get(k, (0.0, 0.0))
        parts.append(f"rss_{k}={own:.0f}MB" + (f"/{tree:.0f}MB" if args.workers > 1 else ""))
    parts.append(f"peak_rss={peak[0]:.0f}MB" + (f"/{peak[1]:.0f}MB" if args.workers > 1 else ""))
    if samples.get("25"):
        parts.append(f"growth={samples['100'][0] / samples['25'][0]:.2f}")
    print("memory " + " ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
