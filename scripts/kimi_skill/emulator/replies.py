"""What the emulated model says: deterministic, so tests can assert exact output.

The answer echoes the prompt (and the system prompt, when given) so a test can see that both
reached the server through each protocol; thinking models reason first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

THINKING_MODELS = {"kimi-k2.6"}
REASONING_TEXT = "The user wants an answer. I will reply briefly."


def pieces(text: str) -> list[str]:
    """Split into word-sized stream deltas that join back to the exact text."""
    return re.findall(r"\s*\S+", text) or [text]


def count_tokens(*texts: str | None) -> int:
    return sum(len(t.split()) for t in texts if t)


@dataclass(frozen=True)
class Reply:
    reasoning: list[str]
    content: list[str]
    prompt_tokens: int

    @property
    def completion_tokens(self) -> int:
        return len(self.reasoning) + len(self.content)

    @property
    def text(self) -> str:
        return "".join(self.content)

    @property
    def reasoning_text(self) -> str:
        return "".join(self.reasoning)


def make_reply(model: str, system: str | None, prompt: str, chunks: int | None = None) -> Reply:
    """``chunks`` (benchmarks) replaces the echo with that many one-word deltas."""
    if chunks is not None:
        content = ["tok "] * chunks
    else:
        said = f"You said: {prompt}"
        content = pieces(f"[system: {system}] {said}" if system else said)
    reasoning = pieces(REASONING_TEXT) if model in THINKING_MODELS else []
    return Reply(reasoning, content, count_tokens(system, prompt))
