"""The model boundary: what a request may carry for a known model, decided from the catalog.

Two steps, both driven by :mod:`kimi_skill.catalog`:

- :func:`resolve` turns the user's flags into request options, per flag: a flag the model cannot
  honour is refused before anything is sent (exit 2, naming a model that can) when dropping it
  would change the answer the user asked for (``--thinking off``, ``--max-tokens`` over the cap),
  and dropped with one ``warning:`` line when the model does what was asked anyway or cannot be
  told (``--thinking on`` on an always-reasoning model, ``--temperature`` on models that fix it,
  ``--reasoning`` on models that return no reasoning text). ``--schema`` uses JSON mode where
  the model has it and the prompt plus local validation where it does not.
- :func:`check` looks at the finished wire body of every protocol, just before it is sent, and
  refuses any field the gateway would refuse for that model: reasoning controls, tools,
  structured-output fields, images, cache or continuation state, sampling other than the fixed
  values, both max-token fields, or a budget over the cap. It is the last line: :func:`resolve`
  should already have left such fields out.

Unknown model ids pass through both untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from . import catalog
from .errors import UsageError


class Options:
    """What to send for the user's flags, and the warnings for what is not sent."""

    __slots__ = ("json_mode", "max_tokens", "notes", "temperature", "thinking")

    def __init__(self, thinking: bool | None, temperature: float | None, max_tokens: int | None, json_mode: bool, notes: list[str] | None = None) -> None:
        self.thinking, self.temperature, self.max_tokens, self.json_mode = thinking, temperature, max_tokens, json_mode
        self.notes = notes or []


def _others(capability: str, exclude: str) -> str:
    names = [m for m in catalog.able(capability) if m != exclude]
    return " or ".join(names) if names else "another model"


def resolve(model: str, *, thinking: bool | None, temperature: float | None, max_tokens: int | None, schema: bool, show_reasoning: bool = False) -> Options:
    """The options to send for ``model``; raises :class:`UsageError` for what must be refused."""
    facts = catalog.find(model)
    if facts is None:
        return Options(thinking, temperature, max_tokens, schema)
    notes: list[str] = []
    if thinking is False and not facts.thinking_control:
        raise UsageError(
            f"{model} always reasons, so --thinking off is refused (nothing was sent); "
            f"{_others('thinking_control', model)} can answer without reasoning: pass --model {catalog.able('thinking_control')[0]}"
        )
    if thinking is True and not facts.thinking_control:
        notes.append(f"{model} always reasons and takes no reasoning switch, so --thinking on is not sent")
        thinking = None
    if temperature is not None:
        on, off = facts.fixed_temperature
        fixed = f"{on:g}" if on == off else f"{on:g} with thinking, {off:g} without"
        notes.append(f"{model} fixes the temperature ({fixed}), so --temperature {temperature:g} is not sent")
        temperature = None
    if max_tokens is None:
        max_tokens = facts.default_max_tokens
    elif max_tokens > facts.max_output_tokens:
        bigger = [m for m in catalog.MODELS if m.max_output_tokens >= max_tokens]
        hint = "; " + ", ".join(f"{m.id} takes up to {m.max_output_tokens}" for m in bigger) if bigger else ""
        raise UsageError(f"--max-tokens {max_tokens} is over {model}'s output limit of {facts.max_output_tokens} (nothing was sent){hint}")
    if show_reasoning and not facts.returns_reasoning:
        notes.append(f"{model} does not return its reasoning text through RunAPI, so --reasoning shows none")
    return Options(thinking, temperature, max_tokens, schema and facts.json_mode, notes)


BYTES_PER_TOKEN = 4  # a low estimate of tokens (text runs 3-4 bytes a token, code and CJK fewer)


def check_context(model: str, input_bytes: int, max_tokens: int | None) -> None:
    """Refuse, before sending, an input that cannot fit the model's context window with the
    answer's budget: even the low estimate of its tokens is too many."""
    facts = catalog.find(model)
    if facts is None:
        return
    room = facts.context_tokens - (max_tokens or 0)
    tokens = input_bytes // BYTES_PER_TOKEN
    if tokens > room:
        raise UsageError(
            f"the input is {input_bytes} bytes, at least {tokens} tokens, more than {model}'s context of {facts.context_tokens} "
            f"tokens leaves beside --max-tokens {max_tokens or 0} (room for {room}); nothing was sent: split the input across "
            "calls (batch.py), attach fewer files, or lower --max-tokens"
        )


def budget_advice(model: str) -> str:
    """What to do when the token budget ran out: --thinking off only where the model takes it."""
    facts = catalog.find(model)
    if facts is not None and not facts.thinking_control:
        return "raise --max-tokens (it always reasons, so reasoning shares the budget)"
    return "raise --max-tokens or pass --thinking off"


def refused_shape(server_message: str | None) -> bool:
    """Whether a 400 reads as the gateway refusing a field (its boundary), not a bad prompt."""
    said = (server_message or "").lower()
    return any(word in said for word in ("unsupported", "not supported", "parameter", "unknown field", "not allowed"))


def moved(model: str, protocol: str, status: int | None, server_message: str | None) -> str:
    """The error for a request shape the gateway refused although the catalog allowed it."""
    return (
        f"RunAPI refused the request shape for {model} on the {protocol} protocol (HTTP {status}: {server_message}); "
        "its capability boundary may have moved since this kimi-skill was released: run scripts/doctor.py "
        "to see which protocols still work, and update kimi-skill"
    )


# -- the wire check -------------------------------------------------------------------------

class Wire(NamedTuple):
    """Where each kind of field lives in one protocol's body."""

    reasoning: tuple[str, ...]
    tools: tuple[str, ...]
    structured: tuple[str, ...]
    state: tuple[str, ...]  # cache ids and TTLs, opaque continuation state
    sampling: dict[str, str]  # wire name -> catalog name (temperature, top_p, n, penalties)
    max_fields: tuple[str, ...]


WIRES: dict[str, Wire] = {
    "openai": Wire(
        ("thinking", "reasoning_effort", "reasoning"), ("tools", "tool_choice", "functions", "function_call", "parallel_tool_calls"),
        ("response_format",), ("prompt_cache_key", "prompt_cache_retention"),
        {"temperature": "temperature", "top_p": "top_p", "n": "n", "presence_penalty": "presence_penalty", "frequency_penalty": "frequency_penalty"},
        ("max_tokens", "max_completion_tokens"),
    ),
    "responses": Wire(
        ("reasoning", "thinking"), ("tools", "tool_choice", "parallel_tool_calls", "max_tool_calls"),
        ("text",), ("previous_response_id", "conversation", "prompt_cache_key", "prompt_cache_retention", "include"),
        {"temperature": "temperature", "top_p": "top_p"}, ("max_output_tokens",),
    ),
    "anthropic": Wire(
        ("thinking",), ("tools", "tool_choice"), ("output_format", "response_format"), ("container",),
        {"temperature": "temperature", "top_p": "top_p"}, ("max_tokens",),
    ),
    "gemini": Wire(
        ("thinkingConfig",), ("tools", "toolConfig"), ("responseMimeType", "responseSchema", "responseJsonSchema"), ("cachedContent",),
        {"temperature": "temperature", "topP": "top_p", "candidateCount": "n", "presencePenalty": "presence_penalty", "frequencyPenalty": "frequency_penalty"},
        ("maxOutputTokens",),
    ),
}
_FIXED = {"temperature": 1.0, **catalog.FIXED_SAMPLING}


def _fields(protocol: str, body: dict[str, Any]) -> dict[str, Any]:
    """The body's parameters in one flat mapping (the SDK's ``extra_body`` and Gemini's
    ``generationConfig`` are where some of them travel)."""
    flat = {k: v for k, v in body.items() if k not in ("extra_body", "generationConfig")}
    for nested in ("extra_body", "generationConfig"):
        if isinstance(body.get(nested), dict):
            flat.update(body[nested])
    return flat


def _parts(protocol: str, body: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(role, content part) of every message, whatever the protocol calls them."""
    if protocol == "gemini":
        for content in body.get("contents") or []:
            for part in content.get("parts") or [] if isinstance(content, dict) else []:
                yield content.get("role", "user"), part
        return
    items = body.get("input") if protocol == "responses" else body.get("messages")
    if isinstance(items, str):
        return
    for item in items or []:
        if not isinstance(item, dict):
            continue
        content = item.get("content")
        for part in content if isinstance(content, list) else []:
            yield item.get("role", "user"), part
        if item.get("tool_calls") or item.get("role") == "tool" or item.get("type") not in (None, "message"):
            yield item.get("role", "user"), {"type": item.get("type") or "tool history"}  # tool calls and their results


_TEXT_PARTS = {"text", "input_text", "output_text"}


def _part_problem(protocol: str, part: Any) -> str | None:
    if protocol == "gemini":
        extra = sorted(set(part) - {"text"}) if isinstance(part, dict) else ["?"]
        return f"content part {extra[0]}" if extra else None
    if isinstance(part, dict) and "cache_control" in part:
        return "content block cache_control"
    kind = part.get("type") if isinstance(part, dict) else None
    return None if kind in _TEXT_PARTS else f"content block {kind}"


def problems(protocol: str, model: str, body: dict[str, Any]) -> list[str]:
    """Every field of ``body`` the gateway refuses for ``model`` (empty: it may be sent)."""
    facts = catalog.find(model)
    wire = WIRES.get(protocol)
    if facts is None or wire is None:
        return []
    flat = _fields(protocol, body)
    found: list[str] = []
    if not facts.thinking_control:
        found += [f"{name} (reasoning control)" for name in wire.reasoning if name in flat]
    if not facts.tools:
        found += [f"{name} (tools)" for name in wire.tools if name in flat]
    if not facts.json_mode:
        for name in wire.structured:
            value = flat.get(name)
            if name in flat and not (protocol == "responses" and _plain_text_format(value)):
                found.append(f"{name} (structured output)")
    if facts.boundary:
        found += [f"{name} (cache or continuation state)" for name in wire.state if name in flat]
    for name, fact in wire.sampling.items():
        if name in flat and facts.sampling_fixed and flat[name] != _fixed_value(facts, fact, flat):
            found.append(f"{name} {flat[name]!r} (sampling is fixed)")
    budgets = [name for name in wire.max_fields if name in flat]
    if len(budgets) > 1:
        found.append(f"both {' and '.join(budgets)}")
    for name in budgets:
        if isinstance(flat[name], int) and flat[name] > facts.max_output_tokens:
            found.append(f"{name} {flat[name]} (over the output limit of {facts.max_output_tokens})")
    if not facts.images or facts.boundary:
        for _role, part in _parts(protocol, body):
            problem = _part_problem(protocol, part)
            if problem:
                found.append(problem)
                break
    return found


def _plain_text_format(value: Any) -> bool:
    fmt = value.get("format") if isinstance(value, dict) else None
    return isinstance(value, dict) and (fmt is None or (isinstance(fmt, dict) and fmt.get("type") == "text")) and set(value) <= {"format", "verbosity"}


def _fixed_value(facts: catalog.Model, fact: str, flat: dict[str, Any]) -> float:
    if fact == "temperature":
        on, off = facts.fixed_temperature
        switch = flat.get("thinking") or flat.get("thinkingConfig")
        disabled = isinstance(switch, dict) and (switch.get("type") == "disabled" or switch.get("thinkingBudget") == 0)
        return off if disabled else on
    return _FIXED[fact]


def check(protocol: str, model: str, body: dict[str, Any]) -> None:
    """Refuse to send a body the gateway would refuse (exit 2, nothing sent)."""
    found = problems(protocol, model, body)
    if found:
        raise UsageError(
            f"{model} cannot take {', '.join(found)} on the {protocol} protocol at RunAPI, so nothing was sent; "
            "see the model table in SKILL.md (scripts/models.py --json lists each model's capabilities)"
        )
