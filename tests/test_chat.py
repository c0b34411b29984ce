"""chat.py over the OpenAI-compatible path: the default recipe an agent runs."""

from __future__ import annotations

import json

from conftest import TEST_KEY, assert_clean

REASONING = "The user wants an answer. I will reply briefly."


def test_prints_the_answer_alone_newline_terminated(run):
    result = run("chat", "hello")
    assert (result.code, result.out, result.err) == (0, "You said: hello\n", "")


def test_joins_several_arguments_into_one_prompt(run):
    assert run("chat", "hello", "there").out == "You said: hello there\n"


def test_reads_the_prompt_from_stdin_when_no_argument(run):
    assert run("chat", stdin=b"from a pipe").out == "You said: from a pipe\n"


def test_reads_the_prompt_from_stdin_with_a_dash(run):
    assert run("chat", "-", stdin="héllo".encode()).out == "You said: héllo\n"


def test_sends_the_system_prompt(run):
    assert run("chat", "--system", "Be brief.", "hi").out == "[system: Be brief.] You said: hi\n"


def test_json_prints_one_object_with_every_field(run):
    result = run("chat", "--json", "hello")
    data = json.loads(result.out)
    assert data["id"].startswith("chatcmpl-") and data["conversation"].startswith("c-")
    del data["id"], data["conversation"]
    assert data == {
        "model": "kimi-k3",
        "content": "You said: hello",
        "reasoning": None,
        "finish_reason": "stop",
        "truncated": False,
        "usage": {"prompt_tokens": 1, "completion_tokens": 12, "total_tokens": 13},
        "input": {"bytes": 5, "stdin_bytes": None, "files": []},
    }


def test_usage_goes_to_stderr_with_the_conversation_id(run):
    result = run("chat", "--usage", "hello")
    assert result.out == "You said: hello\n"
    usage, conversation = result.lines
    assert usage == "usage: prompt_tokens=1 completion_tokens=12 total_tokens=13"
    assert conversation.startswith("conversation: c-") and len(conversation) == len("conversation: c-") + 12


def test_reasoning_goes_to_stderr_before_the_answer(run):
    result = run("chat", "--reasoning", "--model", "kimi-k2.6", "hello")
    assert result.out == "You said: hello\n"
    assert result.err == REASONING + "\n"


def test_thinking_off_prints_no_reasoning(run):
    result = run("chat", "--reasoning", "--thinking", "off", "--model", "kimi-k2.5", "hello")
    assert (result.out, result.err) == ("You said: hello\n", "")


def test_max_tokens_and_temperature_reach_the_server_for_a_model_that_takes_them(run, emulator):
    run("chat", "--model", "deepseek-v3.2", "--max-tokens", "50", "--temperature", "0.3", "hello")
    body = emulator.state.requests[-1].body
    assert (body["max_completion_tokens"], body["temperature"], body["model"]) == (50, 0.3, "deepseek-v3.2")


def test_sends_the_key_as_a_bearer_token(run, emulator):
    run("chat", "hello")
    assert emulator.state.requests[-1].headers["authorization"] == f"Bearer {TEST_KEY}"


def test_an_unknown_flag_is_a_one_line_usage_error(run):
    result = run("chat", "--bogus", "hello")
    assert (result.code, result.out) == (2, "")
    assert result.err == "error: unrecognized arguments: --bogus (see chat.py --help)\n"


def test_a_bad_number_is_a_usage_error(run):
    result = run("chat", "--max-tokens", "-3", "hello")
    assert result.code == 2
    assert result.err == "error: argument --max-tokens: invalid positive whole number value: '-3' (see chat.py --help)\n"


def test_an_empty_prompt_is_refused(run):
    result = run("chat", "   ")
    assert (result.code, result.err) == (2, "error: the prompt is empty: pass some text to send\n")


def test_empty_stdin_is_refused(run):
    result = run("chat", stdin=b"")
    assert (result.code, result.err) == (2, "error: the prompt is empty: pass some text to send\n")


def test_stdin_over_the_limit_is_refused(run):
    result = run("chat", "--max-input-bytes", "10", stdin=b"x" * 11)
    assert result.code == 2
    assert result.err == "error: the prompt on stdin is larger than 10 bytes; shorten it or raise --max-input-bytes\n"


def test_stdin_that_is_not_utf8_is_refused_with_the_offset(run):
    result = run("chat", stdin=b"abc\xffdef")
    assert result.code == 2
    assert result.err == "error: stdin is not valid UTF-8 (bad byte at offset 3); convert it to UTF-8 first\n"


def test_a_wrong_key_exits_4(run):
    result = run("chat", "hello", RUNAPI_TOKEN="rk-wrong-key-123456")
    assert (result.code, result.out) == (4, "")
    assert result.err == (
        "error: the API rejected the key from RUNAPI_TOKEN (HTTP 401: Incorrect API key provided.); "
        "check that it is a valid RunAPI key with access to this model\n"
    )


def test_an_unknown_model_exits_4_and_lists_the_kimi_models(run):
    result = run("chat", "--model", "kimi-k9", "hello")
    assert result.code == 4
    assert result.err == (
        "error: unknown model 'kimi-k9' (not found (HTTP 404: The model `kimi-k9` does not exist or you do not have "
        "access to it.)); available Kimi models: kimi-k2.5, kimi-k2.6, kimi-k2.7-code, kimi-k3; pass one with --model\n"
    )


def test_a_bad_request_exits_4_with_the_server_message(run, emulator):
    emulator.inject("400")
    result = run("chat", "hello")
    assert result.code == 4
    assert result.err == "error: the API refused the request (HTTP 400: emulated failure 400); fix the request and try again\n"


def test_a_service_failure_exits_5_after_retries(run, emulator):
    emulator.inject("503:retry-after-ms=1", times=None)
    result = run("chat", "hello")
    assert result.code == 5
    assert result.err == "error: the service failed (HTTP 503: emulated failure 503) after 4 attempts; try again later\n"
    assert len(emulator.state.requests) == 4


def test_no_key_is_a_configuration_error(run):
    result = run("chat", "hello", RUNAPI_TOKEN="")
    assert result.code == 3
    assert result.err == "error: no API key: set RUNAPI_TOKEN to your RunAPI key (get one at https://runapi.ai/api_keys)\n"


def test_an_openai_key_without_a_base_url_is_refused(run):
    result = run("chat", "hello", RUNAPI_TOKEN="", OPENAI_API_KEY=TEST_KEY, OPENAI_BASE_URL="")
    assert result.code == 3
    assert result.err == (
        "error: OPENAI_API_KEY is set but OPENAI_BASE_URL is not, so this may be an OpenAI key: if it is a RunAPI "
        "key set OPENAI_BASE_URL=https://runapi.ai/v1, or put the RunAPI key in RUNAPI_TOKEN\n"
    )
    assert_clean(result)


def test_an_openai_key_with_the_base_url_is_used(run):
    result = run("chat", "hello", RUNAPI_TOKEN="", OPENAI_API_KEY=TEST_KEY)
    assert (result.code, result.out) == (0, "You said: hello\n")


def test_a_trailing_slash_on_the_base_url_is_tolerated(run, emulator):
    assert run("chat", "hello", OPENAI_BASE_URL=emulator.base_url + "/").out == "You said: hello\n"


def test_a_malformed_base_url_is_a_configuration_error(run):
    result = run("chat", "hello", OPENAI_BASE_URL="runapi.ai/v1")
    assert result.code == 3
    assert result.err == "error: OPENAI_BASE_URL must be an http(s) URL with a host, like https://runapi.ai/v1\n"


def test_an_unreachable_service_exits_5(run, free_port):
    result = run("chat", "--max-retries", "0", "hello", OPENAI_BASE_URL=f"http://127.0.0.1:{free_port}/v1")
    assert result.code == 5
    assert result.err.startswith("error: could not reach the API (")
    assert result.err.endswith("check the base URL and the network, then try again\n")
    assert_clean(result)


def test_help_exits_0_and_documents_the_exit_codes(run):
    result = run("chat", "--help")
    assert result.code == 0
    assert "exit codes: 0 ok, 2 usage error" in result.out
