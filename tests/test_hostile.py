"""The key and the terminal against hostile servers and environments: where a key may be sent,
proxies, keys that cannot be keys, masking echoes, escapes, limits, deadlines, keep-alives."""

from __future__ import annotations

import base64
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from conftest import PROTOCOLS, SCRIPTS, TEST_KEY, base_env, stream_on_a_pty

CELLS = [(script, protocol) for script in ("chat", "stream") for protocol in PROTOCOLS]
ALL = [*CELLS, ("models", None)]


def call(run, script, protocol, *extra, **env):
    args = [*extra]
    if protocol:
        args += ["--protocol", protocol, "--model", "kimi-k2.5", "one two three"]
    return run(script, *args, **env)


def clean(result, code: int) -> str:
    """Exit code, one error line, no traceback, no key or 12-character piece of it anywhere."""
    assert result.code == code, result.err
    assert "Traceback" not in result.err
    everything = result.out + result.err
    for start in range(len(TEST_KEY) - 11):
        assert TEST_KEY[start : start + 12].lower() not in everything.lower()
    errors = [line for line in result.lines if line.startswith("error:")]
    assert len(errors) == 1, result.err
    return errors[0]


class Recorder:
    """A second loopback server: a proxy (or any host) that records what reaches it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.received: list[bytes] = []
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.received.append(conn.recv(65536))
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    pass

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.close()


# where a RunAPI key may go -------------------------------------------------------------------


@pytest.mark.parametrize(("script", "protocol"), ALL)
def test_loopback_never_goes_through_a_proxy(run, recorder, script, protocol):
    proxies = {name: recorder.url for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy")}
    result = call(run, script, protocol, **proxies)
    assert result.code == 0, result.err
    assert recorder.received == []


@pytest.mark.parametrize(("script", "protocol"), ALL)
def test_https_to_runapi_goes_through_https_proxy_as_a_tunnel(run, recorder, script, protocol):
    result = call(run, script, protocol, "--max-retries", "0", OPENAI_BASE_URL="", HTTPS_PROXY=recorder.url)
    assert clean(result, 5).startswith("error: could not reach the API (")
    assert len(recorder.received) == 1
    request = recorder.received[0]
    assert request.startswith(b"CONNECT runapi.ai:443 HTTP/1.1\r\n")
    assert TEST_KEY.encode() not in request and b"authorization" not in request.lower()


def test_a_runapi_key_ignores_an_openai_base_url_for_another_gateway(run, recorder):
    result = run("chat", "--max-retries", "0", "hi", OPENAI_BASE_URL="https://gateway.example.com/v1", HTTPS_PROXY=recorder.url)
    assert result.lines[0] == (
        "warning: OPENAI_BASE_URL names gateway.example.com, not RunAPI, so it is ignored for the RunAPI key in RUNAPI_TOKEN; "
        "set RUNAPI_BASE_URL to send that key elsewhere on purpose"
    )
    assert recorder.received[0].startswith(b"CONNECT runapi.ai:443 ")


def test_runapi_base_url_sends_the_key_where_the_user_says(run, emulator):
    origin = emulator.base_url.removesuffix("/v1")
    result = run("chat", "hi", OPENAI_BASE_URL="https://gateway.example.com/v1", RUNAPI_BASE_URL=origin)
    assert (result.code, result.out, result.err) == (0, "You said: hi\n", "")


def test_runapi_api_key_is_accepted(run, emulator):
    result = run("chat", "hi", RUNAPI_TOKEN="", RUNAPI_API_KEY=TEST_KEY)
    assert (result.code, result.out) == (0, "You said: hi\n")


def test_openclaws_injected_pair_works_as_before(run, emulator):
    result = run("chat", "hi", RUNAPI_TOKEN="", OPENAI_API_KEY=TEST_KEY, OPENAI_BASE_URL=emulator.base_url)
    assert (result.code, result.out, result.err) == (0, "You said: hi\n", "")


def test_no_proxy_is_honoured():
    from kimi_skill.config import proxy_for

    env = {"HTTPS_PROXY": "http://proxy.local:3128", "NO_PROXY": "example.org,.runapi.ai"}
    assert proxy_for("https://api.runapi.ai/v1", env) is None
    assert proxy_for("https://runapi.ai/v1", env) is None
    assert proxy_for("https://other.com/v1", env) == "http://proxy.local:3128"
    assert proxy_for("https://other.com/v1", {"ALL_PROXY": "proxy.local:8080"}) == "http://proxy.local:8080"
    assert proxy_for("http://127.0.0.1:9/v1", env) is None


# a key that cannot be a key ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (TEST_KEY + "\r", None),  # trailing whitespace is trimmed, not refused
        (f'"{TEST_KEY}"', "error: RUNAPI_TOKEN is wrapped in quotes; set it to the key alone, without the quotes"),
        (TEST_KEY[:6] + "\n" + TEST_KEY[6:], "error: RUNAPI_TOKEN holds a control character (tab, CR, LF...) at position 7; set it to the key alone, on one line"),
        (TEST_KEY[:6] + "\t" + TEST_KEY[6:], "error: RUNAPI_TOKEN holds a control character (tab, CR, LF...) at position 7; set it to the key alone, on one line"),
        (TEST_KEY[:6] + "\u201d" + TEST_KEY[6:], "error: RUNAPI_TOKEN holds a non-ASCII character at position 7 (a typographic quote or a pasted symbol?); set it to the key exactly as shown on https://runapi.ai/api_keys"),
        (TEST_KEY[:6] + " " + TEST_KEY[6:], "error: RUNAPI_TOKEN holds a space at position 7; set it to the key alone, on one line"),
    ],
)
@pytest.mark.parametrize("script", ["chat", "models"])
def test_a_key_that_cannot_be_a_key_is_refused_before_any_request(run, emulator, value, message, script):
    result = run(script, "--debug", "hi" if script == "chat" else "--all", RUNAPI_TOKEN=value)
    if message is None:
        assert result.code == 0
        return
    assert (result.code, result.err) == (3, message + "\n")
    assert emulator.state.requests == []


# masking -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["whole", "prefix", "suffix", "upper", "base64", "url"])
@pytest.mark.parametrize(("script", "protocol"), ALL)
def test_an_echoed_key_is_masked_in_every_form(run, emulator, form, script, protocol):
    emulator.inject(f"echokey:{form}", times=None)
    result = call(run, script, protocol, "--debug")
    line = clean(result, 4)
    assert line.startswith("error: the API rejected the key from RUNAPI_TOKEN (HTTP 401: Incorrect API key provided: ")
    encoded = base64.b64encode(f"user:{TEST_KEY}".encode()).decode()
    assert encoded[8:20] not in result.err


def test_scrub_masks_runs_of_twelve_and_leaves_shorter_ones():
    from kimi_skill.redact import Secret, scrub

    key = "rk-live-Zq8wPm3Lx7Tv2Nb5Hc1K"  # skill-validate: allow no-inlined-key (fake)
    Secret(key)
    assert scrub(f"got {key[:12]} and {key[-12:]}") == "got **** and ****"
    assert scrub(f"got {key[:11]}!") == f"got {key[:11]}!"
    assert scrub(key.upper()) == "****"


def test_a_streamed_answer_never_shows_a_run_of_the_key_however_it_is_cut():
    import random

    from kimi_skill.redact import Masker, Secret, scrub

    key = "rk-live-Jd4sVw9Qe2Rt6Yu1Io7P"  # skill-validate: allow no-inlined-key (fake)
    Secret(key)
    rng = random.Random(11)
    pieces = [key, key[:12], key[3:17], key[:11], key[-5:], key.upper()[2:20], "tok ", "rk-", "Jd4s", " ", "\n", "live"]
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        cuts = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(0, 6)))) if len(text) > 1 else []
        masker = Masker()
        streamed = "".join(masker.feed(text[a:b]) for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)) + masker.flush()
        # no run of twelve survives, and text with no run comes through as it was sent (a
        # beginning shorter than Masker.HOLD may go out before the run is known: the rule allows it)
        assert scrub(streamed) == streamed, (text, cuts)
        if scrub(text) == text:
            assert streamed == text, (text, cuts)


# untrusted text -----------------------------------------------------------------------------------


def test_model_ids_with_escapes_are_neutralised(run, emulator):
    emulator.inject("escapes")
    result = run("models", "--all")
    assert result.out.splitlines()[-1] == "kimi-\\x1b]0;owned\\x07k2\\u202eevil\\nforged: line"


def test_models_json_escapes_c1_and_bidi(run, emulator):
    emulator.inject("escapes")
    text = run("models", "--all", "--json").out
    assert "\\u202e" in text and "\u202e" not in text and "\x1b" not in text


@pytest.mark.parametrize(("script", "protocol"), CELLS)
def test_an_error_message_with_escapes_is_one_safe_line(run, emulator, script, protocol):
    emulator.inject("escapes")
    line = clean(call(run, script, protocol, "--debug"), 4)
    assert "\x1b" not in line and "\u202e" not in line and "\\x1b]0;owned\\x07" in line


def test_debug_header_values_are_neutralised(run, emulator):
    emulator.inject("escapes")
    result = run("chat", "--debug", "hi")
    debug = [line for line in result.lines if line.startswith("debug: < ")]
    assert "x-hostile: a\\x1b[2Jb" in debug[0] and "\x1b" not in result.err


def test_json_output_escapes_bidi_and_c1_in_the_answer(run):
    data_text = run("stream", "--json", "--model", "glm-4.6", "a\u202eb\x85c").out
    assert "\\u202e" in data_text and "\\u0085" in data_text
    assert json.loads(data_text)["content"] == "You said: a\u202eb\x85c"


def run_on_a_pty(emulator, home, *args: str) -> bytes:
    return stream_on_a_pty(base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url, KIMI_SKILL_HOME=str(home)), *args)[1]


def test_bidi_overrides_and_zero_width_characters_are_shown_on_a_terminal(emulator, home):
    output = run_on_a_pty(emulator, home, "--model", "glm-4.6", "pay\u202eevil\u200bx")
    assert output == b"You said: pay\\u202eevil\\u200bx\r\n"


# limits and deadlines ---------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_an_oversized_stream_line_is_refused(run, emulator, protocol):
    emulator.inject("bigline:40")
    line = clean(run("stream", "--protocol", protocol, "hi"), 5)
    assert line == "error: the stream broke after 0 characters of the answer (HTTP 200, one stream event is over 4 MiB; refused); try again"


@pytest.mark.parametrize(("script", "protocol"), [("chat", "openai"), ("chat", "anthropic"), ("chat", "gemini"), ("models", None)])
def test_an_oversized_body_is_refused(run, emulator, script, protocol):
    emulator.inject("bigbody:40")
    line = clean(call(run, script, protocol), 5)
    assert line == "error: the API sent a response body over 32 MiB; refused (check the base URL)"


@pytest.mark.parametrize(("script", "protocol"), CELLS)
def test_json_nested_too_deeply_is_refused(run, emulator, script, protocol):
    emulator.inject("deepjson")
    line = clean(call(run, script, protocol), 5)
    assert "nested too deeply" in line


@pytest.mark.parametrize(("script", "protocol"), ALL)
def test_a_deeply_nested_error_body_still_gives_the_status(run, emulator, script, protocol):
    emulator.inject("deeperror")
    line = clean(call(run, script, protocol), 4)
    assert line.startswith("error: the API refused the request (HTTP 400: JSON body nested too deeply to read)")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_stream_of_keep_alives_only_ends_at_the_timeout(run, emulator, protocol):
    emulator.inject("keepalive")
    line = clean(run("stream", "--protocol", protocol, "--timeout", "1", "hi"), 5)
    assert line == "error: the stream broke after 0 characters of the answer (HTTP 200, the server sent only keep-alives for 1 s (--timeout)); try again"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_max_time_ends_a_call_that_keeps_trickling(run, emulator, protocol):
    emulator.inject("trickle:150")
    result = run("stream", "--protocol", protocol, "--max-time", "2", "--model", "glm-4.6", "one two three four five six")
    line = clean(result, 5)
    assert line.startswith("error: the call went past --max-time 2 s after ")
    assert "You said: one two three four five six".startswith(result.out.rstrip("\n"))


def test_max_time_covers_a_server_that_never_answers(run, emulator):
    emulator.inject("delay:30")
    line = clean(run("chat", "--max-time", "1", "hi"), 5)
    assert line == "error: the call went past --max-time 1 s after 0 characters of the answer"


def test_a_read_timeout_is_not_retried(run, emulator):
    emulator.inject("delay:5", times=None)
    line = clean(run("chat", "--timeout", "0.5", "hi"), 5)
    assert line == f"error: could not reach the API (no answer from 127.0.0.1:{emulator.port} within 0.5 s (--timeout)); check the base URL and the network, then try again"
    assert len(emulator.state.requests) == 1


# errors that say what to do -----------------------------------------------------------------


def test_a_base_url_without_v1_is_named_as_the_problem(run, emulator):
    result = run("chat", "hi", OPENAI_BASE_URL=emulator.base_url.removesuffix("/v1"))
    assert clean(result, 4) == (
        f"error: not found (HTTP 404: Unknown request URL: POST /chat/completions.): the base URL {emulator.base_url.removesuffix('/v1')} "
        "does not end in /v1; RunAPI's is https://runapi.ai/v1 (set OPENAI_BASE_URL accordingly)"
    )


def test_connection_errors_name_the_host_tried(run, free_port):
    line = clean(run("chat", "--max-retries", "0", "hi", OPENAI_BASE_URL=f"http://127.0.0.1:{free_port}/v1"), 5)
    assert f"(127.0.0.1:{free_port})" in line


def test_localhost_subdomains_are_not_trusted_as_loopback(run):
    line = clean(run("chat", "hi", OPENAI_BASE_URL="http://evil.localhost:8080/v1"), 3)
    assert line.startswith("error: OPENAI_BASE_URL uses plain http:// to evil.localhost")


def test_an_unwritable_stdout_is_exit_12(emulator, home):
    env = base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url, KIMI_SKILL_HOME=str(home))
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, str(SCRIPTS / "chat.py"), "hi"], stdout=full, stderr=subprocess.PIPE, env=env, stdin=subprocess.DEVNULL)
    assert (proc.returncode, proc.stderr.decode()) == (12, "error: could not write the answer to stdout (No space left on device)\n")


def test_json_prints_one_error_object_on_failure(run, emulator):
    emulator.inject("400")
    result = run("chat", "--json", "hi")
    data = json.loads(result.out)
    assert (result.code, data["error"], data["exit_code"], data["content"]) == (4, "the API refused the request (HTTP 400: emulated failure 400); fix the request and try again", 4, "")


def test_json_prints_an_error_object_for_a_configuration_error_too(run):
    result = run("chat", "--json", "hi", RUNAPI_TOKEN="")
    assert (result.code, json.loads(result.out)["exit_code"]) == (3, 3)


def test_jsonl_ends_with_an_error_event(run, emulator):
    emulator.inject("400")
    events = [json.loads(line) for line in run("stream", "--jsonl", "hi").out.splitlines()]
    assert events[-1]["type"] == "error" and events[-1]["exit_code"] == 4


# the chaos server's findings ----------------------------------------------------------------


def test_models_retries_a_body_cut_mid_transfer(run, emulator):
    emulator.inject("cutbody")
    result = run("models")
    assert (result.code, result.out) == (0, "kimi-k3\nkimi-k2.7-code\nkimi-k2.6\nkimi-k2.5\n")


@pytest.mark.parametrize("script", ["chat", "stream"])
def test_anthropic_529_overloaded_is_retried(run, emulator, script):
    emulator.inject("529")
    result = run(script, "--protocol", "anthropic", "hi")
    assert (result.code, result.out) == (0, "You said: hi\n")


def test_connections_are_reused_across_retries(run, emulator):
    emulator.inject("429:retry-after=0")
    emulator.state.connections = 0
    run("chat", "hi")
    assert (len(emulator.state.requests), emulator.state.connections) == (2, 1)


@pytest.mark.parametrize("delay", [0.05, 0.1, 0.2, 0.3, 0.5])
def test_ctrl_c_at_start_up_is_one_line_and_130(emulator, home, delay):
    env = base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url, KIMI_SKILL_HOME=str(home))
    proc = subprocess.Popen([sys.executable, str(SCRIPTS / "chat.py"), "hi"], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    if proc.returncode == 0:  # it finished before the signal arrived
        return
    assert proc.returncode == 130, err
    assert err.decode().startswith("error: interrupted") and len(err.decode().splitlines()) == 1
