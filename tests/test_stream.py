"""stream.py: deltas as they arrive, the usage chunk, JSON lines, and what a broken stream leaves."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from conftest import ROOT, SCRIPTS, TEST_KEY, assert_clean, base_env

REASONING = "The user wants an answer. I will reply briefly."


def test_prints_the_streamed_answer(run):
    result = run("stream", "one two three")
    assert (result.code, result.out, result.err) == (0, "You said: one two three\n", "")


def test_asks_for_the_usage_chunk(run, emulator):
    run("stream", "hello")
    body = emulator.state.requests[-1].body
    assert (body["stream"], body["stream_options"]) == (True, {"include_usage": True})


def test_usage_comes_from_the_final_chunk(run):
    result = run("stream", "--usage", "hello")
    assert result.lines[0] == "usage: prompt_tokens=1 completion_tokens=12 total_tokens=13"


def test_reasoning_deltas_go_to_stderr_only_when_asked(run):
    assert run("stream", "--model", "kimi-k2.6", "hello").err == ""
    result = run("stream", "--model", "kimi-k2.6", "--reasoning", "hello")
    assert (result.out, result.err) == ("You said: hello\n", REASONING + "\n")


def test_jsonl_prints_one_event_per_line(run):
    result = run("stream", "--jsonl", "--model", "kimi-k2.5", "--thinking", "off", "a b")
    events = [json.loads(line) for line in result.out.splitlines()]
    assert events[-1]["id"].startswith("chatcmpl-") and events[-1].pop("conversation").startswith("c-")
    assert events[-1].pop("input") == {"bytes": 3, "stdin_bytes": None, "files": []}
    events[-1]["id"] = None
    assert events == [
        {"type": "content", "text": "You"},
        {"type": "content", "text": " said:"},
        {"type": "content", "text": " a"},
        {"type": "content", "text": " b"},
        {"type": "usage", "prompt_tokens": 2, "completion_tokens": 4, "total_tokens": 6},
        {"type": "done", "finish_reason": "stop", "model": "kimi-k2.5", "id": None, "truncated": False},
    ]


def test_jsonl_includes_reasoning_events(run):
    events = [json.loads(line) for line in run("stream", "--jsonl", "--model", "kimi-k2.6", "hi").out.splitlines()]
    assert events[0] == {"type": "reasoning", "text": "The"}


def test_json_gathers_the_stream_into_one_object(run):
    data = json.loads(run("stream", "--json", "--model", "kimi-k2.5", "--thinking", "off", "hello").out)
    assert (data["content"], data["reasoning"], data["finish_reason"]) == ("You said: hello", None, "stop")


def test_a_stream_cut_mid_way_keeps_the_text_and_exits_5(run, emulator):
    emulator.inject("drop:3")
    result = run("stream", "--model", "kimi-k2.5", "one two three four")
    assert (result.code, result.out) == (5, "You said: one\n")
    assert result.err.startswith("error: the stream broke after 13 characters of the answer (HTTP 200, connection lost: ")
    assert result.err.endswith("; the text so far is on stdout: run the call again for the whole answer\n")
    assert_clean(result)


def test_a_cut_stream_in_jsonl_ends_with_an_error_event(run, emulator):
    emulator.inject("drop:1")
    result = run("stream", "--jsonl", "--model", "kimi-k2.5", "--thinking", "off", "one two")
    events = [json.loads(line) for line in result.out.splitlines()]
    assert events[0] == {"type": "content", "text": "You"}
    assert events[-1]["type"] == "error" and events[-1]["exit_code"] == 5


def test_a_stream_that_ends_without_done_keeps_the_text_and_exits_5(run, emulator):
    emulator.inject("nodone")
    result = run("stream", "--model", "kimi-k2.5", "hello")
    assert (result.code, result.out) == (5, "You said: hello\n")
    assert result.err == (
        "error: the stream broke after 15 characters of the answer (HTTP 200, the stream ended without data: [DONE]; "
        "the usage report may be missing); the text so far is on stdout: run the call again for the whole answer\n"
    )


def test_ctrl_c_keeps_the_printed_text_and_exits_130(emulator):
    emulator.inject("stall:2")
    env = base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url)
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPTS / "stream.py"), "--model", "kimi-k2.5", "one two three"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, cwd=ROOT,
    )
    assert proc.stdout is not None
    first = proc.stdout.read(9)
    assert first == b"You said:"
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert first + out == b"You said:\n"
    assert err.decode() == "error: interrupted after 9 characters of the answer\n"
