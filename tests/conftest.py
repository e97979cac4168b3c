"""Shared fixtures: one spaCy pipeline and one Analyzer per test session (loading them is the slow part)."""

from __future__ import annotations

from datetime import date

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False, help="run the long variants")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="long variant: run with `make slow` (pytest --slow)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def nlp():
    from faultlines.analyze.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def analyzer(nlp):
    from faultlines.analyze import Analyzer

    return Analyzer(nlp=nlp)


@pytest.fixture(scope="session")
def extractor(analyzer):
    from faultlines.extract import Extractor

    return Extractor(analyzer.kb)


@pytest.fixture()
def make_doc():
    """Build a Document from text the test wrote (identity offset map)."""
    from faultlines.ingest.documents import make_document

    def _make(text: str, published: date | None = None, name: str = "test.txt", **meta):
        return make_document(raw_text=text, clean_text=text, name=name, published=published, **meta)

    return _make


@pytest.fixture()
def analyze(analyzer, make_doc):
    def _analyze(text: str, published: date | None = None, **meta):
        return analyzer(make_doc(text, published=published, **meta))

    return _analyze


@pytest.fixture()
def extract(analyzer, extractor, make_doc):
    def _extract(text: str, published: date | None = None, **meta):
        return extractor(analyzer(make_doc(text, published=published, **meta)))

    return _extract
