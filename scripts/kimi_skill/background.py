"""``--background``: a call that outlives the agent's tool call.

The foreground process prepares everything (input read, key and model checked, turn recorded),
writes the request into the store, starts a detached worker and prints the job id at once. The
worker runs in its own session with no controlling terminal, stdin/stdout/stderr on /dev/null
and no inherited descriptors; its argv holds only the job id and the package folder: the key
stays in its environment, as it was in ours. It streams the answer into the store as it arrives
(:class:`Journal`), then records the turn like any call.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from .errors import INTERRUPTED, JOB_CANCELLED, SERVICE, KimiError
from .explain import invocation
from .untrusted import dumps

PACKAGE_PARENT = str(Path(__file__).resolve().parents[1])
# -P: no working folder on sys.path, and the worker starts in "/": a module planted in any
# folder a user or a program can write is never imported by the process that holds the key.
BOOT = "import sys; sys.path.insert(0, sys.argv[2]); from kimi_skill.background import work_entry; work_entry(sys.argv[1])"
WORKER_CWD = os.path.abspath(os.sep)
FLUSH_EVERY = 0.25


def start(prepared: Any, args: argparse.Namespace) -> int:
    """A chat call as a job: record it and start its worker; print its id (or one JSON object)."""
    plan, composed = prepared.plan, prepared.composed
    job_id, conversation = launch(
        prepared.store, plan.settings, spec_of(prepared, args), composed.prompt, composed.text, prepared.system, plan.request.model,
        plan.protocol, composed.attachments, prepared.conversation_id,
    )
    announce(job_id, conversation, args.json)
    return 0


def spec_of(prepared: Any, args: argparse.Namespace) -> dict[str, Any]:
    """What the worker needs to make the call again: the request and its options, no key."""
    plan = prepared.plan
    return {
        "request": plan.request.as_json(),
        "protocol": plan.protocol,
        "schema": plan.schema.schema if plan.schema else None,
        "wrapped": plan.schema.wrapped if plan.schema else False,
        "schema_retries": plan.schema_retries,
        "max_retries": plan.policy.max_retries,
        "timeout": plan.limits.idle_timeout,
        "max_time": args.max_time,
        "output": prepared.output.spec() if prepared.output else None,
    }


def launch(
    store: Any, settings: Any, spec: dict[str, Any], prompt: str, text: str, system: str | None, model: str, protocol: str,
    attachments: Any = (), conversation_id: str | None = None,
) -> tuple[str, str]:
    """Record the turn and the job, start the detached worker; the job and conversation ids.
    Shared by every command that can run in the background (chat, stream, review, the MCP server)."""
    from .store import conversations, jobs

    _check_model(model, settings, store)
    turn = store.run(conversations.begin, conversation_id, prompt, text, system, model, protocol, list(attachments))
    job_id = conversations.new_id("j")
    spec = {**spec, "conversation": turn.conversation_id}
    store.run(jobs.create, job_id, turn.conversation_id, turn.turn_id, json.dumps(spec))
    try:
        worker = subprocess.Popen(
            [sys.executable, "-P", "-c", BOOT, job_id, PACKAGE_PARENT],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=True, start_new_session=True, cwd=WORKER_CWD,
        )
    except OSError as exc:
        store.run(jobs.finish, job_id, jobs.FAILED, SERVICE, f"the worker could not start ({exc.strerror})", None, None)
        raise KimiError(f"the background worker could not start ({exc.strerror})") from None
    store.run(jobs.started, job_id, worker.pid)
    return job_id, turn.conversation_id


def announce(job_id: str, conversation: str, json_output: bool) -> None:
    """What a command prints for a job it started: its id (or one JSON object) and how to poll."""
    if json_output:
        sys.stdout.write(dumps({"job": job_id, "conversation": conversation, "status": "running"}) + "\n")
    else:
        sys.stdout.write(job_id + "\n")
        sys.stderr.write(f"note: started in the background; poll with: {invocation('jobs')} result {job_id} --wait 60\n")
    sys.stdout.flush()


def _check_model(model: str, settings: Any, store: Any) -> None:
    """A model the catalog does not know is looked up in the key's model list (cached for an
    hour in the store) before the job starts: a typo fails now, with the list, not minutes later
    in a worker. If the list cannot be had, the job starts and the worker reports what happens."""
    from . import catalog

    if catalog.find(model) is not None:
        return
    from .errors import RequestRefused
    from .store import cache

    key = f"models:{settings.base_url}"
    listed = store.run(cache.get, key, cache.MODELS_MAX_AGE)
    if listed is None:
        from .protocols.guard import Limits
        from .protocols.listing import fetch_models
        from .protocols.retry import RetryPolicy

        try:
            listed = [m["id"] for m in fetch_models(settings, RetryPolicy(max_retries=0), Limits(idle_timeout=5.0), None)]
        except KimiError:
            return
        store.run(cache.put, key, listed)
    if model not in listed:
        from .protocols.listing import is_kimi
        from .untrusted import one_line

        kimi = ", ".join(one_line(m, 80) for m in sorted(m for m in listed if is_kimi(m))) or "none"
        raise RequestRefused(f"unknown model {model!r}: the key's model list does not have it, so no job was started; available Kimi models: {kimi}; pass one with --model")


class Journal:
    """Deltas to the store from a thread of its own, every quarter second, so a SIGKILL loses
    at most that much and the network loop never waits on the disk."""

    def __init__(self, path: Path, job_id: str) -> None:
        from .store.db import connect

        self.job_id = job_id
        self.conn = connect(path)
        self.pending: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="journal", daemon=True)
        self.thread.start()

    def add(self, kind: str, text: str) -> None:
        with self.lock:
            self.pending.append((kind, text))

    def _flush(self) -> None:
        from .store import jobs

        with self.lock:
            items, self.pending = self.pending, []
        if items:
            jobs.append(self.conn, self.job_id, items)

    def _loop(self) -> None:
        while not self.stopping.wait(FLUSH_EVERY):
            try:
                self._flush()
            except Exception:  # a busy store: the next round writes it
                continue

    def close(self) -> None:
        self.stopping.set()
        if self.thread is not threading.current_thread():
            self.thread.join(timeout=5)
        self._flush()


def work_entry(job_id: str) -> None:
    """The worker's first statement: a cancel (SIGTERM) is honoured from here on, before the
    imports and the store, and ends the job as cancelled (:func:`work` takes over the handler)."""
    from .commands.common import exit_now

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # no terminal: only a cancel ends it
    signal.signal(signal.SIGTERM, lambda signum, frame: _cancelled_early(job_id))
    try:
        code = work(job_id)
    except BaseException:
        code = SERVICE
    exit_now(code)


def _cancelled_early(job_id: str) -> None:
    from .commands.common import exit_now
    from .store import Store, jobs

    try:
        store = Store.open()
        job = store.run(jobs.get, job_id)
        store.run(jobs.end_dead, job, jobs.CANCELLED, JOB_CANCELLED, "was cancelled after 0 characters of the answer (before the call started)")
    finally:
        exit_now(JOB_CANCELLED)


def work(job_id: str) -> int:
    """The worker: run the stored request, keep every delta, record how it ended."""
    from .call import Plan, execute
    from .config import load_settings
    from .explain import explain
    from .interrupts import abort_on_signals
    from .outfile import OutputFile, Target, write_fresh
    from .output import Renderer
    from .protocols.guard import Limits
    from .protocols.retry import RetryPolicy
    from .request import ChatRequest
    from .store import Store, conversations, jobs
    from .structured import Schema
    from .untrusted import compact

    store = Store.open()
    job = store.run(jobs.get, job_id)
    store.run(jobs.started, job_id, os.getpid())
    spec = json.loads(job["spec"])
    if spec.get("kind") == "batch":  # a batch records its own progress; the job holds its summary
        from .commands.batch import batch_job

        code, error, result = batch_job(job_id, spec, store)
        status = jobs.DONE if code == 0 else jobs.CANCELLED if code == JOB_CANCELLED else jobs.FAILED
        jobs.finish(store.conn, job_id, status, code, error, result, None)
        return code
    ref = conversations.TurnRef(job["conversation_id"], job["turn_id"], 0)
    journal = Journal(store.path, job_id)
    devnull = open(os.devnull, "w")
    renderer = Renderer(devnull, devnull, mode="text", hold=True, observer=journal.add)
    target = Target.from_spec(spec["output"]) if spec.get("output") else None
    output = str(target.path) if target else None
    plan: Plan | None = None

    def end(status: str, code: int, error: str | None, result: str | None) -> None:
        journal.close()
        partial = None
        if status != jobs.DONE and target is not None and renderer.text:
            kept = write_fresh(target.path.with_name(target.path.name + ".partial"), renderer.text)
            partial = str(kept) if kept else None
            error = f"{error}; the text so far is in {partial}" if partial and error else error
        usage, done = renderer.usage, renderer.done
        turn_status = conversations.COMPLETE if status == jobs.DONE else conversations.INCOMPLETE
        conversations.finish(store.conn, ref, conversations.TurnEnd(
            turn_status, renderer.text, "".join(renderer.reasoning) or None, done.model if done else None,
            usage.prompt_tokens if usage else None, usage.completion_tokens if usage else None, usage.total_tokens if usage else None,
            done.finish_reason if done else None, error, code,
        ))
        jobs.finish(store.conn, job_id, status, code, error, result, output, partial)

    def abort(message: str, code: int) -> None:
        from .commands.common import exit_now

        end(jobs.CANCELLED if code == JOB_CANCELLED else jobs.FAILED, code, message, None)
        exit_now(code)

    handlers = {
        signal.SIGTERM: lambda: (f"was cancelled after {renderer.chars_out} characters of the answer", JOB_CANCELLED),
        signal.SIGALRM: lambda: (f"the call went past --max-time {spec.get('max_time'):g} s after {renderer.chars_out} characters of the answer", SERVICE),
    }
    try:
        if job.get("cancel_requested"):
            abort(*handlers[signal.SIGTERM]())
        if spec.get("kind") == "review":
            from .commands.review import review_job

            with abort_on_signals(handlers, abort, spec.get("max_time")):
                result, doc = review_job(spec, load_settings(), journal.add)
            from .events import Usage

            renderer.content = [result]  # the turn's answer: the report, which follow-ups refer to
            renderer.usage = Usage(*(doc["usage"].get(k) for k in ("prompt_tokens", "completion_tokens", "total_tokens")))
            end(jobs.DONE, 0, None, result)
            return 0
        with abort_on_signals(handlers, abort, spec.get("max_time")):
            settings = load_settings()
            schema = Schema(spec["schema"], spec["wrapped"]) if spec.get("schema") is not None else None
            plan = Plan(
                settings, ChatRequest.from_json(spec["request"]), spec["protocol"], True,
                RetryPolicy(max_retries=spec["max_retries"]), Limits(idle_timeout=spec["timeout"]), schema, spec["schema_retries"],
            )
            value = execute(plan, renderer)
        result = compact(value) if schema is not None else renderer.text
        if target is not None:
            sink = OutputFile(target)
            sink.write(result + ("\n" if schema is not None else ""))
            sink.commit()
            tokens = renderer.usage.completion_tokens if renderer.usage else None
            result = f"wrote {output} ({sink.bytes} bytes, {tokens} tokens, finish_reason {renderer.done.finish_reason if renderer.done else None})"
        end(jobs.DONE, 0, None, result)
        return 0
    except KimiError as exc:
        end(jobs.FAILED, exc.exit_code, explain(exc, plan, renderer, target is not None), None)
        return exc.exit_code
    except Exception as exc:  # recorded, so that `jobs.py status` can say what happened
        end(jobs.FAILED, SERVICE, f"unexpected failure in the worker ({type(exc).__name__})", None)
        return SERVICE


__all__ = ["INTERRUPTED", "start", "work", "work_entry"]
