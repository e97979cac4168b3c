"""Copies: a document that repeats another's text, as a wire story does under the outlets that run it.

Each document's clean text is read as its word 5-grams; a MinHash signature of 64 values estimates how much two
texts share (the Jaccard similarity of their 5-gram sets), and 32 bands of 2 values find the documents that may be
copies without comparing all pairs. A document whose estimated similarity to an earlier one is at least
``COPY_SIMILARITY`` is recorded as its copy (``documents.copy_of``: the one published first, else the one stored
first, is the original of them all), so an incident counts
the two as one independent source while listing both outlets. An agency's story trimmed or given a new first
paragraph by an outlet stays a copy; two reports written apart from the same facts share few 5-grams and do not.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from faultlines.store import Store

SHINGLE = 5  # words per shingle
HASHES = 64
BANDS = 32
ROWS = HASHES // BANDS
COPY_SIMILARITY = 0.5  # estimated Jaccard of the 5-gram sets from which a document is another's copy
MIN_WORDS = 40  # shorter texts (a headline, a caption) are not fingerprinted: too few 5-grams to tell
_SEEDS = np.random.default_rng(20261204).integers(0, 1 << 63, size=HASHES, dtype=np.uint64)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_WORD = re.compile(r"\w+")


def signature(text: str) -> list[int] | None:
    """The MinHash signature of ``text``'s word 5-grams (lower-cased), or None for a text under ``MIN_WORDS``."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    grams = {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    x = np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.uint64, count=len(grams))
    z = x[None, :] ^ _SEEDS[:, None]  # one hash function per seed: splitmix64's finaliser (wrapping products)
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    values = z ^ (z >> np.uint64(31))
    return [int(v) for v in values.min(axis=1)]


def bands(sig: Sequence[int]) -> list[str]:
    """The band keys of a signature: documents sharing one are compared."""
    return [f"{k}:{zlib.crc32(repr(tuple(sig[k * ROWS:(k + 1) * ROWS])).encode()):08x}" for k in range(BANDS)]


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the two texts' 5-gram sets."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def register(store: Store, document_id: str, clean_text: str) -> str | None:
    """Fingerprint a stored document and record it as a copy when an earlier one shares its text; returns the
    original's id (None when it is no copy or too short to tell)."""
    sig = signature(clean_text)
    if sig is None:
        return None
    keys = bands(sig)
    best, best_sim = None, 0.0
    for other, other_sig in store.fingerprints_sharing(keys, document_id):
        sim = similarity(sig, other_sig)
        if sim > best_sim:
            best, best_sim = other, sim
    original = None
    if best is not None and best_sim >= COPY_SIMILARITY:
        original = store.original_of(best) or best
        mine, theirs = store.published_of(document_id), store.published_of(original)
        if mine and theirs and mine < theirs:  # this one came out first: it is the original of them all
            store.repoint_copies(original, document_id)
            original = None
    store.add_fingerprint(document_id, sig, keys, original)
    return original


__all__ = ["BANDS", "COPY_SIMILARITY", "HASHES", "MIN_WORDS", "bands", "register", "signature", "similarity"]
