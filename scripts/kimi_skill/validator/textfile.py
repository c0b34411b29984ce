"""Bytes to text for every check: BOM-marked UTF-8, UTF-16 and UTF-32 are decoded, and a file is
binary only when it looks like one, not merely because it holds a NUL byte (a UTF-16 file
without a BOM, or a text file with one stray NUL, is still read)."""

from __future__ import annotations

import codecs

SNIFF = 8192
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = bytes(range(0, 9)) + bytes(range(14, 32))


def _utf16_without_bom(sample: bytes) -> str | None:
    """ASCII-heavy UTF-16: the NULs sit at every other byte."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > len(odd) * 0.9 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.9 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    return None


def binary(sample: bytes) -> bool:
    """The first SNIFF bytes say the file is binary: NULs that are not UTF-16, and control bytes."""
    if any(sample.startswith(bom) for bom, _ in _BOMS) or b"\0" not in sample or _utf16_without_bom(sample):
        return False
    return sum(sample.count(bytes([c])) for c in _CONTROL) > len(sample) * 0.02


def decode(data: bytes) -> str | None:
    """The text of ``data``, or None when it is binary."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    sample = data[:SNIFF]
    if b"\0" in sample:
        utf16 = _utf16_without_bom(sample)
        if utf16:
            return data.decode(utf16, errors="replace")
        if binary(sample):
            return None
        data = data.replace(b"\0", b"")
    return data.decode("utf-8", errors="replace")
