"""ingest stage: files, folders, stdin and records become Documents (raw text kept, cleaned, hashed).

Nothing here raises for a bad input: each one becomes an ``IngestFailure(source, reason, detail)`` and the batch
goes on. Reason codes (constants in this module):

- ``binary`` (BINARY): NUL bytes, control characters or a known binary format
- ``empty`` (EMPTY): only whitespace, before or after cleaning; HTML with no extractable text
- ``too-large`` (TOO_LARGE): over ``Settings.max_bytes`` on disk or decompressed, or over ``Settings.max_chars``
  (for ``.jsonl`` files, which are streamed line by line, the limits apply to each line)
- ``too-deep`` (TOO_DEEP): HTML nested deeper than ``Settings.max_html_depth``
- ``undecodable`` (UNDECODABLE): no text encoding fits the bytes; a corrupt gzip stream
- ``unreadable`` (UNREADABLE): permission denied, not a regular file, I/O error
- ``not-found`` (NOT_FOUND): a path argument that does not exist, a dangling symlink
- ``symlink-loop`` (SYMLINK_LOOP): a symlink loop, or a folder reached twice through symlinks
- ``malformed-record`` (MALFORMED_RECORD): a JSON/JSONL line that is not an object with ``text`` or ``html``
  (and ``id`` for ``read_records``)
- ``duplicate`` (DUPLICATE): the same content was already read in this run (not an error: yielded once)
- ``manifest-malformed`` / ``manifest-missing-file`` / ``manifest-outside-root``: a bad ``--meta`` line
- ``outside-root`` (OUTSIDE_ROOT): a symlink inside a folder argument pointing outside it (not followed)
- ``read-error`` (READ_ERROR): reading or cleaning raised an unexpected error (an ImportError in a library...)
- ``timeout`` (TIMEOUT): reading and cleaning one input took longer than ``Settings.doc_timeout``

``too-large`` also covers a cleaned text of more than ``Settings.max_words`` words. Many failures of one reason
in one file (over ``records.MAX_LISTED_FAILURES``) are one IngestFailure with a ``count``.

Gzip files (``.gz`` or gzip content) are decompressed with a hard cap of ``Settings.max_bytes``.
"""

from faultlines.ingest.decode import decode_bytes
from faultlines.ingest.documents import build_document, content_hash, make_document
from faultlines.ingest.failures import (
    BINARY,
    DUPLICATE,
    EMPTY,
    MALFORMED_RECORD,
    MANIFEST_MALFORMED,
    MANIFEST_MISSING_FILE,
    MANIFEST_OUTSIDE_ROOT,
    NOT_FOUND,
    OUTSIDE_ROOT,
    READ_ERROR,
    REASONS,
    SYMLINK_LOOP,
    TIMEOUT,
    TOO_DEEP,
    TOO_LARGE,
    UNDECODABLE,
    UNREADABLE,
)
from faultlines.ingest.readers import discover, looks_like_html, read_file, read_paths
from faultlines.ingest.records import read_records

__all__ = [
    "BINARY",
    "DUPLICATE",
    "EMPTY",
    "MALFORMED_RECORD",
    "MANIFEST_MALFORMED",
    "MANIFEST_MISSING_FILE",
    "MANIFEST_OUTSIDE_ROOT",
    "NOT_FOUND",
    "OUTSIDE_ROOT",
    "READ_ERROR",
    "REASONS",
    "SYMLINK_LOOP",
    "TIMEOUT",
    "TOO_DEEP",
    "TOO_LARGE",
    "UNDECODABLE",
    "UNREADABLE",
    "build_document",
    "content_hash",
    "decode_bytes",
    "discover",
    "looks_like_html",
    "make_document",
    "read_file",
    "read_paths",
    "read_records",
]
