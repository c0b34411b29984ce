"""The emulator's own contract: each surface checks the headers and fields its real API checks."""

from __future__ import annotations

import httpx
import pytest

from conftest import TEST_KEY
from kimi_skill.emulator import Fault

MESSAGE = {"model": "kimi-k2.5", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}
ANTHROPIC = {"x-api-key": TEST_KEY, "anthropic-version": "2023-06-01"}


def origin(emulator) -> str:
    return emulator.base_url.removesuffix("/v1")


def test_openai_surface_refuses_a_missing_key(emulator):
    response = httpx.get(f"{emulator.base_url}/models")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "missing_api_key"


def test_anthropic_surface_refuses_a_wrong_key(emulator):
    response = httpx.post(f"{origin(emulator)}/v1/messages", json=MESSAGE, headers=ANTHROPIC | {"x-api-key": "nope"})
    assert (response.status_code, response.json()) == (401, {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}})


def test_anthropic_surface_requires_the_version_header(emulator):
    response = httpx.post(f"{origin(emulator)}/v1/messages", json=MESSAGE, headers={"x-api-key": TEST_KEY})
    assert (response.status_code, response.json()["error"]["message"]) == (400, "anthropic-version: header is required")


def test_anthropic_surface_requires_max_tokens(emulator):
    body = {k: v for k, v in MESSAGE.items() if k != "max_tokens"}
    response = httpx.post(f"{origin(emulator)}/v1/messages", json=body, headers=ANTHROPIC)
    assert (response.status_code, response.json()["error"]["message"]) == (400, "max_tokens: Field required")


def test_gemini_surface_refuses_a_missing_key(emulator):
    body = {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}
    response = httpx.post(f"{origin(emulator)}/v1beta/models/kimi-k2.5:generateContent", json=body)
    assert (response.status_code, response.json()["error"]["status"]) == (401, "UNAUTHENTICATED")


def test_gemini_streams_sse_without_an_end_marker(emulator):
    body = {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}
    with httpx.stream("POST", f"{origin(emulator)}/v1beta/models/deepseek-v3.2:streamGenerateContent?alt=sse", json=body, headers={"x-goog-api-key": TEST_KEY}) as response:
        text = response.read().decode()
    assert response.headers["content-type"] == "text/event-stream"
    assert text.count("data: ") == 4 and "[DONE]" not in text and '"finishReason":"STOP"' in text


def test_a_fault_can_be_chosen_per_request_by_header(emulator):
    response = httpx.get(f"{emulator.base_url}/models", headers={"authorization": f"Bearer {TEST_KEY}", "x-emulator-fault": "429:retry-after=3"})
    assert (response.status_code, response.headers["retry-after"]) == (429, "3")


def test_an_unknown_fault_is_refused_when_injected():
    with pytest.raises(ValueError, match="unknown fault 'bogus'"):
        Fault.parse("bogus")


def test_a_delay_before_the_first_byte_longer_than_the_timeout_exits_5(run, emulator):
    emulator.inject("delay:3", times=None)
    result = run("chat", "--timeout", "0.5", "--max-retries", "0", "hello")
    assert (result.code, result.err) == (
        5, f"error: could not reach the API (no answer from 127.0.0.1:{emulator.port} within 0.5 s (--timeout)); check the base URL and the network, then try again\n"
    )


def test_a_short_delay_is_waited_out(run, emulator):
    emulator.inject("delay:0.3")
    assert run("chat", "hello").out == "You said: hello\n"


def test_version_is_printed(run):
    result = run("chat", "--version")
    assert (result.code, result.out) == (0, "chat.py 0.2.0\n")
