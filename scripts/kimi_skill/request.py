"""What one call asks of the model, before any protocol shapes it.

A request is the conversation so far (alternating user and assistant messages, ending with this
turn's user message) plus the options; each protocol path turns it into its own body.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    text: str


@dataclass(frozen=True)
class ChatRequest:
    messages: tuple[Message, ...]
    model: str
    system: str | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    thinking: bool | None = None  # None: the model's own default
    json_mode: bool = False

    @property
    def prompt(self) -> str:
        return self.messages[-1].text

    def follow_up(self, answer: str, text: str) -> ChatRequest:
        """The same request with the model's answer and a new user message appended."""
        return replace(self, messages=(*self.messages, Message("assistant", answer), Message("user", text)))

    def as_json(self) -> dict[str, Any]:
        return {
            "messages": [{"role": m.role, "text": m.text} for m in self.messages],
            "model": self.model, "system": self.system, "max_tokens": self.max_tokens,
            "temperature": self.temperature, "thinking": self.thinking, "json_mode": self.json_mode,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChatRequest:
        messages = tuple(Message(m["role"], m["text"]) for m in data["messages"])
        return cls(messages, data["model"], data.get("system"), data.get("max_tokens"), data.get("temperature"), data.get("thinking"), bool(data.get("json_mode")))


def single(prompt: str, model: str, **options: Any) -> ChatRequest:
    return ChatRequest((Message("user", prompt),), model, **options)
