"""``make demo``: run the three scripts against the local emulator, as an agent would, no key needed."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .emulator import EMULATOR_KEY, Emulator

SCRIPTS = Path(__file__).resolve().parents[1]
STEPS = [
    ["models.py"],
    ["chat.py", "--show-id", "Explain a race condition in one sentence."],
    ["chat.py", "--continue", "Now give an example."],
    ["stream.py", "--reasoning", "--file", "notes.txt", "Summarise this file."],
    ["chat.py", "--schema", "name, year int, tags list", "Describe Python as data."],
    ["chat.py", "--protocol", "anthropic", "--thinking", "off", "Say hello over the Anthropic protocol."],
    ["stream.py", "--protocol", "gemini", "--json", "Say hello over the Gemini protocol."],
    ["history.py", "list"],
]


def main() -> int:
    with Emulator() as emulator, tempfile.TemporaryDirectory() as home:
        return _steps(emulator.base_url, home)


def _steps(base_url: str, home: str) -> int:
    """Each step as an agent would run it, with a throwaway conversation store and file."""
    env = dict(os.environ, RUNAPI_TOKEN=EMULATOR_KEY, OPENAI_BASE_URL=base_url, KIMI_SKILL_HOME=home)
    env.pop("OPENAI_API_KEY", None)
    Path(home, "notes.txt").write_text("Release 2.1: faster start-up.\nRelease 2.2: retries on 429.\n")
    print(f"# LOCAL EMULATOR at {base_url}: no real API is called, no key is used.")
    print("# The emulated model echoes your prompt; Kimi models reason first.\n", flush=True)
    worst = 0
    for step in STEPS:
        shown, argv = _command(step)
        print(f"$ {' '.join(_quote(a) for a in shown)}", flush=True)
        code = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, cwd=home).returncode
        print(f"(exit {code})\n", flush=True)
        worst = max(worst, code)
    print("# For real: export RUNAPI_TOKEN from your secret store, then run the same commands.")
    return worst


def _command(step: list[str]) -> tuple[list[str], list[str]]:
    """From a checkout the scripts run as an agent runs them; from a pip install, as commands."""
    script, rest = step[0], step[1:]
    if (SCRIPTS / script).is_file():
        return ["python3", f"scripts/{script}", *rest], [sys.executable, str(SCRIPTS / script), *rest]
    name = script.removesuffix(".py")
    return [f"kimi-skill-{name}", *rest], [sys.executable, "-c", f"from kimi_skill.entry import {name}; {name}()", *rest]


def _quote(arg: str) -> str:
    return f'"{arg}"' if " " in arg else arg


if __name__ == "__main__":
    sys.exit(main())
