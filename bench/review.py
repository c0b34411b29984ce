#!/usr/bin/env python3
"""review.py's own work: reading and assembling a 5,000-line change (budget 300 ms).

    python3 bench/review.py [--runs N]

Two shapes of change in a fresh repository: one new 5,000-line file, and 5,000 changed lines
(2,500 added, 2,500 removed) spread over 50 tracked files of 400 lines. Each figure is the median of N runs of
``collect`` + ``assemble`` (git calls, parsing, context, key masking, packing) in one process,
then review.py end to end against the emulator (interpreter start and the call included).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT / "scripts"))

from kimi_skill.emulator import Emulator  # noqa: E402
from kimi_skill.review.assemble import assemble  # noqa: E402
from kimi_skill.review.change import collect  # noqa: E402


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def make_repo(folder: Path, shape: str) -> None:
    git(folder, "init", "-q")
    git(folder, "config", "user.email", "b@example.org")
    git(folder, "config", "user.name", "bench")
    if shape == "spread":
        for index in range(50):
            (folder / f"mod_{index:02d}.py").write_text("".join(f"def f_{n}(x):\n    return x + {n}\n" for n in range(200)))
    (folder / "README.md").write_text("bench\n")
    git(folder, "add", ".")
    git(folder, "commit", "-qm", "start")
    if shape == "spread":
        for index in range(50):
            (folder / f"mod_{index:02d}.py").write_text("".join(f"def f_{n}(x):\n    return x {'*' if n % 4 == 0 else '+'} {n}\n" for n in range(200)))
    else:
        (folder / "big.py").write_text("".join(f"value_{n} = compute({n})\n" for n in range(5000)))


def median_ms(folder: Path, runs: int) -> tuple[float, int, int]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        change = collect(str(folder), "uncommitted")
        built = assemble(change, "", False, "kimi-k3", None)
        times.append((time.perf_counter() - start) * 1000)
    lines = sum(f.added + f.deleted for f in change.files)
    return statistics.median(times), lines, len(built.prompts)


def end_to_end(folder: Path, base: str, runs: int) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNAPI_", "OPENAI_"))}
    env.update(RUNAPI_TOKEN="emulator-local-key", OPENAI_BASE_URL=base, KIMI_SKILL_NO_STORE="1")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "scripts" / "review.py"), "--repo", str(folder)], env=env, capture_output=True, check=False)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Emulator() as emu:
        for shape in ("new-file", "spread"):
            folder = Path(tmp) / shape
            folder.mkdir()
            make_repo(folder, shape)
            took, lines, parts = median_ms(folder, args.runs)
            verdict = "within budget" if took < 300 else "OVER BUDGET"
            print(f"review assembly, {shape:8s} {lines:5d} changed lines, {parts} request(s): {took:6.1f} ms   budget 300 ms: {verdict}")
            print(f"  review.py end to end (emulator, no store)              {end_to_end(folder, emu.base_url, 3):6.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
