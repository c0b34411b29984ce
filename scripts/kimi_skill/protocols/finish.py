"""One vocabulary for why generation stopped, whatever the protocol said (OpenAI's words)."""

from __future__ import annotations

_MAP = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
}


def normalise(reason: object) -> str | None:
    if not isinstance(reason, str) or not reason:
        return None
    return _MAP.get(reason, reason.lower())
