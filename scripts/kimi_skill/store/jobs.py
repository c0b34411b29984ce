"""Background jobs: their request, their worker process, the text received so far, their end.

The worker appends what it receives to ``job_chunks`` as it arrives (batched, at most about half
a second behind), so the text survives a SIGKILL or a reboot. A job whose row still says
``running`` but whose worker is gone (no such process, a reused PID, another boot) has died;
:func:`refresh` records that the first time anyone looks.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from .db import write

RUNNING, DONE, FAILED, CANCELLED, DIED = "running", "done", "failed", "cancelled", "died"
KEYS = (
    "id", "conversation_id", "turn_id", "created", "status", "spec", "pid", "pid_started", "boot_id", "heartbeat", "ended",
    "exit_code", "error", "output", "result", "cancel_requested", "partial",
)


def boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def process_started(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), which tells a reused PID
    from the original; empty where /proc is not available."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]


def alive(job: dict[str, Any]) -> bool:
    pid = job.get("pid")
    if not pid:
        return time.time() - job["created"] < 10  # spawned a moment ago: give it time to register
    if job.get("boot_id") and job["boot_id"] != boot_id():
        return False
    if job.get("pid_started"):
        started = process_started(pid)
        if started != job["pid_started"]:
            return False
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] if started else ""
        return state != "Z"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def create(conn: sqlite3.Connection, job_id: str, conversation_id: str, turn_id: int, spec: str) -> None:
    with write(conn):
        conn.execute(
            "INSERT INTO jobs (id, conversation_id, turn_id, created, status, spec) VALUES (?, ?, ?, ?, ?, ?)",
            (job_id, conversation_id, turn_id, time.time(), RUNNING, spec),
        )


def started(conn: sqlite3.Connection, job_id: str, pid: int) -> None:
    with write(conn):
        conn.execute(
            "UPDATE jobs SET pid = ?, pid_started = ?, boot_id = ?, heartbeat = ? WHERE id = ? AND status = ?",
            (pid, process_started(pid), boot_id(), time.time(), job_id, RUNNING),
        )


def append(conn: sqlite3.Connection, job_id: str, items: list[tuple[str, str]]) -> None:
    """Add deltas, merging neighbours of the same kind into one row."""
    merged: list[list[str]] = []
    for kind, text in items:
        if merged and merged[-1][0] == kind:
            merged[-1][1] += text
        else:
            merged.append([kind, text])
    with write(conn):
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM job_chunks WHERE job_id = ?", (job_id,)).fetchone()[0]
        conn.executemany(
            "INSERT INTO job_chunks (job_id, seq, kind, text) VALUES (?, ?, ?, ?)",
            [(job_id, seq + index, kind, text) for index, (kind, text) in enumerate(merged, 1)],
        )
        conn.execute("UPDATE jobs SET heartbeat = ? WHERE id = ?", (time.time(), job_id))


def finish(conn: sqlite3.Connection, job_id: str, status: str, exit_code: int, error: str | None, result: str | None, output: str | None, partial: str | None = None) -> None:
    with write(conn):
        conn.execute(
            "UPDATE jobs SET status = ?, exit_code = ?, error = ?, result = ?, output = ?, partial = ?, ended = ? WHERE id = ? AND status = ?",
            (status, exit_code, error, result, output, partial, time.time(), job_id, RUNNING),
        )


def request_cancel(conn: sqlite3.Connection, job_id: str) -> None:
    """Recorded before the worker is signalled: however the worker ends, the job was cancelled."""
    with write(conn):
        conn.execute("UPDATE jobs SET cancel_requested = ? WHERE id = ? AND status = ?", (time.time(), job_id, RUNNING))


def get(conn: sqlite3.Connection, job_id: str) -> dict[str, Any]:
    row = conn.execute(f"SELECT {', '.join(KEYS)} FROM jobs WHERE id = ?", (job_id,)).fetchone()
    return dict(zip(KEYS, row, strict=True))


def turn_facts(conn: sqlite3.Connection, turn_id: int | None) -> dict[str, Any]:
    """Model, finish reason and usage of a job's turn, as the foreground's --json has them."""
    row = conn.execute(
        "SELECT model, finish_reason, prompt_tokens, completion_tokens, total_tokens FROM turns WHERE id = ?", (turn_id,)
    ).fetchone() if turn_id else None
    if row is None:
        return {"model": None, "finish_reason": None, "truncated": False, "usage": None}
    usage = None if row[2] is None and row[3] is None else {"prompt_tokens": row[2], "completion_tokens": row[3], "total_tokens": row[4]}
    return {"model": row[0], "finish_reason": row[1], "truncated": row[1] == "length", "usage": usage}


def text(conn: sqlite3.Connection, job_id: str, kind: str = "content") -> str:
    rows = conn.execute("SELECT text FROM job_chunks WHERE job_id = ? AND kind = ? ORDER BY seq", (job_id, kind)).fetchall()
    return "".join(row[0] for row in rows)


def end_dead(conn: sqlite3.Connection, job: dict[str, Any], status: str, code: int, error: str) -> dict[str, Any]:
    """Record the end of a job whose worker can no longer do it: its turn keeps the text so far."""
    now = time.time()
    with write(conn):
        conn.execute(
            "UPDATE jobs SET status = ?, exit_code = ?, error = ?, ended = ? WHERE id = ? AND status = ?",
            (status, code, error, now, job["id"], RUNNING),
        )
        if job.get("turn_id"):
            conn.execute(
                "UPDATE turns SET status = 'incomplete', answer = ?, error = ?, exit_code = ?, ended = ? WHERE id = ? AND status = 'running'",
                (text(conn, job["id"]), error, code, now, job["turn_id"]),
            )
    return get(conn, job["id"])


def refresh(conn: sqlite3.Connection, job: dict[str, Any]) -> dict[str, Any]:
    """The job as it is now: a running job whose worker is gone is marked died (cancelled, when
    a cancel was asked for: the worker may have been stopped before it could say so)."""
    if job["status"] == RUNNING and not alive(job):
        if job.get("cancel_requested"):
            return end_dead(conn, job, CANCELLED, 10, f"was cancelled after {chars(conn, job['id'])} characters of the answer")
        return end_dead(conn, job, DIED, 11, f"died after {chars(conn, job['id'])} characters of the answer: its worker stopped without finishing (killed, or the machine restarted)")
    return job


def listing(conn: sqlite3.Connection, limit: int) -> list[dict[str, Any]]:
    ids = [row[0] for row in conn.execute("SELECT id FROM jobs ORDER BY created DESC LIMIT ?", (limit,)).fetchall()]
    return [refresh(conn, get(conn, job_id)) for job_id in ids]


def chars(conn: sqlite3.Connection, job_id: str) -> int:
    row = conn.execute("SELECT COALESCE(SUM(length(text)), 0) FROM job_chunks WHERE job_id = ? AND kind = 'content'", (job_id,)).fetchone()
    return int(row[0])
