"""Shapes shared by the emulated surfaces: parsed requests, stream plans, SSE framing."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

EventKind = Literal["meta", "reasoning", "content", "end"]
CREATED = 1767225600


@dataclass
class Parsed:
    model: str
    prompt: str  # the last user message
    system: str | None
    stream: bool
    include_usage: bool = False
    user_texts: list[str] = field(default_factory=list)
    turns: int = 1  # user messages in the request
    thinking: bool | None = None  # None: not sent
    max_tokens: int | None = None
    json_mode: bool = False


@dataclass
class StreamPlan:
    """The events of one stream; ``end`` events are what ``nodone`` leaves out."""

    content_type: str
    events: list[tuple[EventKind, bytes]] = field(default_factory=list)
    prefix: bytes = b""
    separator: bytes = b""
    suffix: bytes = b""
    keepalive: bytes = b": keep-alive\n\n"


class RequestProblem(Exception):
    """A request the real API would refuse; carries the status and the surface's error body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


def sse(data: Any, event: str | None = None) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:24]}"


def text_of(content: Any) -> str:
    """Message content as a string, from a plain string or a list of text blocks/parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
