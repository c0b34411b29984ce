"""Long work: --output files written whole or not at all, and --background jobs that outlive
the agent's tool call, polled, cancelled, killed, many at once, with the key kept in memory."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SCRIPTS, TEST_KEY, assert_clean, base_env
from kimi_skill.store.db import FILE

FULL = "You said: one two three four five six seven eight"

# --output -----------------------------------------------------------------------------------


def test_output_writes_the_whole_answer_and_prints_one_summary_line(run, tmp_path):
    result = run("stream", "--output", "answer.md", "one two three", cwd=tmp_path)
    assert (result.code, result.err) == (0, "")
    assert (tmp_path / "answer.md").read_text() == "You said: one two three"
    assert result.out == f"wrote {tmp_path / 'answer.md'} (23 bytes, 14 tokens, finish_reason stop)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answer.md", "state"]


def test_output_with_json_reports_the_file_instead_of_the_content(run, tmp_path):
    data = json.loads(run("chat", "--json", "--output", "a.txt", "hi", cwd=tmp_path).out)
    assert (data["content"], data["output"]) == (None, {"path": str(tmp_path / "a.txt"), "bytes": 12})


def test_a_cut_stream_leaves_a_partial_file_and_says_so(run, emulator, tmp_path):
    emulator.inject("drop:2")
    result = run("stream", "--model", "kimi-k2.5", "--output", "answer.md", "one two three", cwd=tmp_path)
    assert (result.code, result.out) == (5, "")
    assert not (tmp_path / "answer.md").exists()
    assert (tmp_path / "answer.md.partial").read_text() == "You said:"
    assert result.err.startswith("error: the stream broke after 9 characters of the answer (HTTP 200, connection lost")
    assert result.err.endswith(f"; the text so far is in {tmp_path / 'answer.md.partial'}\n")


def test_output_refuses_to_overwrite_without_force(run, emulator, tmp_path):
    (tmp_path / "answer.md").write_text("precious")
    result = run("chat", "--output", "answer.md", "hi", cwd=tmp_path)
    assert (result.code, result.err) == (2, "error: --output answer.md already exists; pass --force to replace it\n")
    assert (tmp_path / "answer.md").read_text() == "precious" and emulator.state.requests == []
    assert run("chat", "--output", "answer.md", "--force", "hi", cwd=tmp_path).code == 0
    assert (tmp_path / "answer.md").read_text() == "You said: hi"


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("missing/answer.md", "error: --output missing/answer.md: the folder {tmp}/missing does not exist"),
        (".", "error: --output . is a directory, not a regular file; --output writes regular files only, so name another path"),
    ],
)
def test_an_unwritable_output_is_refused_before_any_request(run, emulator, tmp_path, target, error):
    result = run("chat", "--output", target, "hi", cwd=tmp_path)
    assert (result.code, result.err) == (2, error.format(tmp=tmp_path) + "\n")
    assert emulator.state.requests == []


def test_a_read_only_folder_is_refused(run, emulator, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write into a read-only folder")
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    result = run("chat", "--output", "ro/a.txt", "hi", cwd=tmp_path)
    assert (result.code, result.err) == (2, f"error: --output ro/a.txt: the folder {folder} is not writable\n")


def test_output_with_a_schema_holds_the_validated_json(run, tmp_path):
    run("chat", "--schema", "name", "--output", "data.json", "x", cwd=tmp_path)
    assert (tmp_path / "data.json").read_text() == '{"name":"xxxx"}\n'


# --background -------------------------------------------------------------------------------


def jobs(run, *args: str):
    return run("jobs", *args)


def start(run, *args: str, **env: str) -> str:
    result = run("stream", "--background", *args, **env)
    assert result.code == 0, result.err
    job = result.out.strip()
    assert job.startswith("j-") and result.err == f"note: started in the background; poll with: python3 {SCRIPTS / 'jobs.py'} result {job} --wait 60\n"
    return job


def test_background_returns_while_a_20_second_stream_is_still_running(run, emulator):
    emulator.inject("slow:20")
    job = start(run, "--model", "kimi-k2.5", "one two three")
    status = jobs(run, "status", job)
    assert status.code == 9 and status.out.startswith(f"{job} running (")
    assert jobs(run, "cancel", job).code == 10


def test_result_wait_shows_the_text_so_far_then_the_whole_answer(run, emulator):
    emulator.inject("slow:4")
    job = start(run, "--model", "kimi-k2.5", "--thinking", "off", "one two three four five")
    partial = jobs(run, "result", job, "--wait", "2")
    assert partial.code == 9
    assert "You said: one two three four five".startswith(partial.out.rstrip("\n"))
    assert partial.err == f"note: job {job} is still running; poll again with: python3 {SCRIPTS / 'jobs.py'} result {job} --wait 60\n"
    done = jobs(run, "result", job, "--wait", "30")
    assert (done.code, done.out, done.err) == (0, "You said: one two three four five\n", "")


def test_the_finished_result_equals_what_stream_prints(run):
    job = start(run, "--model", "kimi-k2.6", "--reasoning", "alpha beta")
    finished = jobs(run, "result", job, "--wait", "30")
    direct = run("stream", "alpha beta")
    assert (finished.code, finished.out) == (0, direct.out)


def test_a_background_job_joins_its_conversation(run):
    job = start(run, "first")
    assert jobs(run, "result", job, "--wait", "30").code == 0
    data = json.loads(jobs(run, "status", job, "--json").out)
    follow = run("chat", "--conversation", data["conversation"], "second")
    assert follow.out == "[turn 2] You said: second\n"


def test_cancel_stops_the_worker_and_keeps_the_text(run, emulator):
    emulator.inject("slow:20")
    job = start(run, "--model", "kimi-k2.5", "--thinking", "off", "one two three four five six seven eight")
    jobs(run, "result", job, "--wait", "5")
    cancelled = jobs(run, "cancel", job)
    assert cancelled.code == 10
    result = jobs(run, "result", job)
    assert result.code == 10 and result.out.strip() and FULL.startswith(result.out.rstrip("\n"))
    assert result.err.startswith(f"error: job {job} was cancelled after ")
    assert pids_of(job) == []


def pids_of(job: str) -> list[int]:
    """Processes whose command line names the job."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if job.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_a_killed_worker_is_reported_died_with_its_text(run, emulator, home):
    emulator.inject("slow:20")
    job = start(run, "--model", "kimi-k2.5", "--thinking", "off", "one two three four five six seven eight")
    store = sqlite3.connect(home / FILE)
    deadline = time.monotonic() + 60  # a loaded machine may take seconds to start the worker: wait for text
    while not store.execute("SELECT count(*) FROM job_chunks WHERE job_id = ? AND kind = 'content'", (job,)).fetchone()[0]:
        assert time.monotonic() < deadline, "the worker received no text"
        time.sleep(0.1)
    pid = store.execute("SELECT pid FROM jobs WHERE id = ?", (job,)).fetchone()[0]
    store.close()
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while pids_of(job) and time.monotonic() < deadline:
        time.sleep(0.1)
    status = jobs(run, "status", job)
    assert status.code == 11 and status.out.startswith(f"{job} died (")
    result = jobs(run, "result", job)
    assert result.code == 11 and result.out.strip() and FULL.startswith(result.out.rstrip("\n"))
    assert result.err.startswith(f"error: job {job} died after ")


def test_a_failed_job_exits_with_the_calls_own_code_and_line(run, emulator):
    emulator.inject("400")
    job = start(run, "hi")
    result = jobs(run, "result", job, "--wait", "30")
    assert (result.code, result.out, result.err) == (4, "", "error: the API refused the request (HTTP 400: emulated failure 400); fix the request and try again\n")


def test_ten_jobs_at_once_all_finish_with_their_own_answers(run):
    started = {start(run, "--model", "kimi-k2.5", "--thinking", "off", f"question {n}"): n for n in range(10)}
    for job, n in started.items():
        result = jobs(run, "result", job, "--wait", "60")
        assert (result.code, result.out) == (0, f"You said: question {n}\n")
    listed = jobs(run, "list")
    assert len(listed.out.splitlines()) == 10 and all(" done (" in line for line in listed.out.splitlines())


def test_background_with_output_writes_the_file(run, tmp_path):
    job = start(run, "--output", "long.md", "write it", cwd=tmp_path)
    result = jobs(run, "result", job, "--wait", "30")
    assert (tmp_path / "long.md").read_text() == "You said: write it"
    assert result.out == f"wrote {tmp_path / 'long.md'} (18 bytes, 13 tokens, finish_reason stop)\n"


def test_background_json_prints_the_job_and_conversation(run):
    data = json.loads(run("chat", "--background", "--json", "hi").out)
    assert (data["job"][:2], data["conversation"][:2], data["status"]) == ("j-", "c-", "running")


def test_background_needs_the_store(run):
    result = run("chat", "--background", "--no-store", "hi")
    assert (result.code, result.err) == (2, "error: --background keeps the job in the store; it cannot be combined with --no-store / KIMI_SKILL_NO_STORE\n")


def test_an_unknown_job_is_a_usage_error(run):
    result = jobs(run, "status", "j-000000000000")
    assert (result.code, result.err) == (2, "error: no job 'j-000000000000' in the store (history.py lists them)\n")


def test_the_key_is_never_on_disk_nor_in_any_argv(emulator, home, tmp_path):
    emulator.inject("slow:3")
    env = base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url, KIMI_SKILL_HOME=str(home))
    started = subprocess.run([sys.executable, str(SCRIPTS / "stream.py"), "--background", "hello"], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    job = started.stdout.strip()
    time.sleep(1)  # the worker is mid-stream now
    pids = pids_of(job)
    assert pids, "the worker should be running"
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                assert TEST_KEY.encode() not in (entry / "cmdline").read_bytes()
            except OSError:
                continue
    subprocess.run([sys.executable, str(SCRIPTS / "jobs.py"), "result", job, "--wait", "30"], env=env, capture_output=True, stdin=subprocess.DEVNULL)
    for path in home.rglob("*"):
        if path.is_file():
            assert TEST_KEY.encode() not in path.read_bytes(), path


def test_jobs_json_everywhere(run):
    job = start(run, "hi")
    result = json.loads(jobs(run, "result", job, "--wait", "30", "--json").out)
    assert (result["status"], result["exit_code"], result["content"]) == ("done", 0, "You said: hi")
    listed = json.loads(jobs(run, "list", "--json").out)
    assert [j["job"] for j in listed] == [job]
    assert_clean(jobs(run, "status", job))
