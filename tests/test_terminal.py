"""Model output cannot drive the user's terminal: escapes are shown, not obeyed, on a TTY."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from conftest import ROOT, SCRIPTS, TEST_KEY, base_env

HOSTILE = "hi \x1b]0;pwned\x07 \x1b[2J \x1b]52;c;ZXZpbA==\x07 \x9b31m"


def run_in_pty(emulator, *args: str) -> bytes:
    master, slave = pty.openpty()
    env = base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url)
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPTS / "stream.py"), "--model", "kimi-k2.5", *args, HOSTILE],
        stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, cwd=ROOT,
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
    assert proc.returncode == 0
    return output


def test_escape_sequences_are_shown_escaped_on_a_terminal(emulator):
    output = run_in_pty(emulator)
    assert output == b"You said: hi \\x1b]0;pwned\\x07 \\x1b[2J \\x1b]52;c;ZXZpbA==\\x07 \\x9b31m\r\n"


def test_raw_passes_escape_sequences_to_the_terminal(emulator):
    output = run_in_pty(emulator, "--raw")
    assert b"\x1b]0;pwned\x07" in output and b"\\x1b" not in output


def test_output_to_a_pipe_is_unchanged(run):
    result = run("stream", "--model", "kimi-k2.5", HOSTILE)
    assert result.out == f"You said: {HOSTILE}\n"
