"""What the emulated model says: deterministic, so tests can assert exact output.

The answer echoes the last user message (and the system prompt, when given) so a test can see
that both reached the server through each protocol. It also shows what else arrived: ``[turn N]``
when earlier turns were sent, ``[files: a, b]`` when file blocks were. Kimi models reason first
unless thinking was switched off; reasoning and answer share ``max_tokens`` (one token per word),
so a small limit ends in reasoning only, as on the real API. When the system prompt carries a
JSON Schema (what ``--schema`` sends) the answer is a JSON instance of it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .wire import Parsed

THINKING_MODELS = {"kimi-k3", "kimi-k2.6", "kimi-k2.5", "kimi-k2.7-code"}
ALWAYS_THINKING = {"kimi-k3", "kimi-k2.7-code"}
# RunAPI returns no raw reasoning text for these (only the reasoning token count), and they have
# no JSON mode, so a JSON answer asked for in the prompt comes wrapped in prose and a fence.
HIDDEN_REASONING = {"kimi-k3", "kimi-k2.7-code"}
REASONING_TEXT = "The user wants an answer. I will reply briefly."
FILE_BLOCK = re.compile(r'<file path="([^"]*)">')
SCHEMA_MARK = "JSON Schema:\n"


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
    finish: str = "stop"
    hidden_reasoning_tokens: int = 0  # reasoning the model did but the gateway does not return

    @property
    def reasoning_tokens(self) -> int:
        return len(self.reasoning) + self.hidden_reasoning_tokens

    @property
    def completion_tokens(self) -> int:
        return self.reasoning_tokens + len(self.content)

    @property
    def text(self) -> str:
        return "".join(self.content)

    @property
    def reasoning_text(self) -> str:
        return "".join(self.reasoning)


def instance(schema: Any, depth: int = 0) -> Any:
    """A small value that validates against ``schema`` (the common keywords)."""
    if not isinstance(schema, dict) or depth > 20:
        return "text"
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return instance(schema[key][0], depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties") or {}
        return {name: instance(sub, depth + 1) for name, sub in properties.items()}
    if kind == "array":
        return [instance(schema.get("items", {}), depth + 1) for _ in range(max(1, int(schema.get("minItems", 1))))]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1.5))
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return "x" * max(4, int(schema.get("minLength", 4)))


def _json_answer(parsed: Parsed, said: str) -> str | None:
    system = parsed.system or ""
    if SCHEMA_MARK in system:
        try:
            schema = json.loads(system.split(SCHEMA_MARK, 1)[1].strip())
        except ValueError:
            schema = None
        from .review_replies import is_review, review_answer

        value = json.dumps(review_answer(parsed.prompt) if is_review(schema) else instance(schema))
        return f"Here is the JSON:\n```json\n{value}\n```" if parsed.model in HIDDEN_REASONING else value
    if parsed.json_mode:
        return json.dumps({"answer": said})
    return None


def make_reply(parsed: Parsed, chunks: int | None = None, json_fault: str | None = None) -> Reply:
    """``chunks`` (benchmarks) replaces the echo with that many one-word deltas."""
    if chunks is not None:
        text = "tok " * chunks
        content = ["tok "] * chunks
    else:
        said = f"You said: {parsed.prompt}"
        files = FILE_BLOCK.findall(parsed.prompt)
        if files:
            said = f"[files: {', '.join(files)}] {said}"
        if parsed.turns > 1:
            said = f"[turn {parsed.turns}] {said}"
        text = _json_answer(parsed, said) or (f"[system: {parsed.system}] {said}" if parsed.system else said)
        if json_fault == "badjson":
            text = '{"answer": "not closed'
        elif json_fault == "wrongjson":
            text = json.dumps({"unexpected": [1, 2, 3]})
        content = pieces(text)
    thinks = parsed.model in THINKING_MODELS and (parsed.thinking is not False or parsed.model in ALWAYS_THINKING)
    reasoning = pieces(REASONING_TEXT) if thinks else []
    budget = parsed.max_tokens
    finish = "stop"
    if budget is not None and budget < len(reasoning) + len(content):
        finish = "length"
        reasoning = reasoning[:budget]
        content = content[: max(0, budget - len(reasoning))]
    hidden = 0
    if parsed.model in HIDDEN_REASONING:
        hidden, reasoning = len(reasoning), []
    return Reply(reasoning, content, count_tokens(parsed.system, *parsed.user_texts), finish, hidden)
