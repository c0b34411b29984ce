"""The protocol-neutral events every path yields, so output never depends on the protocol."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from .errors import StreamBroken

TextKind = Literal["content", "reasoning"]


@dataclass(slots=True)
class Text:
    kind: TextKind
    text: str


@dataclass(slots=True)
class Usage:
    prompt_tokens: int | None
    completion_tokens: int | None
    total_tokens: int | None

    def as_dict(self) -> dict[str, int | None]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
        }


@dataclass(slots=True)
class Done:
    finish_reason: str | None
    model: str | None
    id: str | None


Event = Text | Usage | Done


class StreamTail:
    """What only the last events of a stream carry (finish reason, usage, model, id): each
    protocol's stream reader fills one in and closes the answer with it."""

    def __init__(self) -> None:
        self.finish: str | None = None
        self.usage: Usage | None = None
        self.model: str | None = None
        self.id: str | None = None

    def require_finish(self, field: str) -> None:
        if self.finish is None:
            raise StreamBroken(f"the stream ended before the model finished (no {field})")

    def closing(self) -> Iterator[Event]:
        if self.usage:
            yield self.usage
        yield Done(self.finish, self.model, self.id)
