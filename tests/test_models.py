"""models.py: the IDs a key can use, fast, without the OpenAI SDK."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT, SCRIPTS


def test_lists_the_kimi_models_by_default(run):
    result = run("models")
    assert (result.code, result.out, result.err) == (0, "kimi-k3\nkimi-k2.7-code\nkimi-k2.6\nkimi-k2.5\n", "")


def test_all_lists_every_model(run):
    assert run("models", "--all").out == "kimi-k3\nkimi-k2.7-code\nkimi-k2.6\nkimi-k2.5\ndeepseek-v3.2\nglm-4.6\n"


def test_json_prints_the_model_objects_with_their_capabilities(run):
    data = json.loads(run("models", "--json").out)
    assert [(m["id"], m["owned_by"], m["default"]) for m in data] == [
        ("kimi-k3", "moonshotai", True), ("kimi-k2.7-code", "moonshotai", False), ("kimi-k2.6", "moonshotai", False), ("kimi-k2.5", "moonshotai", False),
    ]
    assert data[0]["capabilities"] == {
        "thinking": "always", "thinking_control": False, "json_mode": False, "tools": False, "images": False,
        "returns_reasoning": False, "sampling": "fixed", "fixed_temperature": [1.0, 1.0], "max_output_tokens": 131072,
        "context_tokens": 262144, "default_max_tokens": 32768, "max_tokens_field": "max_completion_tokens", "schema_via": "prompt",
    }
    assert (data[2]["capabilities"]["thinking_control"], data[2]["capabilities"]["schema_via"]) == (True, "json_mode")


def test_json_gives_an_unknown_model_no_capabilities(run):
    data = json.loads(run("models", "--all", "--json").out)
    assert [m["capabilities"] for m in data if m["id"] == "glm-4.6"] == [None]


def test_json_marks_the_users_own_default(run):
    data = json.loads(run("models", "--json", KIMI_SKILL_MODEL="kimi-k2.6").out)
    assert [m["id"] for m in data if m["default"]] == ["kimi-k2.6"]


def test_a_wrong_key_exits_4(run):
    result = run("models", RUNAPI_TOKEN="rk-wrong-key-123456")
    assert result.code == 4
    assert result.err.startswith("error: the API rejected the key from RUNAPI_TOKEN (HTTP 401")


def test_a_malformed_list_exits_5(run, emulator):
    emulator.inject("wrongshape")
    result = run("models")
    assert result.code == 5
    assert result.err == (
        'error: the API sent a malformed model list (HTTP 200: expected {"data": [{"id": ...}]}); check the base URL\n'
    )


def test_retries_a_rate_limit_then_succeeds(run, emulator):
    emulator.inject("429:retry-after=0", times=2)
    result = run("models")
    assert (result.code, result.out) == (0, "kimi-k3\nkimi-k2.7-code\nkimi-k2.6\nkimi-k2.5\n")


def test_does_not_import_the_openai_sdk():
    code = (
        "import sys; sys.argv = ['models.py', '--help']\n"
        "from kimi_skill.commands.models import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "import kimi_skill.protocols.listing\n"
        "print('openai' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=SCRIPTS, check=True).stdout
    assert out.strip().endswith("False")
    assert ROOT
