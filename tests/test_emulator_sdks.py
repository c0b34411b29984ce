"""The official SDKs parse everything the emulator sends: that keeps the emulator honest."""

from __future__ import annotations

import anthropic
import httpx
import openai
import pytest
from google import genai
from google.genai import types as genai_types

from conftest import TEST_KEY

REASONING = "The user wants an answer. I will reply briefly."


def _openai(emulator):
    return openai.OpenAI(api_key=TEST_KEY, base_url=emulator.base_url, max_retries=0)


def _origin(emulator):
    return emulator.base_url.removesuffix("/v1")


def test_openai_sdk_reads_a_completion(emulator):
    response = _openai(emulator).chat.completions.create(model="kimi-k2.6", messages=[{"role": "user", "content": "hi"}])
    message = response.choices[0].message
    assert (message.content, message.reasoning_content, response.choices[0].finish_reason) == ("You said: hi", REASONING, "stop")
    assert (response.usage.prompt_tokens, response.usage.completion_tokens, response.usage.total_tokens) == (1, 12, 13)


def test_openai_sdk_reads_a_stream_with_the_usage_chunk(emulator):
    stream = _openai(emulator).chat.completions.create(
        model="deepseek-v3.2", messages=[{"role": "user", "content": "hi"}], stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "You said: hi"
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens == 4


def test_openai_sdk_lists_models(emulator):
    assert [m.id for m in _openai(emulator).models.list()] == ["kimi-k3", "kimi-k2.7-code", "kimi-k2.6", "kimi-k2.5", "deepseek-v3.2", "glm-4.6"]


def test_openai_sdk_reads_an_error_object(emulator):
    with pytest.raises(openai.NotFoundError) as caught:
        _openai(emulator).chat.completions.create(model="nope", messages=[{"role": "user", "content": "hi"}])
    assert caught.value.code == "model_not_found"


def _anthropic(emulator):
    return anthropic.Anthropic(api_key=TEST_KEY, base_url=_origin(emulator), max_retries=0)


def test_anthropic_sdk_reads_a_message(emulator):
    message = _anthropic(emulator).messages.create(
        model="kimi-k2.6", max_tokens=100, system="S", messages=[{"role": "user", "content": "hi"}]
    )
    assert [b.type for b in message.content] == ["thinking", "text"]
    assert (message.content[0].thinking, message.content[1].text) == (REASONING, "[system: S] You said: hi")
    assert (message.stop_reason, message.usage.input_tokens, message.usage.output_tokens) == ("end_turn", 2, 14)


def test_anthropic_sdk_reads_a_stream(emulator):
    with _anthropic(emulator).messages.stream(
        model="kimi-k2.6", max_tokens=100, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "You said: hi"
    assert final.content[0].thinking == REASONING
    assert (final.stop_reason, final.usage.output_tokens) == ("end_turn", 12)


def test_anthropic_sdk_reads_an_error(emulator):
    with pytest.raises(anthropic.AuthenticationError):
        anthropic.Anthropic(api_key="rk-wrong-000000", base_url=_origin(emulator), max_retries=0).messages.create(
            model="kimi-k2.6", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
        )


_clients: list[object] = []  # a genai client closes its transport when collected


def _genai(emulator):
    client = genai.Client(api_key=TEST_KEY, http_options=genai_types.HttpOptions(base_url=_origin(emulator), api_version="v1beta"))
    _clients.append(client)
    return client


def test_genai_sdk_reads_a_response(emulator):
    response = _genai(emulator).models.generate_content(
        model="kimi-k2.6", contents="hi", config=genai_types.GenerateContentConfig(system_instruction="S")
    )
    parts = response.candidates[0].content.parts
    assert [(p.text, bool(p.thought)) for p in parts] == [(REASONING, True), ("[system: S] You said: hi", False)]
    assert response.candidates[0].finish_reason == genai_types.FinishReason.STOP
    assert response.usage_metadata.total_token_count == 16


def test_genai_sdk_reads_a_stream(emulator):
    chunks = list(_genai(emulator).models.generate_content_stream(model="deepseek-v3.2", contents="hi"))
    text = "".join(p.text or "" for c in chunks for p in c.candidates[0].content.parts)
    assert text == "You said: hi"
    assert chunks[-1].candidates[0].finish_reason == genai_types.FinishReason.STOP


def test_genai_sdk_reads_an_error(emulator):
    from google.genai import errors

    with pytest.raises(errors.ClientError) as caught:
        _genai(emulator).models.generate_content(model="nope", contents="hi")
    assert caught.value.code == 404


# the Responses surface, checked with the SDK's own types and its stream accumulator --------------

def test_openai_sdk_reads_a_response_object(emulator):
    response = _openai(emulator).responses.create(model="kimi-k2.6", input="hi", instructions="S")
    assert (response.output_text, response.status, response.usage.output_tokens) == ("[system: S] You said: hi", "completed", 14)
    assert [item.type for item in response.output] == ["reasoning", "message"]
    assert response.output[0].content[0].text == REASONING


def test_the_response_object_validates_strictly_against_the_sdks_model(emulator):
    from openai.types.responses import Response

    raw = httpx.post(f"{emulator.base_url}/responses", headers={"authorization": f"Bearer {TEST_KEY}"}, json={"model": "kimi-k3", "input": "hi"}).json()
    response = Response.model_validate(raw, strict=False)
    assert (response.output_text, response.usage.output_tokens_details.reasoning_tokens) == ("You said: hi", 9)
    assert [item.type for item in response.output] == ["message"]  # kimi-k3's reasoning text is not returned


def test_every_responses_stream_event_validates_against_the_sdks_union(emulator):
    from openai.types.responses import ResponseStreamEvent
    from pydantic import TypeAdapter

    adapter = TypeAdapter(ResponseStreamEvent)
    with httpx.stream("POST", f"{emulator.base_url}/responses", headers={"authorization": f"Bearer {TEST_KEY}"}, json={"model": "kimi-k2.6", "input": "hi", "stream": True}) as response:
        lines = [line for line in response.iter_lines() if line]
    names = [line.removeprefix("event: ") for line in lines if line.startswith("event: ")]
    events = [adapter.validate_json(line.removeprefix("data: ")) for line in lines if line.startswith("data: ")]
    assert [e.type for e in events] == names
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert (names[0], names[-1]) == ("response.created", "response.completed")


def test_openai_sdk_accumulates_a_responses_stream(emulator):
    with _openai(emulator).responses.stream(model="kimi-k2.6", input="hi") as stream:
        text = "".join(event.delta for event in stream if event.type == "response.output_text.delta")
        final = stream.get_final_response()
    assert (text, final.output_text, final.status) == ("You said: hi", "You said: hi", "completed")


def test_a_response_cut_by_the_budget_is_incomplete(emulator):
    response = _openai(emulator).responses.create(model="kimi-k2.6", input="one two three", max_output_tokens=11)
    assert (response.status, response.incomplete_details.reason, response.output_text) == ("incomplete", "max_output_tokens", "You said:")


def test_genai_sdk_reads_a_response_on_its_v1_path(emulator):
    client = genai.Client(api_key=TEST_KEY, http_options=genai_types.HttpOptions(base_url=_origin(emulator), api_version="v1"))
    _clients.append(client)
    assert client.models.generate_content(model="deepseek-v3.2", contents="hi").text == "You said: hi"


def test_the_anthropic_surface_sends_a_request_id_header(emulator):
    client = _anthropic(emulator)
    raw = client.messages.with_raw_response.create(model="kimi-k2.6", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    assert raw.headers["request-id"].startswith("req_")
    assert raw.parse()._request_id == raw.headers["request-id"]
