"""Keep the API key out of everything a user or a log can see.

The key is wrapped in :class:`Secret` as soon as it is read, so an accidental ``print``, ``repr``
or f-string shows a mask. :func:`scrub` removes it from any text we did not write ourselves: a
server may echo the key back whole, in part, in another letter case, or encoded (an echoed
``Authorization: Basic`` header is base64). The rule: any run of 12 or more consecutive
characters of the key, in any letter case, and the same for its base64 (standard and URL-safe,
at every alignment) and percent-encoded forms, is masked. Keys shorter than 12 characters are
masked whole.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

MASK = "****"
RUN = 12
_grams: set[str] = set()
_lengths: set[int] = set()


class Secret:
    """A string that never renders itself; call :meth:`reveal` at the one place it is sent."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        if len(value) >= 4:
            _remember(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")


def _encodings(value: str) -> list[str]:
    """The key and the forms a server might echo it in; base64 at all three byte alignments,
    trimmed to the characters that depend on the key alone."""
    forms = [value, quote(value, safe="")]
    raw = value.encode("utf-8", "surrogateescape")
    for pad in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * pad + raw).decode().rstrip("=")
            skip = (pad * 4 + 2) // 3
            forms.append(text[skip : len(text) - 2])
    return forms


def _remember(value: str) -> None:
    for form in _encodings(value):
        size = min(RUN, len(form))
        if size < 4:
            continue
        _lengths.add(size)
        for start in range(len(form) - size + 1):
            _grams.add(form[start : start + size].lower())


def scrub(text: str) -> str:
    """Mask every run of the known keys (see the module docstring for the rule)."""
    if not _grams or not text:
        return text
    lowered = text.lower()
    covered = bytearray(len(text))
    hit = False
    for size in _lengths:
        for start in range(len(lowered) - size + 1):
            if lowered[start : start + size] in _grams:
                covered[start : start + size] = b"\1" * size
                hit = True
    if not hit:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        if covered[index]:
            while index < len(text) and covered[index]:
                index += 1
            out.append(MASK)
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def mask_header(name: str, value: str) -> str:
    """Mask credential-carrying header values for debug output, whatever their content."""
    lowered = name.lower()
    if lowered in {"authorization", "proxy-authorization"}:
        scheme, _, _ = value.partition(" ")
        return f"{scheme} {MASK}" if scheme else MASK
    if lowered in {"x-api-key", "x-goog-api-key", "api-key", "cookie", "set-cookie"}:
        return MASK
    return scrub(value)
