"""The quality gate: the whole pipeline over the demo corpus, scored against the project's own gold.

Floors live in tests/gold/floors.json. They may only go up: every change of a floor is appended to its history,
and a test fails when any floor is lower than before (trafilatura's habit: no silent lowering).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.quality import score

GOLD_DIR = Path(__file__).parent / "gold"
FLOORS = json.loads((GOLD_DIR / "floors.json").read_text(encoding="utf-8"))
CEILINGS = {"violations", "cleaning_failures"}  # counts that must stay at or below their pinned value


@pytest.fixture(scope="module")
def demo_scores(tmp_path_factory, analyzer, extractor):
    from faultlines.config import Settings
    from faultlines.demo import corpus_dir, manifest_path
    from faultlines.export import export_jsonl
    from faultlines.pipeline import Pipeline, ingest
    from faultlines.store import Store

    tmp = tmp_path_factory.mktemp("gate")
    settings = Settings(workers=1)
    with Store(tmp / "demo.db") as store:
        report = ingest([corpus_dir()], store, manifest=manifest_path(), settings=settings,
                        pipeline=Pipeline(settings, analyzer=analyzer, extractor=extractor))
        assert not report.failures, report.failures
        export_jsonl(store, tmp / "export")
    export = {name: [json.loads(x) for x in (tmp / "export" / f"{name}.jsonl").read_text().splitlines() if x]
              for name in ("incidents", "relations", "claims", "documents")}
    gold = json.loads((GOLD_DIR / "demo_gold.json").read_text(encoding="utf-8"))
    result = score(export, gold)
    print("\n".join(result["lines"]))
    print({k: v for k, v in result.items() if k != "lines"})
    return result


@pytest.mark.parametrize("metric", sorted(FLOORS["floors"]))
def test_quality_floor(demo_scores, metric):
    value, floor = demo_scores[metric], FLOORS["floors"][metric]
    if metric in CEILINGS:
        assert value <= floor, f"{metric} = {value}, allowed at most {floor}"
    else:
        assert value >= floor, f"{metric} = {value}, floor {floor}"


def test_floors_only_go_up():
    history = FLOORS["history"]
    assert history and history[-1]["floors"] == FLOORS["floors"], "record every floor change in the history"
    for before, after in zip(history, history[1:], strict=False):
        for metric, old in before["floors"].items():
            new = after["floors"].get(metric)
            assert new is not None, f"floor {metric} was removed in {after['date']}"
            assert (new <= old) if metric in CEILINGS else (new >= old), f"floor {metric} was lowered in {after['date']}"
