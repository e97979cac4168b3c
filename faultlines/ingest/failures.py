"""Failure reason codes: why an input became an IngestFailure instead of a Document (stable, shown to users)."""

from __future__ import annotations

BINARY = "binary"  # NUL bytes or control characters: not text
EMPTY = "empty"  # nothing but whitespace, before or after cleaning (also HTML with no extractable text)
TOO_LARGE = "too-large"  # more than Settings.max_bytes on disk (or decompressed), or Settings.max_chars decoded
TOO_DEEP = "too-deep"  # HTML nested deeper than Settings.max_html_depth
UNDECODABLE = "undecodable"  # no text encoding fits the bytes (or a corrupt gzip stream)
UNREADABLE = "unreadable"  # the operating system refused (permissions, not a regular file, I/O error)
NOT_FOUND = "not-found"  # a path argument that does not exist (or a dangling symlink)
SYMLINK_LOOP = "symlink-loop"  # a symlink that points back into itself or to a folder already walked
MALFORMED_RECORD = "malformed-record"  # a JSON/JSONL line or record that is not an object with id/text/html
DUPLICATE = "duplicate"  # same content as an input already read in this run (yielded once; not an error)
MANIFEST_MALFORMED = "manifest-malformed"  # a manifest line that is not a JSON object with a "file"
MANIFEST_MISSING_FILE = "manifest-missing-file"  # a manifest line naming a file that does not exist
MANIFEST_OUTSIDE_ROOT = "manifest-outside-root"  # a manifest line naming a path outside the input folders
OUTSIDE_ROOT = "outside-root"  # a symlink inside an input folder pointing to a file outside it (not followed)
READ_ERROR = "read-error"  # reading or cleaning the input raised an unexpected error (the detail says which)
TIMEOUT = "timeout"  # reading or cleaning the input took longer than Settings.doc_timeout

REASONS: tuple[str, ...] = (
    BINARY, EMPTY, TOO_LARGE, TOO_DEEP, UNDECODABLE, UNREADABLE, NOT_FOUND, SYMLINK_LOOP, MALFORMED_RECORD,
    DUPLICATE, MANIFEST_MALFORMED, MANIFEST_MISSING_FILE, MANIFEST_OUTSIDE_ROOT, OUTSIDE_ROOT, READ_ERROR, TIMEOUT,
)


class Rejected(Exception):
    """Internal: raised inside a reader to turn the current input into an IngestFailure."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
