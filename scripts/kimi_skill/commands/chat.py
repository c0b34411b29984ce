"""``chat.py`` and ``stream.py``: arguments in, one answer (or one background job) out.

The path of a call: :func:`prepare` turns the command line into a :class:`~kimi_skill.call.Plan`
(input composed, key and base URL checked, model facts applied, conversation history loaded),
then :func:`run` records the turn, executes the plan into the renderer, and ends with exactly one
exit code. Everything a user can get wrong ends as one ``error:`` line (``references/cli.md``).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from dataclasses import dataclass, field
from typing import Any

from .. import boundary, catalog
from ..args import OneLineParser
from ..call import Plan, execute
from ..compose import DEFAULT_MAX_INPUT_BYTES, Composed, compose, read_system_file
from ..config import load_settings
from ..debug import DebugLog
from ..errors import (
    INTERRUPTED,
    SERVICE,
    KimiError,
    OutputFailed,
    UsageError,
    exit_codes_epilog,
)
from ..explain import explain
from ..interrupts import abort_on_signals
from ..output import Mode, Renderer
from ..protocols import PROTOCOLS
from ..protocols.guard import Limits
from ..protocols.retry import RetryPolicy, policy_from
from ..request import ChatRequest, Message
from .common import ENVIRONMENT, exit_now, fail, internal, network_options, positive_int, silence_stdout, warn

SCHEMA_RETRIES = 1


def parser(streaming: bool) -> argparse.ArgumentParser:
    name = "stream.py" if streaming else "chat.py"
    what = (
        "Stream a Kimi answer to stdout as it is generated (use for long answers)."
        if streaming
        else "Ask Kimi once and print the whole answer on stdout."
    )
    p = OneLineParser(prog=name, description=what, epilog=f"{ENVIRONMENT}\n{exit_codes_epilog()}", formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("prompt", nargs="*", help="the prompt; '-' or nothing reads it from stdin; with an argument, piped stdin is added in a <stdin> block")
    p.add_argument("--model", help=f"model ID (default {catalog.DEFAULT_MODEL} or ${catalog.DEFAULT_ENV}, or the conversation's model)")
    system = p.add_mutually_exclusive_group()
    system.add_argument("--system", metavar="TEXT", help="system prompt")
    system.add_argument("--system-file", metavar="PATH", help="read the system prompt from a file")
    p.add_argument("--file", action="append", default=[], metavar="PATH", help="attach a UTF-8 text file in its own <file path=...> block (repeatable)")
    p.add_argument("--max-tokens", type=positive_int, metavar="N", help="upper bound on generated tokens, reasoning included (default 32768 for Kimi models)")
    p.add_argument("--temperature", type=float, metavar="X", help="sampling temperature, 0 to 2, for other models: every Kimi model fixes it, so it is not sent to them")
    p.add_argument("--thinking", choices=("on", "off"), help="switch reasoning on or off where the model allows it (kimi-k2.6/k2.5); kimi-k3 and kimi-k2.7-code always reason")
    p.add_argument("--protocol", choices=PROTOCOLS, default="openai", help="wire protocol: openai (Chat Completions, the default), responses (OpenAI Responses), anthropic or gemini")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print one JSON object: content, reasoning, model, finish_reason, truncated, usage, id, conversation, input")
    fmt.add_argument("--jsonl", action="store_true", help="print one JSON event per line: reasoning, content, usage, done")
    p.add_argument("--schema", metavar="SCHEMA", help="answer as JSON valid for this schema (a file, inline JSON, or 'name, age int, tags list'); prints only the JSON")
    p.add_argument("--schema-retries", type=int, default=SCHEMA_RETRIES, metavar="N", help="re-asks when the answer does not validate, 0 to 3 (default 1)")
    conv = p.add_mutually_exclusive_group()
    conv.add_argument("--continue", dest="continue_", action="store_true", help="continue the most recent conversation")
    conv.add_argument("--conversation", metavar="ID", help="continue this conversation (preferred by agents: IDs do not race)")
    p.add_argument("--include-incomplete", action="store_true", help="also send failed or interrupted earlier turns as context")
    p.add_argument("--no-store", action="store_true", help="record nothing of this call (also KIMI_SKILL_NO_STORE=1)")
    p.add_argument("--show-id", action="store_true", help="print 'conversation: ID' on stderr")
    p.add_argument("--output", metavar="FILE", help="write the answer to FILE (atomically); stdout gets one summary line")
    p.add_argument("--force", action="store_true", help="let --output replace an existing file")
    p.add_argument("--background", action="store_true", help="run as a background job and print its ID at once (see jobs.py)")
    p.add_argument("--usage", action="store_true", help="print token usage on stderr")
    p.add_argument("--reasoning", action="store_true", help="print the model's reasoning on stderr, before the answer")
    p.add_argument("--raw", action="store_true", help="do not escape terminal control characters in the answer")
    p.add_argument("--max-input-bytes", type=positive_int, default=DEFAULT_MAX_INPUT_BYTES, metavar="N", help="largest input accepted: prompt, stdin and files together (default 1 MiB)")
    network_options(p)
    return p


@dataclass
class Prepared:
    plan: Plan
    composed: Composed
    system: str | None  # as the user gave it (the store keeps this, not the schema instruction)
    store: Any = None  # kimi_skill.store.Store, when the call is recorded or continues one
    record: bool = False
    conversation_id: str | None = None
    output: Any = None  # outfile.Target, when --output was given
    notes: list[str] = field(default_factory=list)


def _check_args(args: argparse.Namespace) -> None:
    if args.temperature is not None and not 0 <= args.temperature <= 2:
        raise UsageError(f"--temperature must be between 0 and 2, not {args.temperature:g}")
    if not 0 <= args.schema_retries <= 3:
        raise UsageError(f"--schema-retries must be between 0 and 3, not {args.schema_retries}")
    if args.jsonl and args.schema:
        raise UsageError("--schema prints one JSON value; use --json (not --jsonl) for the whole object")
    if args.jsonl and (args.output or args.background):
        raise UsageError("--jsonl streams events to stdout; it cannot be combined with --output or --background")
    if args.force and not args.output:
        raise UsageError("--force only applies to --output")


def _open_store(args: argparse.Namespace) -> tuple[Any, bool]:
    from ..store import Store, disabled

    no_store = args.no_store or disabled()
    if args.background and no_store:
        raise UsageError("--background keeps the job in the store; it cannot be combined with --no-store / KIMI_SKILL_NO_STORE")
    if no_store and not (args.continue_ or args.conversation):
        return None, False
    return Store.open(), not no_store


def prepare(args: argparse.Namespace, streaming: bool, renderer: Renderer, stdin: Any = None) -> Prepared:
    """``stdin``: None reads the process's stdin as the command line does; an in-process caller
    (the MCP server, whose stdin is its protocol) passes False, and stdin is never touched."""
    _check_args(args)
    policy: RetryPolicy = policy_from(args.max_retries, os.environ)
    settings = load_settings()
    notes = list(settings.warnings)
    if stdin is False:
        import io

        composed = compose(args.prompt, io.BytesIO(), args.file, args.max_input_bytes, stdin_is_data=False)
    else:
        composed = compose(args.prompt, stdin or sys.stdin.buffer, args.file, args.max_input_bytes)
    notes += composed.notes
    system = read_system_file(args.system_file, args.max_input_bytes) if args.system_file else args.system
    schema = None
    if args.schema:
        from ..structured import load

        schema = load(args.schema)
    output = None
    if args.output:
        from ..outfile import check

        output = check(args.output, args.force)
    store, record = _open_store(args)
    conversation_id = None
    history: list[Message] = []
    model = args.model
    if store is not None and (args.continue_ or args.conversation):
        from ..store import conversations

        if args.conversation:
            conversation_id = store.run(conversations.resolve, "conversations", args.conversation, "conversation")
        else:
            conversation_id = store.run(conversations.latest)
            if conversation_id is None:
                raise UsageError("--continue: there is no earlier conversation in the store; start one without --continue")
        earlier = store.run(conversations.get, conversation_id)
        history = store.run(conversations.history, conversation_id, args.include_incomplete)
        model = model or earlier["model"]
        if system is None and not args.system_file:
            system = earlier["system"]
    model = model or catalog.default_model()[0]
    options = boundary.resolve(
        model, thinking=None if args.thinking is None else args.thinking == "on", temperature=args.temperature,
        max_tokens=args.max_tokens, schema=schema is not None, show_reasoning=args.reasoning,
    )
    notes += options.notes
    boundary.check_context(model, len((system or "").encode()) + sum(len(m.text.encode()) for m in history) + len(composed.text.encode()), options.max_tokens)
    sent_system = system
    if schema is not None:
        from ..structured import instruction

        sent_system = f"{system}\n\n{instruction(schema)}" if system else instruction(schema)
    request = ChatRequest((*history, Message("user", composed.text)), model, sent_system, options.max_tokens, options.temperature, options.thinking, options.json_mode)
    plan = Plan(
        settings, request, args.protocol, streaming or args.background, policy, Limits(idle_timeout=args.timeout),
        schema, args.schema_retries, DebugLog(sys.stderr) if args.debug else None,
    )
    return Prepared(plan, composed, system, store, record, conversation_id, output, notes)


class Call:
    """The state a call needs to end well from anywhere: the normal path, an error, a signal."""

    def __init__(self, args: argparse.Namespace, streaming: bool) -> None:
        self.args = args
        mode: Mode = "json" if args.json else "jsonl" if args.jsonl else "text"
        self.renderer = Renderer(
            sys.stdout, sys.stderr, mode=mode, show_reasoning=args.reasoning, show_usage=args.usage,
            safe_terminal=not args.raw and sys.stdout.isatty(), flush_each=streaming, hold=bool(args.schema),
        )
        self.prepared: Prepared | None = None
        self.turn: Any = None
        self.sink: Any = None

    def record(self, status: str, error: str | None, code: int) -> None:
        prepared, renderer = self.prepared, self.renderer
        if prepared is None or self.turn is None:
            return
        from ..store import conversations

        usage, done = renderer.usage, renderer.done
        end = conversations.TurnEnd(
            status, renderer.text, "".join(renderer.reasoning) or None, done.model if done else None,
            usage.prompt_tokens if usage else None, usage.completion_tokens if usage else None, usage.total_tokens if usage else None,
            done.finish_reason if done else None, error, code,
        )
        try:
            prepared.store.run(conversations.finish, self.turn, end)
        except KimiError as exc:
            warn(f"the turn could not be recorded: {exc.message}")
        self.turn = None

    def keep_partial(self, message: str) -> str:
        if self.sink is None:
            return message
        partial = self.sink.keep_partial()
        self.sink = None
        return f"{message}; the text so far is in {partial}" if partial else message

    def abort(self, message: str, code: int) -> None:
        """From a signal handler: keep what arrived, record it, print one line, exit."""
        message = self.keep_partial(message)
        try:
            self.renderer.fail(message, code)
        except (OSError, RuntimeError, ValueError):
            pass  # a write was under way: what was printed stays as it is
        self.record("incomplete", message, code)
        fail(message, code)
        exit_now(code)

    def so_far(self) -> str:
        return f"after {self.renderer.chars_out} characters of the answer"



def _begin_turn(call: Any, prepared: Any, renderer: Any) -> None:
    """Record the turn before anything is sent (so a failure still has a conversation to name)
    and tell the renderer what went in."""
    if prepared.record:
        from ..store import conversations

        composed = prepared.composed
        call.turn = prepared.store.run(
            conversations.begin, prepared.conversation_id, composed.prompt, composed.text, prepared.system,
            prepared.plan.request.model, prepared.plan.protocol, composed.attachments,
        )
        renderer.extra["conversation"] = call.turn.conversation_id
    renderer.extra["input"] = prepared.composed.report()

def run(argv: list[str] | None, streaming: bool) -> int:
    args = parser(streaming).parse_args(argv)
    call = Call(args, streaming)
    renderer = call.renderer
    try:
        prepared = call.prepared = prepare(args, streaming, renderer)
        for note in prepared.notes:
            warn(note)
        plan = prepared.plan
        if args.background:
            from ..background import start

            return start(prepared, args)
        _begin_turn(call, prepared, renderer)
        if prepared.output is not None:
            from ..outfile import OutputFile

            call.sink = renderer.sink = OutputFile(prepared.output)
        handlers = {
            signal.SIGINT: lambda: (f"interrupted {call.so_far()}", INTERRUPTED),
            signal.SIGALRM: lambda: (f"the call went past --max-time {args.max_time:g} s {call.so_far()}", SERVICE),
        }
        with abort_on_signals(handlers, call.abort, args.max_time):
            value = execute(plan, renderer)
        _finish(call, value)
        call.record("complete", None, 0)
        _closing_lines(call)
        return 0
    except KimiError as exc:
        message = explain(exc, call.prepared.plan if call.prepared else None, renderer, call.sink is not None)
        message = call.keep_partial(message)
        try:
            renderer.fail(message, exc.exit_code)
        except (OSError, ValueError):
            pass
        call.record("incomplete", message, exc.exit_code)
        _conversation_line(call)
        return fail(message, exc.exit_code)
    except BrokenPipeError:
        silence_stdout()
        call.record("incomplete", "stdout was closed", 0)
        return 0
    except OSError as exc:
        message = f"could not write the answer to stdout ({exc.strerror or type(exc).__name__})"
        call.record("incomplete", message, OutputFailed.exit_code)
        return fail(message, OutputFailed.exit_code)
    except ModuleNotFoundError as exc:
        from ..deps import missing

        message = missing(exc, "stream.py" if streaming else "chat.py")
        call.record("incomplete", message, 3)  # every recorded turn ends, complete or not
        _conversation_line(call)
        return fail(message, 3)
    except Exception as exc:
        call.record("incomplete", f"unexpected failure ({type(exc).__name__})", SERVICE)
        _conversation_line(call)
        return internal(exc, args.debug)


def _finish(call: Call, value: Any) -> None:
    renderer, sink, args = call.renderer, call.sink, call.args
    shown: str | None = None
    if call.prepared and call.prepared.plan.schema is not None:
        from ..untrusted import compact

        renderer.extra["data"] = value
        shown = compact(value)
        if sink is not None:
            sink.replace_with(shown + "\n")
    if sink is not None:
        sink.commit()
        call.sink = None
        renderer.extra["output"] = {"path": str(sink.target), "bytes": sink.bytes}
        usage = renderer.usage
        tokens = f"{usage.completion_tokens} tokens" if usage and usage.completion_tokens is not None else "tokens unknown"
        done = renderer.done
        shown = f"wrote {sink.target} ({sink.bytes} bytes, {tokens}, finish_reason {done.finish_reason if done else None})"
    if args.json or args.jsonl:
        shown = None
    renderer.finish(shown)


def _closing_lines(call: Call) -> None:
    renderer = call.renderer
    if renderer.truncated and call.prepared:
        from ..call import cut_at

        warn(
            f"the answer was cut at {cut_at(renderer, call.prepared.plan.request)} (finish_reason length), so it is incomplete; "
            + boundary.budget_advice(call.prepared.plan.request.model)
        )
    _conversation_line(call)


def _conversation_line(call: Call) -> None:
    """``--show-id``/``--usage``: the conversation id whenever a turn was recorded, failed
    calls included, so an agent can follow up on exactly that conversation."""
    args = call.args
    conversation = call.renderer.extra.get("conversation")
    if conversation and (args.show_id or args.usage) and not (args.json or args.jsonl):
        sys.stderr.write(f"conversation: {conversation}\n")
        sys.stderr.flush()


class Cancelled(KimiError):
    """An in-process caller (the MCP server) withdrew the call."""

    exit_code = INTERRUPTED


def answer(options: dict[str, Any], cancelled: Any = None, progress: Any = None) -> dict[str, Any]:
    """One call in-process, for the MCP server: the options of chat.py as a dict (``prompt``,
    ``file``, ``system``, ``conversation``, ``continue_``, ``model``, ``schema``, ``thinking``,
    ``max_tokens``, ``background``, ``protocol``, ...), the result as chat.py --json's object.
    Nothing is read from stdin or written to stdout. ``cancelled()`` is asked at each piece of
    the stream; ``progress(chars)`` hears how much has arrived. Errors come back in ``error``
    and ``exit_code``, exactly as --json puts them."""
    import io
    import json as _json

    args = parser(False).parse_args([])
    for key, value in options.items():
        setattr(args, key, value)
    args.json = True
    args.prompt = [args.prompt] if isinstance(args.prompt, str) else list(args.prompt or [])
    out, err = io.StringIO(), io.StringIO()
    seen = [0]

    def observe(kind: str, text: str) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled("cancelled by the client")
        if kind == "content":
            seen[0] += len(text)
            if progress is not None:
                progress(seen[0])

    renderer = Renderer(out, err, mode="json", hold=True, observer=observe)
    call = Call(args, False)
    call.renderer = renderer
    notes: list[str] = []
    try:
        prepared = call.prepared = prepare(args, False, renderer, stdin=False)
        notes = prepared.notes
        plan = prepared.plan
        plan.streaming = True  # so a cancel is seen between pieces, not after the whole answer
        if args.background:
            from ..background import launch, spec_of

            composed = prepared.composed
            job_id, conversation = launch(
                prepared.store, plan.settings, spec_of(prepared, args), composed.prompt, composed.text, prepared.system,
                plan.request.model, plan.protocol, composed.attachments, prepared.conversation_id,
            )
            return {"job": job_id, "conversation": conversation, "status": "running", "warnings": notes}
        _begin_turn(call, prepared, renderer)
        value = execute(plan, renderer)
        _finish(call, value)
        call.record("complete", None, 0)
    except KimiError as exc:
        message = explain(exc, call.prepared.plan if call.prepared else None, renderer, False)
        try:
            renderer.fail(message, exc.exit_code)
        except (OSError, ValueError):
            pass
        call.record("incomplete", message, exc.exit_code)
        if not out.getvalue().strip():
            out.write(_json.dumps({"error": message, "exit_code": exc.exit_code, "conversation": renderer.extra.get("conversation")}))
    except ModuleNotFoundError as exc:
        from ..deps import missing

        message = missing(exc, "the MCP server")
        call.record("incomplete", message, 3)
        return {"error": message, "exit_code": 3}
    result: dict[str, Any] = _json.loads(out.getvalue())
    if notes:
        result["warnings"] = notes
    return result


def chat_main(argv: list[str] | None = None) -> int:
    return run(argv, streaming=False)


def stream_main(argv: list[str] | None = None) -> int:
    return run(argv, streaming=True)
