"""One neutraliser for text we did not write: model output, server messages, model ids, header
values, file names.

On a terminal, control characters could move the cursor, retitle the window or write the
clipboard (OSC 52), and bidirectional overrides or zero-width characters could make text read
differently from what it is ("Trojan Source"). Such characters are shown as visible escapes.
In JSON they are written as ``\\uXXXX`` escapes, so a consumer that prints a field raw is safe too.
"""

from __future__ import annotations

import json
from typing import Any

from .redact import scrub

# C0 controls except tab and newline, DEL, C1 controls.
_CONTROLS = [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]
# Bidirectional embeddings, overrides and isolates, marks, and invisible joiners/separators.
# Also: soft hyphen, Mongolian vowel separator, invisible operators, interlinear annotation,
# Hangul fillers, variation selectors and Unicode tag characters (which can spell out hidden
# ASCII instructions).
_INVISIBLE = [
    0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029,
    *range(0x202A, 0x202F), *range(0x2060, 0x2065), *range(0x2066, 0x206A), 0x3164, *range(0xFE00, 0xFE10), 0xFEFF,
    0xFFA0, *range(0xFFF9, 0xFFFC), *range(0xE0000, 0xE0080), *range(0xE0100, 0xE01F0),
]
INVISIBLE = frozenset(map(chr, _INVISIBLE))
_TERMINAL = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in [*_CONTROLS, *_INVISIBLE]}
_LINE = {**_TERMINAL, 0x09: "\\t", 0x0A: "\\n"}
_JSON = {code: f"\\u{code:04x}" for code in [*range(0x7F, 0xA0), *_INVISIBLE]}
MAX_MESSAGE = 300


def for_terminal(text: str) -> str:
    """Show control, bidi and zero-width characters as visible escapes (tab and newline stay)."""
    return text.translate(_TERMINAL)


def for_line(text: str) -> str:
    """Like :func:`for_terminal`, and tabs and newlines escaped too: the text stays one field."""
    return text.translate(_LINE)


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """A server's or a file's text as one safe line: key masked, escapes shown, whitespace
    collapsed, cut at ``limit`` characters."""
    flat = " ".join(scrub(text).split())
    flat = for_terminal(flat)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def dumps(value: Any, indent: int | None = None) -> str:
    """JSON with readable Unicode, except C1 controls and invisible or bidi characters, which
    are escaped (C0 controls are escaped by ``json`` itself)."""
    return json.dumps(value, ensure_ascii=False, indent=indent).translate(_JSON)


def compact(value: Any) -> str:
    """One-line JSON without spaces, escaped as :func:`dumps` does."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_JSON)
