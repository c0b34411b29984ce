"""The fault matrix: every script and protocol against every emulated failure.

Each cell checks the exit code, what is on stdout (the text so far), that stderr holds exactly
one error line besides the ``--debug`` lines, that no traceback escapes, and that the key
appears nowhere, not even in debug output or in an error body that echoes it.
"""

from __future__ import annotations

import pytest

from conftest import PROTOCOLS, TEST_KEY

FULL = "You said: one two three\n"
PARTIAL = "You said:\n"
MODELS = "kimi-k3\nkimi-k2.7-code\nkimi-k2.6\nkimi-k2.5\n"
CHAT_CELLS = [(script, protocol) for script in ("chat", "stream") for protocol in PROTOCOLS]
ALL_CELLS = [*CHAT_CELLS, ("models", None)]

RATE_LIMITED = "error: rate limited (HTTP 429: emulated failure 429) after 2 attempts; the server asked to wait 0.001 s: wait that long, then try again"
FAILED_503 = "error: the service failed (HTTP 503: emulated failure 503) after 2 attempts; try again later"
FAILED_502 = "error: the service failed (HTTP 502: non-JSON body (text/html)) after 2 attempts; try again later"
UNREACHABLE = "error: could not reach the API ("
KEY_REJECTED = "error: the API rejected the key from RUNAPI_TOKEN (HTTP 401: Incorrect API key provided: ****. Check your key.)"


def broke(detail: str, chars: int = 9) -> str:
    return f"error: the stream broke after {chars} characters of the answer (HTTP 200, {detail}"


def call(run, script, protocol, **env):
    args = ["--debug", "--max-retries", "1", "--timeout", "1"]
    if protocol:
        args += ["--protocol", protocol, "--model", "kimi-k2.5", "one two three"]
    return run(script, *args, **env)


def check(result, code, out, err_prefix):
    assert "Traceback" not in result.err
    assert TEST_KEY not in result.out and TEST_KEY not in result.err
    assert result.code == code, result.err
    assert result.out == out
    errors = [line for line in result.err.splitlines() if not line.startswith("debug: ")]
    if err_prefix is None:
        assert errors == []
    else:
        assert len(errors) == 1 and errors[0].startswith(err_prefix), errors


def expected_out(script):
    return MODELS if script == "models" else FULL


@pytest.mark.parametrize(("script", "protocol"), ALL_CELLS)
def test_429_with_retry_after_then_success(run, emulator, script, protocol):
    emulator.inject("429:retry-after=0")
    check(call(run, script, protocol), 0, expected_out(script), None)


@pytest.mark.parametrize(("script", "protocol"), ALL_CELLS)
def test_429_forever(run, emulator, script, protocol):
    emulator.inject("429:retry-after-ms=1", times=None)
    check(call(run, script, protocol), 6, "", RATE_LIMITED)


@pytest.mark.parametrize(("script", "protocol"), ALL_CELLS)
def test_500_once(run, emulator, script, protocol):
    emulator.inject("500")
    check(call(run, script, protocol), 0, expected_out(script), None)


@pytest.mark.parametrize(("script", "protocol"), ALL_CELLS)
def test_503_forever(run, emulator, script, protocol):
    emulator.inject("503:retry-after-ms=1", times=None)
    check(call(run, script, protocol), 5, "", FAILED_503)


@pytest.mark.parametrize(("script", "protocol"), ALL_CELLS)
def test_html_502(run, emulator, script, protocol):
    emulator.inject("html502", times=None)
    check(call(run, script, protocol), 5, "", FAILED_502)


@pytest.mark.parametrize(("script", "protocol"), ALL_CELLS)
def test_connection_refused(run, free_port, script, protocol):
    result = call(run, script, protocol, OPENAI_BASE_URL=f"http://127.0.0.1:{free_port}/v1")
    check(result, 5, "", UNREACHABLE)


@pytest.mark.parametrize(("script", "protocol"), ALL_CELLS)
def test_reset_before_headers(run, emulator, script, protocol):
    emulator.inject("reset", times=None)
    check(call(run, script, protocol), 5, "", UNREACHABLE)


@pytest.mark.parametrize(("script", "protocol"), ALL_CELLS)
def test_reset_once_is_retried(run, emulator, script, protocol):
    emulator.inject("reset")
    check(call(run, script, protocol), 0, expected_out(script), None)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_dropped_after_two_chunks(run, emulator, protocol):
    emulator.inject("drop:2")
    check(call(run, "stream", protocol), 5, PARTIAL, broke("connection lost: "))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_stalled_after_two_chunks(run, emulator, protocol):
    emulator.inject("stall:2")
    check(call(run, "stream", protocol), 5, PARTIAL, broke("no data for 1 s (--timeout)); the text so far is on stdout: run the call again for the whole answer"))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_malformed_chunk(run, emulator, protocol):
    emulator.inject("malformed:2")
    check(call(run, "stream", protocol), 5, PARTIAL, broke("unreadable stream "))


@pytest.mark.parametrize(("script", "protocol"), ALL_CELLS)
def test_non_json_body(run, emulator, script, protocol):
    emulator.inject("nonjson")
    prefixes = {
        "chat": "error: the API sent a non-JSON body (HTTP 200",
        "stream": "error: the API answered a stream request with text/plain (HTTP 200) instead of an event stream",
        "models": "error: the API sent a non-JSON body (HTTP 200, text/plain); check the base URL",
    }
    check(call(run, script, protocol), 5, "", prefixes[script])


@pytest.mark.parametrize(("script", "protocol"), ALL_CELLS)
def test_wrong_shape_json(run, emulator, script, protocol):
    emulator.inject("wrongshape")
    result = call(run, script, protocol)
    check(result, 5, "", "error: ")
    assert "HTTP 200" in result.err


@pytest.mark.parametrize(("script", "protocol"), ALL_CELLS)
def test_key_echoed_in_an_error_body_is_masked(run, emulator, script, protocol):
    emulator.inject("echokey")
    check(call(run, script, protocol), 4, "", KEY_REJECTED)


@pytest.mark.parametrize(("script", "protocol"), ALL_CELLS)
def test_plain_http_to_a_remote_host_is_refused(run, script, protocol):
    result = call(run, script, protocol, OPENAI_BASE_URL="http://runapi.example.com/v1")
    check(result, 3, "", "error: OPENAI_BASE_URL uses plain http:// to runapi.example.com")


@pytest.mark.parametrize(("script", "protocol"), ALL_CELLS)
def test_debug_shows_the_request_with_the_key_masked(run, script, protocol):
    result = call(run, script, protocol)
    debug = [line for line in result.err.splitlines() if line.startswith("debug: ")]
    assert debug[0].startswith("debug: > ") and "****" in debug[0]
    assert debug[1].startswith("debug: < HTTP 200 in ")


@pytest.mark.parametrize(("script", "protocol"), ALL_CELLS)
def test_a_redirect_is_not_followed_so_the_key_stays_home(run, emulator, script, protocol):
    from kimi_skill.emulator import Emulator

    with Emulator(key="other-host-key") as elsewhere:
        emulator.inject(f"redirect:{elsewhere.base_url}/models")
        result = call(run, script, protocol)
        assert elsewhere.state.requests == []
    check(result, 3, "", f"error: the API answered with a redirect (HTTP 307 to {elsewhere.base_url}/models); redirects are refused")
