"""The Anthropic-compatible path: ``POST {origin}/v1/messages`` over httpx and httpx-sse."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import httpx_sse  # noqa: F401  (imported before any request, so a missing package is named up front)

from ..boundary import check
from ..config import Settings
from ..debug import DebugLog
from ..errors import ServiceError, StreamBroken
from ..events import Done, Event, Text, Usage
from ..request import ChatRequest
from ..shapes import field, obj
from ..untrusted import one_line
from .finish import normalise
from .guard import Limits
from .retry import RetryPolicy, call
from .transport import event_json, iter_sse, make_client, open_response, read_json, scope

ANTHROPIC_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 1024  # the protocol requires max_tokens; Kimi models get theirs from the catalog


def _headers(settings: Settings) -> dict[str, str]:
    return {
        "x-api-key": settings.key.reveal(),
        "anthropic-version": ANTHROPIC_VERSION,
        "content-type": "application/json",
    }


def body(request: ChatRequest, streaming: bool) -> dict[str, Any]:
    """The Messages body. JSON mode has no switch in this protocol: the instruction that
    :mod:`kimi_skill.structured` adds to the system prompt is what asks for JSON."""
    max_tokens = request.max_tokens or DEFAULT_MAX_TOKENS
    out: dict[str, Any] = {
        "model": request.model,
        "max_tokens": max_tokens,
        "messages": [{"role": m.role, "content": m.text} for m in request.messages],
    }
    if request.system:
        out["system"] = request.system
    if request.temperature is not None:
        out["temperature"] = request.temperature
    if request.thinking is True:
        # the protocol's own switch; reasoning and answer share max_tokens on Kimi
        out["thinking"] = {"type": "enabled", "budget_tokens": max(1, max_tokens * 3 // 4)}
    elif request.thinking is False:
        out["thinking"] = {"type": "disabled"}
    if streaming:
        out["stream"] = True
    return out


def _usage(input_tokens: Any, output_tokens: Any) -> Usage:
    prompt = input_tokens if isinstance(input_tokens, int) else None
    completion = output_tokens if isinstance(output_tokens, int) else None
    total = prompt + completion if prompt is not None and completion is not None else None
    return Usage(prompt, completion, total)


def complete(settings: Settings, request: ChatRequest, policy: RetryPolicy, limits: Limits, debug: DebugLog | None) -> Iterator[Event]:
    url, payload = f"{settings.origin}/v1/messages", body(request, False)
    check("anthropic", request.model, payload)
    client, _ = make_client(settings, limits, False, debug)
    with scope(client):
        data = call(lambda: read_json(client, "POST", url, _headers(settings), payload, settings.host), policy, settings.key_source)
    data = obj(data)
    blocks = data.get("content")
    if not isinstance(blocks, list):
        raise ServiceError("the API sent a malformed message (HTTP 200: no content blocks); try again")
    text = "".join(b.get("text", "") for b in blocks if isinstance(b, dict) and b.get("type") == "text")
    thinking = "".join(b.get("thinking", "") for b in blocks if isinstance(b, dict) and b.get("type") == "thinking")
    if thinking:
        yield Text("reasoning", thinking)
    yield Text("content", text)
    if isinstance(data.get("usage"), dict):
        yield _usage(field(data, "usage", "input_tokens"), field(data, "usage", "output_tokens"))
    yield Done(normalise(data.get("stop_reason")), data.get("model"), data.get("id"))


def stream(settings: Settings, request: ChatRequest, policy: RetryPolicy, limits: Limits, debug: DebugLog | None) -> Iterator[Event]:
    url, payload = f"{settings.origin}/v1/messages", body(request, True)
    check("anthropic", request.model, payload)
    client, _ = make_client(settings, limits, True, debug)
    with client:
        response = call(lambda: open_response(client, "POST", url, _headers(settings), payload, settings.host), policy, settings.key_source)
        try:
            yield from events_from((sse.event, sse.data) for sse in iter_sse(response, limits.idle_timeout))
        finally:
            response.close()


def events_from(stream: Iterable[tuple[str, str]]) -> Iterator[Event]:
    """Follow the Messages event sequence of (event name, data) pairs; only ``message_stop``
    means the answer is complete."""
    input_tokens = output_tokens = stop_reason = model = ident = None
    for kind, raw in stream:
        if kind == "ping":
            continue
        data = event_json(raw)
        if not isinstance(data, dict):
            raise StreamBroken("unreadable stream event (not an object)")
        if kind == "error" or data.get("type") == "error":
            message = field(data, "error", "message") or "unknown error"
            raise StreamBroken(f"the server reported an error mid-stream: {one_line(str(message))}")
        if kind == "message_start":
            model, ident = field(data, "message", "model"), field(data, "message", "id")
            input_tokens = field(data, "message", "usage", "input_tokens")
        elif kind == "content_block_delta":
            delta = obj(data.get("delta"))
            if delta.get("type") == "text_delta":
                yield Text("content", str(delta.get("text", "")))
            elif delta.get("type") == "thinking_delta":
                yield Text("reasoning", str(delta.get("thinking", "")))
        elif kind == "message_delta":
            stop_reason = field(data, "delta", "stop_reason") or stop_reason
            output_tokens = field(data, "usage", "output_tokens") or output_tokens
        elif kind == "message_stop":
            if ident is None and model is None:
                raise StreamBroken("unreadable stream (message_stop without message_start)")
            if input_tokens is not None or output_tokens is not None:
                yield _usage(input_tokens, output_tokens)
            yield Done(normalise(stop_reason), model, ident)
            return
    raise StreamBroken("the stream ended before message_stop")
