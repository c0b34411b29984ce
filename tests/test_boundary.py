"""The model boundary: per model, protocol and flag, what is refused locally, what is dropped with
a warning, and what is sent; the emulator refuses (400) every shape RunAPI refuses, so a call that
succeeds here proves no forbidden field left."""

from __future__ import annotations

import json

import httpx
import pytest

from conftest import PROTOCOLS, TEST_KEY, assert_clean
from kimi_skill import boundary, catalog
from kimi_skill.errors import UsageError
from kimi_skill.structured import Schema, check, extract

PERSON = '{"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}, "required": ["name", "age"]}'
MODELS = [m.id for m in catalog.MODELS]
ALWAYS = {"kimi-k3", "kimi-k2.7-code"}
CAP = {m.id: m.max_output_tokens for m in catalog.MODELS}
FLAGS = ["none", "thinking on", "thinking off", "temperature", "schema", "max at cap", "max over cap", "reasoning"]


def argv(model: str, flag: str) -> list[str]:
    return {
        "none": [], "thinking on": ["--thinking", "on"], "thinking off": ["--thinking", "off"], "temperature": ["--temperature", "0.3"],
        "schema": ["--schema", PERSON], "max at cap": ["--max-tokens", str(CAP[model])],
        "max over cap": ["--max-tokens", str(CAP[model] + 1)], "reasoning": ["--reasoning"],
    }[flag]


def expected(model: str, flag: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) for one cell of the table."""
    answer = "You said: hello\n"
    reasoning = "The user wants an answer. I will reply briefly.\n"
    if flag == "thinking off" and model in ALWAYS:
        return 2, "", (
            f"error: {model} always reasons, so --thinking off is refused (nothing was sent); "
            "kimi-k2.6 or kimi-k2.5 can answer without reasoning: pass --model kimi-k2.6\n"
        )
    if flag == "thinking on" and model in ALWAYS:
        return 0, answer, f"warning: {model} always reasons and takes no reasoning switch, so --thinking on is not sent\n"
    if flag == "temperature":
        fixed = "1" if model in ALWAYS else "1 with thinking, 0.6 without"
        return 0, answer, f"warning: {model} fixes the temperature ({fixed}), so --temperature 0.3 is not sent\n"
    if flag == "schema":
        return 0, '{"name":"xxxx","age":1}\n', ""
    if flag == "max over cap":
        bigger = ", ".join(f"{m.id} takes up to {m.max_output_tokens}" for m in catalog.MODELS if m.max_output_tokens > CAP[model])
        hint = f"; {bigger}" if bigger else ""
        return 2, "", f"error: --max-tokens {CAP[model] + 1} is over {model}'s output limit of {CAP[model]} (nothing was sent){hint}\n"
    if flag == "max at cap" and CAP[model] >= catalog.BY_ID[model].context_tokens:
        return 2, "", (  # the whole context for the answer leaves no room for the question
            f"error: the input is 5 bytes, at least 1 tokens, more than {model}'s context of {CAP[model]} tokens leaves beside "
            f"--max-tokens {CAP[model]} (room for 0); nothing was sent: split the input across calls (batch.py), attach fewer files, or lower --max-tokens\n"
        )
    if flag == "reasoning":
        if model in ALWAYS:
            return 0, answer, f"warning: {model} does not return its reasoning text through RunAPI, so --reasoning shows none\n"
        return 0, answer, reasoning
    return 0, answer, ""


@pytest.mark.parametrize("flag", FLAGS)
@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("model", MODELS)
def test_each_flag_is_sent_dropped_or_refused_as_the_model_allows(run, emulator, model, protocol, flag):
    result = run("chat", "--protocol", protocol, "--model", model, *argv(model, flag), "hello")
    assert (result.code, result.out, result.err) == expected(model, flag)
    if result.code == 2:
        assert emulator.state.requests == []
    else:
        sent = emulator.state.requests[-1].body
        assert boundary.problems(protocol, model, sent) == []
    assert_clean(result)


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("model", sorted(ALWAYS))
def test_a_schema_answer_from_a_model_without_json_mode_is_extracted_on_every_protocol(run, emulator, model, protocol):
    result = run("stream", "--protocol", protocol, "--model", model, "--json", "--schema", PERSON, "Who?")
    data = json.loads(result.out)
    assert (result.code, data["data"], data["attempts"]) == (0, {"name": "xxxx", "age": 1}, 1)
    assert data["content"].startswith("Here is the JSON:\n```json\n")
    body = json.dumps(emulator.state.requests[-1].body)
    assert "json_object" not in body and "responseMimeType" not in body
    assert "It must validate against this JSON Schema:" in body


def test_the_default_model_is_kimi_k3(run, emulator):
    run("chat", "hello")
    assert emulator.state.requests[-1].body["model"] == "kimi-k3"


def test_the_users_own_default_comes_from_the_environment(run, emulator):
    run("chat", "hello", KIMI_SKILL_MODEL="kimi-k2.5")
    assert emulator.state.requests[-1].body["model"] == "kimi-k2.5"


def test_model_flag_wins_over_the_environment_default(run, emulator):
    run("chat", "--model", "kimi-k2.6", "hello", KIMI_SKILL_MODEL="kimi-k2.5")
    assert emulator.state.requests[-1].body["model"] == "kimi-k2.6"


def test_a_continued_conversation_keeps_its_model_over_the_environment_default(run, emulator):
    first = run("chat", "--model", "kimi-k2.6", "--show-id", "hello")
    conversation = first.lines[-1].split()[-1]
    run("chat", "--conversation", conversation, "again", KIMI_SKILL_MODEL="kimi-k2.5")
    assert emulator.state.requests[-1].body["model"] == "kimi-k2.6"


def test_an_unknown_model_passes_every_flag_through_untouched(run, emulator):
    result = run("chat", "--model", "deepseek-v3.2", "--thinking", "off", "--temperature", "0.3", "--schema", PERSON, "x")
    body = emulator.state.requests[-1].body
    assert (result.code, result.err) == (0, "")
    assert (body["temperature"], body["thinking"], body["response_format"]) == (0.3, {"type": "disabled"}, {"type": "json_object"})
    assert "max_completion_tokens" not in body


def test_a_refused_shape_from_the_gateway_names_the_boundary_and_doctor(run, emulator):
    emulator.inject("boundary:max_completion_tokens")
    result = run("chat", "hello")
    assert result.code == 4
    assert result.err == (
        "error: RunAPI refused the request shape for kimi-k3 on the openai protocol (HTTP 400: Unsupported parameter for kimi-k3: "
        "max_completion_tokens (this field is not supported for this model). RunAPI accepts basic text requests for this model.); "
        "its capability boundary may have moved since this kimi-skill was released: run scripts/doctor.py to see which protocols "
        "still work, and update kimi-skill\n"
    )


# the guard on the wire body ----------------------------------------------------------------

FORBIDDEN = {
    "openai": [
        ({"response_format": {"type": "json_object"}}, "response_format (structured output)"),
        ({"extra_body": {"thinking": {"type": "enabled"}}}, "thinking (reasoning control)"),
        ({"reasoning_effort": "high"}, "reasoning_effort (reasoning control)"),
        ({"tools": [{"type": "function"}]}, "tools (tools)"),
        ({"temperature": 0.5}, "temperature 0.5 (sampling is fixed)"),
        ({"top_p": 0.5}, "top_p 0.5 (sampling is fixed)"),
        ({"max_tokens": 10, "max_completion_tokens": 10}, "both max_tokens and max_completion_tokens"),
        ({"max_completion_tokens": 200_000}, "max_completion_tokens 200000 (over the output limit of 131072)"),
        ({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}]}]}, "content block image_url"),
        ({"messages": [{"role": "tool", "content": "42", "tool_call_id": "t"}]}, "content block tool history"),
        ({"prompt_cache_key": "k"}, "prompt_cache_key (cache or continuation state)"),
    ],
    "responses": [
        ({"text": {"format": {"type": "json_object"}}}, "text (structured output)"),
        ({"reasoning": {"effort": "low"}}, "reasoning (reasoning control)"),
        ({"previous_response_id": "resp_1"}, "previous_response_id (cache or continuation state)"),
        ({"input": [{"role": "user", "content": [{"type": "input_image", "image_url": "data:,"}]}]}, "content block input_image"),
        ({"input": [{"type": "function_call_output", "call_id": "c", "output": "x"}]}, "content block function_call_output"),
    ],
    "anthropic": [
        ({"thinking": {"type": "enabled", "budget_tokens": 10}}, "thinking (reasoning control)"),
        ({"tools": []}, "tools (tools)"),
        ({"messages": [{"role": "assistant", "content": [{"type": "thinking", "thinking": "x", "signature": "s"}]}]}, "content block thinking"),
        ({"messages": [{"role": "user", "content": [{"type": "text", "text": "x", "cache_control": {"type": "ephemeral"}}]}]}, "content block cache_control"),
    ],
    "gemini": [
        ({"generationConfig": {"thinkingConfig": {"thinkingBudget": 0}}}, "thinkingConfig (reasoning control)"),
        ({"generationConfig": {"responseMimeType": "application/json"}}, "responseMimeType (structured output)"),
        ({"generationConfig": {"candidateCount": 2}}, "candidateCount 2 (sampling is fixed)"),
        ({"contents": [{"role": "user", "parts": [{"inlineData": {"mimeType": "image/png", "data": ""}}]}]}, "content part inlineData"),
        ({"cachedContent": "cachedContents/1"}, "cachedContent (cache or continuation state)"),
    ],
}
CASES = [(protocol, extra, found) for protocol, cases in FORBIDDEN.items() for extra, found in cases]


@pytest.mark.parametrize(("protocol", "extra", "found"), CASES)
def test_the_guard_refuses_a_forbidden_field_for_kimi_k3(protocol, extra, found):
    body = {"model": "kimi-k3", **extra}
    assert boundary.problems(protocol, "kimi-k3", body) == [found]
    with pytest.raises(UsageError) as caught:
        boundary.check(protocol, "kimi-k3", body)
    assert caught.value.message.startswith(f"kimi-k3 cannot take {found} on the {protocol} protocol at RunAPI, so nothing was sent")


@pytest.mark.parametrize(("protocol", "extra", "found"), CASES)
def test_the_guard_lets_any_shape_through_for_an_unknown_model(protocol, extra, found):
    assert boundary.problems(protocol, "some-other-model", {"model": "some-other-model", **extra}) == []


def test_the_guard_allows_json_mode_and_the_reasoning_switch_for_kimi_k2_6():
    body = {"model": "kimi-k2.6", "response_format": {"type": "json_object"}, "extra_body": {"thinking": {"type": "disabled"}}, "max_completion_tokens": 262_144}
    assert boundary.problems("openai", "kimi-k2.6", body) == []


def test_the_guard_accepts_the_fixed_sampling_values():
    assert boundary.problems("openai", "kimi-k3", {"temperature": 1.0, "top_p": 0.95, "n": 1, "presence_penalty": 0, "frequency_penalty": 0}) == []


# the emulator refuses what RunAPI refuses -----------------------------------------------------

SURFACE = {
    "openai": ("/v1/chat/completions", {"authorization": f"Bearer {TEST_KEY}"}, lambda model, extra: {"model": model, "messages": [{"role": "user", "content": "x"}], **extra}),
    "responses": ("/v1/responses", {"authorization": f"Bearer {TEST_KEY}"}, lambda model, extra: {"model": model, "input": [{"role": "user", "content": "x"}], **extra}),
    "anthropic": ("/v1/messages", {"x-api-key": TEST_KEY, "anthropic-version": "2023-06-01"}, lambda model, extra: {"model": model, "max_tokens": 16, "messages": [{"role": "user", "content": "x"}], **extra}),
    "gemini": (None, {"x-goog-api-key": TEST_KEY}, lambda model, extra: {"contents": [{"role": "user", "parts": [{"text": "x"}]}], **extra}),
}


def post(emulator, protocol: str, model: str, extra: dict) -> httpx.Response:
    path, headers, make = SURFACE[protocol]
    path = path or f"/v1beta/models/{model}:generateContent"
    body = make(model, {k: v for k, v in extra.items() if k != "extra_body"} | extra.get("extra_body", {}))
    if protocol == "anthropic" and "messages" in extra:
        body["max_tokens"] = 16
    return httpx.post(f"http://127.0.0.1:{emulator.port}{path}", headers=headers, json=body, timeout=10)


@pytest.mark.parametrize(("protocol", "extra", "found"), [c for c in CASES if "both" not in c[2] and "200000" not in c[2]])
def test_the_emulator_refuses_what_the_gateway_refuses_for_kimi_k3(emulator, protocol, extra, found):
    response = post(emulator, protocol, "kimi-k3", extra)
    assert response.status_code == 400
    assert "Unsupported parameter for kimi-k3" in response.text


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_the_emulator_refuses_an_output_budget_over_the_cap(emulator, protocol):
    field = {"openai": "max_completion_tokens", "responses": "max_output_tokens", "anthropic": "max_tokens", "gemini": "maxOutputTokens"}[protocol]
    extra = {"generationConfig": {field: 32_769}} if protocol == "gemini" else {field: 32_769}
    assert post(emulator, protocol, "kimi-k2.7-code", extra).status_code == 400
    assert post(emulator, protocol, "kimi-k3", extra).status_code == 200


def test_the_emulator_refuses_both_max_token_fields(emulator):
    assert post(emulator, "openai", "kimi-k2.6", {"max_tokens": 5, "max_completion_tokens": 5}).status_code == 400


# answers asked for in the prompt ---------------------------------------------------------------

@pytest.mark.parametrize(("answer", "value"), [
    ('{"a": 1}', {"a": 1}),
    ('Here is the JSON:\n```json\n{"a": 1}\n```', {"a": 1}),
    ('```\n{"a": 1}\n```\nHope this helps.', {"a": 1}),
    ('The answer is {"a": 1}. Anything else?', {"a": 1}),
    ('Sure! [1, 2]', [1, 2]),
])
def test_extract_finds_the_json_in_an_answer(answer, value):
    assert extract(answer) == value


def test_an_array_answer_to_a_wrapped_array_schema_is_accepted():
    schema = Schema({"type": "array", "items": {"type": "integer"}}, True)
    assert check("```json\n[1, 2, 3]\n```", schema) == [1, 2, 3]


def test_extract_gives_up_on_an_answer_with_no_json():
    with pytest.raises(ValueError):
        extract("I cannot answer that as JSON. {not json")


def test_the_catalog_names_a_source_for_every_fact():
    for model in catalog.MODELS:
        facts = {"thinking", "thinking_control", "json_mode", "tools", "images", "returns_reasoning", "sampling", "max_output_tokens", "context_tokens", "max_tokens_field"}
        assert set(model.sources) == facts, model.id
        assert all(source in catalog.SOURCES for source in model.sources.values())
