"""The items of a batch, read from the input file as a stream (never loaded whole).

JSONL, one object per line: ``{"custom_id", "prompt"}`` or ``{"custom_id", "messages": [...]}``,
with optional ``model``, ``system``, ``schema`` and ``max_tokens``; or the shape of Moonshot's
and OpenAI's batch files (``{"custom_id", "method", "url", "body": {"model", "messages",
...}}``). Plain text with ``--template``: each non-empty line is an item, its number the id.
:func:`check` reads the whole file once before anything is sent and names every bad line;
:func:`items` reads it again to send.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..request import ChatRequest, Message

MAX_ID = 256
MAX_LINE = 4 * 1024 * 1024
MAX_SHOWN = 20
ROLES = ("user", "assistant")


@dataclass(frozen=True)
class Item:
    custom_id: str
    line: int
    messages: tuple[Message, ...]
    system: str | None = None
    model: str | None = None
    schema: Any = None
    max_tokens: int | None = None


class BadInput(UsageError):
    """Every problem of the input, each on its own line, then the one error line."""

    def __init__(self, source: str, problems: list[str], total: int) -> None:
        more = f" (the first {MAX_SHOWN} are listed)" if total > MAX_SHOWN else ""
        super().__init__(f"{source} has {total} bad line{'s' if total != 1 else ''}{more}; nothing was sent: fix them and run the same command again")
        self.problems = problems


def _lines(path: str) -> Iterator[tuple[int, str]]:
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise UsageError(f"cannot read {path} ({exc.strerror})") from None
    with handle:
        for number, raw in enumerate(handle, 1):
            if len(raw) > MAX_LINE:
                yield number, "\0too long"
                continue
            try:
                yield number, raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                yield number, "\0not UTF-8"


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string")
    return value


def _content(value: Any) -> str:
    """A message's content: a string, or OpenAI's list of text parts."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str) for p in value):
        return "".join(p["text"] for p in value)
    raise ValueError("a message's content must be text (a string or text parts)")


def parse_line(number: int, text: str) -> Item | None:
    """One JSONL line as an item; None for a blank line; ValueError says what is wrong."""
    if text.startswith("\0"):
        raise ValueError("the line is " + text[1:])
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    except (ValueError, RecursionError):
        raise ValueError("not JSON") from None
    if not isinstance(data, dict):
        raise ValueError("each line must be a JSON object")
    custom_id = data.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id.strip():
        raise ValueError("custom_id must be a non-empty string")
    if len(custom_id) > MAX_ID:
        raise ValueError(f"custom_id is over {MAX_ID} characters")
    body = data.get("body")
    source = body if isinstance(body, dict) else data
    if body is not None and not isinstance(body, dict):
        raise ValueError("body must be an object")
    system = source.get("system", data.get("system"))
    if system is not None:
        system = _text(system, "system")
    messages: list[Message] = []
    if "prompt" in source and "messages" in source:
        raise ValueError("give prompt or messages, not both")
    if "prompt" in source:
        messages.append(Message("user", _text(source["prompt"], "prompt")))
    elif "messages" in source:
        raw = source["messages"]
        if not isinstance(raw, list) or not raw:
            raise ValueError("messages must be a non-empty list")
        for index, message in enumerate(raw):
            if not isinstance(message, dict):
                raise ValueError(f"messages[{index}] must be an object")
            role = message.get("role")
            if role == "system" and index == 0 and system is None:
                system = _content(message.get("content"))
                continue
            if role not in ROLES:
                raise ValueError(f"messages[{index}].role must be user or assistant (a system message goes first, or in system)")
            messages.append(Message(role, _content(message.get("content"))))
        if not messages or messages[-1].role != "user":
            raise ValueError("the last message must be the user's")
    else:
        raise ValueError("give prompt (a string) or messages (a list)")
    model = source.get("model")
    if model is not None:
        model = _text(model, "model")
    schema = data.get("schema")
    if schema is not None and not isinstance(schema, (dict, bool)):
        raise ValueError("schema must be a JSON Schema object")
    max_tokens = source.get("max_tokens", source.get("max_completion_tokens"))
    if max_tokens is not None and (not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1):
        raise ValueError("max_tokens must be a positive whole number")
    return Item(custom_id, number, tuple(messages), system, model, schema, max_tokens)


def template_item(number: int, text: str, template: str) -> Item | None:
    if text.startswith("\0"):
        raise ValueError("the line is " + text[1:])
    if not text.strip():
        return None
    return Item(str(number), number, (Message("user", template.replace("{line}", text)),))


def items(path: str, template: str | None = None) -> Iterator[Item]:
    """The items in file order (the input was checked first, so every line parses)."""
    for number, text in _lines(path):
        item = template_item(number, text, template) if template is not None else parse_line(number, text)
        if item is not None:
            yield item


def check(path: str, template: str | None = None) -> int:
    """Read the whole input once; raise :class:`BadInput` naming every bad line (the first 20)
    and every duplicate id with the line that first used it. The number of items otherwise."""
    if template is not None and "{line}" not in template:
        raise UsageError("--template must contain {line}, where each input line goes")
    seen: dict[str, int] = {}
    schemas: dict[str, str | None] = {}
    problems: list[str] = []
    total_bad = 0
    count = 0
    for number, text in _lines(path):
        try:
            item = template_item(number, text, template) if template is not None else parse_line(number, text)
        except ValueError as exc:
            total_bad += 1
            if len(problems) < MAX_SHOWN:
                problems.append(f"{path}:{number}: {exc}")
            continue
        if item is None:
            continue
        if item.schema is not None:
            text = json.dumps(item.schema, sort_keys=True)
            if text not in schemas:
                schemas[text] = _schema_problem(text)
            if schemas[text]:
                total_bad += 1
                if len(problems) < MAX_SHOWN:
                    problems.append(f"{path}:{number}: {schemas[text]}")
                continue
        if item.custom_id in seen:
            total_bad += 1
            if len(problems) < MAX_SHOWN:
                problems.append(f"{path}:{number}: custom_id {json.dumps(item.custom_id)} is already used on line {seen[item.custom_id]}")
            continue
        seen[item.custom_id] = number
        count += 1
    if total_bad:
        raise BadInput(path, problems, total_bad)
    if count == 0:
        raise UsageError(f"{path} has no items (blank lines are skipped); nothing to send")
    return count


def _schema_problem(text: str) -> str | None:
    from ..structured import load

    try:
        load(text)
    except UsageError as exc:
        return exc.message.replace("--schema (inline JSON)", "schema")
    return None


def request_for(item: Item, model: str, system: str | None, max_tokens: int | None, thinking: bool | None, json_mode: bool, schema_note: str | None) -> ChatRequest:
    """The item as a request: the item's own model, system and limit win over the flags."""
    sent_system = item.system if item.system is not None else system
    if schema_note:
        sent_system = f"{sent_system}\n\n{schema_note}" if sent_system else schema_note
    return ChatRequest(item.messages, model, sent_system, item.max_tokens or max_tokens, None, thinking, json_mode)
