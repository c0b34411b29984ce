"""The OpenAI Responses path (``POST {base}/responses``), through the official SDK's
``client.responses.create``: same client, retries and limits as the Chat Completions path.

The conversation travels as ``input`` messages and the system prompt as ``instructions``; JSON
mode is ``text.format = json_object``. Kimi's reasoning switch has no Responses field of its own
at RunAPI, so it travels as on Chat Completions, as a top-level ``thinking`` (never for models
that refuse reasoning controls: :mod:`kimi_skill.boundary` decides). A stream is complete only
when ``response.completed`` or ``response.incomplete`` arrives.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..boundary import check
from ..config import Settings
from ..debug import DebugLog
from ..errors import ServiceError, StreamBroken
from ..events import Done, Event, StreamTail, Text, Usage
from ..request import ChatRequest
from ..untrusted import one_line
from .guard import Limits
from .openai import mid_stream, sdk_client, sdk_send
from .retry import RetryPolicy

# why a response stopped early -> the finish reasons the other protocols use
INCOMPLETE = {"max_output_tokens": "length", "content_filter": "content_filter"}


def body(request: ChatRequest) -> dict[str, Any]:
    out: dict[str, Any] = {"model": request.model, "input": [{"role": m.role, "content": m.text} for m in request.messages]}
    if request.system:
        out["instructions"] = request.system
    if request.max_tokens is not None:
        out["max_output_tokens"] = request.max_tokens
    if request.temperature is not None:
        out["temperature"] = request.temperature
    if request.json_mode:
        out["text"] = {"format": {"type": "json_object"}}
    if request.thinking is not None:
        out["extra_body"] = {"thinking": {"type": "enabled" if request.thinking else "disabled"}}
    return out


def _usage(raw: Any) -> Usage | None:
    if raw is None:
        return None
    counts = [getattr(raw, name, None) for name in ("input_tokens", "output_tokens", "total_tokens")]
    return Usage(*(count if isinstance(count, int) else None for count in counts))


def _finish(response: Any) -> str | None:
    status = getattr(response, "status", None)
    if status == "completed":
        return "stop"
    if status == "incomplete":
        reason = getattr(getattr(response, "incomplete_details", None), "reason", None)
        return INCOMPLETE.get(reason, reason) if isinstance(reason, str) else "length"
    return status if isinstance(status, str) else None


def _texts(response: Any) -> tuple[str, str]:
    """(reasoning, answer) from a response's output items, trusting no field."""
    reasoning, content = [], []
    output = getattr(response, "output", None)
    for item in output if isinstance(output, list) else []:
        kind = getattr(item, "type", None)
        parts = getattr(item, "content", None)
        for part in parts if isinstance(parts, list) else []:
            text = getattr(part, "text", None)
            if not isinstance(text, str):
                continue
            if kind == "message" and getattr(part, "type", None) == "output_text":
                content.append(text)
            elif kind == "reasoning":
                reasoning.append(text)
        if kind == "reasoning" and not parts:
            summary = getattr(item, "summary", None)
            reasoning += [s.text for s in summary if isinstance(getattr(s, "text", None), str)] if isinstance(summary, list) else []
    return "".join(reasoning), "".join(content)


def events_from_response(response: Any) -> Iterator[Event]:
    if isinstance(response, (str, bytes)):
        raise ServiceError("the API sent a non-JSON body (HTTP 200); check the base URL")
    if not isinstance(getattr(response, "output", None), list):
        raise ServiceError("the API sent a malformed response (HTTP 200: no output); try again, or check the base URL")
    if getattr(response, "status", None) == "failed":
        message = getattr(getattr(response, "error", None), "message", None)
        raise ServiceError(f"the model failed (response status failed: {one_line(str(message or 'no reason given'))}); try again")
    reasoning, content = _texts(response)
    if reasoning:
        yield Text("reasoning", reasoning)
    yield Text("content", content)
    usage = _usage(getattr(response, "usage", None))
    if usage:
        yield usage
    model, ident = getattr(response, "model", None), getattr(response, "id", None)
    yield Done(_finish(response), model if isinstance(model, str) else None, ident if isinstance(ident, str) else None)


def complete(settings: Settings, request: ChatRequest, policy: RetryPolicy, limits: Limits, debug: DebugLog | None) -> Iterator[Event]:
    payload = body(request)
    check("responses", request.model, payload)
    client, _ = sdk_client(settings, limits, False, debug)
    yield from events_from_response(sdk_send(settings, client.responses.create, payload, policy, client.timeout.read, False))


def stream(settings: Settings, request: ChatRequest, policy: RetryPolicy, limits: Limits, debug: DebugLog | None) -> Iterator[Event]:
    payload = body(request) | {"stream": True}
    check("responses", request.model, payload)
    client, _ = sdk_client(settings, limits, True, debug)
    events = sdk_send(settings, client.responses.create, payload, policy, client.timeout.read, True)
    reader = EventReader()
    with mid_stream(limits):
        for event in events:
            text = reader.read(event)
            if text is not None:
                yield text
    yield from reader.end()


class EventReader(StreamTail):
    """Turns the SDK's typed stream events into ours; ``response.completed`` (or
    ``response.incomplete``) carries the usage and ends the answer."""

    ended = False

    def read(self, event: Any) -> Text | None:
        """The answer text an event carries, if any (a plain return: this runs once per event)."""
        kind = getattr(event, "type", None)
        if kind == "response.output_text.delta":
            delta = getattr(event, "delta", None)
            return Text("content", delta) if delta and isinstance(delta, str) else None
        if kind in ("response.reasoning_text.delta", "response.reasoning_summary_text.delta"):
            delta = getattr(event, "delta", None)
            return Text("reasoning", delta) if delta and isinstance(delta, str) else None
        if kind in ("response.completed", "response.incomplete"):
            response = getattr(event, "response", None)
            self.finish = _finish(response) or ("stop" if kind == "response.completed" else "length")
            self.usage = _usage(getattr(response, "usage", None))
            self._identify(response)
            self.ended = True
        elif kind == "response.created":
            self._identify(getattr(event, "response", None))
        elif kind == "response.failed":
            message = getattr(getattr(getattr(event, "response", None), "error", None), "message", None)
            raise StreamBroken(f"the server reported an error mid-stream: {one_line(str(message or 'response failed'))}")
        elif kind == "error":
            raise StreamBroken(f"the server reported an error mid-stream: {one_line(str(getattr(event, 'message', None) or 'unknown error'))}")
        elif not isinstance(kind, str):
            raise StreamBroken("unreadable stream event (no type)")
        return None

    def _identify(self, response: Any) -> None:
        model, ident = getattr(response, "model", None), getattr(response, "id", None)
        self.model = model if isinstance(model, str) else self.model
        self.id = ident if isinstance(ident, str) else self.id

    def end(self) -> Iterator[Event]:
        if not self.ended:
            raise StreamBroken("the stream ended before response.completed")
        yield from self.closing()
