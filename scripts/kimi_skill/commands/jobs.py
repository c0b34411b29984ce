"""``jobs.py``: list, watch, read and cancel background jobs.

Every subcommand exits with the job's state, so an agent's poll loop branches on the code alone:
0 done, 9 still running, 10 cancelled, 11 died, and a failed job exits with its call's own code
and error line. ``result ID --wait 60``, repeated, is the loop SKILL.md recommends: each call
stays well under a host's tool time limit.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from typing import Any

from ..args import OneLineParser
from ..errors import JOB_CANCELLED, JOB_DIED, JOB_RUNNING, KimiError, exit_codes_epilog
from ..explain import invocation
from ..untrusted import dumps, for_line, for_terminal
from .common import fail, silence_stdout, warn

POLL = 0.2
CANCEL_GRACE = 1.0


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="jobs.py", description="Background jobs started with chat.py/stream.py --background.", epilog=exit_codes_epilog())
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser)
    listing = sub.add_parser("list", help="recent jobs, newest first")
    listing.add_argument("--limit", type=int, default=20, metavar="N", help="how many (default 20)")
    for name, text in (("status", "one line on a job; exit code = its state"), ("result", "the answer (or the text so far) and the job's exit code")):
        one = sub.add_parser(name, help=text)
        one.add_argument("id", metavar="ID", help="job id (a unique prefix is enough)")
        one.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait up to SECONDS for the job to end (default 0)")
    cancel = sub.add_parser("cancel", help="stop a running job, keeping its text so far")
    cancel.add_argument("id", metavar="ID", help="job id (a unique prefix is enough)")
    for each in sub.choices.values():
        each.add_argument("--json", action="store_true", help="print JSON")
    sub.choices["result"].add_argument("--raw", action="store_true", help="do not escape terminal control characters")
    return p


def _code(job: dict[str, Any]) -> int:
    return {"done": 0, "running": JOB_RUNNING, "cancelled": JOB_CANCELLED, "died": JOB_DIED}.get(job["status"], job["exit_code"] or 5)


def _describe(job: dict[str, Any], chars: int) -> str:
    took = (job["ended"] or time.time()) - job["created"]
    return f"{job['id']} {job['status']} ({chars} characters, {took:.0f} s)"


def _wait(store: Any, job_id: str, seconds: float) -> dict[str, Any]:
    from ..store import jobs

    deadline = time.monotonic() + max(0.0, seconds)
    while True:
        job = store.run(lambda conn: jobs.refresh(conn, jobs.get(conn, job_id)))
        if job["status"] != jobs.RUNNING or time.monotonic() >= deadline:
            return job
        time.sleep(POLL)


def _as_json(store: Any, job: dict[str, Any], with_text: bool) -> dict[str, Any]:
    from ..store import jobs

    out = {
        "job": job["id"], "status": job["status"], "conversation": job["conversation_id"], "exit_code": _code(job), "error": job["error"],
        "output": job["output"], "partial": job["partial"], "chars": store.run(jobs.chars, job["id"]),
        **store.run(jobs.turn_facts, job["turn_id"]),
    }
    if with_text:
        if job["output"]:
            out["content"] = None  # as the foreground --output call: the answer is in the file
        else:
            out["content"] = job["result"] if job["status"] == "done" else store.run(jobs.text, job["id"])
        out["reasoning"] = store.run(jobs.text, job["id"], "reasoning") or None
    return out


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        from ..store import Store, conversations, jobs

        store = Store.open()
        if args.command == "list":
            found = store.run(jobs.listing, args.limit)
            if args.json:
                sys.stdout.write(dumps([_as_json(store, job, False) for job in found], indent=2) + "\n")
            else:
                for job in found:
                    sys.stdout.write(for_line(_describe(job, store.run(jobs.chars, job["id"]))) + "\n")
            return 0
        job_id = store.run(conversations.resolve, "jobs", args.id, "job")
        if args.command == "cancel":
            job = _cancel(store, job_id)
        else:
            job = _wait(store, job_id, args.wait)
        code = _code(job)
        if args.json:
            sys.stdout.write(dumps(_as_json(store, job, args.command == "result")) + "\n")
        elif args.command == "result":
            _print_result(store, job, args.raw)
        else:
            sys.stdout.write(for_line(_describe(job, store.run(jobs.chars, job_id))) + "\n")
        sys.stdout.flush()
        if job["status"] == jobs.RUNNING and args.command != "list":
            sys.stderr.write(f"note: job {job_id} is still running; poll again with: {invocation('jobs')} result {job_id} --wait 60\n")
        elif job["status"] == jobs.DONE and args.command == "result" and not args.json:
            _truncation_warning(store, job)
        elif job["status"] == jobs.FAILED and not args.json:
            fail(job["error"] or "the job failed", code)  # the call's own error line
        elif job["status"] != jobs.DONE and not args.json:
            fail(f"job {job_id} {job['error']}", code)
        return code
    except KimiError as exc:
        return fail(exc.message, exc.exit_code)
    except BrokenPipeError:
        silence_stdout()
        return 0


def _truncation_warning(store: Any, job: dict[str, Any]) -> None:
    """What the foreground prints after an answer cut by the token limit."""
    from ..boundary import budget_advice
    from ..store import jobs

    facts = store.run(jobs.turn_facts, job["turn_id"])
    if facts["truncated"]:
        tokens = (facts["usage"] or {}).get("completion_tokens")
        cut = f"{tokens} tokens" if tokens else "the token limit"
        warn(f"the answer was cut at {cut} (finish_reason length), so it is incomplete; {budget_advice(facts['model'] or '')}")


def _print_result(store: Any, job: dict[str, Any], raw: bool) -> None:
    from ..store import jobs

    if job["status"] == jobs.DONE:
        text = job["result"] or ""
    elif job["output"]:
        text = ""  # as the foreground --output call: the error line says where the text so far is
    else:
        text = store.run(jobs.text, job["id"])
    if sys.stdout.isatty() and not raw:
        text = for_terminal(text)
    if text:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _cancel(store: Any, job_id: str) -> dict[str, Any]:
    """SIGTERM to the worker's process group; SIGKILL after a second if it has not ended."""
    from ..store import jobs

    job = store.run(lambda conn: jobs.refresh(conn, jobs.get(conn, job_id)))
    if job["status"] != jobs.RUNNING:
        return job
    store.run(jobs.request_cancel, job_id)
    if not job["pid"]:  # the worker has not registered yet: it reads the request when it does
        return _wait(store, job_id, 5 * CANCEL_GRACE)
    try:
        os.killpg(job["pid"], signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        pass
    job = _wait(store, job_id, CANCEL_GRACE)
    if job["status"] == jobs.RUNNING:
        try:
            os.killpg(job["pid"], signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        job = store.run(jobs.end_dead, job, jobs.CANCELLED, JOB_CANCELLED, f"was cancelled after {store.run(jobs.chars, job_id)} characters of the answer (its worker had to be killed)")
    return job
