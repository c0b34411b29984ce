"""Conversations across tool calls: ids, --continue, what history each protocol receives,
incomplete turns, and calls that leave no trace."""

from __future__ import annotations

import hashlib
import json

import pytest

from conftest import PROTOCOLS, assert_clean


def conversation_of(result) -> str:
    line = next(line for line in result.lines if line.startswith("conversation: "))
    return line.removeprefix("conversation: ")


def history_sent(request) -> list[tuple[str, str]]:
    """(role, text) of every message a request carried, in the protocol's own words."""
    body = request.body
    if "contents" in body:
        return [(c["role"], c["parts"][0]["text"]) for c in body["contents"]]
    return [(m["role"], m["content"]) for m in body["input" if "input" in body else "messages"] if m["role"] != "system"]


def test_show_id_prints_the_conversation_on_stderr_only(run):
    result = run("chat", "--show-id", "hello")
    assert result.out == "You said: hello\n"
    assert [line[:16] for line in result.lines] == ["conversation: c-"]


def test_json_carries_the_conversation_id(run):
    data = json.loads(run("chat", "--json", "hello").out)
    assert data["conversation"].startswith("c-")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_continue_sends_the_whole_history_in_the_protocols_own_format(run, emulator, protocol):
    run("chat", "--protocol", protocol, "first question")
    run("chat", "--protocol", protocol, "--continue", "second question")
    result = run("chat", "--protocol", protocol, "--continue", "third question")
    assert result.out == "[turn 3] You said: third question\n"
    assistant = "model" if protocol == "gemini" else "assistant"
    assert history_sent(emulator.state.requests[-1]) == [
        ("user", "first question"), (assistant, "You said: first question"),
        ("user", "second question"), (assistant, "[turn 2] You said: second question"),
        ("user", "third question"),
    ]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_conversation_id_continues_that_conversation_not_the_latest(run, emulator, protocol):
    first = conversation_of(run("chat", "--protocol", protocol, "--show-id", "about cats"))
    run("chat", "--protocol", protocol, "about dogs")
    result = run("chat", "--protocol", protocol, "--show-id", "--conversation", first, "more")
    assert conversation_of(result) == first
    assert [text for _, text in history_sent(emulator.state.requests[-1])][::2] == ["about cats", "more"]


def test_a_unique_prefix_of_the_id_is_enough(run):
    first = conversation_of(run("chat", "--show-id", "hello"))
    assert run("chat", "--conversation", first[:6], "again").out == "[turn 2] You said: again\n"


def test_an_unknown_conversation_is_a_usage_error(run, emulator):
    result = run("chat", "--conversation", "c-000000000000", "hi")
    assert (result.code, result.err) == (2, "error: no conversation 'c-000000000000' in the store (history.py lists them)\n")
    assert emulator.state.requests == []


def test_continue_without_any_conversation_is_a_usage_error(run):
    result = run("chat", "--continue", "hi")
    assert (result.code, result.err) == (2, "error: --continue: there is no earlier conversation in the store; start one without --continue\n")


def test_a_continued_conversation_keeps_its_model_and_system_prompt(run, emulator):
    run("chat", "--model", "kimi-k2.5", "--system", "Be brief.", "one")
    run("chat", "--continue", "two")
    body = emulator.state.requests[-1].body
    assert (body["model"], body["messages"][0]) == ("kimi-k2.5", {"role": "system", "content": "Be brief."})


def test_reasoning_is_stored_but_not_sent_back(run, emulator):
    run("chat", "--model", "kimi-k2.6", "one")
    run("chat", "--continue", "two")
    assert all("reasoning_content" not in m for m in emulator.state.requests[-1].body["messages"])
    shown = json.loads(run("history", "show", "--json", conversation_of(run("chat", "--continue", "--show-id", "three"))).out)
    assert shown["turns"][0]["reasoning"] == "The user wants an answer. I will reply briefly."


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_cut_stream_is_kept_as_an_incomplete_turn_and_not_resent(run, emulator, protocol):
    run("chat", "--protocol", protocol, "first")
    emulator.inject("drop:2")
    cut = run("stream", "--protocol", protocol, "--continue", "one two three")
    assert (cut.code, cut.out) == (5, "[turn 2]\n")
    result = run("chat", "--protocol", protocol, "--continue", "again")
    assert [text for _, text in history_sent(emulator.state.requests[-1])][::2] == ["first", "again"]
    assert result.out == "[turn 2] You said: again\n"


def test_include_incomplete_sends_the_cut_turn_with_its_partial_answer(run, emulator):
    run("chat", "first")
    emulator.inject("drop:2")
    run("stream", "--continue", "one two three")
    run("chat", "--continue", "--include-incomplete", "again")
    assert history_sent(emulator.state.requests[-1])[2:] == [("user", "one two three"), ("assistant", "[turn 2]"), ("user", "again")]


def test_the_incomplete_turn_keeps_the_prompt_the_partial_text_and_the_error(run, emulator):
    emulator.inject("drop:2")
    run("stream", "--model", "kimi-k2.5", "one two three")
    conversation = json.loads(run("history", "list", "--json").out)[0]["id"]
    turn = json.loads(run("history", "show", "--json", conversation).out)["turns"][0]
    assert (turn["status"], turn["prompt"], turn["answer"], turn["exit_code"]) == ("incomplete", "one two three", "You said:", 5)
    assert turn["error"].startswith("the stream broke after 9 characters of the answer")


def test_a_refused_call_is_recorded_too(run, emulator):
    emulator.inject("400")
    run("chat", "lost?")
    turn = json.loads(run("history", "show", "--json", json.loads(run("history", "list", "--json").out)[0]["id"]).out)["turns"][0]
    assert (turn["status"], turn["prompt"], turn["exit_code"]) == ("incomplete", "lost?", 4)


def test_no_store_leaves_no_trace(run, home):
    result = run("chat", "--no-store", "--show-id", "secret plans")
    assert (result.code, result.out, result.err) == (0, "You said: secret plans\n", "")
    assert not home.exists()


def test_the_no_store_variable_leaves_no_trace(run, home):
    assert run("chat", "--json", "secret plans", KIMI_SKILL_NO_STORE="1").code == 0
    assert not home.exists()


def test_no_store_can_still_continue_without_recording(run, emulator):
    first = conversation_of(run("chat", "--show-id", "one"))
    run("chat", "--no-store", "--conversation", first, "two")
    assert history_sent(emulator.state.requests[-1])[0] == ("user", "one")
    turns = json.loads(run("history", "show", "--json", first).out)["turns"]
    assert [t["prompt"] for t in turns] == ["one"]


def test_files_are_recorded_by_path_hash_and_sent_text(run, tmp_path):
    (tmp_path / "a.txt").write_text("alpha\n")
    conversation = conversation_of(run("chat", "--show-id", "--file", "a.txt", "Read.", cwd=tmp_path))
    turn = json.loads(run("history", "show", "--json", conversation).out)["turns"][0]
    assert turn["files"] == [{"path": "a.txt", "bytes": 6, "sha256": hashlib.sha256(b"alpha\n").hexdigest()}]
    assert turn["sent"] == 'Read.\n\n<file path="a.txt">\nalpha\n</file>'
    assert_clean(run("history", "show", conversation))
