#!/usr/bin/env python3
"""The MCP server against the emulator: its own overhead per ask, and 20 asks against 20 chat.py runs.

    python3 bench/mcp_bench.py [--asks 20]

1. Overhead: the median round trip of an ``ask`` through a warm server (the SDK's stdio client,
   one session) less the median of the same request sent straight to the emulator with the
   OpenAI SDK from a warm process (budget 20 ms).
2. ``--asks`` sequential asks over one session (server start-up included) against as many
   ``chat.py`` runs (budget 0.3x).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]  # bench/secrets.py is not the stdlib's
sys.path.insert(0, str(ROOT / "scripts"))

from kimi_skill.emulator import Emulator  # noqa: E402

KEY = "emulator-local-key"


def env_for(base: str, home: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNAPI_", "OPENAI_"))}
    env.update(RUNAPI_TOKEN=KEY, OPENAI_BASE_URL=base, KIMI_SKILL_HOME=home)
    return env


async def through_mcp(base: str, home: str, asks: int) -> tuple[float, list[float]]:
    from mcp import ClientSession, StdioServerParameters, stdio_client

    params = StdioServerParameters(command=sys.executable, args=[str(ROOT / "scripts" / "mcp_server.py")], env=env_for(base, home))
    start = time.perf_counter()
    each = []
    with open(os.devnull, "w") as err:
        async with stdio_client(params, errlog=err) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            for n in range(asks):
                began = time.perf_counter()
                result = await session.call_tool("ask", {"prompt": f"number {n}"})
                assert not result.is_error, result.content
                each.append(time.perf_counter() - began)
    return time.perf_counter() - start, each


def bare(base: str, runs: int) -> list[float]:
    import openai

    client = openai.OpenAI(api_key=KEY, base_url=base, max_retries=0)
    times = []
    for n in range(runs):
        began = time.perf_counter()
        client.chat.completions.create(model="kimi-k3", messages=[{"role": "user", "content": f"number {n}"}], stream=True, stream_options={"include_usage": True}).close()
        times.append(time.perf_counter() - began)
    return times


def chat_runs(base: str, home: str, runs: int) -> float:
    start = time.perf_counter()
    for n in range(runs):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "chat.py"), f"number {n}"], env=env_for(base, home), capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--asks", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home, Emulator(record=False) as emu:
        total, each = asyncio.run(through_mcp(emu.base_url, home, args.asks))
        direct = bare(emu.base_url, args.asks)
        served, straight = statistics.median(each[1:] or each), statistics.median(direct[1:] or direct)
        overhead = (served - straight) * 1000
        print(f"ask through a warm MCP server {served * 1000:6.1f} ms, the same request straight {straight * 1000:6.1f} ms: "
              f"overhead {overhead:.1f} ms; budget 20 ms: {'within budget' if overhead < 20 else 'OVER BUDGET'}")
        scripts = chat_runs(emu.base_url, home, args.asks)
        ratio = total / scripts
        print(f"{args.asks} asks over one session (start-up included) {total:.2f} s, {args.asks} chat.py runs {scripts:.2f} s = {ratio:.2f}x; "
              f"budget 0.3x: {'within budget' if ratio < 0.3 else 'OVER BUDGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
