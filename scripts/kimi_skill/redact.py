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
_prefixes: set[str] = set()  # every proper prefix of a gram: what a stream may be cut in the middle of
_heads: set[str] = set()  # the first four characters of every gram: text without one of them holds no run and no prefix


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
            gram = form[start : start + size].lower()
            _grams.add(gram)
            _heads.add(gram[:4])
            _prefixes.update(gram[:cut] for cut in range(1, size))


def _covered(text: str) -> bytearray | None:
    """Which characters of ``text`` belong to a run of a known key (None: none do)."""
    lowered = text.lower()
    covered = bytearray(len(text))
    hit = False
    for size in _lengths:
        for start in range(len(lowered) - size + 1):
            if lowered[start : start + size] in _grams:
                covered[start : start + size] = b"\1" * size
                hit = True
    return covered if hit else None


def _masked(text: str, covered: bytearray | None) -> str:
    if covered is None:
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


def scrub(text: str) -> str:
    """Mask every run of the known keys (see the module docstring for the rule)."""
    if not _grams or not text:
        return text
    return _masked(text, _covered(text))


class Masker:
    """:func:`scrub` for text that arrives in pieces (a streamed answer): a key cut across
    pieces is masked too. When the text so far ends with at least :data:`HOLD` characters that
    could begin a run of the key, that end is held back until the next piece (or :meth:`flush`)
    shows whether it is one; shorter beginnings are let through, which the 12-character rule
    allows, so ordinary text streams without delay."""

    __slots__ = ("clear", "pending", "tail")
    HOLD = 4  # feed's fast path (a window of four) is exact only while HOLD >= 4

    def __init__(self) -> None:
        self.pending = ""
        self.tail = ""  # the last characters already let through, as they were
        self.clear = False  # True when no four-character window of the tail begins a run

    def feed(self, text: str) -> str:
        if not _grams:
            return text
        pending = self.pending + text
        combined = self.tail + pending
        lowered = combined.lower()
        # Every run of a key and every beginning of one worth holding (HOLD characters or more)
        # starts with a gram's first four characters; where no four-character window is one,
        # the text goes through whole. After such a piece the tail is known to hold none, so
        # only the windows that reach into the new text are looked at: about a microsecond for
        # the common piece of a stream, where the full scan below costs several.
        first = max(0, len(combined) - len(text) - 3) if self.clear else 0
        for start in range(first, len(lowered) - 3):
            if lowered[start : start + 4] in _heads:
                break
        else:
            self.pending, self.clear = "", True
            self.tail = combined[-(RUN - 1) :]
            return pending
        self.clear = False
        offset = len(self.tail)
        hold = 0
        for size in range(min(RUN - 1, len(combined)), self.HOLD - 1, -1):
            if lowered[-size:] in _prefixes:
                hold = min(size, len(pending))
                break
        covered = _covered(combined)
        mine = covered[offset:] if covered is not None else None
        cut = len(pending) - hold
        if mine and (mine[-1] or (0 < cut < len(pending) and mine[cut - 1] and mine[cut])):
            # a masked run that reaches the end may go on in the next piece, and one that the
            # cut would split must be let through whole: hold the run back from its start
            end = len(pending) if mine[-1] else cut
            while end > 0 and mine[end - 1]:
                end -= 1
            cut = min(cut, end)
        emitted = pending[:cut]
        self.pending = pending[cut:]
        self.tail = (self.tail + emitted)[-(RUN - 1) :]
        return _masked(emitted, mine[:cut] if mine is not None else None)

    def flush(self) -> str:
        rest = self.pending
        combined = self.tail + rest
        covered = _covered(combined) if _grams and rest else None
        self.pending, self.tail, self.clear = "", (self.tail + rest)[-(RUN - 1) :], False
        return _masked(rest, covered[len(combined) - len(rest) :] if covered is not None else None)


def mask_header(name: str, value: str) -> str:
    """Mask credential-carrying header values for debug output, whatever their content."""
    lowered = name.lower()
    if lowered in {"authorization", "proxy-authorization"}:
        scheme, _, _ = value.partition(" ")
        return f"{scheme} {MASK}" if scheme else MASK
    if lowered in {"x-api-key", "x-goog-api-key", "api-key", "cookie", "set-cookie"}:
        return MASK
    return scrub(value)
