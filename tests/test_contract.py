"""Issue 26: the agent's contract where a chaos run and an agent's day found it wanting, one
test per numbered item (the emulator's own fixes, item 5, are in test_emulator_sdks.py)."""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, SCRIPTS, TEST_KEY, base_env


def start(run, *args: str) -> str:
    result = run("stream", "--background", *args)
    assert result.code == 0, result.err
    return result.out.strip()


# 1. a cancel at any moment of a job's life ends it as cancelled ---------------------------------

@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2])
def test_a_cancel_right_after_background_is_cancelled_not_died(run, emulator, delay):
    emulator.inject("slow:5")
    job = start(run, "one two three")
    time.sleep(delay)
    cancelled = run("jobs", "cancel", job)
    assert cancelled.code == 10, cancelled.err
    status = run("jobs", "status", "--json", job)
    assert (json.loads(status.out)["status"], status.code) == ("cancelled", 10)


# 2. Ctrl-C during start-up is quiet ----------------------------------------------------------

def test_ctrl_c_at_any_moment_of_start_up_is_one_line_and_130(emulator, tmp_path):
    env = base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url, KIMI_SKILL_HOME=str(tmp_path))
    rng = random.Random(7)
    for _ in range(30):
        proc = subprocess.Popen([sys.executable, str(SCRIPTS / "chat.py"), "hello"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        text = err.decode()
        # the interpreter's own start-up comes before our first statement and may still print
        # Python's message: that includes a frame at "line 0" of the script, the check the
        # interpreter makes on entering the module before its first line runs. From the first
        # statement on (a frame at line 1 or later, or anything in the package) an interrupt is
        # one line and exit 130.
        ours = "kimi_skill" in text or re.search(r'/scripts/[^"]*", line [1-9]', text) is not None
        assert not ("Traceback" in text and ours), text
        if ours or text.startswith("error:"):
            assert (proc.returncode, text.splitlines()[-1][:18]) == (130, "error: interrupted"), text


# 3, 11. a cut background job with --output says where its text is ----------------------------------

def test_a_cut_background_output_job_names_its_partial_file_and_prints_no_text(run, emulator, tmp_path):
    target = tmp_path / "answer.md"
    emulator.inject("drop:3")
    job = start(run, "--model", "kimi-k2.5", "--output", str(target), "one two three four")
    result = run("jobs", "result", job, "--wait", "30")
    assert (result.code, result.out) == (5, "")
    assert result.err == (
        "error: the stream broke after 13 characters of the answer (HTTP 200, connection lost: "
        f"peer closed connection without sending complete message body (incomplete chunked read)); the text so far is in {tmp_path / 'answer.md.partial'}\n"
    )
    assert (tmp_path / "answer.md.partial").read_text() == "You said: one"


def test_a_cancelled_output_job_names_its_partial_file(run, emulator, tmp_path):
    target = tmp_path / "answer.md"
    emulator.inject("slow:20")
    job = start(run, "--model", "kimi-k2.5", "--thinking", "off", "--output", str(target), "one two three four five six seven eight nine ten")
    time.sleep(5)
    result = run("jobs", "cancel", job)
    assert result.code == 10
    assert f"; the text so far is in {tmp_path / 'answer.md.partial'}" in result.err


# 4. a cut --schema stream does not claim text on stdout ------------------------------------------

def test_a_cut_schema_stream_says_nothing_was_printed(run, emulator):
    emulator.inject("drop:1")
    result = run("stream", "--model", "kimi-k2.6", "--schema", "name", "x")
    assert (result.code, result.out) == (5, "")
    assert result.err.endswith("; --schema prints only a complete, valid answer, so nothing was printed: try again\n")


# 6. the conversation id after a failure -------------------------------------------------------------

@pytest.mark.parametrize(("fault", "code"), [("400", 4), ("503", 5), ("wrongjson", 7)])
def test_show_id_prints_the_conversation_after_a_failure_too(run, emulator, fault, code):
    emulator.inject(fault, times=None)
    args = ["--schema", "name", "--schema-retries", "0"] if fault == "wrongjson" else []
    result = run("chat", "--show-id", "--max-retries", "0", *args, "hello")
    assert result.code == code
    assert result.lines[0].startswith("conversation: c-") and result.lines[1].startswith("error: ")
    follow = run("chat", "--conversation", result.lines[0].split()[-1], "again")
    assert follow.code != 0 or follow.out  # the id names a conversation the store knows


# 8. jobs.py result on a cut answer says so, as the foreground does ----------------------------------

def test_result_of_a_truncated_job_warns_and_json_has_the_fields(run):
    job = start(run, "--max-tokens", "11", "one two three four")
    result = run("jobs", "result", job, "--wait", "30")
    assert (result.code, result.out) == (0, "You said:\n")
    assert result.err == (
        "warning: the answer was cut at 11 tokens (finish_reason length), so it is incomplete; "
        "raise --max-tokens (it always reasons, so reasoning shares the budget)\n"
    )
    data = json.loads(run("jobs", "result", job, "--json").out)
    assert (data["truncated"], data["finish_reason"], data["model"], data["usage"]["completion_tokens"]) == (True, "length", "kimi-k3", 11)


# 9. a background job with an unknown model fails before it starts ----------------------------------

def test_a_background_job_with_an_unknown_model_is_refused_at_once_with_the_list(run, emulator):
    result = run("stream", "--background", "--model", "kimi-k9", "hello")
    assert result.code == 4
    assert result.err == (
        "error: unknown model 'kimi-k9': the key's model list does not have it, so no job was started; "
        "available Kimi models: kimi-k2.5, kimi-k2.6, kimi-k2.7-code, kimi-k3; pass one with --model\n"
    )
    assert json.loads(run("jobs", "list", "--json").out) == []


def test_the_model_list_is_cached_for_the_next_background_job(run, emulator):
    start(run, "--model", "glm-4.6", "hello")
    before = len([r for r in emulator.state.requests if r.path == "/v1/models"])
    start(run, "--model", "glm-4.6", "again")
    assert len([r for r in emulator.state.requests if r.path == "/v1/models"]) == before


# 10. every recorded turn ends, even when a package is missing --------------------------------------

def test_a_missing_package_after_the_turn_began_leaves_it_incomplete(emulator, tmp_path):
    from test_missing_packages import venv_without

    python = venv_without(tmp_path / "venv", "openai")
    env = base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url, KIMI_SKILL_HOME=str(tmp_path / "state"))
    proc = subprocess.run([str(python), str(SCRIPTS / "chat.py"), "--show-id", "hello"], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120)
    assert proc.returncode == 3
    conversation = proc.stderr.splitlines()[0].split()[-1]
    shown = subprocess.run([sys.executable, str(SCRIPTS / "history.py"), "show", "--json", conversation], capture_output=True, text=True, env=env)
    [turn] = json.loads(shown.stdout)["turns"]
    assert (turn["status"], turn["exit_code"]) == ("incomplete", 3)


# 12. an input larger than the context is refused before sending -----------------------------------

def test_an_input_over_the_context_window_is_refused_before_sending(run, emulator, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("word " * 1_100_000)
    result = run("chat", "--max-input-bytes", "10000000", "--file", str(big), "summarise")
    assert result.code == 2
    assert result.err.startswith("error: the input is 5500") and "tokens, more than kimi-k3's context of 262144 tokens" in result.err
    assert emulator.state.requests == []


# 13, 15. SKILL.md: scripts by absolute path from the user's folder; exit 7 covers truncation -------

def test_skill_md_runs_scripts_by_path_from_the_users_folder():
    text = (ROOT / "SKILL.md").read_text()
    assert "from this skill's folder" not in text
    assert "{baseDir}/scripts/chat.py" in text
    assert "python3 scripts/" not in text


def test_skill_md_exit_7_row_names_the_truncation_case():
    row = next(line for line in (ROOT / "SKILL.md").read_text().splitlines() if line.startswith("| 7 |"))
    assert "cut by the token limit" in row


def test_history_show_includes_the_system_prompt_and_files(run, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("some notes\n")
    conversation = run("chat", "--show-id", "--system", "Be brief.", "--file", str(notes), "hello").lines[-1].split()[-1]
    shown = run("history", "show", conversation).out
    assert "  system: Be brief.\n" in shown and f"  file {notes} (11 bytes, sha256 " in shown
