"""Scores a corpus export (the JSON Lines of ``faultlines export --format jsonl``) against the project's gold file.

Used by the quality gate (tests/test_quality_gate.py). The gold is tests/gold/demo_gold.json, written by the
project over its own demo corpus; see tests/gold/README.md.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, timedelta
from itertools import combinations
from typing import Any

RELATION_FAMILY = {"supports": "co", "allied": "co", "fights": "vi", "attacks": "vi", "opposes": "op",
                   "rivals": "op", "controls": "hi", "leads": "hi", "member_of": "hi"}
SYMMETRIC = {"allied", "fights", "rivals"}


def norm(text: Any) -> str:
    s = unicodedata.normalize("NFKD", str(text or ""))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower().replace("’", "'")
    s = re.sub(r"\b(province|governorate|district)\b", " ", s)
    s = re.sub(r"\b(al|el|ad|as|an|ar)[- ]", "", s)
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def words(text: str) -> set[str]:
    return set(norm(text).split())


def overlap(gold_quote: str, quote: str) -> float:
    g = words(gold_quote)
    return len(g & words(quote)) / len(g) if g else 0.0


def _day(v: Any) -> date | None:
    try:
        return date.fromisoformat(str(v)[:10]) if v else None
    except ValueError:
        return None


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 12742 * math.asin(math.sqrt(min(1.0, h)))


def docs_of(inc: dict[str, Any]) -> set[str]:
    return {str(s.get("document")) for s in inc.get("sources", [])}


def place_ok(inc: dict[str, Any], gold: dict[str, Any] | None) -> bool:
    if not gold:
        return True
    loc = inc.get("location") or {}
    if gold.get("country_code") and loc.get("country_code") and gold["country_code"] != loc["country_code"]:
        return False
    name, adm = norm(loc.get("name")), norm(loc.get("admin1"))
    if name and any(norm(n) and (norm(n) in name or name in norm(n)) for n in gold.get("names", [])):
        return True
    if gold.get("admin1") and norm(gold["admin1"]) in (name, adm) and loc.get("precision") in ("admin1", "admin2"):
        return True
    if None not in (gold.get("lat"), loc.get("lat")):
        return _km((gold["lat"], gold["lon"]), (loc["lat"], loc["lon"])) <= 50
    return False


def date_ok(inc: dict[str, Any], gold: dict[str, Any] | None) -> bool | None:
    if not gold or not gold.get("start"):
        return None
    d = inc.get("date") or {}
    s, e = _day(d.get("start")), _day(d.get("end") or d.get("start"))
    if s is None or e is None:
        return False
    gs, ge = _day(gold["start"]), _day(gold["end"])
    assert gs and ge
    if gold.get("precision") == "year" and d.get("precision") == "day":
        return False
    return s <= ge + timedelta(days=1) and e >= gs - timedelta(days=1)


def killed_ok(inc: dict[str, Any], gold: dict[str, Any] | None) -> bool | None:
    if gold is None:
        return None
    k = inc.get("killed") or {}
    low, high = k.get("low"), k.get("high")
    if "must_not_claim_low_at_least" in gold:
        return low is None or low < gold["must_not_claim_low_at_least"]
    if low is None:
        return False
    return gold["low_min"] <= low <= gold["low_max"] and (gold.get("high") is None or high == gold["high"])


def actor_names(gold: dict[str, Any], ids: list[str]) -> set[str]:
    out = set()
    for i in ids:
        out |= {norm(a) for a in gold["actors"].get(i, {}).get("aliases", [])} | {norm(i), norm(i.replace("-", " "))}
    return out


def score(export: dict[str, list[dict[str, Any]]], gold: dict[str, Any]) -> dict[str, Any]:
    incidents = export["incidents"]

    def candidates(g: dict[str, Any]) -> list[dict[str, Any]]:
        gdocs = set(g["sources"])
        out = [p for p in incidents if docs_of(p) & gdocs and p.get("event_type") in g["event_type"]
               and place_ok(p, g.get("location")) and date_ok(p, g.get("date")) is not False]
        return sorted(out, key=lambda p: (-len(docs_of(p) & gdocs), p["id"]))

    lines: list[str] = []
    r: dict[str, Any] = dict.fromkeys(("found", "merged", "dates_ok", "dates_n", "killed_ok", "killed_n",
                                       "actors_ok", "actors_n", "violations"), 0)
    matched: set[str] = set()
    items: list[tuple[str, str, str | None]] = []  # (gold incident, document, predicted incident)
    required = [g for g in gold["incidents"] if g.get("required")]
    for g in gold["incidents"]:
        cands = candidates(g)
        matched |= {p["id"] for p in cands}
        for doc in g["sources"]:
            hit = next((p["id"] for p in cands if doc in docs_of(p)), None)
            items.append((g["id"], doc, hit))
        if not g.get("required"):
            continue
        if not cands:
            lines.append(f"MISS {g['id']}")
            continue
        best = cands[0]
        r["found"] += 1
        r["merged"] += set(g.get("must_merge", [])) <= docs_of(best)
        for key, fn, gv in (("dates", date_ok, g.get("date")), ("killed", killed_ok, g.get("killed"))):
            ok = fn(best, gv)
            if ok is not None:
                r[f"{key}_n"] += 1
                r[f"{key}_ok"] += ok
                if not ok:
                    lines.append(f"BAD {key} {g['id']}: {best.get('date') if key == 'dates' else best.get('killed')}")
        if g.get("perpetrators"):
            r["actors_n"] += 1
            names = {norm(n) for n in best["actors"]["perpetrators"] + best["actors"]["targets"]}
            r["actors_ok"] += bool(names & actor_names(gold, g["perpetrators"] + g.get("targets", [])))
    r["required"] = len(required)
    for bad in gold["not_incidents"]:
        for p in incidents:
            quotes = [s.get("quote", "") for s in p["sources"] if s.get("document") == bad["doc"]]
            if any(overlap(bad["quote"], q) >= 0.6 for q in quotes):
                r["violations"] += 1
                lines.append(f"WRONG coded {bad['why']}: {bad['quote'][:60]}")
                break
    r["predicted"] = len(incidents)
    r["precision"] = round(len([p for p in incidents if p["id"] in matched]) / len(incidents), 3) if incidents else 0.0
    # resolution: pairwise over (gold incident, document) items, and exact multi-source clusters
    tp = pred_pairs = gold_pairs = 0
    for (g1, _, p1), (g2, _, p2) in combinations(items, 2):
        same_pred = p1 is not None and p1 == p2
        tp += same_pred and g1 == g2
        pred_pairs += same_pred
        gold_pairs += g1 == g2
    prec = tp / pred_pairs if pred_pairs else 0.0
    rec = tp / gold_pairs if gold_pairs else 0.0
    r["pairwise_f1"] = round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0
    multi = [g for g in gold["incidents"] if len(g["sources"]) > 1]
    exact = 0
    for g in multi:
        preds = {p for gid, _, p in items if gid == g["id"]}
        others = {p for gid, _, p in items if gid != g["id"]}
        exact += len(preds) == 1 and None not in preds and not (preds & others)
    r["exact_clusters"] = exact
    r["multi_source"] = len(multi)
    # relations, claims, cleaning
    rel_found = 0
    for g in gold["relations"]:
        subj, obj = actor_names(gold, [g["subject"]]), actor_names(gold, [g["object"]])
        ok = False
        for p in export["relations"]:
            if RELATION_FAMILY.get(p["relation"]) != RELATION_FAMILY[g["relation"]]:
                continue
            ps, po = {norm(p["subject"]), norm(p.get("subject_id"))}, {norm(p["object"]), norm(p.get("object_id"))}
            if (ps & subj and po & obj) or (p["relation"] in SYMMETRIC and ps & obj and po & subj):
                ok = True
                break
        rel_found += ok
        if not ok:
            lines.append(f"MISS relation {g['subject']} {g['relation']} {g['object']}")
    r["relations_found"], r["relations_gold"], r["relations_predicted"] = (
        rel_found, len(gold["relations"]), len(export["relations"]))
    claims_found = 0
    for g in gold["causal_claims"]:
        ok = any(s.get("document") == g["doc"] and overlap(g["quote"], s.get("quote", "")) >= 0.6
                 for c in export["claims"] for s in c.get("sources", []))
        claims_found += ok
        if not ok:
            lines.append(f"MISS claim {g['doc']}: {g['quote'][:60]}")
    r["claims_found"], r["claims_gold"], r["claims_predicted"] = (
        claims_found, len(gold["causal_claims"]), len(export["claims"]))
    texts = {d["document"]: d.get("clean_text") or "" for d in export["documents"]}
    fails = 0
    for c in gold["cleaning"]:
        text = texts.get(c["doc"])
        bad = [b for b in c["must_not_contain"] if text is None or b.lower() in text.lower()]
        if bad:
            fails += 1
            lines.append(f"DIRTY {c['doc']}: {bad[:3]}")
    r["cleaning_failures"] = fails
    r["lines"] = lines
    return r
