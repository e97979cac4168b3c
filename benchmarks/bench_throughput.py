"""Throughput of the full pipeline (analyze + extract, without and with the database) against bare spaCy parsing.

    python benchmarks/bench_throughput.py                 # the demo corpus x5 (about 100 documents)
    python benchmarks/bench_throughput.py --copies 20
    python benchmarks/bench_throughput.py --synthetic 500 # template articles instead of the demo corpus
    python benchmarks/bench_throughput.py --profile       # where the pipeline's time goes (PROF_SORT, PROF_N)

All figures come from one process and one corpus: spaCy's ``nlp.pipe`` on the same texts (the same model object
with our components switched off) is the floor; ``ratio`` is pipeline time / spaCy time (aim: <= 1.3). Each round
goes through the corpus batch by batch, parsing a batch with bare spaCy and then running the pipeline on it, so the
two sides share whatever load the host has at that moment. There are ``--repeat`` rounds (default 5); ``ratio``
is the median of the rounds' ratios (``ratio_rounds`` lists them all), and ``ratio_best`` adds up each batch's
fastest time on each side, as timeit does. The rates (documents and words per second) use those fastest times.
One line of ``key=value`` figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=5, help="how many times to repeat the demo corpus")
    ap.add_argument("--synthetic", type=int, default=0, help="use N synthetic articles instead")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=5, help="rounds over the corpus (batch by batch, both sides; each batch's best time counts)")
    ap.add_argument("--profile", action="store_true", help="cProfile the pipeline pass (top functions to stderr)")
    args = ap.parse_args()

    import synthetic

    from faultlines.analyze.nlp import load_nlp_uncached
    from faultlines.config import Settings
    from faultlines.pipeline import Pipeline, ingest
    from faultlines.store import Store

    docs = synthetic.synthetic_documents(args.synthetic) if args.synthetic else synthetic.demo_documents(args.copies)
    n_words = synthetic.words(docs)
    settings = Settings(workers=1, batch_size=args.batch_size)

    pipe = Pipeline(settings)
    list(pipe.extract(docs[:4]))  # load and warm everything outside the timing
    nlp = pipe.analyzer.nlp
    ours = [name for name in nlp.pipe_names if name not in load_nlp_uncached(settings.model).pipe_names]
    batches = [docs[i:i + args.batch_size] for i in range(0, len(docs), args.batch_size)]

    prof = None
    if args.profile:
        import cProfile

        prof = cProfile.Profile()

    def timed_round() -> tuple[list[float], list[float], list[float], list[float], int]:
        """One pass over the corpus, batch by batch: spaCy's bare parse of a batch, then the pipeline on the same
        batch. Interleaving at this grain puts both sides under the same neighbours: a burst of load on a shared
        host lasts seconds, longer than one batch, so it slows both sides of that batch instead of one whole run."""
        bare_cpu, pipe_cpu, bare_wall, pipe_wall, n_events = [], [], [], [], 0
        for b in batches:
            texts_b = [d.clean_text for d in b]
            with nlp.select_pipes(disable=ours):  # the same model object with our components switched off
                t0, c0 = time.perf_counter(), time.process_time()
                for _ in nlp.pipe(texts_b, batch_size=args.batch_size):
                    pass
                bare_cpu.append(time.process_time() - c0)
                bare_wall.append(time.perf_counter() - t0)
            if prof:
                prof.enable()
            t0, c0 = time.perf_counter(), time.process_time()
            for res in pipe.extract(b):
                n_events += len(getattr(res, "events", ()))
            pipe_cpu.append(time.process_time() - c0)
            pipe_wall.append(time.perf_counter() - t0)
            if prof:
                prof.disable()
        return bare_cpu, pipe_cpu, bare_wall, pipe_wall, n_events

    rounds = [timed_round() for _ in range(max(1, args.repeat))]

    def best(side: int) -> float:
        """Sum over batches of each batch's fastest time on that side (as timeit: a busy host only adds time)."""
        return sum(min(r[side][k] for r in rounds) for k in range(len(batches)))

    c_spacy, c_pipe, t_spacy, t_pipe = best(0), best(1), best(2), best(3)
    per_round = sorted(sum(r[1]) / sum(r[0]) for r in rounds)
    events = rounds[0][4]
    if prof:
        import pstats

        pstats.Stats(prof, stream=sys.stderr).sort_stats(os.environ.get("PROF_SORT", "tottime")).print_stats(
            int(os.environ.get("PROF_N", "25")))

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        import faultlines.ingest as ingest_mod

        original = ingest_mod.read_paths
        ingest_mod.read_paths = lambda *a, **k: iter(docs)  # the same in-memory documents, through the real ingest
        try:
            t0, c0 = time.perf_counter(), time.process_time()
            report = ingest([], store, settings=settings, pipeline=pipe)
            t_db, c_db = time.perf_counter() - t0, time.process_time() - c0
        finally:
            ingest_mod.read_paths = original
        store.close()

    # rates use CPU seconds of this process: on a shared machine wall time mostly measures the neighbours
    n = len(docs)
    print(f"throughput docs={n} words={n_words} events={events} cpu_spacy_s={c_spacy:.1f} cpu_pipeline_s={c_pipe:.1f} "
          f"cpu_ingest_db_s={c_db:.1f} spacy_docs_s={n / c_spacy:.1f} pipeline_docs_s={n / c_pipe:.1f} "
          f"pipeline_words_s={n_words / c_pipe:.0f} ingest_docs_s={n / c_db:.1f} ingest_words_s={n_words / c_db:.0f} "
          f"ratio={statistics.median(per_round):.2f} ratio_best={c_pipe / c_spacy:.2f} "
          f"ratio_rounds={','.join(f'{r:.2f}' for r in per_round)} ratio_with_db={c_db / c_spacy:.2f} "
          f"wall_ratio={t_pipe / t_spacy:.2f} "
          f"wall_ratio_with_db={t_db / t_spacy:.2f} stored={report.extracted} incidents={report.incidents}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
