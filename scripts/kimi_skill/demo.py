"""``make demo``: run the three scripts against the local emulator, as an agent would, no key needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .emulator import EMULATOR_KEY, Emulator

SCRIPTS = Path(__file__).resolve().parents[1]
STEPS = [
    ["models.py"],
    ["chat.py", "--usage", "Explain a race condition in one sentence."],
    ["stream.py", "--reasoning", "Write a two-line changelog."],
    ["chat.py", "--protocol", "anthropic", "Say hello over the Anthropic protocol."],
    ["stream.py", "--protocol", "gemini", "--json", "Say hello over the Gemini protocol."],
]


def main() -> int:
    with Emulator() as emulator:
        env = dict(os.environ, RUNAPI_TOKEN=EMULATOR_KEY, OPENAI_BASE_URL=emulator.base_url)
        env.pop("OPENAI_API_KEY", None)
        print(f"# LOCAL EMULATOR at {emulator.base_url}: no real API is called, no key is used.")
        print("# The emulated model echoes your prompt; kimi-k2.6 reasons first.\n", flush=True)
        worst = 0
        for step in STEPS:
            print(f"$ python3 scripts/{' '.join(_quote(a) for a in step)}", flush=True)
            code = subprocess.run([sys.executable, str(SCRIPTS / step[0]), *step[1:]], env=env, stdin=subprocess.DEVNULL).returncode
            print(f"(exit {code})\n", flush=True)
            worst = max(worst, code)
    print("# For real: export RUNAPI_TOKEN from your secret store, then run the same commands.")
    return worst


def _quote(arg: str) -> str:
    return f'"{arg}"' if " " in arg else arg


if __name__ == "__main__":
    sys.exit(main())
