"""RunAPI's capability boundary, as the gateway enforces it: the emulator's side.

For ``kimi-k3`` and ``kimi-k2.7-code`` RunAPI takes basic text only, on all four surfaces, and
fails the request before a task is created when it carries reasoning controls, tools or tool
history, images or other non-text content, structured-output fields, cache ids or continuation
state, sampling other than the fixed values, both max-token fields, or an output budget over the
model's cap. Every model refuses an output budget over its cap. This module is written from the
published rules, apart from the client's guard (:mod:`kimi_skill.boundary`), so that the tests
check one against the other. ``strict`` adds fields a test wants refused on top (``boundary:F``
fault), to show what a client sees when the gateway's boundary moves.
"""

from __future__ import annotations

from typing import Any

BASIC_TEXT_ONLY = {"kimi-k3": 131_072, "kimi-k2.7-code": 32_768}  # model -> output cap
OTHER_CAPS = {"kimi-k2.6": 262_144, "kimi-k2.5": 262_144}
FIXED = {"temperature": 1.0, "top_p": 0.95, "n": 1, "presence_penalty": 0, "frequency_penalty": 0}


class Refusal(Exception):
    def __init__(self, param: str, why: str) -> None:
        super().__init__(param)
        self.param = param
        self.why = why


def _refuse_keys(body: dict[str, Any], keys: tuple[str, ...], why: str) -> None:
    for key in keys:
        if key in body:
            raise Refusal(key, why)


def _sampling(values: dict[str, Any], names: dict[str, str]) -> None:
    for wire, fixed in names.items():
        if wire in values and values[wire] != FIXED[fixed]:
            raise Refusal(wire, f"sampling is fixed for this model: {fixed} {FIXED[fixed]:g}")


def _budget(values: dict[str, Any], names: tuple[str, ...], cap: int) -> None:
    given = [name for name in names if name in values]
    if len(given) > 1:
        raise Refusal(given[1], f"send {given[0]} or {given[1]}, never both")
    for name in given:
        if isinstance(values[name], int) and values[name] > cap:
            raise Refusal(name, f"the output limit of this model is {cap} tokens")


def _chat(body: dict[str, Any], text_only: bool) -> None:
    if text_only:
        _refuse_keys(body, ("thinking", "reasoning_effort", "reasoning"), "reasoning controls are not supported")
        _refuse_keys(body, ("tools", "tool_choice", "functions", "function_call", "parallel_tool_calls"), "tools are not supported")
        _refuse_keys(body, ("response_format",), "structured output is not supported")
        _refuse_keys(body, ("prompt_cache_key", "prompt_cache_retention"), "cache ids are not supported")
        _sampling(body, {name: name for name in FIXED})
        for message in body.get("messages") or []:
            if not isinstance(message, dict):
                continue
            if message.get("role") == "tool" or message.get("tool_calls"):
                raise Refusal("messages", "tool history is not supported")
            content = message.get("content")
            if isinstance(content, list) and any(not (isinstance(p, dict) and p.get("type") == "text") for p in content):
                raise Refusal("messages", "only text content is supported")


def _responses(body: dict[str, Any], text_only: bool) -> None:
    if text_only:
        _refuse_keys(body, ("reasoning", "thinking"), "reasoning controls are not supported")
        _refuse_keys(body, ("tools", "tool_choice", "parallel_tool_calls", "max_tool_calls"), "tools are not supported")
        _refuse_keys(body, ("previous_response_id", "conversation", "include", "prompt_cache_key", "prompt_cache_retention"), "continuation state and cache ids are not supported")
        text = body.get("text")
        if isinstance(text, dict) and isinstance(text.get("format"), dict) and text["format"].get("type") != "text":
            raise Refusal("text.format", "structured output is not supported")
        _sampling(body, {"temperature": "temperature", "top_p": "top_p"})
        items = body.get("input")
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            if item.get("type") not in (None, "message"):
                raise Refusal("input", f"{item.get('type')} items are not supported")
            content = item.get("content")
            if isinstance(content, list) and any(not (isinstance(p, dict) and p.get("type") in ("input_text", "output_text")) for p in content):
                raise Refusal("input", "only text content is supported")


def _messages(body: dict[str, Any], text_only: bool) -> None:
    if text_only:
        _refuse_keys(body, ("thinking",), "reasoning controls are not supported")
        _refuse_keys(body, ("tools", "tool_choice"), "tools are not supported")
        _refuse_keys(body, ("output_format",), "structured output is not supported")
        _sampling(body, {"temperature": "temperature", "top_p": "top_p"})
        for message in body.get("messages") or []:
            content = message.get("content") if isinstance(message, dict) else None
            for block in content if isinstance(content, list) else []:
                if not (isinstance(block, dict) and block.get("type") == "text") or "cache_control" in block:
                    raise Refusal("messages", "only plain text blocks are supported (no thinking, tool, image or cache blocks)")


def _gemini(body: dict[str, Any], text_only: bool) -> None:
    if text_only:
        config: dict[str, Any] = body["generationConfig"] if isinstance(body.get("generationConfig"), dict) else {}
        _refuse_keys(config, ("thinkingConfig",), "reasoning controls are not supported")
        _refuse_keys(body, ("tools", "toolConfig"), "tools are not supported")
        _refuse_keys(body, ("cachedContent",), "cached content is not supported")
        _refuse_keys(config, ("responseMimeType", "responseSchema", "responseJsonSchema"), "structured output is not supported")
        _sampling(config, {"temperature": "temperature", "topP": "top_p", "candidateCount": "n", "presencePenalty": "presence_penalty", "frequencyPenalty": "frequency_penalty"})
        for content in body.get("contents") or []:
            for part in (content.get("parts") or []) if isinstance(content, dict) else []:
                if not isinstance(part, dict) or set(part) - {"text"}:
                    raise Refusal("contents", "only text parts are supported")


SURFACES = {"openai": _chat, "responses": _responses, "anthropic": _messages, "gemini": _gemini}
BUDGETS = {
    "openai": ("max_tokens", "max_completion_tokens"),
    "responses": ("max_output_tokens",),
    "anthropic": ("max_tokens",),
    "gemini": ("maxOutputTokens",),
}


def enforce(surface: str, model: str, body: dict[str, Any], strict: tuple[str, ...] = ()) -> None:
    """Raise :class:`Refusal` for what the gateway refuses for ``model`` on ``surface``."""
    values = body["generationConfig"] if surface == "gemini" and isinstance(body.get("generationConfig"), dict) else body
    for name in strict:
        if name in values or name in body:
            raise Refusal(name, "this field is not supported for this model")
    cap = BASIC_TEXT_ONLY.get(model) or OTHER_CAPS.get(model)
    if cap is None:
        return
    SURFACES[surface](body, model in BASIC_TEXT_ONLY)
    _budget(values, BUDGETS[surface], cap)


def message(model: str, refusal: Refusal) -> str:
    return f"Unsupported parameter for {model}: {refusal.param} ({refusal.why}). RunAPI accepts basic text requests for this model."
