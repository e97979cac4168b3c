"""Issue 18: no exception escapes a document, hostile inputs are bounded, the store is never poisoned."""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import pytest

from faultlines.config import Settings
from faultlines.ingest import read_paths
from faultlines.model import Document, IngestFailure
from faultlines.pipeline import Pipeline, ingest
from faultlines.store import Store, queries

GOOD = {
    "a.txt": "On 3 March 2015 gunmen attacked a checkpoint in Ramadi, Iraq, killing four soldiers.\n",
    "b.md": "# Clashes\n\nOn 4 March 2015 fighters clashed with police in Tikrit, Iraq.\n",
    "c.txt": "POISON. On 5 March 2015 a car bomb exploded in Baghdad, Iraq, killing six people.\n",
}


@pytest.fixture()
def pipeline(analyzer, extractor):
    return Pipeline(Settings(workers=1), analyzer=analyzer, extractor=extractor)


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _poisoned(text: str) -> bool:
    return "POISON" in text


class _NLP:
    """The real pipeline, except that it raises on the poisoned text (batched or alone)."""

    def __init__(self, nlp):
        self.nlp = nlp

    def pipe(self, texts, batch_size=1):
        texts = list(texts)
        if any(map(_poisoned, texts)):
            raise ImportError("No module named 'lxml.html.clean'")
        return self.nlp.pipe(texts, batch_size=batch_size)

    def __call__(self, text):
        if _poisoned(text):
            raise ImportError("No module named 'lxml.html.clean'")
        return self.nlp(text)


class _Analyzer:
    def __init__(self, analyzer, stage):
        self.a, self.stage = analyzer, stage
        self.kb = analyzer.kb
        self.nlp = _NLP(analyzer.nlp) if stage == "parse" else analyzer.nlp

    def analyze_parsed(self, doc, sdoc):
        if self.stage == "analyze" and _poisoned(doc.clean_text):
            raise ValueError("analysis bug")
        return self.a.analyze_parsed(doc, sdoc)


class _Extractor:
    def __init__(self, extractor):
        self.e = extractor

    def __call__(self, analysis, *extra):
        if _poisoned(analysis.document.clean_text):
            raise KeyError("extraction bug")
        return self.e(analysis, *extra)


@pytest.mark.parametrize("stage", ["read", "clean", "parse", "analyze", "extract", "store"])
def test_an_error_in_any_stage_fails_only_its_document(stage, tmp_path, analyzer, extractor, monkeypatch):
    import faultlines.ingest.documents as documents
    import faultlines.ingest.readers as readers

    if stage == "read":
        real = readers.build_document

        def build(text, **kw):
            if _poisoned(text):
                raise ImportError("No module named 'lxml.html.clean'")
            return real(text, **kw)

        monkeypatch.setattr(readers, "build_document", build)
    elif stage == "clean":
        real_clean = documents.clean_text

        def clean(text, **kw):
            if _poisoned(text):
                raise UnicodeError("cleaning bug")
            return real_clean(text, **kw)

        monkeypatch.setattr(documents, "clean_text", clean)
    elif stage == "store":
        real_save = Store.save_extraction

        def save(self, ex):
            if _poisoned(ex.document.clean_text):
                raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
            return real_save(self, ex)

        monkeypatch.setattr(Store, "save_extraction", save)
    an = _Analyzer(analyzer, stage) if stage in ("parse", "analyze") else analyzer
    ex = _Extractor(extractor) if stage == "extract" else extractor
    pipe = Pipeline(Settings(workers=1), analyzer=an, extractor=ex)
    folder = _folder(tmp_path, GOOD)
    db = tmp_path / "x.db"
    report = ingest([folder], db, settings=Settings(workers=1), pipeline=pipe)
    assert report.exit_code == 3
    [failure] = report.failures
    assert failure.source.endswith("c.txt")
    with Store(db) as store:
        docs = {d["name"]: d for d in queries.list_documents(store.conn, limit=10)}
        assert {"a.txt", "b.md"} <= set(docs)
        assert all(docs[n]["status"] == "extracted" for n in ("a.txt", "b.md"))
        [row] = queries.list_failures(store.conn)
    expected = {"read": "ingest", "clean": "ingest", "parse": "analyze", "analyze": "analyze", "extract": "extract",
                "store": "store"}[stage]
    assert row["stage"] == expected and row["source"].endswith("c.txt")
    assert row["reason"] in ("read-error", f"{expected}-error")


def test_a_reader_that_hangs_is_stopped_within_the_limit(tmp_path, monkeypatch):
    import faultlines.ingest.documents as documents

    real_clean = documents.clean_text

    def clean(text, **kw):
        if _poisoned(text):
            time.sleep(10)
        return real_clean(text, **kw)

    monkeypatch.setattr(documents, "clean_text", clean)
    folder = _folder(tmp_path, GOOD)
    t0 = time.perf_counter()
    items = list(read_paths([folder], settings=Settings(doc_timeout=0.5)))
    assert time.perf_counter() - t0 < 5
    got = {Path(i.source_path or "").name if isinstance(i, Document) else Path(i.source).name: i for i in items}
    assert isinstance(got["a.txt"], Document) and isinstance(got["b.md"], Document)
    assert isinstance(got["c.txt"], IngestFailure) and got["c.txt"].reason == "timeout"


# ---------------------------------------------------------------------------------------------------- dates
@pytest.mark.parametrize("placeholder", ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00Z"])
def test_a_placeholder_publication_date_does_not_poison_the_database(placeholder, tmp_path, pipeline):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "zero", "published": placeholder,
                               "text": "On Monday gunmen attacked a police checkpoint in Ramadi, Iraq, killing four "
                                       "policemen."}) + "\n", encoding="utf-8")
    db = tmp_path / "x.db"
    first = ingest([src], db, settings=Settings(workers=1), pipeline=pipeline)
    assert first.failures == [] and first.stored == 1
    later = tmp_path / "later.txt"
    later.write_text("On 3 March 2015 a car bomb exploded in Baghdad, Iraq, killing six people.\n", encoding="utf-8")
    second = ingest([later], db, settings=Settings(workers=1), pipeline=pipeline)
    assert second.failures == [] and second.stored == 1
    with Store(db) as store:
        doc = store.load_document(first_id(store, "zero"))
        assert doc is not None and doc.published is None and doc.meta["published_refused"] == placeholder


def first_id(store, name):
    [row] = [d for d in queries.list_documents(store.conn, limit=10) if d["name"] == name]
    return row["id"]


def test_dates_outside_the_plausible_range_are_refused_as_values():
    from faultlines.ingest.dates import parse_published

    assert parse_published("0001-01-01") == (None, "unknown")
    assert parse_published("9999-12-31") == (None, "unknown")
    assert parse_published("2014-08-23")[0] is not None


# ---------------------------------------------------------------------------------------------------- bounded work
def test_nested_brackets_are_stopped_quickly_and_recorded(tmp_path, pipeline):
    folder = _folder(tmp_path, {"brackets.md": "[" * 200_000, "mixed.md": "Gunmen attacked Ramadi. "
                                + "[" * 50_000 + "\n\nPolice said four people were killed.\n"})
    t0 = time.perf_counter()
    report = ingest([folder], tmp_path / "x.db", settings=Settings(workers=1, doc_timeout=30), pipeline=pipeline)
    assert time.perf_counter() - t0 < 30  # the tokenizer's time grows with the square of a token's length
    assert [(Path(f.source).name, f.reason) for f in report.failures] == [("brackets.md", "empty")]
    assert report.extracted == 1


def test_a_text_of_one_word_lines_is_bounded(tmp_path):
    p = tmp_path / "lines.txt"
    p.write_text("word\n" * 200_000, encoding="utf-8")
    t0 = time.perf_counter()
    [item] = list(read_paths([p]))
    assert time.perf_counter() - t0 < 30
    assert isinstance(item, IngestFailure) and item.reason == "too-large" and "words" in item.detail


def test_a_long_document_is_parsed_in_pieces_with_the_same_text(nlp):
    from faultlines.worker import LONG_DOC_CHARS, parse_long, pieces

    text = "".join(f"Paragraph {i}: gunmen attacked a checkpoint in Ramadi.\n\n" for i in range(1500))
    assert len(text) > LONG_DOC_CHARS
    assert "".join(pieces(text)) == text and max(map(len, pieces(text))) <= 20_000
    assert "".join(pieces("x" * 50_001, 1000)) == "x" * 50_001
    doc = parse_long(nlp, text)
    assert doc.text == text
    assert [t.idx for t in doc][:5] == [t.idx for t in nlp(text[:200])][:5]
    assert sum(1 for s in doc.sents) >= 1500


def test_a_json_list_of_many_non_objects_is_one_failure_row(tmp_path, pipeline):
    p = tmp_path / "list.json"
    p.write_text(json.dumps(list(range(100_000))), encoding="utf-8")
    db = tmp_path / "x.db"
    report = ingest([p], db, settings=Settings(workers=1), pipeline=pipeline)
    [failure] = report.failures
    assert failure.reason == "malformed-record" and failure.count == 100_000
    with Store(db) as store:
        [row] = queries.list_failures(store.conn)
        assert row["count"] == 100_000


def test_a_long_report_grows_about_linearly(analyzer, extractor, make_doc):
    unit = "On Monday, government forces shelled the town of Kramatorsk, killing five civilians.\n\n"
    doc = make_doc(unit * 800)
    t0 = time.perf_counter()
    extraction = extractor(analyzer(doc))
    assert time.perf_counter() - t0 < 45  # about 12 s; events x places x actors made it minutes
    assert len(extraction.events) >= 800


def test_the_span_index_answers_like_the_scan():
    from faultlines.spans import SpanCover

    rng = random.Random(18)
    for _ in range(200):
        spans = [(s, s + rng.randint(0, 8)) for s in (rng.randint(0, 40) for _ in range(rng.randint(0, 12)))]
        cover = SpanCover(spans)
        for start in range(0, 45):
            for end in range(start, start + 10):
                scan = any(a <= start and end <= b and (b - a) > (end - start) for a, b in spans)
                assert cover.strictly_inside(start, end) == scan, (spans, start, end)


def test_the_start_index_answers_like_the_scan():
    from faultlines.spans import ByStart

    rng = random.Random(19)
    for _ in range(200):
        items = [(rng.randint(0, 40), k) for k in range(rng.randint(0, 15))]  # unsorted, with equal starts
        index = ByStart(items, key=lambda item: item[0])
        for lo in range(-1, 45):
            for hi in range(lo, lo + 12):
                scan = sorted((item for item in items if lo <= item[0] < hi), key=lambda item: item[0])
                assert index.between(lo, hi) == scan, (items, lo, hi)


# ---------------------------------------------------------------------------------------------------- item 7
def test_failures_are_not_added_again_on_a_rerun(tmp_path, pipeline):
    folder = _folder(tmp_path, {"a.txt": GOOD["a.txt"]})
    (folder / "blob.bin").write_bytes(b"\x00\x01\x02" * 50)
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    db = tmp_path / "x.db"
    for _ in range(3):
        ingest([folder], db, settings=Settings(workers=1), pipeline=pipeline)
    with Store(db) as store:
        rows = queries.list_failures(store.conn)
    assert sorted(Path(r["source"]).name for r in rows) == ["blob.bin", "empty.txt"]


def test_lone_surrogates_and_undecodable_file_names_are_stored(tmp_path, pipeline):
    import io

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"id": "s1", "title": "bad \\ud800 title", "text": "Gunmen attacked Ramadi '
                                    '\\ud800 on 3 March 2015."}\n', encoding="utf-8")
    name = os.fsdecode(b"caf\xe9-report.txt")  # not UTF-8: a surrogate escape in Python
    (folder / name).write_text(GOOD["b.md"], encoding="utf-8")
    db = tmp_path / "x.db"
    report = ingest([folder, "-"], db, settings=Settings(workers=1), pipeline=pipeline,
                    stdin=io.StringIO('{"id": "s2", "text": "Police \\udfff clashed with protesters in Basra."}\n'))
    assert report.failures == [] and report.stored == 3
    with Store(db) as store:
        names = {d["name"] for d in queries.list_documents(store.conn, limit=10)}
    assert {"s1", "s2", "caf\ufffd-report.txt"} == names


def test_a_symlink_out_of_the_folder_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    folder = _folder(tmp_path, {"a.txt": GOOD["a.txt"]})
    os.symlink(secret, folder / "passwd.txt")
    os.symlink(folder / "a.txt", folder / "inside.txt")  # a link inside the folder is fine (a duplicate here)
    items = list(read_paths([folder]))
    refused = [i for i in items if isinstance(i, IngestFailure) and i.reason == "outside-root"]
    assert [Path(i.source).name for i in refused] == ["passwd.txt"]
    assert not any(isinstance(i, Document) and "root:x" in i.raw_text for i in items)


def test_a_report_repeating_one_event_is_resolved_without_scoring_every_pair(monkeypatch):
    from datetime import date

    import faultlines.resolve.incidents as incidents
    from faultlines.model import EventRecord
    from faultlines.resolve.incidents import cluster

    calls = []
    real = incidents.raw_score
    monkeypatch.setattr(incidents, "raw_score", lambda *a: calls.append(1) or real(*a))
    events = [EventRecord(id=f"ev-{i:04d}", document_id="doc", document="report.txt", event_type="Battles",
                          sub_event_type="Armed clash", quote="Forces shelled Kramatorsk, killing five civilians.",
                          date_start=date(2015, 3, 2), date_end=date(2015, 3, 2), date_precision="day",
                          place_name="Kramatorsk", geonameid=704508, lat=48.72, lon=37.56, country_code="UA",
                          admin1="Donetsk", place_precision="city", killed_low=5, killed_high=5, start=90 * i,
                          end=90 * i + 50) for i in range(400)]
    [(members, reasons)] = cluster(events)
    assert len(members) == 400
    assert len(calls) < 10  # one content, one scoring (every pair of copies was scored: 79,800)
    assert len(reasons) == incidents.MAX_REASONS + 1 and "further merge reasons" in reasons[-1]["more"]


def test_a_timeout_is_not_swallowed_by_an_except_exception_inside_a_stage():
    from faultlines.ingest.documents import make_document
    from faultlines.worker import StageTimeout

    class Careless:  # like a stage that guards its own work with ``except Exception``
        def __call__(self, analysis):
            for _ in range(3):
                try:
                    time.sleep(2)
                except Exception:  # noqa: BLE001, S110 - the point of the test
                    pass

    class FakeAnalyzer:
        class nlp:  # noqa: N801
            @staticmethod
            def pipe(texts, batch_size=1):
                return list(texts)

        def analyze_parsed(self, doc, sdoc):
            return doc

    pipe = Pipeline(Settings(doc_timeout=0.2), analyzer=FakeAnalyzer(), extractor=Careless())
    t0 = time.perf_counter()
    [res] = list(pipe.extract([make_document(raw_text="text", name="careless.txt")]))
    assert time.perf_counter() - t0 < 1.5
    assert res.stage == "extract" and isinstance(res.exception, StageTimeout)
