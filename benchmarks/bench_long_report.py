"""Work per document against its length: a long report (rights groups and the UN list hundreds of incidents in
one document) must cost about linearly (aim: 10 times the text, at most 12 times the time).

    python benchmarks/bench_long_report.py                 # 300 and 3000 event sentences
    python benchmarks/bench_long_report.py --n 100         # 100 and 1000
    python benchmarks/bench_long_report.py --hostile       # also the hostile inputs of issue 18

The report is a few short event paragraphs repeated (each sentence is an event with a place, actors and a toll),
read through the real parse, analysis and extraction (``Pipeline.extract``, one process, the limit off). Times are
CPU seconds of this process. With ``--hostile``: reading a 600 KB Markdown file of ``[`` (seconds, and its
failure reason), a 400 KB text of 200,000 one-word lines (seconds, reason) and a JSON list of 1.5 million numbers
(seconds, failure rows), with the peak RSS of the process. One line of figures.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

UNITS = (
    "On Monday, government forces shelled the town of Kramatorsk, killing five civilians.",
    "Gunmen attacked a police checkpoint in Ramadi, Iraq, on 3 March 2015, killing four policemen.",
    "A car bomb exploded at a market in Baghdad, killing six people and wounding twenty, police said.",
    "Islamic State fighters clashed with Kurdish forces near Kirkuk, and at least ten fighters died.",
)


def report(n: int) -> str:
    return "\n\n".join(UNITS[i % len(UNITS)] for i in range(n)) + "\n"


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300, help="sentences of the short report (the long one has 10 times)")
    ap.add_argument("--hostile", action="store_true")
    args = ap.parse_args()

    from faultlines.config import Settings
    from faultlines.ingest import build_document
    from faultlines.model import Extraction
    from faultlines.pipeline import Pipeline

    pipe = Pipeline(Settings(workers=1, doc_timeout=0, max_words=10**7))
    list(pipe.extract([build_document(report(8), name="warm-up")]))
    figures: dict[str, str] = {}
    times = []
    for n in (args.n, 10 * args.n):
        doc = build_document(report(n), name=f"report-{n}")
        t0 = cpu()
        [res] = list(pipe.extract([doc]))
        times.append(cpu() - t0)
        assert isinstance(res, Extraction), res
        figures[f"events_{n}"] = str(len(res.events))
    figures["sentences"] = f"{args.n},{10 * args.n}"
    figures["cpu_s"] = ",".join(f"{t:.1f}" for t in times)
    figures["ratio"] = f"{times[1] / times[0]:.2f}"
    figures["aim"] = "<=12"
    if args.hostile:
        figures.update(hostile())
    figures["peak_rss_mb"] = str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


def hostile() -> dict[str, str]:
    from faultlines.ingest import read_paths
    from faultlines.model import IngestFailure

    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cases = {"brackets": ("brackets.md", "[" * 600_000), "lines": ("lines.txt", "word\n" * 200_000),
                 "list": ("list.json", json.dumps(list(range(1_500_000))))}
        for key, (name, text) in cases.items():
            p = Path(tmp) / name
            p.write_text(text, encoding="utf-8")
            t0 = time.perf_counter()
            items = list(read_paths([p]))
            out[f"{key}_s"] = f"{time.perf_counter() - t0:.1f}"
            fails = [i for i in items if isinstance(i, IngestFailure)]
            out[f"{key}_failures"] = str(len(fails))
            out[f"{key}_reason"] = fails[0].reason if fails else "stored"
    return out


if __name__ == "__main__":
    main()
