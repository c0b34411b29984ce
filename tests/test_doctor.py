"""doctor.py: one line per check, in order, and the first failure's exit code with its next step."""

from __future__ import annotations

import json

from conftest import TEST_KEY, assert_clean

CHECKS = ["python", "key", "base URL", "reachable", "models", "call openai", "call responses", "call anthropic", "call gemini", "stream usage", "store", "hosts"]


def names(out: str) -> list[str]:
    return [line[6:].split(":", 1)[0] for line in out.splitlines() if line[:5].strip() in ("ok", "FAIL", "skip", "note")]


def test_every_check_passes_against_the_emulator(run, tmp_path):
    result = run("doctor", HOME=str(tmp_path))
    assert result.code == 0, result.out
    assert names(result.out) == CHECKS
    lines = result.out.splitlines()
    assert lines[1] == "ok    key: from RUNAPI_TOKEN: rk-t…, 24 characters"
    assert lines[5] == "ok    call openai: kimi-k3 answered (finish_reason length, 1 token, 0 characters)"
    assert lines[-1] == "doctor: all 12 checks passed"
    assert_clean(result)
    assert TEST_KEY not in result.out


def test_offline_skips_the_network_checks(run, emulator, tmp_path):
    result = run("doctor", "--offline", HOME=str(tmp_path))
    assert result.code == 0
    assert next(line for line in result.out.splitlines() if line.startswith("skip")) == "skip  reachable: --offline"
    assert emulator.state.requests == []


def test_no_key_fails_with_exit_3_and_the_next_step(run, emulator, tmp_path):
    result = run("doctor", RUNAPI_TOKEN="", HOME=str(tmp_path))
    assert result.code == 3
    lines = result.out.splitlines()
    assert lines[1] == "FAIL  key: no API key: set RUNAPI_TOKEN to your RunAPI key (get one at https://runapi.ai/api_keys)"
    assert lines[2] == "      next: set RUNAPI_TOKEN in the environment or the agent's secret settings (never on a command line)"
    assert lines[-1] == "doctor: first failure: key (exit 3)"
    assert result.err == (
        "error: key: no API key: set RUNAPI_TOKEN to your RunAPI key (get one at https://runapi.ai/api_keys); "
        "next: set RUNAPI_TOKEN in the environment or the agent's secret settings (never on a command line)\n"
    )
    assert emulator.state.requests == []


def test_an_unreachable_api_fails_with_exit_5(run, free_port, tmp_path):
    result = run("doctor", OPENAI_BASE_URL=f"http://127.0.0.1:{free_port}/v1", HOME=str(tmp_path))
    assert result.code == 5
    assert "FAIL  reachable: could not reach the API" in result.out
    assert "skip  call openai: the API could not be reached" in result.out


def test_a_refused_key_fails_the_model_list_with_exit_4(run, tmp_path):
    result = run("doctor", RUNAPI_TOKEN="rk-wrong-key-123456", HOME=str(tmp_path))
    assert result.code == 4
    assert "FAIL  models: the API rejected the key from RUNAPI_TOKEN (HTTP 401" in result.out


def test_a_gateway_that_refuses_a_boundary_shape_is_named(run, emulator, tmp_path):
    emulator.inject("boundary:max_output_tokens", times=None)
    result = run("doctor", HOME=str(tmp_path))
    assert result.code == 4
    failed = [line for line in result.out.splitlines() if line.startswith("FAIL")]
    assert failed == [
        "FAIL  call responses: RunAPI refused the request shape for kimi-k3 on the responses protocol (HTTP 400: Unsupported parameter for "
        "kimi-k3: max_output_tokens (this field is not supported for this model). RunAPI accepts basic text requests for this model.); "
        "its capability boundary may have moved since this kimi-skill was released: run scripts/doctor.py to see which protocols still "
        "work, and update kimi-skill"
    ]
    assert "ok    call openai:" in result.out and "ok    call gemini:" in result.out


def test_a_model_missing_from_the_list_is_a_failure(run, tmp_path):
    result = run("doctor", "--model", "kimi-k9", HOME=str(tmp_path))
    assert result.code == 4
    assert "FAIL  models: kimi-k9 is not in the model list for this key" in result.out


def test_json_lists_every_check_and_the_exit_code(run, tmp_path):
    data = json.loads(run("doctor", "--json", HOME=str(tmp_path)).out)
    assert [c["check"] for c in data["checks"]] == CHECKS
    assert data["exit_code"] == 0
    assert {c["status"] for c in data["checks"]} <= {"ok", "note"}


def test_hosts_that_hold_the_skill_are_named(run, tmp_path):
    installed = tmp_path / ".claude" / "skills" / "kimi"
    (installed / "scripts" / "kimi_skill").mkdir(parents=True)
    (installed / "SKILL.md").write_text("---\nname: kimi\n---\n")
    result = run("doctor", "--offline", HOME=str(tmp_path))
    assert f"ok    hosts: the skill is installed for claude-code ({installed})" in result.out


def test_an_unusable_store_fails_with_exit_3(run, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    result = run("doctor", "--offline", KIMI_SKILL_HOME=str(blocked / "state"), HOME=str(tmp_path))
    assert result.code == 3
    assert "FAIL  store: the conversation store" in result.out
