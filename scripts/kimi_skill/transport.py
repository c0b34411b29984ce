"""The ``httpx`` side of the network: the Anthropic and Gemini paths and model listing.

One function opens a request and turns every way it can fail into an :class:`HTTPFailure`,
so the retry policy sees the same thing it sees from the OpenAI SDK.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from httpx_sse import EventSource, ServerSentEvent

from .debug import DebugLog
from .errors import HTTPFailure, ServiceError, StreamBroken
from .failures import one_line, status_failure

CONNECT_TIMEOUT = 10.0


def make_client(timeout: float, debug: DebugLog | None) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT),
        follow_redirects=False,  # a redirect must never carry the key to another host
        event_hooks=debug.hooks() if debug else None,
        trust_env=False,
    )


def transport_detail(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    text = str(exc) or type(exc).__name__
    return one_line(text, 160)


def open_response(
    client: httpx.Client, method: str, url: str, headers: dict[str, str], body: Any = None
) -> httpx.Response:
    """Send and read the status; on 2xx return the still-open (streamable) response."""
    request = client.build_request(method, url, headers=headers, json=body)
    try:
        response = client.send(request, stream=True)
    except httpx.TransportError as exc:
        raise HTTPFailure(status=None, detail=transport_detail(exc)) from None
    if response.status_code >= 300:
        try:
            content = response.read()
        except httpx.TransportError:
            content = b""
        finally:
            response.close()
        raise status_failure(response.status_code, response.headers, content)
    return response


def post_json(client: httpx.Client, url: str, headers: dict[str, str], body: Any) -> Any:
    """One non-streaming attempt: a body cut off in transit is a retryable failure."""
    response = open_response(client, "POST", url, headers, body)
    try:
        content = response.read()
    except httpx.TransportError as exc:
        raise HTTPFailure(status=None, detail=f"response cut off: {transport_detail(exc)}") from None
    finally:
        response.close()
    try:
        return json.loads(content)
    except ValueError:
        kind = response.headers.get("content-type", "").split(";")[0] or "unknown type"
        raise ServiceError(
            f"the API sent a non-JSON body (HTTP {response.status_code}, {kind}); check OPENAI_BASE_URL"
        ) from None


def iter_sse(response: httpx.Response, timeout: float) -> Iterator[ServerSentEvent]:
    """The stream's events via httpx-sse, with transport failures reported as a broken stream."""
    kind = response.headers.get("content-type", "").split(";")[0]
    if kind != "text/event-stream":
        raise ServiceError(
            f"the API answered a stream request with {kind or 'no content type'} "
            f"(HTTP {response.status_code}) instead of an event stream; check OPENAI_BASE_URL"
        )
    with _mid_stream(timeout):
        yield from EventSource(response).iter_sse()


def iter_bytes(response: httpx.Response, timeout: float) -> Iterator[bytes]:
    with _mid_stream(timeout):
        yield from response.iter_bytes()


@contextmanager
def _mid_stream(timeout: float) -> Iterator[None]:
    """After the first byte nothing is retried: a transport failure is a broken stream."""
    try:
        yield
    except httpx.TimeoutException:
        raise StreamBroken(f"no data for {timeout:g} s (read timeout)") from None
    except httpx.TransportError as exc:
        raise StreamBroken(f"connection lost: {transport_detail(exc)}") from None


def event_json(data: str) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        raise StreamBroken("unreadable stream event (not JSON)") from None
