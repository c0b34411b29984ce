"""The OpenAI-compatible path, through the official ``openai`` SDK (imported only here).

The SDK's own retries are switched off so that :mod:`kimi_skill.retry` applies one policy to
every protocol; its SSE parsing and response models are used as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .config import Settings
from .debug import DebugLog
from .errors import HTTPFailure, ServiceError, StreamBroken
from .events import ChatRequest, Done, Event, StreamTail, Text, Usage
from .failures import one_line, status_failure
from .retry import RetryPolicy, call

CONNECT_TIMEOUT = 10.0


def _client(settings: Settings, timeout: float, debug: DebugLog | None) -> Any:
    import openai

    # The SDK's default client follows redirects; ours never does, so the key cannot be
    # carried to a host the user did not configure.
    options: dict[str, Any] = {"follow_redirects": False}
    if debug:
        options["event_hooks"] = debug.hooks()
    if settings.base_url.startswith("http://"):
        # Plain http is only allowed to loopback (config.check_base_url) and redirects are not
        # followed, so no TLS handshake can happen: skip loading the CA bundle (about 16 ms).
        options["verify"] = False
    http_client = openai.DefaultHttpxClient(**options)
    return openai.OpenAI(
        api_key=settings.key.reveal(),
        base_url=settings.base_url,
        max_retries=0,
        timeout=openai.Timeout(timeout, connect=CONNECT_TIMEOUT),
        http_client=http_client,
    )


def _body(request: ChatRequest) -> dict[str, Any]:
    messages = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    messages.append({"role": "user", "content": request.prompt})
    body: dict[str, Any] = {"model": request.model, "messages": messages}
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    return body


def _failure(exc: Exception) -> Exception:
    """Map the SDK's exceptions onto our raw failure, which the retry policy understands."""
    import openai

    if isinstance(exc, openai.APIStatusError):
        response = exc.response
        return status_failure(response.status_code, response.headers, response.content)
    if isinstance(exc, openai.APITimeoutError):
        return HTTPFailure(status=None, detail="timed out")
    if isinstance(exc, openai.APIConnectionError):
        return HTTPFailure(status=None, detail=_cause(exc))
    if isinstance(exc, openai.APIResponseValidationError):
        return ServiceError(
            f"the API sent a response that is not a chat completion (HTTP {exc.status_code}: "
            f"{one_line(exc.message, 120)}); try again, or check OPENAI_BASE_URL"
        )
    return exc


class _DoneWatch:
    """Watches the decoded bytes the SDK reads, only to learn whether ``data: [DONE]`` arrived.

    The SDK ends its iteration the same way at ``[DONE]`` and at a clean end of body, so
    without this a stream cut after its last chunk would pass as complete.
    """

    MARK = b"[DONE]"

    def __init__(self, response: Any) -> None:
        self.seen = False
        original = response.iter_bytes

        def iter_bytes(*args: Any, **kwargs: Any) -> Any:
            # [DONE] ends the body, so only the last two reads are looked at, once, at the end
            # (also when the SDK stops reading at [DONE] and closes this generator).
            previous = last = b""
            try:
                for data in original(*args, **kwargs):
                    previous, last = last, data
                    yield data
            finally:
                self.seen = self.MARK in previous[-8:] + last

        response.iter_bytes = iter_bytes


def _cause(exc: Exception) -> str:
    """The transport error behind an SDK connection error, in one line."""
    cause = exc.__cause__
    return one_line(str(cause) or type(cause).__name__, 160) if cause else "connection closed"


def _usage(raw: Any) -> Usage | None:
    if raw is None:
        return None
    counts = [getattr(raw, name, None) for name in ("prompt_tokens", "completion_tokens", "total_tokens")]
    return Usage(*(count if isinstance(count, int) else None for count in counts))


def _malformed(what: str) -> ServiceError:
    return ServiceError(f"the API sent a malformed chat completion (HTTP 200: {what}); try again")


def complete(
    settings: Settings, request: ChatRequest, policy: RetryPolicy, timeout: float, debug: DebugLog | None
) -> Iterator[Event]:
    import openai

    client = _client(settings, timeout, debug)

    def attempt() -> Any:
        try:
            return client.chat.completions.create(**_body(request))
        except openai.APIError as exc:
            raise _failure(exc) from None

    yield from events_from_completion(call(attempt, policy, settings.key_source))


def events_from_completion(response: Any) -> Iterator[Event]:
    """Read what the SDK parsed, trusting no field: a gateway may send any shape."""
    if isinstance(response, (str, bytes)):
        raise ServiceError("the API sent a non-JSON body (HTTP 200); check OPENAI_BASE_URL")
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


def stream(
    settings: Settings, request: ChatRequest, policy: RetryPolicy, timeout: float, debug: DebugLog | None
) -> Iterator[Event]:
    import openai

    client = _client(settings, timeout, debug)
    body = _body(request) | {"stream": True, "stream_options": {"include_usage": True}}

    def attempt() -> Any:
        try:
            return client.chat.completions.create(**body)
        except openai.APIError as exc:
            raise _failure(exc) from None

    chunks = call(attempt, policy, settings.key_source)
    kind = chunks.response.headers.get("content-type", "").split(";")[0]
    if kind != "text/event-stream":
        chunks.close()
        raise ServiceError(
            f"the API answered a stream request with {kind or 'no content type'} "
            f"(HTTP {chunks.response.status_code}) instead of an event stream; check OPENAI_BASE_URL"
        )
    done = _DoneWatch(chunks.response)
    reader = ChunkReader()
    try:
        for chunk in chunks:
            yield from reader.read(chunk)
    except openai.APITimeoutError:
        raise StreamBroken(f"no data for {timeout:g} s (read timeout)") from None
    except openai.APIConnectionError as exc:
        raise StreamBroken(f"connection lost: {_cause(exc)}") from None
    except openai.APIError as exc:
        raise StreamBroken(f"the server reported an error mid-stream: {one_line(exc.message)}") from None
    except ValueError as exc:
        raise StreamBroken(f"unreadable stream chunk ({type(exc).__name__})") from None
    yield from reader.end(done.seen)


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
