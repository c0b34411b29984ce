"""The same output contract over all three protocols: an agent can switch without re-reading."""

from __future__ import annotations

import json

import pytest

from conftest import PROTOCOLS, TEST_KEY, assert_clean

REASONING = "The user wants an answer. I will reply briefly."
SCRIPTS = ["chat", "stream"]


@pytest.fixture(params=PROTOCOLS)
def protocol(request):
    return request.param


@pytest.mark.parametrize("script", SCRIPTS)
def test_answer_is_the_same_on_every_protocol(run, protocol, script):
    result = run(script, "--protocol", protocol, "hello")
    assert (result.code, result.out, result.err) == (0, "You said: hello\n", "")


@pytest.mark.parametrize("script", SCRIPTS)
def test_reasoning_is_the_same_on_every_protocol(run, protocol, script):
    result = run(script, "--protocol", protocol, "--reasoning", "--model", "kimi-k2.6", "hello")
    assert (result.out, result.err) == ("You said: hello\n", REASONING + "\n")


@pytest.mark.parametrize("script", SCRIPTS)
def test_usage_is_the_same_on_every_protocol(run, protocol, script):
    result = run(script, "--protocol", protocol, "--usage", "hello")
    assert result.lines[0] == "usage: prompt_tokens=1 completion_tokens=12 total_tokens=13"


@pytest.mark.parametrize("script", SCRIPTS)
def test_system_prompt_reaches_the_model_on_every_protocol(run, protocol, script):
    result = run(script, "--protocol", protocol, "--system", "Be brief.", "hi")
    assert result.out == "[system: Be brief.] You said: hi\n"


@pytest.mark.parametrize("script", SCRIPTS)
def test_json_has_the_same_fields_on_every_protocol(run, protocol, script):
    data = json.loads(run(script, "--protocol", protocol, "--json", "hello").out)
    assert sorted(data) == ["content", "conversation", "finish_reason", "id", "input", "model", "reasoning", "truncated", "usage"]
    assert (data["content"], data["finish_reason"], data["model"]) == ("You said: hello", "stop", "kimi-k3")


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_wrong_key_exits_4_on_every_protocol(run, protocol, script):
    result = run(script, "--protocol", protocol, "hello", RUNAPI_TOKEN="rk-wrong-key-123456")
    assert result.code == 4
    assert result.err.startswith("error: the API rejected the key from RUNAPI_TOKEN (HTTP 401: ")
    assert_clean(result)


@pytest.mark.parametrize("script", SCRIPTS)
def test_an_unknown_model_exits_4_on_every_protocol(run, protocol, script):
    result = run(script, "--protocol", protocol, "--model", "kimi-k9", "hello")
    assert result.code == 4
    assert result.err.startswith("error: unknown model 'kimi-k9' (not found (HTTP 404")
    assert result.err.endswith("available Kimi models: kimi-k2.5, kimi-k2.6, kimi-k2.7-code, kimi-k3; pass one with --model\n")


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_rate_limit_is_retried_then_succeeds_on_every_protocol(run, emulator, protocol, script):
    emulator.inject("429:retry-after=0")
    result = run(script, "--protocol", protocol, "hello")
    assert (result.code, result.out) == (0, "You said: hello\n")
    assert len(emulator.state.requests) == 2


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_503_that_persists_exits_5_on_every_protocol(run, emulator, protocol, script):
    emulator.inject("503:retry-after-ms=1", times=None)
    result = run(script, "--protocol", protocol, "hello")
    assert result.code == 5
    assert result.err == "error: the service failed (HTTP 503: emulated failure 503) after 4 attempts; try again later\n"


def test_a_stream_cut_mid_way_keeps_the_text_on_every_protocol(run, emulator, protocol):
    emulator.inject("drop:2")
    result = run("stream", "--protocol", protocol, "--model", "kimi-k2.5", "one two")
    assert (result.code, result.out) == (5, "You said:\n")
    assert result.err.startswith("error: the stream broke after 9 characters of the answer (HTTP 200, connection lost")
    assert_clean(result)


@pytest.mark.parametrize("script", SCRIPTS)
def test_an_html_502_names_the_status_on_every_protocol(run, emulator, protocol, script):
    emulator.inject("html502", times=None)
    result = run(script, "--protocol", protocol, "--max-retries", "1", "hello")
    assert result.code == 5
    assert result.err.startswith("error: the service failed (HTTP 502: non-JSON body (text/html)) after 2 attempts")


def test_anthropic_sends_its_headers_and_the_models_default_max_tokens(run, emulator):
    run("chat", "--protocol", "anthropic", "hello")
    request = emulator.state.requests[-1]
    assert request.path == "/v1/messages"
    assert (request.headers["x-api-key"], request.headers["anthropic-version"]) == (TEST_KEY, "2023-06-01")
    assert request.body["max_tokens"] == 32768
    assert "authorization" not in request.headers


def test_anthropic_sends_1024_max_tokens_for_a_model_the_catalog_does_not_know(run, emulator):
    run("chat", "--protocol", "anthropic", "--model", "glm-4.6", "hello")
    assert emulator.state.requests[-1].body["max_tokens"] == 1024


def test_anthropic_maps_system_and_max_tokens(run, emulator):
    run("stream", "--protocol", "anthropic", "--system", "S", "--max-tokens", "7", "hello")
    body = emulator.state.requests[-1].body
    assert (body["system"], body["max_tokens"], body["stream"]) == ("S", 7, True)


def test_gemini_sends_its_key_header_and_generation_config(run, emulator):
    run("stream", "--protocol", "gemini", "--model", "glm-4.6", "--system", "S", "--max-tokens", "7", "--temperature", "0.5", "hi")
    request = emulator.state.requests[-1]
    assert request.path == "/v1beta/models/glm-4.6:streamGenerateContent"
    assert request.headers["x-goog-api-key"] == TEST_KEY
    assert request.body == {
        "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
        "systemInstruction": {"parts": [{"text": "S"}]},
        "generationConfig": {"maxOutputTokens": 7, "temperature": 0.5},
    }


def test_anthropic_error_event_mid_stream_keeps_the_text(run, emulator):
    emulator.inject("error:1")
    result = run("stream", "--protocol", "anthropic", "--model", "kimi-k2.5", "one two")
    assert (result.code, result.out) == (5, "You\n")
    assert result.err == (
        "error: the stream broke after 3 characters of the answer (HTTP 200, the server reported an error "
        "mid-stream: emulated overload mid-stream); the text so far is on stdout: run the call again for the whole answer\n"
    )


def test_anthropic_stream_without_message_stop_exits_5(run, emulator):
    emulator.inject("nodone")
    result = run("stream", "--protocol", "anthropic", "--model", "kimi-k2.5", "hi")
    assert (result.code, result.out) == (5, "You said: hi\n")
    assert result.err.endswith("(HTTP 200, the stream ended before message_stop); the text so far is on stdout: run the call again for the whole answer\n")


def test_gemini_accepts_a_streamed_json_array():
    from kimi_skill.protocols.gemini import json_array_items

    pieces = [b'[{"a"', b': 1},\r\n{"b": [1, 2', b"]}", b"]"]
    assert list(json_array_items(pieces)) == [{"a": 1}, {"b": [1, 2]}]


def test_gemini_reads_a_stream_served_as_a_json_array(run, emulator):
    emulator.inject("jsonarray")
    result = run("stream", "--protocol", "gemini", "--model", "kimi-k2.6", "--reasoning", "--usage", "hello")
    assert (result.code, result.out) == (0, "You said: hello\n")
    assert result.lines[:2] == [REASONING, "usage: prompt_tokens=1 completion_tokens=12 total_tokens=13"]
