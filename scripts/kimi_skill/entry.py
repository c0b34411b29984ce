"""What every ``scripts/*.py`` runs first, before anything can go wrong.

:func:`protect` makes Ctrl-C during start-up (imports take a few hundred milliseconds) one line
and exit 130 instead of a ``KeyboardInterrupt`` traceback, and turns anything uncaught into one
line: a missing third-party package names itself and the fix (exit 3), a bug of ours says so
(exit 5, the traceback only with ``--debug``). The console scripts of ``pip install`` call the
functions at the bottom, which do the same.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
from types import TracebackType
from typing import NoReturn


def _interrupted(signum: int, frame: object) -> None:
    os.write(2, b"error: interrupted\n")
    os._exit(130)


def protect(script: str) -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _interrupted)

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, ModuleNotFoundError):
            from .deps import missing

            os.write(2, f"error: {missing(exc, script)}\n".encode())
            os._exit(3)
        if isinstance(exc, KeyboardInterrupt):
            _interrupted(signal.SIGINT, None)
        from .commands.common import internal

        finish(internal(exc, "--debug" in sys.argv))

    sys.excepthook = hook


def finish(code: int) -> NoReturn:
    from .commands.common import exit_now

    exit_now(code)


def _console(name: str, module: str, function: str = "main") -> NoReturn:
    """An installed command (``kimi-skill-<name>``): usage lines and errors name the command."""
    from . import args

    args.COMMAND = f"kimi-skill-{name}"
    protect(f"{name}.py")
    finish(getattr(importlib.import_module(module, __package__), function)())


def chat() -> NoReturn:
    _console("chat", ".commands.chat", "chat_main")


def stream() -> NoReturn:
    _console("stream", ".commands.chat", "stream_main")


def models() -> NoReturn:
    _console("models", ".commands.models")


def history() -> NoReturn:
    _console("history", ".commands.history")


def jobs() -> NoReturn:
    _console("jobs", ".commands.jobs")


def doctor() -> NoReturn:
    _console("doctor", ".commands.doctor")


def review() -> NoReturn:
    _console("review", ".commands.review")


def batch() -> NoReturn:
    _console("batch", ".commands.batch")


def mcp() -> NoReturn:
    _console("mcp", ".commands.mcp_server")


def validate() -> NoReturn:
    _console("validate", ".validator.cli")


def package() -> NoReturn:
    _console("package", ".bundle")
