"""Fuzz the HTML and JSON Lines readers with atheris: any exception other than a recorded failure is a bug.

    python benchmarks/fuzz_readers.py -runs=10000

Needs atheris (``pip install atheris``); it is imported lazily so the project does not depend on it. The first
byte of each input picks the reader (HTML or JSON Lines), the rest is the file content. Every Document produced
must keep the offset-map invariant (each segment copies the raw text).
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

_m = SimpleNamespace()


def _load() -> None:
    from faultlines.clean import check_map
    from faultlines.config import Settings
    from faultlines.ingest.decode import decode_bytes
    from faultlines.ingest.documents import build_document
    from faultlines.ingest.failures import Rejected
    from faultlines.ingest.records import parse_jsonl
    from faultlines.model import Document, IngestFailure

    _m.__dict__.update(check_map=check_map, decode_bytes=decode_bytes, build_document=build_document,
                       Rejected=Rejected, parse_jsonl=parse_jsonl, Document=Document, IngestFailure=IngestFailure,
                       settings=Settings(max_bytes=1 << 20, max_chars=1 << 20, max_html_depth=200))


def fuzz_one(data: bytes) -> None:
    """Read one input; raise only for a real bug."""
    if not data:
        return
    mode, payload = data[0] % 2, data[1:]
    try:
        text, _ = _m.decode_bytes(payload)
    except _m.Rejected:
        return
    if mode == 0:
        try:
            doc = _m.build_document(text, name="fuzz.html", kind="html", settings=_m.settings)
        except _m.Rejected:
            return
        if not _m.check_map(doc.clean_text, doc.raw_text, doc.offset_map):
            raise AssertionError("offset map segment does not copy the raw HTML")
        return
    for item in _m.parse_jsonl(text, source="fuzz.jsonl", settings=_m.settings):
        if not isinstance(item, _m.Document | _m.IngestFailure):
            raise AssertionError(f"unexpected item {item!r}")
        if isinstance(item, _m.Document) and not _m.check_map(item.clean_text, item.raw_text, item.offset_map):
            raise AssertionError("offset map segment does not copy the raw text")


def main() -> int:
    try:
        import atheris
    except ImportError:
        print("atheris is not installed: pip install atheris (then rerun: python benchmarks/fuzz_readers.py "
              "-runs=10000)", file=sys.stderr)
        return 2
    with atheris.instrument_imports():
        _load()
    atheris.Setup(sys.argv, fuzz_one)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
