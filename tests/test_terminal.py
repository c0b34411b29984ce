"""Model output cannot drive the user's terminal: escapes are shown, not obeyed, on a TTY."""

from __future__ import annotations

from conftest import TEST_KEY, base_env, stream_on_a_pty

HOSTILE = "hi \x1b]0;pwned\x07 \x1b[2J \x1b]52;c;ZXZpbA==\x07 \x9b31m"


def run_in_pty(emulator, *args: str) -> bytes:
    env = base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url)
    code, output = stream_on_a_pty(env, "--model", "kimi-k2.5", *args, HOSTILE, stderr_too=False)
    assert code == 0
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
