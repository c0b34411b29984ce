"""The Gemini-style path: ``{origin}/v1beta/models/{model}:generateContent`` over httpx.

Streams are read as SSE (``alt=sse``, what we ask for) or, when a server answers with one JSON
array delivered piece by piece, element by element.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

import httpx_sse  # noqa: F401  (imported before any request, so a missing package is named up front)

from ..boundary import check
from ..config import Settings
from ..debug import DebugLog
from ..errors import ServiceError, StreamBroken
from ..events import Done, Event, StreamTail, Text, Usage
from ..request import ChatRequest
from ..shapes import field
from ..untrusted import one_line
from .finish import normalise
from .guard import Limits
from .retry import RetryPolicy, call
from .transport import event_json, iter_bytes, iter_sse, make_client, open_response, read_json, scope


def _url(settings: Settings, model: str, streaming: bool) -> str:
    method = "streamGenerateContent?alt=sse" if streaming else "generateContent"
    return f"{settings.origin}/v1beta/models/{quote(model, safe='')}:{method}"


def _headers(settings: Settings) -> dict[str, str]:
    return {"x-goog-api-key": settings.key.reveal(), "content-type": "application/json"}


def body(request: ChatRequest) -> dict[str, Any]:
    """The generateContent body: history as ``contents`` (the model's turns have role
    ``model``), JSON mode as ``responseMimeType``, reasoning as ``thinkingConfig``."""
    contents = [{"role": "model" if m.role == "assistant" else "user", "parts": [{"text": m.text}]} for m in request.messages]
    out: dict[str, Any] = {"contents": contents}
    if request.system:
        out["systemInstruction"] = {"parts": [{"text": request.system}]}
    config: dict[str, Any] = {}
    if request.max_tokens is not None:
        config["maxOutputTokens"] = request.max_tokens
    if request.temperature is not None:
        config["temperature"] = request.temperature
    if request.json_mode:
        config["responseMimeType"] = "application/json"
    if request.thinking is True:
        config["thinkingConfig"] = {"includeThoughts": True}
    elif request.thinking is False:
        config["thinkingConfig"] = {"thinkingBudget": 0}
    if config:
        out["generationConfig"] = config
    return out


def _usage(meta: Any) -> Usage | None:
    if not isinstance(meta, dict):
        return None
    prompt = meta.get("promptTokenCount")
    parts = [meta.get("candidatesTokenCount"), meta.get("thoughtsTokenCount")]
    completion = sum(p for p in parts if isinstance(p, int)) if any(isinstance(p, int) for p in parts) else None
    total = meta.get("totalTokenCount")
    return Usage(prompt if isinstance(prompt, int) else None, completion, total if isinstance(total, int) else None)


class _Reader(StreamTail):
    """Turns GenerateContentResponse objects into events, remembering what ends the answer."""

    def read(self, data: Any) -> Iterator[Event]:
        if not isinstance(data, dict):
            raise StreamBroken("unreadable stream event (not an object)")
        error = data.get("error")
        if isinstance(error, dict):
            raise StreamBroken(f"the server reported an error mid-stream: {one_line(str(error.get('message', 'unknown error')))}")
        candidates = data.get("candidates")
        if not isinstance(candidates, list):
            raise StreamBroken("unreadable stream event (no candidates)")
        self.model = data.get("modelVersion") or self.model
        self.id = data.get("responseId") or self.id
        self.usage = _usage(data.get("usageMetadata")) or self.usage
        if not candidates or not isinstance(candidates[0], dict):
            return
        candidate = candidates[0]
        parts = field(candidate, "content", "parts")
        for part in parts if isinstance(parts, list) else []:
            if isinstance(part, dict) and isinstance(part.get("text"), str) and part["text"]:
                yield Text("reasoning" if part.get("thought") else "content", part["text"])
        self.finish = normalise(candidate.get("finishReason")) or self.finish

    def end(self) -> Iterator[Event]:
        self.require_finish("finishReason")
        yield from self.closing()


def complete(settings: Settings, request: ChatRequest, policy: RetryPolicy, limits: Limits, debug: DebugLog | None) -> Iterator[Event]:
    payload = body(request)
    check("gemini", request.model, payload)
    client, _ = make_client(settings, limits, False, debug)
    with scope(client):
        data = call(lambda: read_json(client, "POST", _url(settings, request.model, False), _headers(settings), payload, settings.host), policy, settings.key_source)
    reader = _Reader()
    try:
        events = list(reader.read(data))
    except StreamBroken as exc:
        raise ServiceError(f"the API sent a malformed response (HTTP 200: {exc.detail}); try again") from None
    if reader.finish is None and not events:
        raise ServiceError("the API sent a malformed response (HTTP 200: no candidates); try again")
    reasoning = "".join(e.text for e in events if isinstance(e, Text) and e.kind == "reasoning")
    if reasoning:
        yield Text("reasoning", reasoning)
    yield Text("content", "".join(e.text for e in events if isinstance(e, Text) and e.kind == "content"))
    if reader.usage:
        yield reader.usage
    yield Done(reader.finish, reader.model, reader.id)


def stream(settings: Settings, request: ChatRequest, policy: RetryPolicy, limits: Limits, debug: DebugLog | None) -> Iterator[Event]:
    payload = body(request)
    check("gemini", request.model, payload)
    client, _ = make_client(settings, limits, True, debug)
    with client:
        response = call(lambda: open_response(client, "POST", _url(settings, request.model, True), _headers(settings), payload, settings.host), policy, settings.key_source)
        try:
            reader = _Reader()
            kind = response.headers.get("content-type", "").split(";")[0]
            if kind == "application/json":
                items: Iterable[Any] = json_array_items(iter_bytes(response, limits.idle_timeout))
            else:
                items = (event_json(sse.data) for sse in iter_sse(response, limits.idle_timeout))
            for item in items:
                yield from reader.read(item)
            yield from reader.end()
        finally:
            response.close()


def json_array_items(chunks: Iterable[bytes]) -> Iterator[Any]:
    """Yield each element of a JSON array as soon as it is complete in the byte stream."""
    decoder = json.JSONDecoder()
    text = codecs.getincrementaldecoder("utf-8")(errors="replace")
    buffer, started = "", False
    for chunk in chunks:
        buffer += text.decode(chunk)
        pos = 0
        while True:
            while pos < len(buffer) and buffer[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(buffer):
                break
            if not started:
                if buffer[pos] != "[":
                    raise StreamBroken("unreadable stream (expected a JSON array)")
                started, pos = True, pos + 1
                continue
            if buffer[pos] == "]":
                return
            try:
                item, end = decoder.raw_decode(buffer, pos)
            except RecursionError:
                raise StreamBroken("a stream element is JSON nested too deeply to read") from None
            except ValueError:
                break  # incomplete element: wait for more bytes
            after = end
            while after < len(buffer) and buffer[after] in " \t\r\n":
                after += 1
            if after == len(buffer) or buffer[after] not in ",]":
                break  # a number may go on in the next chunk ("0" then ".5"): wait for its delimiter
            pos = end
            yield item
        buffer = buffer[pos:]
        if len(buffer) > 8 * 1024 * 1024:
            raise StreamBroken("unreadable stream (an element larger than 8 MiB)")
    if buffer.strip():
        raise StreamBroken("unreadable stream (a JSON element was cut off)")
    raise StreamBroken("the stream ended before the JSON array was closed")
