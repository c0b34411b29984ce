#!/usr/bin/env python3
"""batch.py against the emulator: pace under a rate limit, speed without one, memory.

    python3 bench/batch.py [--items 10000] [--rpm 6000] [--concurrency 16] [--memory-items 100000]

The emulator runs in a process of its own (``python3 -m kimi_skill.emulator``), so it does not
share the client's interpreter. Figures and budgets:

1. ``--items`` items against the emulator limited to ``--rpm``: wall time against the limit's
   ideal (items / rpm minutes; budget 1.2x) and the share of requests answered 429 (budget 5 %).
2. Without a limit: items/s of batch.py against a bare asyncio loop (``AsyncOpenAI``, the same
   concurrency, nothing else); budget 0.7x.
3. Peak RSS of batch.py over ``--memory-items`` items (budget 150 MiB).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY = "emulator-local-key"


def start_emulator(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "kimi_skill.emulator", "--no-record", *args], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")})
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def stats(base: str) -> dict[str, int]:
    with urllib.request.urlopen(base.removesuffix("/v1") + "/_emulator/stats") as response:
        return json.loads(response.read())


def write_input(path: Path, count: int) -> None:
    with path.open("w") as out:
        for n in range(count):
            out.write(json.dumps({"custom_id": f"item-{n}", "prompt": f"Summarise item {n}."}) + "\n")


def run_batch(base: str, source: Path, output: Path, home: Path, *extra: str) -> tuple[float, float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNAPI_", "OPENAI_"))}
    env.update(RUNAPI_TOKEN=KEY, OPENAI_BASE_URL=base, KIMI_SKILL_HOME=str(home))
    start = time.perf_counter()
    child = subprocess.run([sys.executable, str(ROOT / "scripts" / "batch.py"), "run", str(source), "--output", str(output), *extra],
                           env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        raise SystemExit(f"batch.py failed ({child.returncode}): {child.stderr.strip()[-400:]}")
    return took, usage.ru_maxrss / 1024, child.stdout.strip()


async def bare_loop(base: str, count: int, concurrency: int) -> float:
    import openai

    client = openai.AsyncOpenAI(api_key=KEY, base_url=base, max_retries=0)
    gate = asyncio.Semaphore(concurrency)

    async def one(n: int) -> None:
        async with gate:
            await client.chat.completions.create(model="kimi-k3", messages=[{"role": "user", "content": f"Summarise item {n}."}])

    start = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(count)))
    took = time.perf_counter() - start
    await client.close()
    return took


def verdict(ok: bool) -> str:
    return "within budget" if ok else "OVER BUDGET"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--rpm", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--memory-items", type=int, default=100000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "items.jsonl"
        write_input(source, args.items)

        proc, base = start_emulator("--rpm", str(args.rpm))
        try:
            took, _, _ = run_batch(base, source, folder / "limited.jsonl", folder / "home1", "--concurrency", str(args.concurrency))
            seen = stats(base)
        finally:
            proc.terminate()
        ideal = args.items / args.rpm * 60
        share = seen["refused"] / max(1, seen["posts"])
        print(f"{args.items} items, emulator limited to {args.rpm} rpm (no --rpm given): {took:.1f} s, ideal {ideal:.1f} s = {took / ideal:.2f}x; budget 1.2x: {verdict(took / ideal <= 1.2)}")
        print(f"  429 answers: {seen['refused']} of {seen['posts']} requests = {100 * share:.2f} %; budget 5 %: {verdict(share < 0.05)}")

        proc, base = start_emulator("--rpm", str(args.rpm))
        try:
            took, _, _ = run_batch(base, source, folder / "capped.jsonl", folder / "home2", "--concurrency", str(args.concurrency), "--rpm", str(args.rpm))
            seen = stats(base)
        finally:
            proc.terminate()
        print(f"  with --rpm {args.rpm}: {took:.1f} s = {took / ideal:.2f}x the ideal, {seen['refused']} 429s of {seen['posts']} requests")

        proc, base = start_emulator()
        try:
            bare = asyncio.run(bare_loop(base, args.items, args.concurrency))
            took, _, _ = run_batch(base, source, folder / "free.jsonl", folder / "home3", "--concurrency", str(args.concurrency))
        finally:
            proc.terminate()
        ours, theirs = args.items / took, args.items / bare
        print(f"no limit, concurrency {args.concurrency}: batch.py {ours:.0f} items/s (process start included), bare AsyncOpenAI loop {theirs:.0f} items/s = {ours / theirs:.2f}x; budget 0.7x: {verdict(ours / theirs >= 0.7)}")

        if args.memory_items:
            big = folder / "many.jsonl"
            write_input(big, args.memory_items)
            proc, base = start_emulator()
            try:
                took, peak, _ = run_batch(base, big, folder / "many-out.jsonl", folder / "home4", "--concurrency", str(args.concurrency))
            finally:
                proc.terminate()
            print(f"{args.memory_items} items: {took:.1f} s, peak RSS of batch.py {peak:.1f} MiB; budget 150 MiB: {verdict(peak < 150)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
