"""The HTTP clients of every path, built one way, and the ``httpx`` helpers of the Anthropic,
Gemini and model-listing paths.

Every client: follows no redirect (the key must never be carried to another host), ignores the
environment (``trust_env=False``: proxies come only from :func:`config.proxy_for`, so loopback
never goes through one), and runs the :class:`~.guard.Guard` limits on every response. One
function opens a request and turns every way it can fail into an :class:`HTTPFailure`, so the
retry policy sees the same thing it sees from the OpenAI SDK.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import httpx

from ..config import Settings
from ..debug import DebugLog
from ..errors import ConfigError, HTTPFailure, ServiceError, StreamBroken
from ..untrusted import one_line
from .failures import status_failure
from .guard import Guard, Limits

CONNECT_TIMEOUT = 10.0


def client_options(module: ModuleType, settings: Settings, guard: Guard, debug: DebugLog | None) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client`` or ``httpx2.Client`` (``module``)."""
    hooks: dict[str, list[Any]] = {"request": [], "response": [guard.hook]}
    if debug:
        hooks["request"].append(debug.on_request)
        hooks["response"].insert(0, debug.on_response)
    options: dict[str, Any] = {
        "timeout": module.Timeout(guard.limits.idle_timeout, connect=CONNECT_TIMEOUT),
        "follow_redirects": False,
        "trust_env": False,
        "event_hooks": hooks,
    }
    if settings.proxy:
        options["proxy"] = settings.proxy
    if settings.base_url.startswith("http://"):
        # Plain http is only allowed to loopback and redirects are not followed, so no TLS
        # handshake can happen: skip loading the CA bundle (about 16 ms).
        options["verify"] = False
    else:
        options["verify"] = _verify()
    return options


def _verify() -> Any:
    """The CA bundle: ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when set (corporate CAs), else the
    library's default; ``trust_env=False`` would otherwise drop them."""
    cafile, capath = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
    if not (cafile or capath):
        return True
    import ssl

    try:
        return ssl.create_default_context(cafile=cafile or None, capath=capath or None)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"SSL_CERT_FILE/SSL_CERT_DIR cannot be loaded ({one_line(str(exc), 120)})") from None


_THREAD = threading.local()


def keep_clients() -> None:
    """From now on this thread reuses its HTTP clients for calls that are not streamed (batch.py's
    workers): a client holds its connections, so a thousand calls open a handful of them, not a
    thousand. A streamed call's guard watches that one stream, so streams always get their own."""
    _THREAD.clients = {}


def reused(kind: str, settings: Settings, limits: Limits, streaming: bool, build: Callable[[], tuple[Any, Guard]]) -> tuple[Any, Guard]:
    clients = getattr(_THREAD, "clients", None)
    if clients is None or streaming:
        return build()
    key = (kind, settings.base_url, settings.key_source, limits)
    if key not in clients:
        clients[key] = build()
    return clients[key]


def scope(client: Any) -> Any:
    """``with scope(client):`` closes the client after the call, unless this thread keeps it."""
    import contextlib

    kept = getattr(_THREAD, "clients", None)
    if kept is not None and any(held is client for held, _ in kept.values()):
        return contextlib.nullcontext(client)
    return client


def make_client(settings: Settings, limits: Limits, streaming: bool, debug: DebugLog | None) -> tuple[Any, Guard]:
    return reused("httpx", settings, limits, streaming, lambda: _make_client(settings, limits, streaming, debug))


def _make_client(settings: Settings, limits: Limits, streaming: bool, debug: DebugLog | None) -> tuple[Any, Guard]:
    guard = Guard(limits, streaming)
    try:
        return httpx.Client(**client_options(httpx, settings, guard, debug)), guard
    except ImportError:
        raise ConfigError("a socks5:// proxy needs the socksio package: pip install 'httpx[socks]'") from None


def transport_detail(exc: Exception, host: str = "", timeout: float | None = None) -> str:
    """One line for a transport failure, naming the host tried and, for timeouts, the flag."""
    name = type(exc).__name__
    where = f" to {host}" if host else ""
    if name in ("ReadTimeout", "TimeoutException", "WriteTimeout"):
        return f"no answer from {host or 'the server'} within {timeout:g} s (--timeout)" if timeout else f"no answer from {host or 'the server'} (read timeout)"
    if name in ("ConnectTimeout", "PoolTimeout"):
        return f"connecting{where} timed out after {CONNECT_TIMEOUT:g} s"
    text = one_line(str(exc) or name, 160)
    return f"{text} ({host})" if host else text


def is_read_timeout(exc: Exception) -> bool:
    return type(exc).__name__ in ("ReadTimeout", "TimeoutException", "WriteTimeout")


def open_response(client: Any, method: str, url: str, headers: dict[str, str], body: Any, host: str) -> Any:
    """Send and read the status; on 2xx return the still-open (streamable) response."""
    request = client.build_request(method, url, headers=headers, json=body)
    try:
        response = client.send(request, stream=True)
    except httpx.TransportError as exc:
        raise HTTPFailure(status=None, detail=transport_detail(exc, host, client.timeout.read), retryable=not is_read_timeout(exc)) from None
    if response.status_code >= 300:
        try:
            content = response.read()
        except httpx.TransportError:
            content = b""
        finally:
            response.close()
        raise status_failure(response.status_code, response.headers, content)
    return response


def read_json(client: Any, method: str, url: str, headers: dict[str, str], body: Any, host: str) -> Any:
    """One non-streaming attempt: a body cut off in transit is a retryable failure."""
    response = open_response(client, method, url, headers, body, host)
    try:
        content = response.read()
    except httpx.TransportError as exc:
        raise HTTPFailure(status=None, detail=f"response cut off: {transport_detail(exc, host, client.timeout.read)}", retryable=not is_read_timeout(exc)) from None
    finally:
        response.close()
    return parse_json(content, response.status_code, response.headers.get("content-type", ""))


def parse_json(content: bytes, status: int, content_type: str) -> Any:
    try:
        return json.loads(content)
    except RecursionError:
        raise ServiceError(f"the API sent JSON nested too deeply to read (HTTP {status}); refused") from None
    except ValueError:
        kind = content_type.split(";")[0] or "unknown type"
        raise ServiceError(f"the API sent a non-JSON body (HTTP {status}, {kind}); check the base URL") from None


def iter_sse(response: Any, timeout: float) -> Iterator[Any]:
    """The stream's events via httpx-sse, with transport failures reported as a broken stream."""
    from httpx_sse import EventSource

    kind = response.headers.get("content-type", "").split(";")[0]
    if kind != "text/event-stream":
        raise ServiceError(
            f"the API answered a stream request with {kind or 'no content type'} "
            f"(HTTP {response.status_code}) instead of an event stream; check the base URL"
        )
    with mid_stream(timeout):
        yield from EventSource(response).iter_sse()


def iter_bytes(response: Any, timeout: float) -> Iterator[bytes]:
    with mid_stream(timeout):
        yield from response.iter_bytes()


@contextmanager
def mid_stream(timeout: float) -> Iterator[None]:
    """After the first byte nothing is retried: a transport failure is a broken stream."""
    try:
        yield
    except httpx.TimeoutException:
        raise StreamBroken(f"no data for {timeout:g} s (--timeout)") from None
    except httpx.TransportError as exc:
        raise StreamBroken(f"connection lost: {transport_detail(exc)}") from None


def event_json(data: str) -> Any:
    try:
        return json.loads(data)
    except RecursionError:
        raise StreamBroken("a stream event is JSON nested too deeply to read") from None
    except ValueError:
        raise StreamBroken("unreadable stream event (not JSON)") from None
