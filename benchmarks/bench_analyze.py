"""Speed of the analyze stage against spaCy's bare parse, on the same texts in the same run.

Usage: python benchmarks/bench_analyze.py [--docs 200]

Prints one line: docs/s and words/s of ``nlp.pipe`` alone and of the full Analyzer (actors + places + dates), and
their ratio. The corpus is built from short texts written for this benchmark (or the demo corpus when present).
"""

from __future__ import annotations

import argparse
import itertools
import time
from datetime import date
from pathlib import Path

TEXTS = [
    "Gunmen opened fire on a checkpoint near Baquba in Diyala province on Friday, killing four policemen. "
    "Officials said the attackers fled toward the orchards north of the city.",
    "Army units backed by militia fighters entered Tikrit in mid-March after a siege of several weeks. "
    "Commanders said the road to Samarra was open again and that Baiji would be next.",
    "A car bomb exploded in a crowded market in Kirkuk yesterday, wounding at least twenty people. "
    "No group claimed the attack, but police blamed Islamic State cells hiding around Hawija.",
    "Residents of Amerli, a town 100 miles north of Baghdad, received food and water by air last week "
    "after fighters surrounding the town were pushed back.",
    "Iran has supplied advisers and weapons to Shia militias in Iraq since 2014, according to officials in "
    "Washington, who said the aid increased over the past six months.",
    "Clashes erupted outside Fallujah on 3 January as tribal fighters and government troops fought for "
    "control of the main bridge. The fighting continued into early February.",
    "Kurdish forces retook Sinjar from Islamic State militants in November 2015 with the help of coalition "
    "air strikes, opening a corridor to Mount Sinjar.",
    "Protesters gathered in Basra on Sunday to demand electricity and clean water; security forces fired "
    "tear gas and arrested a dozen people, the provincial council said.",
]


def corpus(n: int) -> list[str]:
    """``n`` texts: the demo corpus when the package ships one, else the texts above, repeated."""
    demo = Path(__file__).resolve().parent.parent / "faultlines" / "demo" / "corpus"
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(demo.glob("*.txt"))] if demo.is_dir() else []
    return list(itertools.islice(itertools.cycle(texts or TEXTS), n))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200)
    args = ap.parse_args()

    from faultlines.analyze import Analyzer
    from faultlines.analyze.nlp import load_nlp
    from faultlines.ingest.documents import make_document

    texts = corpus(args.docs)
    words = sum(len(t.split()) for t in texts)
    nlp = load_nlp()
    analyzer = Analyzer(nlp=nlp)  # adds the place ruler to nlp: the bare parse below runs the same pipeline
    docs = [make_document(raw_text=t, clean_text=t, name=f"bench-{i}.txt", published=date(2015, 3, 1))
            for i, t in enumerate(texts)]
    list(nlp.pipe(texts[:8]))  # warm up

    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=analyzer.settings.batch_size):
        pass
    parse = time.perf_counter() - t0

    t0 = time.perf_counter()
    n_places = n_times = n_actors = 0
    for a in analyzer.analyze(docs):
        n_places += len(a.places)
        n_times += len(a.times)
        n_actors += len(a.actors)
    full = time.perf_counter() - t0

    print(f"docs={len(texts)} words={words} parse: {len(texts) / parse:.1f} docs/s {words / parse:.0f} words/s | "
          f"analyze: {len(texts) / full:.1f} docs/s {words / full:.0f} words/s | ratio analyze/parse={full / parse:.2f}"
          f" | found actors={n_actors} places={n_places} times={n_times}")


if __name__ == "__main__":
    main()
