"""What every command shares: one-line errors, warnings, the network options, a fast exit."""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn

from .. import __version__
from ..errors import SERVICE
from ..redact import scrub
from ..untrusted import for_terminal

DEFAULT_TIMEOUT = 120.0
ENVIRONMENT = """environment: RUNAPI_TOKEN or RUNAPI_API_KEY (the RunAPI key; RUNAPI_BASE_URL to send it
  elsewhere on purpose), or OPENAI_API_KEY together with OPENAI_BASE_URL=https://runapi.ai/v1;
  KIMI_MAX_RETRIES (default 3); HTTPS_PROXY/NO_PROXY; KIMI_SKILL_HOME (store folder);
  KIMI_SKILL_NO_STORE=1 (keep no history). See references/cli.md."""


def positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError(text)
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


positive_int.__name__ = "positive whole number"
positive_float.__name__ = "positive number"


def network_options(parser: argparse.ArgumentParser) -> None:
    net = parser.add_argument_group("network")
    net.add_argument("--max-retries", type=int, metavar="N", help="retries on 429/5xx/connection errors (default 3, or KIMI_MAX_RETRIES)")
    net.add_argument("--timeout", type=positive_float, default=DEFAULT_TIMEOUT, metavar="SECONDS", help="longest wait for the next bytes of the answer, keep-alives not counted (default 120)")
    net.add_argument("--max-time", type=positive_float, metavar="SECONDS", help="deadline for the whole call, retries included (default none)")
    net.add_argument("--debug", action="store_true", help="log requests and responses on stderr, key masked")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")


def say(kind: str, message: str) -> None:
    """One ``kind: message`` line on stderr: key masked, escapes shown, never raising."""
    try:
        sys.stderr.write(f"{kind}: {for_terminal(scrub(message))}\n")
        sys.stderr.flush()
    except (OSError, RuntimeError, ValueError):
        pass


def fail(message: str, code: int) -> int:
    say("error", message)
    return code


def warn(message: str) -> None:
    say("warning", message)


def internal(exc: BaseException, debug: bool) -> int:
    if debug:
        import traceback

        sys.stderr.write(for_terminal(scrub("".join(traceback.format_exception(exc)))))
    return fail(f"unexpected failure ({type(exc).__name__}); rerun with --debug and report it", SERVICE)


def silence_stdout() -> None:
    """The reader went away (``| head``): stop quietly, without a second error at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def exit_now(code: int) -> NoReturn:
    """End the process without interpreter teardown.

    Unloading the OpenAI SDK's modules and models takes about 0.1 s after the answer is out,
    on every call an agent makes; nothing of ours needs teardown (no atexit work; the store's
    writes are committed before this; stdout and stderr are flushed here).
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (ValueError, OSError, RuntimeError):  # closed, broken, or a signal landed mid-write (reentrant call)
            pass
    os._exit(code)
