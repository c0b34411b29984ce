"""``POST /v1/responses`` as the OpenAI Responses API has it: the response object and its SSE
event sequence (``response.created`` ... ``response.completed``), each event named in ``event:``
and carrying ``type`` and ``sequence_number``. Errors use the Chat Completions error shape."""

from __future__ import annotations

from typing import Any

from .openai_surface import boundary_body, check_auth, error_body, fault_body
from .replies import Reply
from .wire import CREATED, Parsed, RequestProblem, StreamPlan, new_id, positive, sse, text_of

NAME = "responses"
__all__ = ["NAME", "boundary_body", "check_auth", "completion", "fault_body", "parse", "stream_error", "stream_plan", "wrong_shape_stream"]


def parse(body: Any, models: list[str], path: str, query: dict[str, list[str]]) -> Parsed:
    if not isinstance(body, dict):
        raise RequestProblem(400, error_body("The request body must be a JSON object."))
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise RequestProblem(400, error_body("Missing required parameter: 'model'.", param="model"))
    items = body.get("input")
    if isinstance(items, str):
        items = [{"role": "user", "content": items}]
    if not isinstance(items, list) or not items:
        raise RequestProblem(400, error_body("Missing required parameter: 'input'.", param="input"))
    if model not in models:
        raise RequestProblem(404, error_body(f"The model `{model}` does not exist or you do not have access to it.", code="model_not_found", param="model"))
    users = [text_of(item.get("content")) for item in items if isinstance(item, dict) and item.get("role", "user") == "user"]
    instructions = body.get("instructions")
    thinking = body.get("thinking")
    switch = {"enabled": True, "disabled": False}.get(str(thinking.get("type"))) if isinstance(thinking, dict) else None
    text = body.get("text")
    fmt = text.get("format") if isinstance(text, dict) else None
    return Parsed(
        model, users[-1] if users else "", instructions if isinstance(instructions, str) and instructions else None,
        bool(body.get("stream")), True, users, len(users), switch, positive(body.get("max_output_tokens")),
        isinstance(fmt, dict) and fmt.get("type") == "json_object",
    )


def _usage(reply: Reply) -> dict[str, Any]:
    return {
        "input_tokens": reply.prompt_tokens,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": reply.completion_tokens,
        "output_tokens_details": {"reasoning_tokens": reply.reasoning_tokens},
        "total_tokens": reply.prompt_tokens + reply.completion_tokens,
    }


def _text_part(text: str) -> dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}


def _reasoning_item(ident: str, text: str | None, status: str) -> dict[str, Any]:
    return {"id": ident, "type": "reasoning", "summary": [], "content": [] if text is None else [{"type": "reasoning_text", "text": text}], "status": status}


def _message_item(ident: str, text: str | None, status: str) -> dict[str, Any]:
    return {"id": ident, "type": "message", "status": status, "role": "assistant", "content": [] if text is None else [_text_part(text)]}


def _response(ident: str, parsed: Parsed, status: str, output: list[dict[str, Any]], reply: Reply | None) -> dict[str, Any]:
    incomplete = status == "incomplete"
    return {
        "id": ident, "object": "response", "created_at": CREATED, "status": status,
        "background": False, "error": None,
        "incomplete_details": {"reason": "max_output_tokens"} if incomplete else None,
        "instructions": parsed.system, "max_output_tokens": parsed.max_tokens, "max_tool_calls": None,
        "model": parsed.model, "output": output, "parallel_tool_calls": True, "previous_response_id": None,
        "reasoning": {"effort": None, "summary": None}, "service_tier": "default", "store": False,
        "temperature": 1.0, "text": {"format": {"type": "json_object" if parsed.json_mode else "text"}},
        "tool_choice": "auto", "tools": [], "top_p": 0.95, "truncation": "disabled",
        "usage": _usage(reply) if reply is not None else None, "user": None, "metadata": {},
    }


def _status(reply: Reply) -> str:
    return "incomplete" if reply.finish == "length" else "completed"


def _output(reply: Reply, reasoning_id: str, message_id: str) -> list[dict[str, Any]]:
    status = _status(reply)
    output = [_reasoning_item(reasoning_id, reply.reasoning_text, "completed")] if reply.reasoning else []
    return [*output, _message_item(message_id, reply.text, status)]


def completion(parsed: Parsed, reply: Reply) -> dict[str, Any]:
    return _response(new_id("resp_"), parsed, _status(reply), _output(reply, new_id("rs_"), new_id("msg_")), reply)


def stream_plan(parsed: Parsed, reply: Reply, query: dict[str, list[str]]) -> StreamPlan:
    ident, reasoning_id, message_id = new_id("resp_"), new_id("rs_"), new_id("msg_")
    plan = StreamPlan("text/event-stream")
    sequence = iter(range(1_000_000))

    def add(kind: Any, data: dict[str, Any]) -> None:
        data = {"type": data.pop("type"), "sequence_number": next(sequence), **data}
        plan.events.append((kind, sse(data, data["type"])))

    add("meta", {"type": "response.created", "response": _response(ident, parsed, "in_progress", [], None)})
    add("meta", {"type": "response.in_progress", "response": _response(ident, parsed, "in_progress", [], None)})
    index = 0
    if reply.reasoning:
        where = {"item_id": reasoning_id, "output_index": 0, "content_index": 0}
        add("meta", {"type": "response.output_item.added", "output_index": 0, "item": _reasoning_item(reasoning_id, None, "in_progress")})
        add("meta", {"type": "response.content_part.added", **where, "part": {"type": "reasoning_text", "text": ""}})
        for piece in reply.reasoning:
            add("reasoning", {"type": "response.reasoning_text.delta", **where, "delta": piece})
        add("meta", {"type": "response.reasoning_text.done", **where, "text": reply.reasoning_text})
        add("meta", {"type": "response.content_part.done", **where, "part": {"type": "reasoning_text", "text": reply.reasoning_text}})
        add("meta", {"type": "response.output_item.done", "output_index": 0, "item": _reasoning_item(reasoning_id, reply.reasoning_text, "completed")})
        index = 1
    where = {"item_id": message_id, "output_index": index, "content_index": 0}
    add("meta", {"type": "response.output_item.added", "output_index": index, "item": _message_item(message_id, None, "in_progress")})
    add("meta", {"type": "response.content_part.added", **where, "part": _text_part("")})
    for piece in reply.content:
        add("content", {"type": "response.output_text.delta", **where, "delta": piece, "logprobs": []})
    add("meta", {"type": "response.output_text.done", **where, "text": reply.text, "logprobs": []})
    add("meta", {"type": "response.content_part.done", **where, "part": _text_part(reply.text)})
    add("meta", {"type": "response.output_item.done", "output_index": index, "item": _message_item(message_id, reply.text, _status(reply))})
    final = "response.incomplete" if reply.finish == "length" else "response.completed"
    add("end", {"type": final, "response": _response(ident, parsed, _status(reply), _output(reply, reasoning_id, message_id), reply)})
    return plan


def stream_error(message: str) -> bytes:
    return sse({"type": "error", "sequence_number": 0, "code": "server_error", "message": message, "param": None}, "error")


def wrong_shape_stream() -> bytes:
    return sse({"unexpected": True})
