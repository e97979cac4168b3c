"""Per-document bounds: a time limit every stage runs under, and text made safe to store and print."""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any


class StageTimeout(BaseException):
    """A stage took longer than ``Settings.doc_timeout`` on one document.

    A BaseException, so that the ``except Exception`` of a library (or of a stage) cannot swallow it: only the
    code that set the limit catches it, and records the document as failed.
    """


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Bound one document's stage time (main thread only, where SIGALRM can be used; elsewhere a no-op).

    Code that runs long stretches without returning to Python (a C library) is stopped when it does return;
    ``Deadline`` lets a loop check the same limit itself.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def _raise(signum: int, frame: Any) -> None:
        raise StageTimeout(f"took longer than {seconds:g}s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Deadline:
    """The same limit, checked by a loop between pieces of work (works in any thread)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds if seconds > 0 else None

    def check(self) -> None:
        if self.end is not None and time.monotonic() > self.end:
            raise StageTimeout(f"took longer than {self.seconds:g}s")


_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def storable(text: str) -> str:
    """``text`` with lone surrogates (from JSON escapes, undecodable file names) as U+FFFD, same length.

    A lone surrogate cannot be written as UTF-8 (to SQLite, JSON files or a terminal).
    """
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def printable(text: str) -> str:
    """``text`` for a terminal or a log line: control characters (escape codes) and surrogates shown as escapes."""
    text = _CONTROL_ALL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (control characters other than tab and newline)."""
    text = storable(text)
    return _CONTROL.sub("", text).replace("\ufffe", "").replace("\uffff", "")
