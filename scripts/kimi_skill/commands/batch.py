"""``batch.py``: many prompts at the pace the gateway allows, resumable, each result once.

``run`` checks the whole input, opens (or resumes) the batch in the store, and hands the items
to :class:`kimi_skill.batch.engine.Batch`; ``status``, ``list`` and ``cancel`` read and steer
the store. A batch is named by ``--id`` or by a hash of the input path and the options that
shape the answers, so running the same command again resumes it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import sys
import time
from typing import Any

from .. import boundary, catalog
from ..args import OneLineParser
from ..errors import BATCH_ITEMS_FAILED, INTERRUPTED, JOB_CANCELLED, SERVICE, KimiError, UsageError, exit_codes_epilog
from ..protocols import PROTOCOLS
from .common import ENVIRONMENT, fail, internal, network_options, positive_int, warn

IDENTITY = ("input", "model", "system", "schema", "thinking", "max_tokens", "template", "protocol")


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="batch.py", description="Send many prompts to Kimi from a JSONL file, at the pace the gateway allows; resumable, each result written once.",
        epilog=f"{ENVIRONMENT}\n{exit_codes_epilog()}", formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="action", required=True, metavar="{run,status,list,cancel}")
    run = sub.add_parser("run", help="send every item not yet done; the same command again resumes", formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("input", metavar="INPUT", help='JSONL: {"custom_id", "prompt" or "messages", optional "model", "system", "schema"} per line; or text with --template')
    run.add_argument("--output", required=True, metavar="RESULTS", help="JSONL results, one line per item as it finishes")
    run.add_argument("--concurrency", type=positive_int, default=8, metavar="N", help="requests in flight at once (default 8)")
    run.add_argument("--rpm", type=positive_int, metavar="N", help="at most N requests a minute (default: as fast as the gateway allows; a 429 slows every worker)")
    run.add_argument("--model", help=f"model for items that name none (default {catalog.DEFAULT_MODEL} or ${catalog.DEFAULT_ENV})")
    run.add_argument("--system", metavar="TEXT", help="system prompt for items that have none")
    run.add_argument("--schema", metavar="SCHEMA", help="every answer as JSON valid for this schema (file, inline JSON, or field list); the result line gets 'parsed'")
    run.add_argument("--thinking", choices=("on", "off"), help="reasoning on or off where the model allows it (kimi-k2.6/k2.5)")
    run.add_argument("--max-tokens", type=positive_int, metavar="N", help="answer budget of each item, reasoning included")
    run.add_argument("--template", metavar="TEXT", help="INPUT is plain text: each non-empty line goes where {line} is; custom_id is the line number")
    run.add_argument("--protocol", choices=PROTOCOLS, default="openai", help="wire protocol (default openai)")
    run.add_argument("--id", metavar="NAME", help="name the batch (default: a hash of the input path and the options)")
    run.add_argument("--sorted", action="store_true", help="when every item is finished, rewrite RESULTS in input order")
    run.add_argument("--retry-failed", action="store_true", help="send the items that failed in an earlier run again (their old lines are removed)")
    run.add_argument("--force", action="store_true", help="start a new batch even though RESULTS already holds lines (they are removed)")
    run.add_argument("--background", action="store_true", help="run as a background job and print its id at once (jobs.py sees it)")
    network_options(run)
    status = sub.add_parser("status", help="a batch's progress")
    status.add_argument("id", metavar="NAME")
    status.add_argument("--json", action="store_true", help="one JSON object")
    listing = sub.add_parser("list", help="recent batches")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    cancel = sub.add_parser("cancel", help="stop a running batch; its finished items stay, the rest can be resumed")
    cancel.add_argument("id", metavar="NAME")
    return p


def batch_id(args: argparse.Namespace) -> str:
    if args.id:
        if not args.id.strip() or len(args.id) > 64 or any(c.isspace() for c in args.id):
            raise UsageError("--id must be 1 to 64 characters without spaces")
        return args.id
    identity = json.dumps({k: _identity(args)[k] for k in IDENTITY}, sort_keys=True)
    return "b-" + hashlib.sha256(identity.encode()).hexdigest()[:12]


def _identity(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "input": os.path.abspath(args.input), "model": args.model or catalog.default_model()[0], "system": args.system, "schema": args.schema,
        "thinking": args.thinking, "max_tokens": args.max_tokens, "template": args.template, "protocol": args.protocol,
    }


def _print_problems(problems: list[str]) -> None:
    from ..untrusted import for_line

    for problem in problems:
        sys.stderr.write(for_line(problem) + "\n")


def run(args: argparse.Namespace) -> int:
    from ..batch.inputs import BadInput, check
    from ..batch.results import ResultsFile
    from ..store import Store, batches, disabled

    if disabled():
        raise UsageError("batch.py keeps its progress in the store; it cannot run with KIMI_SKILL_NO_STORE")
    try:
        total = check(args.input, args.template)
    except BadInput as exc:
        _print_problems(exc.problems)
        raise
    name = batch_id(args)
    options = json.dumps(_identity(args), sort_keys=True)
    store = Store.open()
    existing = store.run(batches.get, name)
    if existing is not None and json.loads(existing["options"]) != json.loads(options):
        raise UsageError(f"batch {name} was started with other options ({_difference(existing['options'], options)}); run it as it was, or pass another --id")
    if existing is not None and existing["status"] == batches.RUNNING and _alive(existing) and existing["pid"] != os.getpid():
        raise UsageError(f"batch {name} is already running (process {existing['pid']}); see batch.py status {name}")
    results = ResultsFile(args.output)
    if existing is not None and os.path.abspath(existing["output"]) != os.path.abspath(args.output):
        raise UsageError(f"batch {name} writes to {existing['output']}; pass that --output to resume it")
    results.check(existing is None, args.force)
    if args.background:
        return _background(args, name, options, store, existing is None)
    if existing is None:
        store.run(batches.create, name, os.path.abspath(args.input), os.path.abspath(args.output), options)
    return execute(args, name, total, store, results)


def execute(args: argparse.Namespace, name: str, total: int, store: Any, results: Any, job_id: str | None = None, on_signal: bool = True) -> int:
    """The run itself, in the foreground or in a background worker."""
    from ..batch.engine import Batch, Settings, Tally, write_progress
    from ..config import load_settings
    from ..protocols.guard import Limits
    from ..protocols.retry import RetryPolicy, policy_from
    from ..store import batches
    from ..store.jobs import process_started

    model = args.model or catalog.default_model()[0]
    schema = None
    if args.schema:
        from ..structured import load

        schema = load(args.schema)
    options = boundary.resolve(model, thinking=None if args.thinking is None else args.thinking == "on", temperature=None, max_tokens=args.max_tokens, schema=schema is not None)
    for note in options.notes:
        warn(note)
    settings = load_settings()
    base = policy_from(args.max_retries, os.environ)
    engine_settings = Settings(
        settings, args.protocol, RetryPolicy(max_retries=base.max_retries, rate_limits=False), Limits(idle_timeout=args.timeout), model,
        args.system, options.max_tokens, options.thinking, options.json_mode, schema, args.template, args.concurrency, args.rpm,
    )
    written = results.reconcile()
    recorded = store.run(batches.finished_ids, name)
    if recorded - written.keys():
        store.run(batches.forget, name, recorded - written.keys())  # rows whose lines are gone: send them again
    if written.keys() - recorded:
        store.run(batches.record, name, [(i, s) for i, s in written.items() if i not in recorded])
    if args.retry_failed:
        failed = {i for i, s in written.items() if s == "failed"}
        if failed:
            results.drop(failed)
            store.run(batches.forget, name, failed)
            written = {i: s for i, s in written.items() if i not in failed}
    tally = Tally(total, skipped=len(written))
    store.run(batches.started, name, os.getpid(), process_started(os.getpid()), total, job_id)
    progress = write_progress() if sys.stderr.isatty() and job_id is None else None
    engine = Batch(store, name, args.input, results, engine_settings, progress)
    interrupted: list[int] = []
    if on_signal:
        def stop(signum: int, frame: object) -> None:
            interrupted.append(signum)
            engine.stop.set()

        previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        engine.run(tally, set(written))
    finally:
        if on_signal:
            for s, handler in previous.items():
                signal.signal(s, handler)
        if progress is not None:
            sys.stderr.write("\r\x1b[K")
    elapsed = time.monotonic() - tally.started
    finished = tally.done + tally.failed + tally.skipped
    counts = store.run(batches.get, name)
    done, failed = counts["done"], counts["failed"]
    if engine.cancelled or interrupted:
        status = batches.CANCELLED if engine.cancelled or signal.SIGTERM in interrupted else batches.STOPPED
        store.run(batches.end, name, status, "cancelled" if status == batches.CANCELLED else "interrupted")
        message = f"batch {name} {'cancelled' if status == batches.CANCELLED else 'interrupted'} with {done} done and {failed} failed of {total}; run the same command to resume"
        return fail(message, JOB_CANCELLED if status == batches.CANCELLED else INTERRUPTED)
    if args.sorted and finished >= total:
        from ..batch.inputs import items

        results.sort(item.custom_id for item in items(args.input, args.template))
    status = batches.DONE if failed == 0 else batches.PARTIAL
    store.run(batches.end, name, status)
    rate = (tally.done + tally.failed) / elapsed if elapsed > 0 else 0.0
    summary = (
        f"batch {name}: {done} done, {failed} failed of {total} ({tally.done + tally.failed} sent this run, {tally.skipped} already finished) "
        f"in {elapsed:.1f} s, {rate:.1f} items/s; results in {args.output}"
    )
    sys.stdout.write(summary + "\n")
    sys.stdout.flush()
    if failed:
        return fail(f"{failed} item{'s' if failed != 1 else ''} failed (their lines say why); run again with --retry-failed to send them again", BATCH_ITEMS_FAILED)
    return 0


def _difference(old: str, new: str) -> str:
    before, after = json.loads(old), json.loads(new)
    changed = [k for k in IDENTITY if before.get(k) != after.get(k)]
    return ", ".join(f"{k} was {json.dumps(before.get(k))}" for k in changed) or "unknown"


def _alive(row: dict[str, Any]) -> bool:
    from ..store.jobs import process_started

    pid = row.get("pid")
    if not pid:
        return False
    started = process_started(int(pid))
    return started != "" and started == (row.get("pid_started") or "")


def _background(args: argparse.Namespace, name: str, options: str, store: Any, new: bool) -> int:
    """The batch as a job: a detached worker runs ``batch.py run`` with the same arguments."""
    import subprocess

    from ..background import BOOT, PACKAGE_PARENT, WORKER_CWD
    from ..explain import invocation
    from ..store import batches, conversations, jobs

    if new:
        store.run(batches.create, name, os.path.abspath(args.input), os.path.abspath(args.output), options)
    spec = {"kind": "batch", "batch": name, "args": {**vars(args), "input": os.path.abspath(args.input), "output": os.path.abspath(args.output), "background": False}}
    job_id = conversations.new_id("j")
    store.run(jobs.create, job_id, None, None, json.dumps(spec))
    try:
        worker = subprocess.Popen(
            [sys.executable, "-P", "-c", BOOT, job_id, PACKAGE_PARENT],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True, start_new_session=True, cwd=WORKER_CWD,
        )
    except OSError as exc:
        store.run(jobs.finish, job_id, jobs.FAILED, SERVICE, f"the worker could not start ({exc.strerror})", None, None)
        raise KimiError(f"the background worker could not start ({exc.strerror})") from None
    store.run(jobs.started, job_id, worker.pid)
    sys.stdout.write(job_id + "\n")
    sys.stderr.write(f"note: batch {name} started in the background; progress: {invocation('batch')} status {name}; end: {invocation('jobs')} result {job_id} --wait 60\n")
    return 0


def batch_job(job_id: str, spec: dict[str, Any], store: Any) -> tuple[int, str | None, str | None]:
    """The background worker's batch: (exit code, error, result line)."""
    import contextlib
    import io

    from ..batch.inputs import check
    from ..batch.results import ResultsFile

    args = argparse.Namespace(**spec["args"])
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            total = check(args.input, args.template)
            code = execute(args, spec["batch"], total, store, ResultsFile(args.output), job_id, on_signal=True)
        except KimiError as exc:
            return exc.exit_code, exc.message, None
    said = [line.removeprefix("error: ") for line in err.getvalue().splitlines() if line.startswith("error: ")]
    return code, said[-1] if said else None, out.getvalue().strip() or None


def _named(ident: str) -> tuple[Any, str, dict[str, Any]]:
    """The store, the batch's full name and its row, for a name or a unique prefix of one."""
    from ..store import Store, batches

    store = Store.open()
    name = store.run(batches.resolve, ident)
    if name is None:
        raise UsageError(f"no batch {ident!r} in the store; batch.py list shows them")
    row = store.run(batches.get, name)
    assert row is not None
    return store, name, row


def status(args: argparse.Namespace) -> int:
    from ..store import batches
    from ..untrusted import dumps, for_line

    store, name, row = _named(args.id)
    if row["status"] == batches.RUNNING and not _alive(row):
        store.run(batches.end, name, batches.DIED, "its process is gone")
        row = store.run(batches.get, name)
        assert row is not None
    view = {k: row[k] for k in ("id", "status", "total", "done", "failed", "input", "output", "job_id", "error")}
    view["updated"] = row["updated"]
    if args.json:
        sys.stdout.write(dumps(view) + "\n")
    else:
        left = (row["total"] or 0) - row["done"] - row["failed"]
        sys.stdout.write(for_line(f"{name}  {row['status']}  {row['done']} done, {row['failed']} failed, {left} left of {row['total']}  results: {row['output']}") + "\n")
    return 0


def listing(args: argparse.Namespace) -> int:
    from ..store import Store, batches
    from ..untrusted import dumps, for_line

    store = Store.open()
    for row in store.run(batches.listing):
        if args.json:
            sys.stdout.write(dumps({k: row[k] for k in ("id", "status", "total", "done", "failed", "output", "updated")}) + "\n")
        else:
            sys.stdout.write(for_line(f"{row['id']}  {row['status']}  {row['done']}/{row['total']} done, {row['failed']} failed  {row['output']}") + "\n")
    return 0


def cancel(args: argparse.Namespace) -> int:
    from ..store import batches

    store, name, row = _named(args.id)
    if row["status"] != batches.RUNNING or not _alive(row):
        sys.stdout.write(f"{name} is not running ({row['status']}); nothing to cancel\n")
        return 0
    store.run(batches.request_cancel, name)
    try:
        os.kill(row["pid"], signal.SIGTERM)
    except OSError:
        pass
    sys.stdout.write(f"cancelling {name}: its finished items stay in {row['output']}; run the same command to resume\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return {"run": run, "status": status, "list": listing, "cancel": cancel}[args.action](args)
    except KimiError as exc:
        return fail(exc.message, exc.exit_code)
    except BrokenPipeError:
        return 0
    except ModuleNotFoundError as exc:
        from ..deps import missing

        return fail(missing(exc, "batch.py"), 3)
    except Exception as exc:
        return internal(exc, getattr(args, "debug", False))
