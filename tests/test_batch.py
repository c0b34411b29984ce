"""batch.py: many items against the emulator, with rate limits, failures, kills and resumes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import SCRIPTS, TEST_KEY, assert_clean, base_env


def write_items(path: Path, count: int, **extra: object) -> Path:
    with path.open("w") as out:
        for n in range(count):
            out.write(json.dumps({"custom_id": f"item-{n}", "prompt": f"Say {n}", **extra}) + "\n")
    return path


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def prompts_sent(emulator) -> Counter[str]:
    sent: Counter[str] = Counter()
    for request in emulator.state.requests:
        if request.method == "POST" and isinstance(request.body, dict):
            sent[request.body["messages"][-1]["content"]] += 1
    return sent


def test_every_item_is_written_once_with_its_answer_and_a_summary_line(run, tmp_path):
    source = write_items(tmp_path / "in.jsonl", 25)
    result = run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"))
    assert_clean(result)
    assert result.code == 0
    got = lines(tmp_path / "out.jsonl")
    assert sorted(line["custom_id"] for line in got) == sorted(f"item-{n}" for n in range(25))
    first = next(line for line in got if line["custom_id"] == "item-3")
    assert (first["status"], first["content"], first["finish_reason"], first["truncated"], first["error"]) == ("done", "You said: Say 3", "stop", False, None)
    assert result.out.startswith("batch b-") and "25 done, 0 failed of 25 (25 sent this run, 0 already finished)" in result.out


def test_bad_lines_and_duplicate_ids_are_listed_and_nothing_is_sent(run, tmp_path, emulator):
    source = tmp_path / "in.jsonl"
    source.write_text('{"custom_id": "a", "prompt": "hi"}\nnot json\n{"custom_id": "a", "prompt": "again"}\n{"prompt": "no id"}\n')
    result = run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"))
    assert result.code == 2
    assert result.err.splitlines() == [
        f"{source}:2: not JSON (Expecting value at column 1)",
        f'{source}:3: custom_id "a" is already used on line 1',
        f"{source}:4: custom_id must be a non-empty string",
        f"error: {source} has 3 bad lines; nothing was sent: fix them and run the same command again",
    ]
    assert emulator.state.requests == [] and not (tmp_path / "out.jsonl").exists()


def test_running_the_same_command_again_sends_nothing_that_is_done(run, tmp_path, emulator):
    source = write_items(tmp_path / "in.jsonl", 10)
    assert run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl")).code == 0
    before = len(emulator.state.requests)
    again = run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"))
    assert again.code == 0 and "(0 sent this run, 10 already finished)" in again.out
    assert len(emulator.state.requests) == before and len(lines(tmp_path / "out.jsonl")) == 10


def test_a_burst_of_429s_slows_the_batch_and_every_item_still_finishes(run, tmp_path, emulator):
    emulator.inject("429:retry-after-ms=50", times=12)
    source = write_items(tmp_path / "in.jsonl", 30)
    result = run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"), "--concurrency", "6")
    assert result.code == 0, result.err
    assert Counter(line["status"] for line in lines(tmp_path / "out.jsonl")) == {"done": 30}


def test_server_errors_and_reset_connections_are_retried_per_item(run, tmp_path, emulator):
    emulator.inject("503", times=3)
    emulator.inject("reset", times=2)
    source = write_items(tmp_path / "in.jsonl", 12)
    result = run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"))
    assert result.code == 0, result.err
    assert len(lines(tmp_path / "out.jsonl")) == 12


def test_a_failing_item_does_not_stop_the_others_and_exits_14(run, tmp_path):
    source = write_items(tmp_path / "in.jsonl", 5)
    with source.open("a") as out:
        out.write(json.dumps({"custom_id": "bad", "prompt": "x", "model": "kimi-nope"}) + "\n")
    result = run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"))
    assert result.code == 14
    assert result.err.strip().splitlines()[-1] == "error: 1 item failed (their lines say why); run again with --retry-failed to send them again"
    failed = [line for line in lines(tmp_path / "out.jsonl") if line["status"] == "failed"]
    assert [(f["custom_id"], f["exit_code"]) for f in failed] == [("bad", 4)] and "kimi-nope" in failed[0]["error"]


def test_retry_failed_sends_only_the_failed_items_and_keeps_each_id_once(run, tmp_path, emulator):
    source = write_items(tmp_path / "in.jsonl", 6)
    emulator.inject("400", times=1)
    assert run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"), "--concurrency", "1").code == 14
    before = len(emulator.state.requests)
    again = run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"), "--retry-failed")
    assert again.code == 0, again.err
    assert len(emulator.state.requests) == before + 1
    got = lines(tmp_path / "out.jsonl")
    assert Counter(line["custom_id"] for line in got) == {f"item-{n}": 1 for n in range(6)} and {line["status"] for line in got} == {"done"}


def batch_under_way(tmp_path, emulator, home, items: int, concurrency: int, written: int):
    """batch.py started in its own process, once ``written`` result lines are on disk."""
    source = write_items(tmp_path / "in.jsonl", items)
    output = tmp_path / "out.jsonl"
    env = base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url, KIMI_SKILL_HOME=str(home))
    command = [sys.executable, str(SCRIPTS / "batch.py"), "run", str(source), "--output", str(output), "--concurrency", str(concurrency)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not output.exists() or output.read_text().count("\n") < written):
        time.sleep(0.02)
    return proc, command, env, output


def test_kill_9_in_the_middle_then_a_rerun_writes_every_id_exactly_once_and_resends_no_done_item(tmp_path, emulator, home):
    emulator.inject("delay:0.15", times=None)
    proc, command, env, output = batch_under_way(tmp_path, emulator, home, items=60, concurrency=4, written=12)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    written_before = {json.loads(line)["custom_id"] for line in output.read_text().splitlines() if line.endswith("}")}
    assert 12 <= len(written_before) < 60
    sent_before = prompts_sent(emulator)
    emulator.state.faults.clear()
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    got = lines(output)
    assert Counter(line["custom_id"] for line in got) == {f"item-{n}": 1 for n in range(60)}
    sent_after = prompts_sent(emulator) - sent_before
    assert not any(sent_after[f"Say {ident.split('-')[1]}"] for ident in written_before)


def test_ctrl_c_stops_with_130_and_the_same_command_resumes(tmp_path, emulator, home):
    emulator.inject("delay:0.1", times=None)
    proc, command, env, output = batch_under_way(tmp_path, emulator, home, items=40, concurrency=2, written=4)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1].startswith("error: batch b-") and err.strip().endswith("run the same command to resume")
    emulator.state.faults.clear()
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert Counter(line["custom_id"] for line in lines(output)) == {f"item-{n}": 1 for n in range(40)}


def test_sorted_rewrites_the_results_in_input_order(run, tmp_path):
    source = write_items(tmp_path / "in.jsonl", 20)
    assert run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"), "--sorted", "--concurrency", "8").code == 0
    assert [line["custom_id"] for line in lines(tmp_path / "out.jsonl")] == [f"item-{n}" for n in range(20)]


def test_schema_answers_come_back_parsed(run, tmp_path):
    source = write_items(tmp_path / "in.jsonl", 3)
    assert run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"), "--schema", "title, year int").code == 0
    for line in lines(tmp_path / "out.jsonl"):
        assert line["parsed"] == {"title": "xxxx", "year": 1}


def test_plain_text_with_a_template_numbers_the_lines(run, tmp_path, emulator):
    source = tmp_path / "issues.txt"
    source.write_text("login fails\n\nslow search\n")
    assert run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"), "--template", "Classify: {line}", "--sorted").code == 0
    got = lines(tmp_path / "out.jsonl")
    assert [(line["custom_id"], line["content"]) for line in got] == [("1", "You said: Classify: login fails"), ("3", "You said: Classify: slow search")]


def test_moonshot_batch_file_lines_are_accepted(run, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"custom_id": "r1", "method": "POST", "url": "/v1/chat/completions",
                                  "body": {"model": "kimi-k2.6", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]}}) + "\n")
    assert run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl")).code == 0
    [line] = lines(tmp_path / "out.jsonl")
    assert (line["model"], line["content"]) == ("kimi-k2.6", "[system: Be brief.] You said: Hi")


def test_an_existing_results_file_of_something_else_is_not_appended_to(run, tmp_path):
    source = write_items(tmp_path / "in.jsonl", 2)
    (tmp_path / "out.jsonl").write_text("precious\n")
    result = run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"))
    assert (result.code, result.err) == (2, f"error: --output {tmp_path / 'out.jsonl'} already holds results of something else; pass --force to start it over, or choose another file\n")


def test_a_named_batch_run_with_other_options_is_refused(run, tmp_path):
    source = write_items(tmp_path / "in.jsonl", 2)
    assert run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"), "--id", "nightly").code == 0
    result = run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"), "--id", "nightly", "--system", "Be terse.")
    assert (result.code, result.err) == (2, "error: batch nightly was started with other options (system was null); run it as it was, or pass another --id\n")


def test_status_and_list_show_progress(run, tmp_path):
    source = write_items(tmp_path / "in.jsonl", 4)
    assert run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"), "--id", "demo").code == 0
    status = run("batch", "status", "demo", "--json")
    view = json.loads(status.out)
    assert (view["status"], view["done"], view["failed"], view["total"]) == ("done", 4, 0, 4)
    assert run("batch", "list").out.startswith("demo  done  4/4 done, 0 failed")


def test_background_batch_is_a_job_and_cancel_stops_it_resumably(run, tmp_path, emulator):
    emulator.inject("delay:0.2", times=None)
    source = write_items(tmp_path / "in.jsonl", 30)
    started = run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"), "--background", "--id", "bg", "--concurrency", "2")
    job = started.out.strip()
    assert started.code == 0 and job.startswith("j-")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and json.loads(run("batch", "status", "bg", "--json").out)["done"] < 2:
        time.sleep(0.1)
    assert run("batch", "cancel", "bg").code == 0
    result = run("jobs", "result", job, "--wait", "30")
    assert result.code == 10, result.err
    emulator.state.faults.clear()
    resumed = run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"), "--id", "bg", "--concurrency", "2")
    assert resumed.code == 0, resumed.err
    assert Counter(line["custom_id"] for line in lines(tmp_path / "out.jsonl")) == {f"item-{n}": 1 for n in range(30)}


@pytest.mark.parametrize("protocol", ["anthropic", "gemini", "responses"])
def test_every_protocol_carries_a_batch(run, tmp_path, protocol):
    source = write_items(tmp_path / "in.jsonl", 3)
    assert run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"), "--protocol", protocol).code == 0
    assert {line["status"] for line in lines(tmp_path / "out.jsonl")} == {"done"}


def test_the_results_file_is_private_and_the_key_is_nowhere(run, tmp_path):
    source = write_items(tmp_path / "in.jsonl", 2)
    result = run("batch", "run", str(source), "--output", str(tmp_path / "out.jsonl"))
    assert oct(os.stat(tmp_path / "out.jsonl").st_mode & 0o777) == "0o600"
    assert TEST_KEY not in (tmp_path / "out.jsonl").read_text() + result.out + result.err
