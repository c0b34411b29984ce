"""The SQLite store: private modes, no key inside, parallel writers, corruption, migrations."""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import sys

from conftest import SCRIPTS, TEST_KEY, base_env
from kimi_skill.store.db import FILE, MIGRATIONS, VERSION, connect


def test_the_store_is_private(run, home):
    run("chat", "hello")
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for path in home.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_the_key_is_nowhere_in_the_store(run, emulator, home):
    run("chat", "hello")
    run("stream", "--continue", "again")
    emulator.inject("echokey")
    run("chat", "--continue", "echo it")
    for path in home.iterdir():
        data = path.read_bytes()
        assert TEST_KEY.encode() not in data and TEST_KEY[:12].encode() not in data, path


def test_twenty_processes_write_at_once_and_every_turn_is_kept(emulator, home):
    env = base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url, KIMI_SKILL_HOME=str(home))
    procs = [
        subprocess.Popen([sys.executable, str(SCRIPTS / "chat.py"), f"call {n}"], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for n in range(20)
    ]
    results = [(p.wait(timeout=120), p.stderr.read().decode() if p.stderr else "") for p in procs]
    assert results == [(0, "")] * 20
    with sqlite3.connect(home / FILE) as conn:
        prompts = sorted(row[0] for row in conn.execute("SELECT prompt FROM turns WHERE status = 'complete'"))
    assert prompts == sorted(f"call {n}" for n in range(20))


def test_a_corrupt_store_is_one_error_line_and_no_store_still_works(run, home):
    home.mkdir(mode=0o700)
    (home / FILE).write_bytes(b"this is not a database" * 100)
    result = run("chat", "hello")
    assert (result.code, result.out) == (3, "")
    assert result.err == (
        f"error: the conversation store {home / FILE} cannot be used (file is not a database); "
        "move it aside to start a new one, or pass --no-store\n"
    )
    assert run("chat", "--no-store", "hello").out == "You said: hello\n"


def test_history_on_a_corrupt_store_is_the_same_error(run, home):
    home.mkdir(mode=0o700)
    (home / FILE).write_bytes(b"\0" * 4096)
    result = run("history", "list")
    assert result.code == 3 and result.err.startswith("error: the conversation store ")
    assert "Traceback" not in result.err


def test_a_store_from_an_older_schema_is_migrated_and_keeps_its_turns(run, home, emulator):
    home.mkdir(mode=0o700)
    path = home / FILE
    old = connect(path, MIGRATIONS[:1])
    old.execute("INSERT INTO conversations (id, created, updated, model, title, turns) VALUES ('c-0123456789ab', 1, 1, 'kimi-k2.6', 'old question', 1)")
    old.execute("INSERT INTO turns (conversation_id, seq, status, prompt, sent, answer, started) VALUES ('c-0123456789ab', 1, 'complete', 'old question', 'old question', 'old answer', 1)")
    old.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1
    result = run("chat", "--conversation", "c-0123456789ab", "new question")
    assert result.out == "[turn 2] You said: new question\n"
    assert emulator.state.requests[-1].body["messages"][:2] == [
        {"role": "user", "content": "old question"}, {"role": "assistant", "content": "old answer"},
    ]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == VERSION
    assert conn.execute("SELECT COUNT(*) FROM jobs").fetchone()[0] == 0  # the table migration 2 adds


def test_a_store_from_a_newer_version_is_refused(run, home):
    home.mkdir(mode=0o700)
    conn = sqlite3.connect(home / FILE)
    conn.execute(f"PRAGMA user_version = {VERSION + 5}")
    conn.close()
    result = run("chat", "hello")
    assert result.code == 3
    assert f"it was written by a newer kimi-skill (schema {VERSION + 5}, this one knows {VERSION})" in result.err


def test_history_lists_shows_totals_and_deletes(run):
    run("chat", "--model", "kimi-k2.5", "first line\nsecond line")
    run("chat", "--continue", "follow up")
    listed = run("history", "list")
    conversation, *_rest = listed.out.split("  ")
    assert listed.out.endswith("kimi-k2.5  2 turns  40 tokens  first line\n")
    shown = run("history", "show", conversation)
    assert shown.out.startswith("## turn 1 (")
    assert "> follow up\n" in shown.out and "[turn 2] You said: follow up" in shown.out
    usage = json.loads(run("history", "usage", "--json").out)
    assert usage["days"][0]["model"] == "kimi-k2.5" and usage["days"][0]["turns"] == 2 and usage["days"][0]["total_tokens"] == 40
    assert usage["prices"] == "https://runapi.ai/models/kimi.md"
    assert run("history", "delete", conversation).out == f"deleted {conversation} (2 turns)\n"
    assert run("history", "list").out == ""


def test_history_purge_removes_what_is_older_than_the_date(run):
    run("chat", "hello")
    assert run("history", "purge", "--before", "2000-01-01").out == "deleted 0 conversations last used before 2000-01-01\n"
    assert run("history", "purge", "--before", "2999-01-01").out == "deleted 1 conversations last used before 2999-01-01\n"
    bad = run("history", "purge", "--before", "yesterday")
    assert (bad.code, bad.err) == (2, "error: --before 'yesterday' is not a date like 2026-01-31\n")


def test_history_path_names_the_store(run, home):
    assert run("history", "path").out == f"{home / FILE}\n"
