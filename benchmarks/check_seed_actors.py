"""Do the seed articles' actors resolve to one canonical actor each? Also times the recognizer.

Reads the gold actors of ../shared/bench/seeds/gold.json and the five seed articles, finds every occurrence of a
gold alias in the articles, and reports which canonical actor(s) the recognizer gave those words. A gold actor
passes "strict" when all its occurrences resolve to one actor, and "family" when they resolve to one actor and
its ``part_of`` descendants (e.g. "Badr" and "Shia militias"). A capital or country name that the recognizer
left as a place (not the agent of a verb: "in Baghdad") is shown as "(as place)" and not counted against. Names written in lower case in the gold
("worshippers", "people") are common nouns whose reading depends on context; they are reported separately.

Usage: .venv/bin/python benchmarks/check_seed_actors.py [--shared ../shared] [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from faultlines.analyze.actor_kb import name_key
from faultlines.analyze.actors import ActorKB, ActorRecognizer
from faultlines.analyze.nlp import load_nlp


def alias_pattern(aliases: list[str]) -> re.Pattern[str]:
    """One regex over all aliases, longest first; short or all-caps aliases keep their case."""
    parts = []
    for alias in sorted(set(aliases), key=len, reverse=True):
        body = re.escape(alias).replace("\\'", "['’]").replace("'", "['’]")
        body = body.replace("\\-", "[-‐–]")
        if len(alias) <= 3 or alias.isupper():
            parts.append(rf"(?-i:\b{body}\b)")
        else:
            parts.append(rf"\b{body}\b")
    return re.compile("|".join(parts), re.I)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    gold = json.loads((args.shared / "bench/seeds/gold.json").read_text(encoding="utf-8"))["actors"]
    articles = sorted((args.shared / "corpus/seeds").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in articles]

    nlp = load_nlp()
    kb = ActorKB.load()
    recognizer = ActorRecognizer(kb, nlp)
    docs = list(nlp.pipe(texts))
    t0 = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        mentions = [recognizer(d) for d in docs]
    per_doc = (time.perf_counter() - t0) / (rounds * len(docs))

    owner: dict[str, str] = {}
    for gid, info in gold.items():
        for alias in info.get("aliases", []):
            owner.setdefault(alias, gid)
    pattern = alias_pattern(list(owner))
    lower_of = {a.lower(): g for a, g in owner.items()}

    resolved: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    resolved_names: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path, text, ms in zip(articles, texts, mentions, strict=True):
        for m in pattern.finditer(text):
            alias = m.group()
            key = re.sub("[’‐–]", lambda c: {"’": "'", "‐": "-", "–": "-"}[c.group()], alias).lower()
            gid = lower_of.get(key) or next((g for a, g in owner.items() if a.lower() == key), None)
            if gid is None:
                continue
            hits = [x for x in ms if x.start < m.end() and m.start() < x.end]
            if hits and hits[0].start <= m.start() and hits[0].end >= m.end() and hits[0].text != alias \
                    and len(hits[0].text) > len(alias) + 2:
                continue  # part of a longer name ("Iran" in "Iran-backed militias"): not a mention of its own
            entry = kb.aliases.get(name_key(alias))
            if not hits and entry is not None and entry.metonym:
                got = "(as place)"
            else:
                got = hits[0].actor.id if hits else "(none)"
            where = f"{path.name[:3]}:{m.start()} {alias!r}"
            resolved[gid][got].append(where)
            if any(c.isupper() for c in alias):
                resolved_names[gid][got].append(where)

    def family_ok(ids: set[str]) -> bool:
        ids = ids - {"(as place)"}
        if "(none)" in ids or not ids:
            return False
        for top in ids:
            if all(i == top or top in {a.id for a in kb.ancestors(i)} for i in ids):
                return True
        return False

    def report(title: str, table: dict[str, dict[str, list[str]]]) -> None:
        strict = sum(1 for r in table.values() if len(set(r) - {"(as place)"}) == 1 and "(none)" not in r)
        family = sum(1 for r in table.values() if family_ok(set(r)))
        print(f"{title}: {len(table)} gold actors named; strict one-actor {strict}/{len(table)}; "
              f"one family {family}/{len(table)}")
        for gid, r in sorted(table.items()):
            if len(r) == 1 and "(none)" not in r and "(as place)" not in r and not args.verbose:
                continue
            summary = ", ".join(f"{aid} x{len(w)}" for aid, w in sorted(r.items(), key=lambda kv: -len(kv[1])))
            print(f"  {gid:24s} -> {summary}")
            if args.verbose:
                for aid, where in r.items():
                    if len(r) > 1 or aid.startswith("("):
                        print(f"      {aid}: {'; '.join(where[:6])}")

    report("proper names (gold aliases with a capital)", resolved_names)
    report("all gold aliases (incl. common nouns)", resolved)
    words = sum(len(t.split()) for t in texts)
    print(f"recognizer speed (spaCy parse excluded): {1 / per_doc:.0f} docs/s, "
          f"{words / len(texts) / per_doc:,.0f} words/s on {len(texts)} seed articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
