"""Running a batch: worker threads over the shared call core, one writer, exactly-once output.

``concurrency`` workers each take the next item, wait for the :class:`~.gate.Gate`, and send it
through :func:`kimi_skill.call.execute` (the guard, retries on 5xx and cut connections,
``--schema`` checks and re-asks of every other command), reusing one HTTP client per worker.
A 429 is not retried inside the call: the gate pauses every worker and slows the pace, and the
item goes round again. The main thread alone writes: each result line to the results file, then
its store row, so a kill at any moment leaves at most a line without its row, which the next
start reads back (:mod:`.results`). Items in flight at a kill were never written: they are sent
again, and only they.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import KimiError, RateLimited
from .gate import Gate
from .inputs import Item, items, request_for
from .results import ResultsFile

MAX_RATE_LIMITED = 20  # 429s one item may meet before it is given up
RECORD_EVERY = 0.2  # seconds between store writes of finished items


@dataclass
class Settings:
    """Everything a batch needs besides its input and output."""

    call: Any  # config.Settings
    protocol: str
    policy: Any  # RetryPolicy, with rate_limits=False
    limits: Any
    model: str
    system: str | None
    max_tokens: int | None
    thinking: bool | None
    json_mode: bool
    schema: Any  # structured.Schema or None
    template: str | None
    concurrency: int
    rpm: float | None


@dataclass
class Tally:
    total: int
    done: int = 0
    failed: int = 0
    skipped: int = 0  # finished in an earlier run
    prompt_tokens: int = 0
    completion_tokens: int = 0
    sent: int = 0
    started: float = field(default_factory=time.monotonic)


class Batch:
    def __init__(self, store: Any, batch_id: str, source: str, results: ResultsFile, settings: Settings, progress: Callable[[Tally, Gate], None] | None = None) -> None:
        self.store, self.batch_id, self.source, self.results, self.settings = store, batch_id, source, results, settings
        self.gate = Gate(settings.rpm)
        self.stop = threading.Event()
        self.progress = progress
        self.cancelled = False
        self._schemas: dict[str, Any] = {}

    # -- one item ------------------------------------------------------------------------

    def _schema_for(self, item: Item) -> Any:
        if item.schema is None:
            return self.settings.schema
        import json

        from ..structured import load

        text = json.dumps(item.schema, sort_keys=True)
        if text not in self._schemas:
            self._schemas[text] = load(text)
        return self._schemas[text]

    def _call(self, item: Item) -> dict[str, Any]:
        from ..call import Plan, execute
        from ..output import Renderer
        from ..structured import instruction

        s = self.settings
        schema = self._schema_for(item)
        model = item.model or s.model
        json_mode = s.json_mode if item.model is None else _json_mode(model, schema is not None)
        request = request_for(item, model, s.system, s.max_tokens, s.thinking, json_mode, instruction(schema) if schema is not None else None)
        line: dict[str, Any] = {"custom_id": item.custom_id}
        with open(os.devnull, "w") as devnull:
            renderer = Renderer(devnull, devnull, mode="text", hold=True)
            rate_limited = 0
            while True:
                if not self.gate.wait(self.stop):
                    raise _Stopped
                try:
                    value = execute(Plan(s.call, request, s.protocol, False, s.policy, s.limits, schema, 1), renderer)
                    break
                except RateLimited as exc:
                    rate_limited += 1
                    self.gate.rate_limited(exc.wait)
                    if rate_limited >= MAX_RATE_LIMITED:
                        return {**line, **_failure(exc, renderer)}
                    renderer = Renderer(devnull, devnull, mode="text", hold=True)
                except KimiError as exc:
                    return {**line, **_failure(exc, renderer)}
        self.gate.success()
        usage, done = renderer.usage, renderer.done
        line.update(
            status="done", content=renderer.text, model=done.model if done else model,
            usage=usage.as_dict() if usage else None, finish_reason=done.finish_reason if done else None,
            truncated=renderer.truncated, error=None,
        )
        if schema is not None:
            line["parsed"] = value
        return line

    def _worker(self, todo: queue.Queue[Item | None], finished: queue.Queue[dict[str, Any] | BaseException]) -> None:
        from ..protocols.transport import keep_clients

        keep_clients()
        while not self.stop.is_set():
            item = todo.get()
            if item is None:
                break
            try:
                finished.put(self._call(item))
            except _Stopped:
                break
            except BaseException as exc:  # a bug of ours: reported by the main thread, not lost in a thread
                finished.put(exc)
                break
        finished.put(_WORKER_DONE)

    def _feed(self, todo: queue.Queue[Item | None], done_ids: set[str]) -> None:
        try:
            for item in items(self.source, self.settings.template):
                if self.stop.is_set():
                    break
                if item.custom_id not in done_ids:
                    self._put(todo, item)
        finally:
            for _ in range(self.settings.concurrency):
                self._put(todo, None)  # one end mark per worker

    def _put(self, todo: queue.Queue[Item | None], value: Item | None) -> None:
        """Wait for room in the queue, but never past a stop (the workers may be gone)."""
        while not self.stop.is_set():
            try:
                todo.put(value, timeout=0.25)
                return
            except queue.Full:
                continue

    # -- the run ---------------------------------------------------------------------------

    def run(self, tally: Tally, done_ids: set[str]) -> Tally:
        from ..store import batches

        todo: queue.Queue[Item | None] = queue.Queue(maxsize=self.settings.concurrency * 2)
        finished: queue.Queue[dict[str, Any] | BaseException] = queue.Queue()
        threads = [threading.Thread(target=self._feed, args=(todo, done_ids), name="feed", daemon=True)]
        threads += [threading.Thread(target=self._worker, args=(todo, finished), name=f"worker-{n}", daemon=True) for n in range(self.settings.concurrency)]
        for thread in threads:
            thread.start()
        running = self.settings.concurrency
        pending: list[tuple[str, str]] = []
        last_record = last_check = time.monotonic()
        self.results.open()
        try:
            while running:
                try:
                    got = finished.get(timeout=0.2)
                except queue.Empty:
                    got = None
                if got is _WORKER_DONE:
                    running -= 1
                elif isinstance(got, BaseException):
                    self.stop.set()
                    raise got
                elif got is not None:
                    self.results.append(got)  # the line first, then its row (see the module's note)
                    pending.append((got["custom_id"], got["status"]))
                    if got["status"] == "done":
                        tally.done += 1
                    else:
                        tally.failed += 1
                    usage = got.get("usage") or {}
                    tally.prompt_tokens += usage.get("prompt_tokens") or 0
                    tally.completion_tokens += usage.get("completion_tokens") or 0
                now = time.monotonic()
                if pending and (now - last_record >= RECORD_EVERY or not running):
                    self.store.run(batches.record, self.batch_id, pending)
                    pending, last_record = [], now
                if now - last_check >= 1.0:
                    last_check = now
                    if self.store.run(batches.cancel_requested, self.batch_id):
                        self.cancelled = True
                        self.stop.set()
                        break
                if self.progress is not None:
                    self.progress(tally, self.gate)
        finally:
            self.stop.set()
            if pending:
                self.store.run(batches.record, self.batch_id, pending)
            self.results.close()
        return tally


class _Stopped(Exception):
    """The batch is stopping: the item in hand is left for the next run."""


_WORKER_DONE = RuntimeError("worker finished")


def _failure(exc: KimiError, renderer: Any) -> dict[str, Any]:
    usage = renderer.usage
    return {
        "status": "failed", "content": renderer.text or None, "model": None, "usage": usage.as_dict() if usage else None,
        "finish_reason": renderer.done.finish_reason if renderer.done else None, "truncated": renderer.truncated,
        "error": exc.message, "exit_code": exc.exit_code,
    }


def _json_mode(model: str, schema: bool) -> bool:
    from .. import boundary

    return boundary.resolve(model, thinking=None, temperature=None, max_tokens=None, schema=schema).json_mode


def write_progress(stream: Any = sys.stderr) -> Callable[[Tally, Gate], None]:
    """A one-line progress display on a terminal, redrawn at most five times a second."""
    shown = [0.0]

    def draw(tally: Tally, gate: Gate) -> None:
        now = time.monotonic()
        if now - shown[0] < 0.2:
            return
        shown[0] = now
        elapsed = max(now - tally.started, 1e-6)
        finished = tally.done + tally.failed
        rate = finished / elapsed
        left = tally.total - tally.skipped - finished
        eta = f"{int(left / rate) // 60}:{int(left / rate) % 60:02d}" if rate > 0 else "?"
        tokens = tally.prompt_tokens + tally.completion_tokens
        stream.write(
            f"\r{tally.done + tally.skipped}/{tally.total} done, {tally.failed} failed, {rate:.1f}/s, ETA {eta}, "
            f"{tokens / 1000:.1f}k tokens{', 429s ' + str(gate.limited) if gate.limited else ''}\x1b[K"
        )
        stream.flush()

    return draw
