"""What every ``scripts/*.py`` runs first, before anything can go wrong.

Ctrl-C during start-up (imports take a few hundred milliseconds) exits with one line and 130
instead of a ``KeyboardInterrupt`` traceback, and a missing third-party package is one line
naming it and the fix (exit 3), whatever the script.
"""

from __future__ import annotations

import os
import signal
import sys
from importlib import import_module
from typing import NoReturn


def _interrupted(signum: int, frame: object) -> None:
    os.write(2, b"error: interrupted\n")
    os._exit(130)


def run(target: str, script: str) -> NoReturn:
    """``target`` is ``module:function``; the function returns the exit code."""
    if threading_main():
        signal.signal(signal.SIGINT, _interrupted)
    module, _, function = target.partition(":")
    code: int
    try:
        code = getattr(import_module(module), function)()
    except ModuleNotFoundError as exc:
        from .deps import missing

        sys.stderr.write(f"error: {missing(exc, script)}\n")
        code = 3
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except Exception as exc:  # a bug of ours: one line, and the traceback only with --debug
        from .commands.common import internal

        code = internal(exc, "--debug" in sys.argv)
    from .commands.common import exit_now

    exit_now(code)


def threading_main() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def chat() -> NoReturn:
    run("kimi_skill.commands.chat:chat_main", "chat.py")


def stream() -> NoReturn:
    run("kimi_skill.commands.chat:stream_main", "stream.py")


def models() -> NoReturn:
    run("kimi_skill.commands.models:main", "models.py")


def history() -> NoReturn:
    run("kimi_skill.commands.history:main", "history.py")


def jobs() -> NoReturn:
    run("kimi_skill.commands.jobs:main", "jobs.py")


def validate() -> NoReturn:
    run("kimi_skill.validator.cli:main", "validate.py")


def package() -> NoReturn:
    run("kimi_skill.bundle:main", "package.py")
