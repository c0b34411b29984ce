"""Limits on what a server can make us read, applied to every response of every path.

A hook on each HTTP client (``httpx`` for the Anthropic, Gemini and listing paths, ``httpx2``
inside the OpenAI SDK) wraps the response's decoded byte iterator, which is what ``read()``, the
SDK's SSE decoder and ``httpx-sse`` all consume. It enforces:

- a maximum body size for non-streamed responses and error bodies (a 300 MB body is refused
  before it is held in memory);
- a maximum line length inside an event stream (one SSE event cannot grow without bound);
- progress: a stream that sends only keep-alives (SSE comments, Anthropic ``ping`` events) for
  longer than the read timeout is ended, as a silent one already is by the socket timeout;
- and it notes whether the stream ended with ``data: [DONE]``, which the SDK does not tell.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import ServiceError, StreamBroken

MiB = 1024 * 1024
MAX_BODY = 32 * MiB
MAX_LINE = 4 * MiB
_PINGS = (b'data: {"type": "ping"}', b'data: {"type":"ping"}', b"event: ping", b"event:ping")


@dataclass(frozen=True)
class Limits:
    idle_timeout: float = 120.0
    max_body: int = MAX_BODY
    max_line: int = MAX_LINE


def _keepalive_only(chunk: bytes) -> bool:
    for line in chunk.splitlines():
        line = line.strip()
        if not line or line.startswith(b":") or line in _PINGS:
            continue
        return False
    return True


class Guard:
    """One per HTTP client; :meth:`hook` is its response event hook."""

    def __init__(self, limits: Limits, streaming: bool, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.streaming = streaming
        self.clock = clock
        self.saw_done = False

    def hook(self, response: Any) -> None:
        original = response.iter_bytes
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if self.streaming and response.status_code < 300:
            if kind == "text/event-stream":
                response.iter_bytes = lambda *a, **k: self._events(original(*a, **k))
            # a Gemini stream sent as one JSON array is bounded element by element by its reader
            return
        response.iter_bytes = lambda *a, **k: self._body(original(*a, **k))

    def _body(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        total = 0
        for chunk in chunks:
            total += len(chunk)
            if total > self.limits.max_body:
                raise ServiceError(f"the API sent a response body over {self.limits.max_body // MiB} MiB; refused (check the base URL)")
            yield chunk

    def _events(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        limit, idle = self.limits.max_line, self.limits.idle_timeout
        pending = 0
        tail = b""
        last_progress = self.clock()
        try:
            for chunk in chunks:
                newline = chunk.rfind(b"\n")
                pending = pending + len(chunk) if newline < 0 else len(chunk) - newline - 1
                if pending > limit:
                    raise StreamBroken(f"one stream event is over {limit // MiB} MiB; refused")
                # a data line that is not a ping is progress; the substring tests settle the
                # common chunk without splitting it into lines
                if (b"data:" in chunk and b"ping" not in chunk) or not _keepalive_only(chunk):
                    last_progress = self.clock()
                elif self.clock() - last_progress > idle:
                    raise StreamBroken(f"the server sent only keep-alives for {idle:g} s (--timeout)")
                tail = chunk if len(chunk) >= 16 else (tail + chunk)[-16:]
                yield chunk
        finally:
            self.saw_done = b"[DONE]" in tail[-16:]
