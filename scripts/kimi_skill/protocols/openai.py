"""The OpenAI-compatible path, through the official ``openai`` SDK (imported only here).

The SDK's own retries are switched off so that :mod:`.retry` applies one policy to every
protocol; its SSE parsing and response models are used as they are. Kimi's extras travel in
``extra_body``: ``thinking`` at the top level of the body, as Moonshot documents it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..boundary import check
from ..config import Settings
from ..debug import DebugLog
from ..errors import HTTPFailure, KimiError, ServiceError, StreamBroken
from ..events import Done, Event, StreamTail, Text, Usage
from ..request import ChatRequest
from ..untrusted import one_line
from .failures import status_failure
from .guard import Guard, Limits
from .retry import RetryPolicy, call
from .transport import client_options, is_read_timeout, reused, transport_detail


def sdk_client(settings: Settings, limits: Limits, streaming: bool, debug: DebugLog | None) -> tuple[Any, Guard]:
    return reused("openai", settings, limits, streaming, lambda: _sdk_client(settings, limits, streaming, debug))


def _sdk_client(settings: Settings, limits: Limits, streaming: bool, debug: DebugLog | None) -> tuple[Any, Guard]:
    import httpx2
    import openai

    guard = Guard(limits, streaming)
    try:
        http_client = openai.DefaultHttpxClient(**client_options(httpx2, settings, guard, debug))
    except ImportError:
        from ..errors import ConfigError

        raise ConfigError("a socks5:// proxy needs the socksio package: pip install 'httpx[socks]'") from None
    client = openai.OpenAI(
        api_key=settings.key.reveal(),
        base_url=settings.base_url,
        max_retries=0,
        timeout=http_client.timeout,
        http_client=http_client,
    )
    return client, guard


def body(request: ChatRequest) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    # Earlier reasoning is kept in the store but not resent: Moonshot needs reasoning_content
    # back only on assistant messages that made tool calls, which this skill never makes.
    messages += [{"role": m.role, "content": m.text} for m in request.messages]
    out: dict[str, Any] = {"model": request.model, "messages": messages}
    if request.max_tokens is not None:
        out["max_completion_tokens"] = request.max_tokens
    if request.temperature is not None:
        out["temperature"] = request.temperature
    if request.json_mode:
        out["response_format"] = {"type": "json_object"}
    if request.thinking is not None:
        out["extra_body"] = {"thinking": {"type": "enabled" if request.thinking else "disabled"}}
    return out


def sdk_failure(exc: Exception, host: str, timeout: float) -> Exception:
    """Map the SDK's exceptions onto our raw failure, which the retry policy understands."""
    import openai

    if isinstance(exc, openai.APIStatusError):
        response = exc.response
        return status_failure(response.status_code, response.headers, response.content)
    if isinstance(exc, openai.APITimeoutError):
        return HTTPFailure(status=None, detail=f"no answer from {host} within {timeout:g} s (--timeout)", retryable=False)
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__
        if isinstance(cause, KimiError):
            return cause
        return HTTPFailure(status=None, detail=transport_cause(exc, host), retryable=not (isinstance(cause, Exception) and is_read_timeout(cause)))
    if isinstance(exc, openai.APIResponseValidationError):
        return ServiceError(
            f"the API sent a response that is not a chat completion (HTTP {exc.status_code}: "
            f"{one_line(exc.message, 120)}); try again, or check the base URL"
        )
    return exc


def transport_cause(exc: Exception, host: str = "") -> str:
    """The transport error behind an SDK connection error, in one line."""
    cause = exc.__cause__
    return transport_detail(cause, host) if isinstance(cause, Exception) else f"connection closed ({host})"


def _usage(raw: Any) -> Usage | None:
    if raw is None:
        return None
    counts = [getattr(raw, name, None) for name in ("prompt_tokens", "completion_tokens", "total_tokens")]
    return Usage(*(count if isinstance(count, int) else None for count in counts))


def _malformed(what: str) -> ServiceError:
    return ServiceError(f"the API sent a malformed chat completion (HTTP 200: {what}); try again")


def sdk_create(create: Any, payload: dict[str, Any], host: str, timeout: float) -> Any:
    """One attempt through the SDK (``create`` is ``client.chat.completions.create`` or
    ``client.responses.create``), its failures mapped for the retry policy."""
    import openai

    try:
        return create(**payload)
    except openai.APIError as exc:
        raise sdk_failure(exc, host, timeout) from None
    except RecursionError:
        raise ServiceError("the API sent JSON nested too deeply to read (HTTP 200); refused") from None


def sdk_send(settings: Settings, create: Any, payload: dict[str, Any], policy: RetryPolicy, timeout: float, streaming: bool) -> Any:
    """Send with retries; for a stream, make sure an event stream came back."""
    result = call(lambda: sdk_create(create, payload, settings.host, timeout), policy, settings.key_source)
    if streaming:
        kind = result.response.headers.get("content-type", "").split(";")[0]
        if kind != "text/event-stream":
            result.close()
            raise ServiceError(
                f"the API answered a stream request with {one_line(kind, 60) or 'no content type'} "
                f"(HTTP {result.response.status_code}) instead of an event stream; check the base URL"
            )
    return result


def complete(settings: Settings, request: ChatRequest, policy: RetryPolicy, limits: Limits, debug: DebugLog | None) -> Iterator[Event]:
    payload = body(request)
    check("openai", request.model, payload)
    client, _ = sdk_client(settings, limits, False, debug)
    yield from events_from_completion(sdk_send(settings, client.chat.completions.create, payload, policy, client.timeout.read, False))


def events_from_completion(response: Any) -> Iterator[Event]:
    """Read what the SDK parsed, trusting no field: a gateway may send any shape."""
    if isinstance(response, (str, bytes)):
        raise ServiceError("the API sent a non-JSON body (HTTP 200); check the base URL")
    choices = getattr(response, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise _malformed("no choices")
    message = getattr(choices[0], "message", None)
    content = getattr(message, "content", None)
    if message is None or not isinstance(content, (str, type(None))):
        raise _malformed("no message")
    reasoning = getattr(message, "reasoning_content", None)
    if isinstance(reasoning, str):
        yield Text("reasoning", reasoning)
    yield Text("content", content or "")
    usage = _usage(getattr(response, "usage", None))
    if usage:
        yield usage
    finish, model, ident = getattr(choices[0], "finish_reason", None), getattr(response, "model", None), getattr(response, "id", None)
    yield Done(*(value if isinstance(value, str) else None for value in (finish, model, ident)))


def stream(settings: Settings, request: ChatRequest, policy: RetryPolicy, limits: Limits, debug: DebugLog | None) -> Iterator[Event]:
    payload = body(request) | {"stream": True, "stream_options": {"include_usage": True}}
    check("openai", request.model, payload)
    client, guard = sdk_client(settings, limits, True, debug)
    chunks = sdk_send(settings, client.chat.completions.create, payload, policy, client.timeout.read, True)
    reader = ChunkReader()
    with mid_stream(limits):
        for chunk in chunks:
            yield from reader.read(chunk)
    yield from reader.end(guard.saw_done)


@contextmanager
def mid_stream(limits: Limits) -> Iterator[None]:
    """The SDK's failures after the first byte, as a broken stream (nothing is retried then)."""
    import openai

    try:
        yield
    except openai.APITimeoutError:
        raise StreamBroken(f"no data for {limits.idle_timeout:g} s (--timeout)") from None
    except openai.APIConnectionError as exc:
        raise StreamBroken(f"connection lost: {transport_cause(exc)}") from None
    except openai.APIError as exc:
        raise StreamBroken(f"the server reported an error mid-stream: {one_line(exc.message)}") from None
    except RecursionError:
        raise StreamBroken("a stream chunk is JSON nested too deeply to read") from None
    except ValueError as exc:
        raise StreamBroken(f"unreadable stream chunk ({type(exc).__name__})") from None


class ChunkReader(StreamTail):
    """Turns the SDK's parsed chunks into events; remembers what only the last chunks carry."""

    def read(self, chunk: Any) -> Iterator[Event]:
        try:
            choices = chunk.choices
            if choices:
                choice = choices[0]
                delta = choice.delta
                if delta is not None:
                    # Moonshot's extra field; model_extra avoids pydantic's slow missing-attribute path
                    extra = delta.model_extra
                    reasoning = extra.get("reasoning_content") if extra else None
                    if reasoning and isinstance(reasoning, str):
                        yield Text("reasoning", reasoning)
                    if delta.content and isinstance(delta.content, str):
                        yield Text("content", delta.content)
                if choice.finish_reason and isinstance(choice.finish_reason, str):
                    self.finish = choice.finish_reason
            if chunk.usage is not None:
                self.usage = _usage(chunk.usage)
            self.model = chunk.model if isinstance(chunk.model, str) else self.model
            self.id = chunk.id if isinstance(chunk.id, str) else self.id
        except (AttributeError, TypeError, IndexError, KeyError) as exc:
            raise StreamBroken(f"unreadable stream chunk ({type(exc).__name__})") from None

    def end(self, saw_done: bool) -> Iterator[Event]:
        self.require_finish("finish_reason")
        if not saw_done:
            raise StreamBroken("the stream ended without data: [DONE]; the usage report may be missing")
        yield from self.closing()
