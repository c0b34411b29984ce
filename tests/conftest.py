"""Fixtures: a live loopback emulator per test, and a runner that calls the scripts as an agent does."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# Tests never assert on timings, and hypothesis' per-example deadline is one: switch it off.
settings.register_profile("no-deadlines", deadline=None)
settings.load_profile("no-deadlines")

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))

from kimi_skill.emulator import Emulator  # noqa: E402

# Looks like a key, is not one: what the leak checks search every output for.
TEST_KEY = "rk-test-7Qm2xV9pL4sN8wZ1"


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.err.splitlines()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(key=TEST_KEY, stall_seconds=30) as emu:
        yield emu


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"RUNAPI_TOKEN", "OPENAI_API_KEY", "OPENAI_BASE_URL", "KIMI_MAX_RETRIES"}}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def run_script(name: str, *args: str, env: dict[str, str], stdin: bytes | None = None, timeout: float = 60) -> Result:
    proc = subprocess.run(
        [sys.executable, str(SCRIPTS / f"{name}.py"), *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=env,
        timeout=timeout,
        cwd=ROOT,
    )
    return Result(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


@pytest.fixture
def run(emulator: Emulator):
    """``run("chat", "hello")`` against the emulator, with the key in RUNAPI_TOKEN only."""

    def _run(name: str, *args: str, stdin: bytes | None = None, timeout: float = 60, **env: str) -> Result:
        merged = base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url)
        merged.update(env)
        return run_script(name, *args, env=merged, stdin=stdin, timeout=timeout)

    return _run


def assert_clean(result: Result) -> None:
    """The promises every run keeps: no traceback, at most one error line, the key nowhere."""
    assert "Traceback" not in result.err
    assert TEST_KEY not in result.out and TEST_KEY not in result.err
    errors = [line for line in result.lines if line.startswith("error:")]
    assert len(errors) <= 1
    if result.code not in (0,):
        assert errors, result.err


@pytest.fixture
def free_port() -> int:
    """A loopback port with nothing listening: connections to it are refused."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
