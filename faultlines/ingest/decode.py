"""Bytes to text: BOMs, strict UTF-8, then charset-normalizer for legacy encodings; binary is refused."""

from __future__ import annotations

import codecs
import unicodedata
import zlib

from faultlines.ingest.failures import BINARY, TOO_LARGE, UNDECODABLE, Rejected

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")
_MAX_CONTROL_SHARE = 0.02  # share of C0 control bytes above which content is binary
_MAX_BAD_CHAR_SHARE = 0.02  # share of unprintable characters (after decoding) above which it is undecodable
_SAMPLE = 1 << 16
_WESTERN_HIGH_SHARE = 0.3  # at most this share of bytes >= 0x80 for the Windows-1252 shortcut
_GZIP_MAGIC = b"\x1f\x8b"
_BINARY_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x7fELF", b"BZh", b"\xfd7zXZ")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for ``data``; raises Rejected("binary" | "undecodable")."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise Rejected(UNDECODABLE, f"bad {name}: {exc.reason}") from exc
    if data.startswith(_BINARY_MAGIC):
        raise Rejected(BINARY, "a binary file format")
    if b"\x00" in data:
        utf16 = _bomless_utf16(data)
        if utf16 is None:
            raise Rejected(BINARY, "NUL bytes")
        return utf16
    sample = data[:_SAMPLE]
    controls = sum(1 for b in sample if b < 0x20 and b not in _TEXT_CONTROLS)
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        raise Rejected(BINARY, "control characters")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _legacy(data)


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM shows NUL in every other byte of ASCII text."""
    sample = data[:_SAMPLE]
    half = max(len(sample) // 2, 1)
    even = sample[0::2].count(0) / half
    odd = sample[1::2].count(0) / half
    for share_nul, other, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if share_nul > 0.6 and other < 0.05 and len(data) % 2 == 0:
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                return None
            if _bad_share(text) <= _MAX_BAD_CHAR_SHARE:
                return text, name
    return None


def _legacy(data: bytes) -> tuple[str, str]:
    """Mostly-ASCII text with a few high bytes is Windows-1252 when that code page reads it (English news with
    curly quotes and accents; detectors guess badly on short texts); otherwise charset-normalizer decides."""
    sample = data[:_SAMPLE]
    if sum(1 for b in sample if b >= 0x80) <= _WESTERN_HIGH_SHARE * len(sample):
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            if _bad_share(text) <= _MAX_BAD_CHAR_SHARE:
                return text, "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise Rejected(UNDECODABLE, "no text encoding fits")
    text, encoding = str(best), best.encoding
    if _bad_share(text) > _MAX_BAD_CHAR_SHARE:
        raise Rejected(UNDECODABLE, f"decodes as {encoding} only with unprintable characters")
    return text, encoding


def _bad_share(text: str) -> float:
    sample = text[:_SAMPLE]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs")
                                                      and ch not in "\t\n\r\f\v\x1b"))
    return bad / len(sample)


def is_gzip(data: bytes) -> bool:
    return data.startswith(_GZIP_MAGIC)


def gunzip_capped(data: bytes, cap: int) -> bytes:
    """Decompress gzip ``data`` (all members) without ever producing more than ``cap`` bytes (a bomb stops here)."""
    out = bytearray()
    buf = data
    while buf:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            while buf:
                out += d.decompress(buf, cap + 1 - len(out))
                if len(out) > cap:
                    raise Rejected(TOO_LARGE, f"decompresses past {cap} bytes")
                buf = d.unconsumed_tail
                if d.eof:
                    break
            if not d.eof:
                raise Rejected(UNDECODABLE, "truncated gzip stream")
        except zlib.error as exc:
            raise Rejected(UNDECODABLE, f"corrupt gzip stream: {exc}") from exc
        buf = d.unused_data.lstrip(b"\x00")
    return bytes(out)
