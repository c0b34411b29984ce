"""Call the Kimi models through the RunAPI gateway, from an agent's tool call or a shell.

The package is importable from the skill folder (``scripts/`` is on ``sys.path`` when a script
in it runs) and after ``pip install``; nothing here imports a network library at import time so
that ``--help`` and validation stay fast.
"""

import os as _os
import sys as _sys

__version__ = "0.2.0"


def _our_command() -> bool:
    """Whether this process is one of our commands (an entry script or a ``kimi-skill-*``
    console script); the emulator and the MCP server handle Ctrl-C themselves, and importing the
    package as a library changes nothing."""
    path = _sys.argv[0] if _sys.argv else ""
    name = _os.path.basename(path)
    if name.startswith("kimi-skill-"):
        return name not in ("kimi-skill-emulator", "kimi-skill-mcp")
    if not name.endswith(".py") or name == "mcp_server.py":
        return False
    scripts = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
    return _os.path.dirname(_os.path.abspath(path)) == scripts


def _quiet_interrupts() -> None:
    """Ctrl-C during start-up is one ``error: interrupted`` line and exit 130, not a traceback.

    Each entry script installs the same handler in its first statement; a console script's first
    statement is the import of this package, so the handler is in place before any of our other
    imports run (``entry.protect`` installs the full one a moment later).
    """
    import _signal  # the built-in module: `signal` itself takes milliseconds to import

    def interrupted(signum: int, frame: object) -> None:
        _os.write(2, b"error: interrupted\n")
        _os._exit(130)

    try:
        _signal.signal(_signal.SIGINT, interrupted)
    except ValueError:  # not the main thread: not a command's start-up
        pass


def _skip_httpx_cli() -> None:
    """httpx imports its own command-line client (click, rich, pygments) whenever those happen
    to be installed: 70 ms of every model listing on such a machine, for a CLI we never run. A
    None entry makes that optional import fail at once, and httpx falls back to its stub."""
    _sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


if _our_command():
    _quiet_interrupts()
    _skip_httpx_cli()
