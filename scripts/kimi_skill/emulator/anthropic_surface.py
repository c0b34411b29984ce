"""``POST /v1/messages`` as the Anthropic Messages API has it, including its SSE event sequence."""

from __future__ import annotations

from typing import Any

from .replies import Reply
from .wire import Parsed, RequestProblem, StreamPlan, new_id, positive, sse, text_of

NAME = "anthropic"
STOP = {"stop": "end_turn", "length": "max_tokens"}
STATUS_KINDS = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 500: "api_error", 529: "overloaded_error"}


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


def fault_body(status: int, message: str) -> dict[str, Any]:
    return error_body(STATUS_KINDS.get(status, "api_error"), message)


def check_auth(headers: Any, key: str, query: dict[str, list[str]]) -> None:
    # x-api-key is the protocol's header; newer official SDKs send the same key as a bearer token.
    scheme, _, bearer = headers.get("authorization", "").partition(" ")
    given = headers.get("x-api-key") or (bearer if scheme.lower() == "bearer" else "")
    if given != key:
        raise RequestProblem(401, error_body("authentication_error", "invalid x-api-key"))
    if not headers.get("anthropic-version"):
        raise RequestProblem(400, error_body("invalid_request_error", "anthropic-version: header is required"))


def parse(body: Any, models: list[str], path: str, query: dict[str, list[str]]) -> Parsed:
    if not isinstance(body, dict):
        raise RequestProblem(400, error_body("invalid_request_error", "request body must be a JSON object"))
    if not isinstance(body.get("max_tokens"), int):
        raise RequestProblem(400, error_body("invalid_request_error", "max_tokens: Field required"))
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise RequestProblem(400, error_body("invalid_request_error", "messages: Field required"))
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise RequestProblem(400, error_body("invalid_request_error", "model: Field required"))
    if model not in models:
        raise RequestProblem(404, error_body("not_found_error", f"model: {model}"))
    users = [text_of(m.get("content")) for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    system = text_of(body.get("system")) or None
    thinking = body.get("thinking")
    switch = {"enabled": True, "disabled": False}.get(str(thinking.get("type"))) if isinstance(thinking, dict) else None
    return Parsed(model, users[-1] if users else "", system, bool(body.get("stream")), False, users, len(users), switch, positive(body.get("max_tokens")))


def _blocks(reply: Reply) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if reply.reasoning:
        blocks.append({"type": "thinking", "thinking": reply.reasoning_text, "signature": "emulator-signature"})
    blocks.append({"type": "text", "text": reply.text})
    return blocks


def completion(parsed: Parsed, reply: Reply) -> dict[str, Any]:
    return {
        "id": new_id("msg_"),
        "type": "message",
        "role": "assistant",
        "model": parsed.model,
        "content": _blocks(reply),
        "stop_reason": STOP[reply.finish],
        "stop_sequence": None,
        "usage": {"input_tokens": reply.prompt_tokens, "output_tokens": reply.completion_tokens},
    }


def _event(data: dict[str, Any]) -> bytes:
    return sse(data, data["type"])


def stream_plan(parsed: Parsed, reply: Reply, query: dict[str, list[str]]) -> StreamPlan:
    plan = StreamPlan("text/event-stream", keepalive=_event({"type": "ping"}))
    add = plan.events.append
    add(("meta", _event({
        "type": "message_start",
        "message": {
            "id": new_id("msg_"), "type": "message", "role": "assistant", "model": parsed.model, "content": [],
            "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": reply.prompt_tokens, "output_tokens": 1},
        },
    })))
    index = 0
    if reply.reasoning:
        add(("meta", _event({"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": "", "signature": ""}})))
        add(("meta", _event({"type": "ping"})))
        for piece in reply.reasoning:
            add(("reasoning", _event({"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": piece}})))
        add(("meta", _event({"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "emulator-signature"}})))
        add(("meta", _event({"type": "content_block_stop", "index": 0})))
        index = 1
    add(("meta", _event({"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}})))
    for piece in reply.content:
        add(("content", _event({"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece}})))
    add(("meta", _event({"type": "content_block_stop", "index": index})))
    add(("meta", _event({"type": "message_delta", "delta": {"stop_reason": STOP[reply.finish], "stop_sequence": None}, "usage": {"output_tokens": reply.completion_tokens}})))
    add(("end", _event({"type": "message_stop"})))
    return plan


def stream_error(message: str) -> bytes:
    return sse(error_body("overloaded_error", message), "error")


def wrong_shape_stream() -> bytes:
    return sse({"type": "mystery"}, "mystery") + _event({"type": "message_stop"})
