"""The protocol-neutral events every path yields, so output never depends on the protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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


@dataclass(frozen=True)
class ChatRequest:
    """What the user asked for, before any protocol shapes it."""

    prompt: str
    model: str
    system: str | None = None
    max_tokens: int | None = None
    temperature: float | None = None
