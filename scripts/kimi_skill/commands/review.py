"""``review.py``: a second opinion on a change, as checked findings.

The change is read with :mod:`kimi_skill.review.change`, turned into prompts by
:mod:`~kimi_skill.review.assemble`, and each prompt goes through the same call core as
``chat.py`` (:func:`kimi_skill.call.execute`: guard, retry, ``--schema`` validation and re-ask)
with the findings schema. :func:`run_review` is shared with the background worker. The review
is recorded as a conversation whose answer is the JSON report, so ``chat.py --conversation ID
"explain finding 2"`` follows up on it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from dataclasses import dataclass
from typing import Any

from .. import __version__, boundary, catalog
from ..args import OneLineParser
from ..errors import INTERRUPTED, REVIEW_FINDINGS, SERVICE, KimiError, UsageError, exit_codes_epilog
from ..protocols import PROTOCOLS
from .common import ENVIRONMENT, exit_now, fail, internal, network_options, positive_int, warn

NEVER = "never"


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="review.py",
        description="Ask Kimi to review a change in this git repository and print checked findings "
        "(file:line: severity: title, then a verdict line).",
        epilog=f"{ENVIRONMENT}\n{exit_codes_epilog()}", formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("focus", nargs="*", help="what to look at most closely (free text, optional)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--uncommitted", action="store_true", help="tracked changes not committed, plus untracked files not ignored (the default)")
    which.add_argument("--staged", action="store_true", help="only what is staged for the next commit")
    which.add_argument("--base", metavar="REF", help="the branch's changes since it left REF (merge-base...HEAD)")
    which.add_argument("--commit", metavar="SHA", help="the change one commit made")
    p.add_argument("--paths", nargs="+", action="extend", default=[], metavar="GLOB", help="only files matching these git glob pathspecs ('src/**/*.py')")
    p.add_argument("--adversarial", action="store_true", help="argue against the change: assumptions, failure modes, abuse")
    p.add_argument("--fail-on", choices=(*("critical", "high", "medium", "low", "info"), NEVER), default=NEVER,
                   help=f"exit {REVIEW_FINDINGS} when a finding is at or above this severity (default never)")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text", help="text lines (default), JSON (references/cli.md) or SARIF 2.1.0")
    p.add_argument("--model", help=f"model ID (default {catalog.DEFAULT_MODEL} or ${catalog.DEFAULT_ENV})")
    p.add_argument("--max-tokens", type=positive_int, metavar="N", help="answer budget of each call, reasoning included")
    p.add_argument("--thinking", choices=("on", "off"), help="reasoning on or off where the model allows it (kimi-k2.6/k2.5)")
    p.add_argument("--protocol", choices=PROTOCOLS, default="openai", help="wire protocol (default openai)")
    p.add_argument("--repo", default=".", metavar="PATH", help="the repository (default: the current folder)")
    p.add_argument("--chunk-bytes", type=positive_int, metavar="N", help="largest diff per call (default: what the model's context allows, at most 160000)")
    p.add_argument("--background", action="store_true", help="run as a background job and print its ID at once (jobs.py result ID prints the JSON report)")
    p.add_argument("--no-store", action="store_true", help="record no conversation (also KIMI_SKILL_NO_STORE=1)")
    p.add_argument("--show-id", action="store_true", help="print 'conversation: ID' on stderr")
    network_options(p)
    return p


@dataclass
class Prepared:
    change: Any  # review.change.Change
    assembled: Any  # review.assemble.Assembled
    requests: list[Any]
    settings: Any
    protocol: str
    policy: Any
    limits: Any
    system: str  # as sent: the reviewer's instructions and the findings schema
    model: str
    plain_system: str  # as recorded: the instructions only, so a follow-up chat gets prose answers


def _mode(args: argparse.Namespace) -> tuple[str, str | None]:
    if args.staged:
        return "staged", None
    if args.base:
        return "base", args.base
    if args.commit:
        return "commit", args.commit
    return "uncommitted", None


def prepare(args: argparse.Namespace) -> Prepared:
    from ..config import load_settings
    from ..protocols.guard import Limits
    from ..protocols.retry import policy_from
    from ..request import ChatRequest, Message
    from ..review.assemble import ADVERSARIAL, SYSTEM, assemble
    from ..review.change import collect, repository
    from ..review.findings import SCHEMA
    from ..structured import Schema, instruction

    if args.background and (args.no_store or _store_disabled()):
        raise UsageError("--background keeps the job in the store; it cannot be combined with --no-store / KIMI_SKILL_NO_STORE")
    if args.background and args.format == "sarif":
        raise UsageError("--background keeps the JSON report (jobs.py result); run without --background for SARIF")
    root = repository(args.repo)
    mode, ref = _mode(args)
    change = collect(root, mode, ref, args.paths)  # type: ignore[arg-type]
    model = args.model or catalog.default_model()[0]
    options = boundary.resolve(model, thinking=None if args.thinking is None else args.thinking == "on", temperature=None, max_tokens=args.max_tokens, schema=True)
    for note in options.notes:
        warn(note)
    settings = load_settings()
    for note in settings.warnings:
        warn(note)
    assembled = assemble(change, " ".join(args.focus), args.adversarial, model, options.max_tokens, args.chunk_bytes)
    plain = ADVERSARIAL if args.adversarial else SYSTEM
    system = f"{plain}\n\n{instruction(Schema(SCHEMA, False))}"
    requests = []
    for prompt in assembled.prompts:
        boundary.check_context(model, len(system.encode()) + len(prompt.encode()), options.max_tokens)
        requests.append(ChatRequest((Message("user", prompt),), model, system, options.max_tokens, None, options.thinking, options.json_mode))
    return Prepared(change, assembled, requests, settings, args.protocol, policy_from(args.max_retries, os.environ), Limits(idle_timeout=args.timeout), system, model, plain)


def _store_disabled() -> bool:
    from ..store import disabled

    return disabled()


def run_review(settings: Any, requests: list[Any], protocol: str, policy: Any, limits: Any, change: Any, observer: Any = None) -> tuple[Any, dict[str, Any]]:
    """Every call of one review through the shared call core; the merged, checked result and
    the call facts (model, calls, usage)."""
    from ..call import Plan, execute
    from ..output import Renderer
    from ..review.findings import SCHEMA, merge
    from ..structured import Schema

    schema = Schema(SCHEMA, False)
    answers, usage = [], {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    served = None
    with open(os.devnull, "w") as devnull:
        for request in requests:
            renderer = Renderer(devnull, devnull, mode="text", hold=True, observer=observer)
            answers.append(execute(Plan(settings, request, protocol, False, policy, limits, schema, 1), renderer))
            if renderer.usage:
                for key in usage:
                    usage[key] += getattr(renderer.usage, key) or 0
            served = renderer.done.model if renderer.done and renderer.done.model else served
    return merge(answers, change), {"model": served or requests[0].model, "calls": len(requests), "usage": usage}


def run(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from ..interrupts import abort_on_signals

    store = turn = None

    def abort(message: str, code: int) -> None:
        _end_turn(store, turn, "incomplete", None, message, code)
        fail(message, code)
        exit_now(code)

    try:
        prepared = prepare(args)
        if not prepared.change.files:
            return _print(args, _empty(prepared), 0)
        if args.background:
            return _background(args, prepared)
        if not (args.no_store or _store_disabled()):
            from ..store import Store, conversations

            store = Store.open()
            label = "review" + (" (adversarial)" if args.adversarial else "") + f" of {prepared.change.label}" + (f": {' '.join(args.focus)}" if args.focus else "")
            turn = store.run(conversations.begin, None, label, "\n\n".join(prepared.assembled.prompts), prepared.plain_system, prepared.model, prepared.protocol, [])
        handlers = {
            signal.SIGINT: lambda: ("interrupted during the review", INTERRUPTED),
            signal.SIGALRM: lambda: (f"the review went past --max-time {args.max_time:g} s", SERVICE),
        }
        with abort_on_signals(handlers, abort, args.max_time):
            result, facts = run_review(prepared.settings, prepared.requests, prepared.protocol, prepared.policy, prepared.limits, prepared.change)
        doc = _document(prepared, result, facts, turn.conversation_id if turn else None)
        _end_turn(store, turn, "complete", doc, None, 0)
        if turn is not None and args.show_id:
            sys.stderr.write(f"conversation: {turn.conversation_id}\n")
        over = result.at_or_above(args.fail_on) if args.fail_on != NEVER else []
        _print(args, doc, 0)
        if over:
            return fail(f"{len(over)} finding{'s' if len(over) != 1 else ''} at or above --fail-on {args.fail_on}", REVIEW_FINDINGS)
        return 0
    except KimiError as exc:
        message = _explain(exc, prepared if "prepared" in locals() else None)
        _end_turn(store, turn, "incomplete", None, message, exc.exit_code)
        if turn is not None:
            sys.stderr.write(f"conversation: {turn.conversation_id}\n")
        return fail(message, exc.exit_code)
    except BrokenPipeError:
        return 0
    except ModuleNotFoundError as exc:
        from ..deps import missing

        return fail(missing(exc, "review.py"), 3)
    except Exception as exc:
        _end_turn(store, turn, "incomplete", None, f"unexpected failure ({type(exc).__name__})", SERVICE)
        return internal(exc, args.debug)


def _explain(exc: KimiError, prepared: Prepared | None) -> str:
    """The same wording as chat.py (an unknown model lists the ones that exist, ...)."""
    from ..call import Plan
    from ..explain import explain
    from ..output import Renderer

    if prepared is None or not prepared.requests:
        return exc.message
    plan = Plan(prepared.settings, prepared.requests[0], prepared.protocol, False, prepared.policy, prepared.limits)
    with open(os.devnull, "w") as devnull:
        return explain(exc, plan, Renderer(devnull, devnull, hold=True), False)


def _end_turn(store: Any, turn: Any, status: str, doc: dict[str, Any] | None, error: str | None, code: int) -> None:
    if store is None or turn is None:
        return
    from ..store import conversations
    from ..untrusted import dumps

    usage = (doc or {}).get("usage") or {}
    try:
        store.run(conversations.finish, turn, conversations.TurnEnd(
            status, dumps(doc, indent=2) if doc else "", None, (doc or {}).get("model"), usage.get("prompt_tokens"),
            usage.get("completion_tokens"), usage.get("total_tokens"), "stop" if doc else None, error, code,
        ))
    except KimiError as exc:
        warn(f"the review could not be recorded: {exc.message}")


def _document(prepared: Prepared, result: Any, facts: dict[str, Any], conversation: str | None) -> dict[str, Any]:
    from ..review.report import as_dict

    meta = {
        "summarised": prepared.assembled.summarised, "masked": prepared.assembled.masked, "guidance": prepared.assembled.guidance,
        "conversation": conversation, **facts,
    }
    return as_dict(result, prepared.change, meta)


def _empty(prepared: Prepared) -> dict[str, Any]:
    from ..review.findings import Result

    result = Result(summaries=[f"nothing to review: no {prepared.change.label}"])
    return _document(prepared, result, {"model": prepared.model, "calls": 0, "usage": None}, None)


def _print(args: argparse.Namespace, doc: dict[str, Any], code: int) -> int:
    from ..review.report import as_json, as_sarif, as_text

    if args.format == "json":
        text = as_json(doc)
    elif args.format == "sarif":
        text = as_sarif(doc, __version__)
    else:
        text = as_text(doc)
    sys.stdout.write(text)
    sys.stdout.flush()
    return code


def _background(args: argparse.Namespace, prepared: Prepared) -> int:
    from ..background import announce, launch
    from ..review.change import dump

    spec = {
        "kind": "review",
        "requests": [r.as_json() for r in prepared.requests],
        "protocol": prepared.protocol,
        "max_retries": prepared.policy.max_retries,
        "timeout": prepared.limits.idle_timeout,
        "max_time": args.max_time,
        "change": dump(prepared.change),
        "meta": {"summarised": prepared.assembled.summarised, "masked": prepared.assembled.masked, "guidance": prepared.assembled.guidance},
        "output": None,
    }
    label = "review" + (" (adversarial)" if args.adversarial else "") + f" of {prepared.change.label}" + (f": {' '.join(args.focus)}" if args.focus else "")
    from ..store import Store

    job_id, conversation = launch(Store.open(), prepared.settings, spec, label, "\n\n".join(prepared.assembled.prompts), prepared.plain_system, prepared.model, prepared.protocol)
    announce(job_id, conversation, args.format == "json")
    return 0


def review_job(spec: dict[str, Any], settings: Any, observer: Any) -> tuple[str, dict[str, Any]]:
    """The background worker's review: the same calls, the JSON report as the job's result."""
    from ..protocols.guard import Limits
    from ..protocols.retry import RetryPolicy
    from ..request import ChatRequest
    from ..review.change import load
    from ..review.report import as_dict, as_json

    change = load(spec["change"])
    requests = [ChatRequest.from_json(r) for r in spec["requests"]]
    result, facts = run_review(settings, requests, spec["protocol"], RetryPolicy(max_retries=spec["max_retries"]), Limits(idle_timeout=spec["timeout"]), change, observer)
    doc = as_dict(result, change, {**spec["meta"], **facts, "conversation": spec.get("conversation")})
    return as_json(doc).rstrip("\n"), doc


def main(argv: list[str] | None = None) -> int:
    return run(argv)


__all__ = ["json", "main", "review_job", "run_review"]
