"""A real HTTP server on loopback that answers like RunAPI, with faults on request.

Connections are kept alive (HTTP/1.1) as a real gateway's are, so clients' connection reuse
is exercised; a fault that breaks a connection closes it. Streams use chunked transfer
encoding, so a dropped connection is distinguishable from a finished body. Every response
carries an ``x-request-id`` (and the Anthropic surface its ``request-id``).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import socket
import struct
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from . import anthropic_surface, boundary, gemini_surface, openai_surface, responses_surface
from .faults import Fault, FaultQueue
from .replies import make_reply
from .wire import RequestProblem, StreamPlan

EMULATOR_KEY = "emulator-local-key"
DEFAULT_MODELS = ["kimi-k3", "kimi-k2.7-code", "kimi-k2.6", "kimi-k2.5", "deepseek-v3.2", "glm-4.6"]
HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"
DEEP = b"[" * 100_000 + b"]" * 100_000
HOSTILE_TEXT = "kimi-\x1b]0;owned\x07k2\u202eevil\nforged: line"
MiB = 1024 * 1024


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class EmulatorState:
    key: str = EMULATOR_KEY
    models: list[str] = field(default_factory=lambda: list(DEFAULT_MODELS))
    chunks: int | None = None
    stall_seconds: float = 60.0
    faults: FaultQueue = field(default_factory=FaultQueue)
    requests: list[Recorded] = field(default_factory=list)
    record: bool = True  # keep every request (tests read them); off for long benchmarks
    limit: Any = None  # ratelimit.Bucket, when the emulator runs with a requests-per-minute limit
    posts: int = 0
    connections: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)


def echoed(key: str, form: str) -> str:
    """The key as a careless server might echo it back."""
    if form == "prefix":
        return key[: max(12, len(key) * 2 // 3)] + "..."
    if form == "suffix":
        return "..." + key[-max(12, len(key) * 2 // 3) :]
    if form == "upper":
        return key.upper()
    if form == "base64":
        return "Basic " + base64.b64encode(f"user:{key}".encode()).decode()
    if form == "url":
        return quote(key + "/?&=", safe="")
    return key


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: EmulatorHTTPServer
    server_version = "runapi-emulator"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.server.state.connections += 1

    # -- plumbing -------------------------------------------------------------------------

    @property
    def state(self) -> EmulatorState:
        return self.server.state

    def _head(self, status: int, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        ident = f"req_{uuid.uuid4().hex[:20]}"
        self.send_header("x-request-id", ident)
        if self.path.split("?", 1)[0] == "/v1/messages":
            self.send_header("request-id", ident)  # the Anthropic API's own header name
        for name, value in (extra or {}).items():
            self.send_header(name, value)

    def _send_json(self, status: int, body: Any, extra: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(body).encode(), "application/json", extra)

    def _send(self, status: int, data: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self._head(status, content_type, extra)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _reset(self) -> None:
        """Close with RST, before any byte of a response."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _drop(self) -> None:
        self.wfile.flush()
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True

    # -- routing --------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _surface(self, method: str, path: str) -> ModuleType | None:
        if method == "POST" and path == "/v1/chat/completions":
            return openai_surface
        if method == "POST" and path == "/v1/responses":
            return responses_surface
        if method == "POST" and path == "/v1/messages":
            return anthropic_surface
        if method == "POST" and path.startswith(("/v1beta/models/", "/v1/models/")) and ":" in path.rsplit("/", 1)[-1]:
            return gemini_surface  # google-genai uses /v1beta by default, /v1 when asked for api_version v1
        if method == "GET" and path == "/v1/models":
            return openai_surface
        return None

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        if method == "GET" and url.path == "/_emulator/stats":  # for benchmarks: what the limit let through
            limit = self.state.limit
            self._send_json(200, {"posts": self.state.posts, "refused": limit.refused if limit else 0})
            return
        if method == "POST":
            self.state.posts += 1
        query = parse_qs(url.query)
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = ValueError
        headers = {k.lower(): v for k, v in self.headers.items()}
        if self.state.record:
            self.state.requests.append(Recorded(method, url.path, headers, body))

        surface = self._surface(method, url.path)
        if surface is None:
            unknown = f"Unknown request URL: {method} {url.path}."
            shaped = gemini_surface.fault_body(404, unknown) if url.path.startswith("/v1beta/") else openai_surface.error_body(unknown)
            self._send_json(404, shaped)
            return
        if self.state.limit is not None and method == "POST":
            wait = self.state.limit.take()
            if wait is not None:
                from .ratelimit import headers as limit_headers

                self._send_json(429, surface.fault_body(429, "Rate limit reached for requests per minute."), limit_headers(wait))
                return
        header_fault = headers.get("x-emulator-fault")
        fault = Fault.parse(header_fault) if header_fault else self.state.faults.take()
        try:
            surface.check_auth(headers, self.state.key, query)
            if fault and self._early_fault(fault, surface, headers):
                return
            if method == "GET":
                models = [*self.state.models, HOSTILE_TEXT] if fault and fault.name == "escapes" else self.state.models
                self._send_json(200, openai_surface.models_body(models))
                return
            if body is ValueError:
                raise RequestProblem(400, surface.fault_body(400, "The request body is not valid JSON."))
            parsed = surface.parse(body, self.state.models, url.path, query)
            self._enforce(surface, parsed.model, body, fault)
        except RequestProblem as problem:
            self._send_json(problem.status, problem.body)
            return
        name = fault.name if fault else ""
        reply = make_reply(parsed, self.state.chunks, name if name in ("badjson", "wrongjson") else None)
        if name == "keyinanswer":  # a careless gateway that quotes the caller's key, split across chunks
            given = headers.get("authorization", "").partition(" ")[2] or headers.get("x-api-key") or headers.get("x-goog-api-key", "")
            third = max(1, len(given) // 3)
            pieces = ["Your key is ", given[:third], given[third : 2 * third], given[2 * third :], " so keep it safe."]
            reply = dataclasses.replace(reply, content=pieces, reasoning=[f"The key {given} was sent."] if reply.reasoning else [])
        if not parsed.stream:
            if name == "wrongshape":
                self._send_json(200, {"unexpected": True})
            elif name in ("drop", "stall"):
                self._reset()
            elif name == "deepjson":
                self._send(200, DEEP, "application/json")
            elif name == "bigbody":
                self._send(200, b'{"pad": "' + b"x" * int(fault.size * MiB) + b'"}', "application/json")  # type: ignore[union-attr]
            else:
                self._send_json(200, surface.completion(parsed, reply))
            return
        if name == "jsonarray":
            query.pop("alt", None)  # answer as a server that ignores alt=sse would
        self._stream(surface, surface.stream_plan(parsed, reply, query), fault)

    def _enforce(self, surface: ModuleType, model: str, body: Any, fault: Fault | None) -> None:
        """RunAPI's capability boundary, with a 400 in the surface's own error shape."""
        strict = tuple(fault.form.split(",")) if fault and fault.name == "boundary" else ()
        try:
            boundary.enforce(surface.NAME, model, body, strict)
        except boundary.Refusal as refusal:
            text = boundary.message(model, refusal)
            shaped = getattr(surface, "boundary_body", None)
            raise RequestProblem(400, shaped(text, refusal.param) if shaped else surface.fault_body(400, text)) from None

    def _early_fault(self, fault: Fault, surface: ModuleType, headers: dict[str, str]) -> bool:
        """Faults that replace the whole response; True when the response is done."""
        if fault.name == "delay":
            self.state.stopping.wait(fault.seconds)
            return False
        if fault.name == "status":
            assert fault.status is not None
            extra = {}
            if fault.retry_after is not None:
                extra["Retry-After"] = fault.retry_after
            if fault.retry_after_ms is not None:
                extra["retry-after-ms"] = fault.retry_after_ms
            self._send_json(fault.status, surface.fault_body(fault.status, f"emulated failure {fault.status}"), extra)
            return True
        if fault.name == "redirect":
            assert fault.location is not None
            self._send(307, b"", "text/plain", {"Location": fault.location})
            return True
        if fault.name == "html502":
            self._send(502, HTML_502, "text/html")
            return True
        if fault.name == "reset":
            self._reset()
            return True
        if fault.name == "nonjson":
            self._send(200, b"upstream answered: OK\n", "text/plain")
            return True
        if fault.name == "echokey":
            given = headers.get("authorization", "").partition(" ")[2] or headers.get("x-api-key") or headers.get("x-goog-api-key", "")
            shown = echoed(given, fault.form)
            self._send_json(401, surface.fault_body(401, f"Incorrect API key provided: {shown}. Check your key."), {"x-echo": shown})
            return True
        if fault.name == "deeperror":
            self._send(400, DEEP, "application/json")
            return True
        if fault.name == "cutbody":
            self._head(200, "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"object": "list", "data": [')
            self._drop()
            return True
        if fault.name == "escapes" and self.command == "POST":
            self._send_json(400, surface.fault_body(400, f"bad request {HOSTILE_TEXT}"), {"x-hostile": "a\x1b[2Jb"})
            return True
        if fault.name == "bigbody" and self.command == "GET":
            self._send(200, b'{"pad": "' + b"x" * int(fault.size * MiB) + b'"}', "application/json")
            return True
        if fault.name == "wrongshape" and self.command == "GET":
            self._send_json(200, {"models": "none"})
            return True
        return False

    def _stream(self, surface: ModuleType, plan: StreamPlan, fault: Fault | None) -> None:
        self._head(200, plan.content_type, {"Cache-Control": "no-cache", "Transfer-Encoding": "chunked"})
        self.end_headers()
        name = fault.name if fault else ""
        try:
            if name == "wrongshape":
                self._chunk(surface.wrong_shape_stream())
                self.wfile.write(b"0\r\n\r\n")
                return
            if name == "keepalive":
                while not self.state.stopping.wait(0.05):
                    self._chunk(plan.keepalive)
                    self.wfile.flush()
                return
            if name == "deepjson":
                self._chunk(b"data: " + DEEP + b"\n\n")
                self.wfile.write(b"0\r\n\r\n")
                return
            if name == "bigline":
                assert fault is not None
                piece = b"x" * MiB
                self._chunk(b'data: {"pad": "')
                for _ in range(int(fault.size)):
                    self._chunk(piece)
                self._drop()
                return
            self._events(surface, plan, fault)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _events(self, surface: ModuleType, plan: StreamPlan, fault: Fault | None) -> None:
        name = fault.name if fault else ""
        if plan.prefix:
            self._chunk(plan.prefix)
        sent_content = 0
        first = True
        pause = fault.seconds / max(1, len(plan.events)) if fault and name == "slow" else 0.0
        for kind, data in plan.events:
            if pause and self.state.stopping.wait(pause):
                return
            if kind == "end" and name == "nodone":
                break
            if fault and name in ("drop", "stall", "malformed", "error") and sent_content == fault.after:
                if name == "drop":
                    self._drop()
                    return
                if name == "stall":
                    self.state.stopping.wait(self.state.stall_seconds)
                    self._drop()
                    return
                if name == "malformed":
                    self._chunk(b"data: {\"choices\": [{\"delta\": \n\n")
                if name == "error":
                    error = surface.stream_error("emulated overload mid-stream")
                    if plan.prefix:
                        error = plan.separator + json.dumps(surface.fault_body(503, "emulated overload mid-stream")).encode() + plan.suffix
                    self._chunk(error)
                    self.wfile.write(b"0\r\n\r\n")
                    return
                fault = None
            data = data if first or not plan.separator else plan.separator + data
            if name == "trickle" and fault is not None:
                for byte in data:
                    self._chunk(bytes([byte]))
                    self.wfile.flush()
                    if self.state.stopping.wait(fault.seconds):
                        return
            else:
                self._chunk(data)
                if pause:
                    self.wfile.flush()
            first = False
            if kind == "content":
                sent_content += 1
        if plan.suffix:
            self._chunk(plan.suffix)
        self.wfile.write(b"0\r\n\r\n")


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # many clients at once (batch benchmarks): the default 5 refuses connections

    def __init__(self, address: tuple[str, int], state: EmulatorState) -> None:
        super().__init__(address, Handler)
        self.state = state

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away mid-stream is normal here


class Emulator:
    """Start with ``with Emulator() as emu:``; ``emu.base_url`` is the OpenAI-style base URL."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, rpm: float | None = None, **state: Any) -> None:
        self.state = EmulatorState(**state)
        if rpm:
            from .ratelimit import Bucket

            self.state.limit = Bucket(rpm)
        self.httpd = EmulatorHTTPServer((host, port), self.state)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def inject(self, spec: str, times: int | None = 1) -> None:
        self.state.faults.add(spec, times)

    def start(self) -> Emulator:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="runapi-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.state.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
