"""Fixtures: a live loopback emulator per test, and a runner that calls the scripts as an agent does."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import tempfile
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

# Every wire protocol: a behaviour the contract promises is tested on each.
PROTOCOLS = ["openai", "responses", "anthropic", "gemini"]

# Looks like a key, is not one: what the leak checks search every output for.
TEST_KEY = "rk-test-7Qm2xV9pL4sN8wZ1"  # skill-validate: allow no-inlined-key (a fake key the leak tests search for)


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


# What the environment may hold that would change a call: removed for every test run.
SCRUBBED = {
    "RUNAPI_TOKEN", "RUNAPI_API_KEY", "RUNAPI_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "KIMI_MAX_RETRIES",
    "KIMI_SKILL_HOME", "KIMI_SKILL_NO_STORE", "KIMI_SKILL_MODEL", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY",
    "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy",
}


# Never the user's own store or caches: a test that names no store of its own gets this one.
SESSION_STATE = tempfile.mkdtemp(prefix="kimi-skill-tests-")


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["XDG_CONFIG_HOME"] = str(ROOT / "tests" / "no-config-here")  # never the user's own RunAPI config file
    env["XDG_STATE_HOME"] = SESSION_STATE
    env.update(extra)
    return env


def run_script(name: str, *args: str, env: dict[str, str], stdin: bytes | None = None, timeout: float = 60, cwd: Path = ROOT) -> Result:
    """As an agent host runs a command: stdin is /dev/null unless the test pipes something."""
    proc = subprocess.run(
        [sys.executable, str(SCRIPTS / f"{name}.py"), *args],
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        env=env,
        timeout=timeout,
        cwd=cwd,
    )
    return Result(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The test's own conversation store folder (KIMI_SKILL_HOME)."""
    folder = tmp_path / "state"
    return folder


@pytest.fixture
def run(emulator: Emulator, home: Path):
    """``run("chat", "hello")`` against the emulator, with the key in RUNAPI_TOKEN only and a
    store of the test's own."""

    def _run(name: str, *args: str, stdin: bytes | None = None, timeout: float = 60, cwd: Path = ROOT, **env: str) -> Result:
        merged = base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url, KIMI_SKILL_HOME=str(home))
        merged.update(env)
        return run_script(name, *args, env=merged, stdin=stdin, timeout=timeout, cwd=cwd)

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


def stream_on_a_pty(env: dict[str, str], *args: str, stderr_too: bool = True) -> tuple[int, bytes]:
    """Run stream.py with a terminal as stdout (and stderr, unless told otherwise): the exit code
    and every byte the terminal received."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPTS / "stream.py"), *args],
        stdout=slave, stderr=slave if stderr_too else subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env, cwd=ROOT,
    )
    os.close(slave)
    output = b""
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        output += data
    proc.wait(timeout=30)
    os.close(master)
    return proc.returncode, output


def write_skill(folder: Path, frontmatter: str, body: str = "# Skill\n", **files: str) -> Path:
    """A skill folder: SKILL.md with this frontmatter and body, and the other files by relative path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "SKILL.md").write_text(f"---\n{frontmatter}---\n{body}")
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder
