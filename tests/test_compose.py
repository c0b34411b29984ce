"""What is sent: the prompt argument, piped stdin and --file blocks, and every refusal."""

from __future__ import annotations

import json
import os

import pytest

from conftest import PROTOCOLS, assert_clean


def sent_user_text(request) -> str:
    """The last user message of a recorded request, whatever the protocol."""
    body = request.body
    if "contents" in body:
        return body["contents"][-1]["parts"][0]["text"]
    return body["input" if "input" in body else "messages"][-1]["content"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_an_argument_and_a_pipe_are_both_sent_argument_first(run, emulator, protocol):
    result = run("chat", "--protocol", protocol, "Review this diff.", stdin=b"-old\n+new\n")
    assert result.code == 0
    assert sent_user_text(emulator.state.requests[-1]) == "Review this diff.\n\n<stdin>\n-old\n+new\n</stdin>"


def test_an_empty_pipe_with_an_argument_says_so(run, emulator):
    result = run("chat", "Review this diff.", stdin=b"")
    assert (result.code, result.out) == (0, "You said: Review this diff.\n")
    assert result.err == "warning: stdin was an empty pipe, so only the argument was sent\n"


def test_stdin_alone_is_the_prompt_without_a_label(run, emulator):
    run("chat", stdin=b"just this")
    assert sent_user_text(emulator.state.requests[-1]) == "just this"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_each_file_is_sent_in_its_own_block_naming_its_path(run, emulator, tmp_path, protocol):
    (tmp_path / "a.py").write_text("print('a')\n")
    (tmp_path / "b.md").write_text("# B\n")
    result = run("chat", "--protocol", protocol, "--file", "a.py", "--file", "b.md", "Compare them.", cwd=tmp_path)
    assert result.code == 0
    assert sent_user_text(emulator.state.requests[-1]) == (
        'Compare them.\n\n<file path="a.py">\nprint(\'a\')\n</file>\n\n<file path="b.md">\n# B\n</file>'
    )
    assert result.out.startswith("[files: a.py, b.md] You said: Compare them.")


def test_json_reports_the_files_and_bytes_sent(run, tmp_path):
    (tmp_path / "a.txt").write_text("hello\n")
    data = json.loads(run("chat", "--json", "--file", "a.txt", "Read it.", cwd=tmp_path).out)
    assert data["input"] == {
        "bytes": len('Read it.\n\n<file path="a.txt">\nhello\n</file>'),
        "stdin_bytes": None,
        "files": [{"path": "a.txt", "bytes": 6, "sha256": "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"}],
    }


def test_files_alone_need_no_argument(run, emulator, tmp_path):
    (tmp_path / "a.txt").write_text("x\n")
    assert run("chat", "--file", "a.txt", cwd=tmp_path).code == 0
    assert sent_user_text(emulator.state.requests[-1]) == '<file path="a.txt">\nx\n</file>'


def test_system_file_is_read_as_the_system_prompt(run, tmp_path):
    (tmp_path / "system.txt").write_text("Be brief.")
    assert run("chat", "--system-file", "system.txt", "hi", cwd=tmp_path).out == "[system: Be brief.] You said: hi\n"


@pytest.mark.parametrize(
    ("setup", "args", "error"),
    [
        (None, ["--file", "missing.txt"], "error: --file missing.txt: no such file"),
        ("dir", ["--file", "folder"], "error: --file folder is a directory; attach its files one by one"),
        ("binary", ["--file", "image.bin"], "error: --file image.bin is a binary file (it holds NUL bytes); attach text files only"),
        ("latin1", ["--file", "old.txt"], "error: --file old.txt is not valid UTF-8 (bad byte at line 2, column 4, offset 8); convert it to UTF-8 first"),
        ("big", ["--max-input-bytes", "100", "--file", "big.txt"], "error: --file big.txt has 200 bytes, more than the 100-byte input budget allows (95 left, 5 already used); raise --max-input-bytes"),
        ("latin1", ["--system-file", "old.txt"], "error: --system-file old.txt is not valid UTF-8 (bad byte at line 2, column 4, offset 8); convert it to UTF-8 first"),
    ],
)
def test_a_file_that_cannot_be_sent_is_refused_before_any_request(run, emulator, tmp_path, setup, args, error):
    if setup == "dir":
        (tmp_path / "folder").mkdir()
    elif setup == "binary":
        (tmp_path / "image.bin").write_bytes(b"\x89PNG\0\0\0")
    elif setup == "latin1":
        (tmp_path / "old.txt").write_bytes(b"line\ncaf\xe9\n")
    elif setup == "big":
        (tmp_path / "big.txt").write_text("x" * 200)
    result = run("chat", *args, "Look.", cwd=tmp_path)
    assert (result.code, result.out, result.err) == (2, "", error + "\n")
    assert emulator.state.requests == []


def test_an_unreadable_file_is_refused(run, emulator, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can read a chmod-000 file")
    (tmp_path / "secret.txt").write_text("x")
    (tmp_path / "secret.txt").chmod(0)
    result = run("chat", "--file", "secret.txt", "Look.", cwd=tmp_path)
    assert (result.code, result.err) == (2, "error: --file secret.txt: cannot read it (Permission denied)\n")


def test_the_total_of_several_files_is_bounded(run, emulator, tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("y" * 60)
    result = run("chat", "--max-input-bytes", "100", "--file", "a.txt", "--file", "b.txt", "Go.", cwd=tmp_path)
    assert result.code == 2
    assert result.err == "error: --file b.txt has 60 bytes, more than the 100-byte input budget allows (37 left, 63 already used); raise --max-input-bytes\n"


def test_argv_that_is_not_utf8_is_a_usage_error(run, emulator):
    import subprocess
    import sys

    from conftest import SCRIPTS, TEST_KEY, base_env

    env = base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url, KIMI_SKILL_NO_STORE="1")
    proc = subprocess.run([sys.executable, str(SCRIPTS / "chat.py"), b"caf\xe9"], capture_output=True, env=env, stdin=subprocess.DEVNULL)
    assert (proc.returncode, proc.stderr.decode()) == (2, "error: argument 1 is not valid UTF-8 (bad byte at offset 3); pass UTF-8 text\n")
    assert emulator.state.requests == []


def test_piped_text_is_never_dropped_with_stream_either(run, emulator):
    result = run("stream", "Summarise:", stdin="naïve text".encode())
    assert_clean(result)
    assert sent_user_text(emulator.state.requests[-1]) == "Summarise:\n\n<stdin>\nnaïve text\n</stdin>"
