"""``--debug``: one stderr line per request and response, credentials masked.

The hooks take the request/response objects of ``httpx`` and of ``httpx2`` (the OpenAI SDK's
transport) alike, since both expose the same attributes.
"""

from __future__ import annotations

import time
from typing import Any, TextIO

from .redact import mask_header, scrub
from .untrusted import for_terminal


class DebugLog:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._started: dict[int, float] = {}

    def _headers(self, headers: Any) -> str:
        return ", ".join(f"{for_terminal(name)}: {for_terminal(mask_header(name, value))}" for name, value in headers.items())

    def on_request(self, request: Any) -> None:
        self._started[id(request)] = time.perf_counter()
        self.write(f"debug: > {request.method} {request.url} [{self._headers(request.headers)}]")

    def on_response(self, response: Any) -> None:
        started = self._started.pop(id(response.request), None)
        took = f" in {(time.perf_counter() - started) * 1000:.0f} ms" if started else ""
        self.write(f"debug: < HTTP {response.status_code}{took} [{self._headers(response.headers)}]")

    def hooks(self) -> dict[str, list[Any]]:
        return {"request": [self.on_request], "response": [self.on_response]}

    def write(self, line: str) -> None:
        self.stream.write(for_terminal(scrub(line)) + "\n")
        self.stream.flush()
