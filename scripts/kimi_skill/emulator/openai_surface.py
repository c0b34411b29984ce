"""``/v1/models`` and ``/v1/chat/completions`` exactly as the OpenAI wire format has them."""

from __future__ import annotations

from typing import Any

from .replies import Reply
from .wire import CREATED, Parsed, RequestProblem, StreamPlan, new_id, positive, sse, text_of

NAME = "openai"


def error_body(message: str, kind: str = "invalid_request_error", code: str | None = None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


# (type, code) as OpenAI's API sets them for each status
STATUS_ERRORS = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    402: ("insufficient_quota", "insufficient_quota"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "model_not_found"),
    429: ("requests", "rate_limit_exceeded"),
}


def fault_body(status: int, message: str) -> dict[str, Any]:
    kind, code = STATUS_ERRORS.get(status, ("server_error", None))
    return error_body(message, kind, code)


def boundary_body(message: str, param: str) -> dict[str, Any]:
    return error_body(message, "invalid_request_error", "unsupported_parameter", param)


def check_auth(headers: Any, key: str, query: dict[str, list[str]]) -> None:
    auth = headers.get("authorization", "")
    if not auth:
        raise RequestProblem(401, error_body("You didn't provide an API key.", "invalid_request_error", "missing_api_key"))
    scheme, _, given = auth.partition(" ")
    if scheme.lower() != "bearer" or given.strip() != key:
        raise RequestProblem(401, error_body("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"))


def models_body(models: list[str]) -> dict[str, Any]:
    owner = {"kimi": "moonshotai"}
    return {
        "object": "list",
        "data": [
            {"id": m, "object": "model", "created": CREATED, "owned_by": owner.get(m.split("-")[0], "runapi")}
            for m in models
        ],
    }


def parse(body: Any, models: list[str], path: str, query: dict[str, list[str]]) -> Parsed:
    if not isinstance(body, dict):
        raise RequestProblem(400, error_body("The request body must be a JSON object."))
    model = body.get("model")
    messages = body.get("messages")
    if not isinstance(model, str) or not model:
        raise RequestProblem(400, error_body("you must provide a model parameter", param="model"))
    if not isinstance(messages, list) or not messages:
        raise RequestProblem(400, error_body("'messages' must be a non-empty array", param="messages"))
    if model not in models:
        raise RequestProblem(404, error_body(f"The model `{model}` does not exist or you do not have access to it.", code="model_not_found", param="model"))
    system = "\n".join(text_of(m.get("content")) for m in messages if isinstance(m, dict) and m.get("role") == "system") or None
    users = [text_of(m.get("content")) for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    options = body.get("stream_options") or {}
    thinking = body.get("thinking")
    switch = {"enabled": True, "disabled": False}.get(str(thinking.get("type"))) if isinstance(thinking, dict) else None
    response_format = body.get("response_format")
    return Parsed(
        model, users[-1] if users else "", system, bool(body.get("stream")), bool(options.get("include_usage")),
        users, len(users), switch, positive(body.get("max_completion_tokens")) or positive(body.get("max_tokens")),
        isinstance(response_format, dict) and response_format.get("type") == "json_object",
    )


def _usage(reply: Reply) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "total_tokens": reply.prompt_tokens + reply.completion_tokens,
    }
    if reply.reasoning_tokens:
        usage["completion_tokens_details"] = {"reasoning_tokens": reply.reasoning_tokens}
    return usage


def completion(parsed: Parsed, reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    if reply.reasoning:
        message["reasoning_content"] = reply.reasoning_text
    return {
        "id": new_id("chatcmpl-"),
        "object": "chat.completion",
        "created": CREATED,
        "model": parsed.model,
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish, "logprobs": None}],
        "usage": _usage(reply),
    }


def stream_plan(parsed: Parsed, reply: Reply, query: dict[str, list[str]]) -> StreamPlan:
    ident = new_id("chatcmpl-")

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        return sse({
            "id": ident, "object": "chat.completion.chunk", "created": CREATED, "model": parsed.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        })

    plan = StreamPlan("text/event-stream")
    plan.events.append(("meta", chunk({"role": "assistant", "content": ""})))
    plan.events += [("reasoning", chunk({"reasoning_content": piece})) for piece in reply.reasoning]
    plan.events += [("content", chunk({"content": piece})) for piece in reply.content]
    plan.events.append(("meta", chunk({}, reply.finish)))
    if parsed.include_usage:
        plan.events.append(("meta", sse({
            "id": ident, "object": "chat.completion.chunk", "created": CREATED, "model": parsed.model,
            "choices": [], "usage": _usage(reply),
        })))
    plan.events.append(("end", sse("[DONE]")))
    return plan


def stream_error(message: str) -> bytes:
    return sse(error_body(message, "server_error"))


def wrong_shape_stream() -> bytes:
    return sse({"unexpected": True}) + sse("[DONE]")
