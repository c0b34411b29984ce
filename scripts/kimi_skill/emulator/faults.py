"""Faults a test can ask the emulator for, by spec string, per server or per request.

Spec grammar: ``NAME[:ARG]``. ``NNN`` (a status such as ``429``, ``503``) takes ``retry-after=S`` or
``retry-after-ms=MS``; ``drop:N``, ``stall:N``, ``malformed:N`` and ``error:N`` act after N chunks
of answer text; ``delay:S`` waits before the first byte; ``redirect:URL`` answers 307 to URL;
``html502``, ``reset`` (before headers), ``nonjson``, ``wrongshape``, ``nodone`` (no end-of-stream
marker) and ``jsonarray`` (a Gemini stream sent as one JSON array even when ``alt=sse`` was asked)
take no argument.

Answer faults: ``badjson`` (the answer is broken JSON) and ``wrongjson`` (valid JSON that does not
match the schema) exercise ``--schema``; with ``times=1`` only the first attempt is bad.

Hostile faults: ``echokey[:FORM]`` echoes the key in a 401 body (FORM: ``whole`` (default),
``prefix``, ``suffix``, ``upper``, ``base64`` (an echoed ``Authorization: Basic`` header),
``url``); ``slow:S`` spreads a stream's events evenly over S seconds (a long generation);
``keepalive`` streams only keep-alives (SSE comments, Anthropic pings); ``trickle:MS``
sends the stream one byte at a time, MS milliseconds apart; ``bigline:MB`` sends one stream
line of MB mebibytes; ``bigbody:MB`` a non-streamed body of MB mebibytes; ``deepjson`` an answer (or stream event)
nested 100,000 deep, ``deeperror`` a 400 whose body is; ``cutbody`` a non-streamed body cut off
half way; ``escapes`` puts terminal escapes, bidi overrides and a
forged newline in model ids, a header value and the error message.

``keyinanswer`` answers with the caller's key, cut across three stream chunks (and in the
reasoning too).

Gateway faults: ``boundary:FIELD[,FIELD]`` refuses, as RunAPI's capability boundary does (400),
any request carrying one of those fields, as if the gateway's boundary had moved.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

NAMES = {
    "redirect", "drop", "stall", "malformed", "error", "delay", "html502", "reset", "nonjson", "wrongshape", "echokey", "nodone",
    "jsonarray", "badjson", "wrongjson", "keepalive", "trickle", "bigline", "bigbody", "deepjson", "deeperror", "escapes", "slow", "cutbody",
    "boundary", "keyinanswer",
}
ECHO_FORMS = {"whole", "prefix", "suffix", "upper", "base64", "url"}


@dataclass(frozen=True)
class Fault:
    name: str
    status: int | None = None
    after: int = 0
    seconds: float = 0.0
    retry_after: str | None = None
    retry_after_ms: str | None = None
    location: str | None = None
    form: str = ""
    size: float = 0.0

    @classmethod
    def parse(cls, spec: str) -> Fault:
        name, _, arg = spec.strip().partition(":")
        if name.isdigit():
            status = int(name)
            if arg.startswith("retry-after-ms="):
                return cls("status", status=status, retry_after_ms=arg.split("=", 1)[1])
            if arg.startswith("retry-after="):
                return cls("status", status=status, retry_after=arg.split("=", 1)[1])
            if arg:
                raise ValueError(f"unknown status fault option {arg!r}")
            return cls("status", status=status)
        if name not in NAMES:
            raise ValueError(f"unknown fault {name!r}")
        if name in {"drop", "stall", "malformed", "error"}:
            return cls(name, after=int(arg or 0))
        if name == "redirect":
            if not arg.startswith(("http://", "https://")):
                raise ValueError("redirect takes a URL: redirect:http://host/path")
            return cls(name, status=307, location=arg)
        if name == "delay":
            return cls(name, seconds=float(arg or 1))
        if name == "echokey":
            if arg and arg not in ECHO_FORMS:
                raise ValueError(f"echokey takes one of {', '.join(sorted(ECHO_FORMS))}")
            return cls(name, status=401, form=arg or "whole")
        if name == "boundary":
            if not arg:
                raise ValueError("boundary takes the field(s) to refuse: boundary:max_completion_tokens")
            return cls(name, form=arg)
        if name == "slow":
            return cls(name, seconds=float(arg or 20))
        if name == "trickle":
            return cls(name, seconds=float(arg or 5) / 1000)
        if name in ("bigline", "bigbody"):
            return cls(name, size=float(arg or 300))
        if arg:
            raise ValueError(f"fault {name!r} takes no argument")
        return cls(name, status=502 if name == "html502" else None)


class FaultQueue:
    """Faults served in order; each applies to ``times`` requests (``None``: every request)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[list[object]] = []

    def add(self, spec: str, times: int | None = 1) -> None:
        fault = Fault.parse(spec)
        with self._lock:
            self._items.append([fault, times])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def take(self) -> Fault | None:
        with self._lock:
            if not self._items:
                return None
            item = self._items[0]
            fault, times = item
            if times is not None:
                item[1] = times - 1  # type: ignore[operator]
                if item[1] == 0:
                    self._items.pop(0)
            return fault  # type: ignore[return-value]
