"""Command lines of ``chat``, ``stream`` and ``models``: arguments in, one exit code out.

Everything a user can get wrong ends here as one ``error:`` line on stderr and a documented
exit code (``references/cli.md``); no traceback reaches the terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import NoReturn

from . import __version__
from .args import OneLineParser
from .config import DEFAULT_MODEL, Settings, load_settings
from .debug import DebugLog
from .errors import INTERRUPTED, KimiError, RequestRefused, StreamBroken
from .events import ChatRequest, Event
from .output import Mode, Renderer
from .prompt import DEFAULT_MAX_INPUT_BYTES, read_prompt
from .redact import scrub
from .retry import RetryPolicy, policy_from

PROTOCOLS = ("openai", "anthropic", "gemini")
DEFAULT_TIMEOUT = 120.0
EXIT_CODES = """exit codes: 0 ok, 2 usage error, 3 configuration error (key, base URL),
  4 the API refused the request (key, model, request), 5 the service failed or
  could not be reached, 130 interrupted. Errors are one 'error:' line on stderr."""
ENVIRONMENT = """environment: RUNAPI_TOKEN (the RunAPI key), or OPENAI_API_KEY together with
  OPENAI_BASE_URL=https://runapi.ai/v1; KIMI_MAX_RETRIES (default 3)."""

Caller = Callable[[Settings, ChatRequest, RetryPolicy, float, "DebugLog | None"], Iterator[Event]]


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError(text)
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


_positive_int.__name__ = "positive whole number"
_positive_float.__name__ = "positive number"


def _network_options(parser: argparse.ArgumentParser) -> None:
    net = parser.add_argument_group("network")
    net.add_argument("--max-retries", type=int, metavar="N", help="retries on 429/5xx/connection errors (default 3, or KIMI_MAX_RETRIES)")
    net.add_argument("--timeout", type=_positive_float, default=DEFAULT_TIMEOUT, metavar="SECONDS", help="longest wait for the next bytes (default 120)")
    net.add_argument("--debug", action="store_true", help="log requests and responses on stderr, key masked")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")


def chat_parser(streaming: bool) -> argparse.ArgumentParser:
    name = "stream.py" if streaming else "chat.py"
    what = (
        "Stream a Kimi answer to stdout as it is generated (use for long answers)."
        if streaming
        else "Ask Kimi once and print the whole answer on stdout."
    )
    parser = OneLineParser(
        prog=name,
        description=what,
        epilog=f"{ENVIRONMENT}\n{EXIT_CODES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("prompt", nargs="*", help="the prompt; '-' or nothing reads it from stdin")
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"model ID (default {DEFAULT_MODEL})")
    parser.add_argument("--system", metavar="TEXT", help="system prompt")
    parser.add_argument("--max-tokens", type=_positive_int, metavar="N", help="upper bound on generated tokens")
    parser.add_argument("--temperature", type=float, metavar="X", help="sampling temperature, 0 to 2")
    parser.add_argument("--protocol", choices=PROTOCOLS, default="openai", help="wire protocol (default openai)")
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print one JSON object: content, reasoning, model, finish_reason, usage, id")
    fmt.add_argument("--jsonl", action="store_true", help="print one JSON event per line: reasoning, content, usage, done")
    parser.add_argument("--usage", action="store_true", help="print token usage on stderr")
    parser.add_argument("--reasoning", action="store_true", help="print the model's reasoning on stderr, before the answer")
    parser.add_argument("--raw", action="store_true", help="do not escape terminal control characters in the answer")
    parser.add_argument("--max-input-bytes", type=_positive_int, default=DEFAULT_MAX_INPUT_BYTES, metavar="N", help="largest prompt accepted on stdin (default 2 MiB)")
    _network_options(parser)
    return parser


def _path(protocol: str, streaming: bool) -> Caller:
    """Import only the protocol asked for: the OpenAI SDK costs ~0.3 s the others never pay."""
    import importlib

    module = importlib.import_module(f".{protocol}_path", __package__)
    return module.stream if streaming else module.complete


def _with_model_list(error: RequestRefused, settings: Settings, timeout: float, model: str) -> str:
    """A 404 on a chat call is nearly always a mistyped model: say which ones exist."""
    try:
        from .listing import fetch_models, is_kimi

        ids = sorted(m["id"] for m in fetch_models(settings, RetryPolicy(max_retries=0), min(timeout, 10.0), None) if is_kimi(m["id"]))
    except KimiError:
        ids = []
    listed = ", ".join(ids) if ids else "run scripts/models.py to list them"
    return f"unknown model {model!r} ({error.message}); available Kimi models: {listed}"


def fail(message: str, code: int) -> int:
    try:
        sys.stderr.write(f"error: {scrub(message)}\n")
        sys.stderr.flush()
    except (BrokenPipeError, RuntimeError, ValueError, OSError):
        pass
    return code


def _internal(exc: BaseException, debug: bool) -> int:
    if debug:
        import traceback

        sys.stderr.write(scrub("".join(traceback.format_exception(exc))))
    return fail(f"unexpected failure ({type(exc).__name__}); rerun with --debug and report it", 5)


def _run_chat(argv: list[str] | None, streaming: bool) -> int:
    args = chat_parser(streaming).parse_args(argv)
    mode: Mode = "json" if args.json else "jsonl" if args.jsonl else "text"
    renderer = Renderer(
        sys.stdout,
        sys.stderr,
        mode=mode,
        show_reasoning=args.reasoning,
        show_usage=args.usage,
        safe_terminal=not args.raw and sys.stdout.isatty(),
        flush_each=streaming,
    )
    settings: Settings | None = None
    try:
        prompt = read_prompt(args.prompt, sys.stdin.buffer, sys.stdin.isatty(), args.max_input_bytes)
        policy = policy_from(args.max_retries, os.environ)
        settings = load_settings()
        request = ChatRequest(prompt, args.model, args.system, args.max_tokens, args.temperature)
        debug = DebugLog(sys.stderr) if args.debug else None
        caller = _path(args.protocol, streaming)
        with _interrupt_exits(renderer):
            for event in caller(settings, request, policy, args.timeout, debug):
                renderer.emit(event)
        renderer.finish()
        return 0
    except KimiError as exc:
        message = exc.message
        if isinstance(exc, StreamBroken):
            message = (
                f"the stream broke after {renderer.chars_out} characters of the answer (HTTP {exc.status}, {exc.detail})"
                + ("; the text so far is on stdout" if renderer.chars_out else "; try again")
            )
        elif isinstance(exc, RequestRefused) and exc.status == 404 and settings is not None:
            message = _with_model_list(exc, settings, args.timeout, args.model)
        renderer.fail(scrub(message), exc.exit_code)
        return fail(message, exc.exit_code)
    except KeyboardInterrupt:
        renderer.fail("interrupted", INTERRUPTED)
        return fail(f"interrupted after {renderer.chars_out} characters of the answer", INTERRUPTED)
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except Exception as exc:
        return _internal(exc, args.debug)


@contextlib.contextmanager
def _interrupt_exits(renderer: Renderer) -> Iterator[None]:
    """Ctrl-C during a request ends the process from the signal handler itself.

    Letting KeyboardInterrupt unwind through the HTTP stack can land inside a connection-pool
    lock and then block in its cleanup; exiting here keeps what was printed and never hangs.
    """

    def on_interrupt(signum: int, frame: object) -> None:
        try:
            renderer.fail("interrupted", INTERRUPTED)
        except (OSError, RuntimeError, ValueError):
            pass  # a write was under way: what was printed stays as it is
        fail(f"interrupted after {renderer.chars_out} characters of the answer", INTERRUPTED)
        exit_now(INTERRUPTED)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _silence_stdout() -> None:
    """The reader went away (``| head``): stop quietly, without a second error at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def chat_main(argv: list[str] | None = None) -> int:
    return _run_chat(argv, streaming=False)


def stream_main(argv: list[str] | None = None) -> int:
    return _run_chat(argv, streaming=True)


def exit_now(code: int) -> NoReturn:
    """End the process without interpreter teardown.

    Unloading the OpenAI SDK's modules and models takes about 0.1 s after the answer is out,
    on every call an agent makes; nothing of ours needs teardown (no atexit work, no files but
    stdout and stderr, which are flushed here).
    """
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError, OSError):
        pass
    try:
        sys.stderr.flush()
    except (BrokenPipeError, ValueError, OSError):
        pass
    os._exit(code)


def chat_entry() -> NoReturn:
    exit_now(chat_main())


def stream_entry() -> NoReturn:
    exit_now(stream_main())


def models_entry() -> NoReturn:
    exit_now(models_main())


def models_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="models.py",
        description="List the model IDs your RunAPI key can use (Kimi models unless --all).",
        epilog=f"{ENVIRONMENT}\n{EXIT_CODES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--all", action="store_true", help="list every model, not only Kimi models")
    parser.add_argument("--json", action="store_true", help="print the model objects as a JSON array")
    _network_options(parser)
    return parser


def models_main(argv: list[str] | None = None) -> int:
    args = models_parser().parse_args(argv)
    try:
        policy = policy_from(args.max_retries, os.environ)
        settings = load_settings()
        from .listing import fetch_models, is_kimi

        models = fetch_models(settings, policy, args.timeout, DebugLog(sys.stderr) if args.debug else None)
        chosen = models if args.all else [m for m in models if is_kimi(m["id"])]
        if args.json:
            sys.stdout.write(json.dumps(chosen, indent=2) + "\n")
        else:
            sys.stdout.write("".join(f"{m['id']}\n" for m in chosen))
        sys.stdout.flush()
        if not chosen:
            sys.stderr.write("note: the API lists no Kimi models for this key; --all shows every model\n")
        return 0
    except KimiError as exc:
        return fail(exc.message, exc.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted", INTERRUPTED)
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except Exception as exc:
        return _internal(exc, args.debug)

