"""``/v1beta/models/{model}:generateContent`` and ``:streamGenerateContent`` as Gemini has them.

With ``alt=sse`` a stream is SSE without an end marker; without it, one JSON array whose
elements arrive as they are generated.
"""

from __future__ import annotations

import json
from typing import Any

from .replies import Reply
from .wire import Parsed, RequestProblem, StreamPlan, new_id, positive, sse, text_of

NAME = "gemini"
FINISH = {"stop": "STOP", "length": "MAX_TOKENS"}
STATUSES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}


def fault_body(status: int, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message, "status": STATUSES.get(status, "UNKNOWN")}}


def check_auth(headers: Any, key: str, query: dict[str, list[str]]) -> None:
    given = headers.get("x-goog-api-key") or (query.get("key") or [""])[0]
    if given != key:
        raise RequestProblem(401, fault_body(401, "API key not valid. Please pass a valid API key."))


def route(path: str) -> tuple[str, str]:
    """``/v1beta/models/kimi-k2.6:streamGenerateContent`` gives ``("kimi-k2.6", "streamGenerateContent")``."""
    tail = path.split("/models/", 1)[1]  # /v1beta/models/... or /v1/models/...
    model, _, method = tail.partition(":")
    return model, method


def parse(body: Any, models: list[str], path: str, query: dict[str, list[str]]) -> Parsed:
    model, method = route(path)
    if method not in ("generateContent", "streamGenerateContent"):
        raise RequestProblem(404, fault_body(404, f"Method {method!r} not found."))
    if not isinstance(body, dict) or not isinstance(body.get("contents"), list) or not body["contents"]:
        raise RequestProblem(400, fault_body(400, "* GenerateContentRequest.contents: contents is not specified"))
    if model not in models:
        raise RequestProblem(404, fault_body(404, f"models/{model} is not found for API version v1beta, or is not supported for generateContent."))
    users = [text_of(c.get("parts")) for c in body["contents"] if isinstance(c, dict) and c.get("role", "user") == "user"]
    instruction = body.get("systemInstruction")
    system = text_of(instruction.get("parts")) if isinstance(instruction, dict) else None
    config = body["generationConfig"] if isinstance(body.get("generationConfig"), dict) else {}
    thinking = config.get("thinkingConfig")
    switch = None
    if isinstance(thinking, dict):
        switch = False if thinking.get("thinkingBudget") == 0 else True if thinking.get("includeThoughts") else None
    return Parsed(
        model, users[-1] if users else "", system or None, method == "streamGenerateContent", False, users, len(users), switch,
        positive(config.get("maxOutputTokens")), config.get("responseMimeType") == "application/json",
    )


def _usage(reply: Reply) -> dict[str, int]:
    out = {
        "promptTokenCount": reply.prompt_tokens,
        "candidatesTokenCount": len(reply.content),
        "totalTokenCount": reply.prompt_tokens + reply.completion_tokens,
    }
    if reply.reasoning_tokens:
        out["thoughtsTokenCount"] = reply.reasoning_tokens
    return out


def _response(parts: list[dict[str, Any]], model: str, finish: str | None, usage: dict[str, int] | None, ident: str) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    out: dict[str, Any] = {"candidates": [candidate], "modelVersion": model, "responseId": ident}
    if usage:
        out["usageMetadata"] = usage
    return out


def completion(parsed: Parsed, reply: Reply) -> dict[str, Any]:
    parts = ([{"text": reply.reasoning_text, "thought": True}] if reply.reasoning else []) + [{"text": reply.text}]
    return _response(parts, parsed.model, FINISH[reply.finish], _usage(reply), new_id(""))


def stream_plan(parsed: Parsed, reply: Reply, query: dict[str, list[str]]) -> StreamPlan:
    ident = new_id("")
    as_sse = (query.get("alt") or [""])[0] == "sse"

    def frame(data: dict[str, Any]) -> bytes:
        return sse(data) if as_sse else json.dumps(data, separators=(",", ":")).encode()

    plan = StreamPlan("text/event-stream" if as_sse else "application/json")
    if not as_sse:
        plan.prefix, plan.separator, plan.suffix = b"[", b",\r\n", b"]"
    plan.events += [("reasoning", frame(_response([{"text": p, "thought": True}], parsed.model, None, None, ident))) for p in reply.reasoning]
    plan.events += [("content", frame(_response([{"text": p}], parsed.model, None, None, ident))) for p in reply.content]
    plan.events.append(("end", frame(_response([{"text": ""}], parsed.model, FINISH[reply.finish], _usage(reply), ident))))
    return plan


def stream_error(message: str) -> bytes:
    return sse(fault_body(503, message))


def wrong_shape_stream() -> bytes:
    return sse({"unexpected": True})
