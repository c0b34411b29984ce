"""batch.py's progress: one row per batch, one per finished item.

An item is finished when its result line is in the results file; its row here lets a re-run
skip it without reading that file whole. The results file stays the record of what was written:
on every start, :func:`kimi_skill.batch.results.ResultsFile.reconcile` adds the rows a kill
left out (a line written, its row not yet), so nothing is sent or written twice.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from typing import Any

from .db import write

RUNNING, DONE, PARTIAL, CANCELLED, STOPPED, DIED = "running", "done", "partial", "cancelled", "stopped", "died"
KEYS = ("id", "input", "output", "options", "created", "updated", "status", "total", "done", "failed", "pid", "pid_started", "job_id", "cancel_requested", "error")


def get(conn: sqlite3.Connection, batch_id: str) -> dict[str, Any] | None:
    row = conn.execute(f"SELECT {', '.join(KEYS)} FROM batches WHERE id = ?", (batch_id,)).fetchone()
    return dict(zip(KEYS, row, strict=True)) if row else None


def listing(conn: sqlite3.Connection, limit: int = 50) -> list[dict[str, Any]]:
    rows = conn.execute(f"SELECT {', '.join(KEYS)} FROM batches ORDER BY updated DESC LIMIT ?", (limit,)).fetchall()
    return [dict(zip(KEYS, row, strict=True)) for row in rows]


def create(conn: sqlite3.Connection, batch_id: str, source: str, output: str, options: str) -> None:
    now = time.time()
    with write(conn):
        conn.execute(
            "INSERT INTO batches (id, input, output, options, created, updated, status) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (batch_id, source, output, options, now, now, RUNNING),
        )


def started(conn: sqlite3.Connection, batch_id: str, pid: int, pid_started: str, total: int, job_id: str | None = None) -> None:
    with write(conn):
        conn.execute(
            "UPDATE batches SET status = ?, pid = ?, pid_started = ?, total = ?, updated = ?, cancel_requested = NULL, error = NULL, job_id = COALESCE(?, job_id) WHERE id = ?",
            (RUNNING, pid, pid_started, total, time.time(), job_id, batch_id),
        )


def finished_ids(conn: sqlite3.Connection, batch_id: str, status: str | None = None) -> set[str]:
    if status is None:
        rows = conn.execute("SELECT custom_id FROM batch_items WHERE batch_id = ?", (batch_id,))
    else:
        rows = conn.execute("SELECT custom_id FROM batch_items WHERE batch_id = ? AND status = ?", (batch_id, status))
    return {row[0] for row in rows}


def record(conn: sqlite3.Connection, batch_id: str, items: Iterable[tuple[str, str]]) -> None:
    """Mark items finished (``(custom_id, "done" | "failed")``) and refresh the counts."""
    now = time.time()
    with write(conn):
        conn.executemany(
            "INSERT OR REPLACE INTO batch_items (batch_id, custom_id, status, ended) VALUES (?, ?, ?, ?)",
            [(batch_id, custom_id, status, now) for custom_id, status in items],
        )
        _count(conn, batch_id, now)


def forget(conn: sqlite3.Connection, batch_id: str, custom_ids: Iterable[str]) -> None:
    """Items to send again (--retry-failed)."""
    now = time.time()
    with write(conn):
        conn.executemany("DELETE FROM batch_items WHERE batch_id = ? AND custom_id = ?", [(batch_id, c) for c in custom_ids])
        _count(conn, batch_id, now)


def _count(conn: sqlite3.Connection, batch_id: str, now: float) -> None:
    conn.execute(
        "UPDATE batches SET done = (SELECT COUNT(*) FROM batch_items WHERE batch_id = ? AND status = 'done'), "
        "failed = (SELECT COUNT(*) FROM batch_items WHERE batch_id = ? AND status = 'failed'), updated = ? WHERE id = ?",
        (batch_id, batch_id, now, batch_id),
    )


def end(conn: sqlite3.Connection, batch_id: str, status: str, error: str | None = None) -> None:
    with write(conn):
        conn.execute("UPDATE batches SET status = ?, error = ?, pid = NULL, updated = ? WHERE id = ?", (status, error, time.time(), batch_id))


def request_cancel(conn: sqlite3.Connection, batch_id: str) -> None:
    with write(conn):
        conn.execute("UPDATE batches SET cancel_requested = ?, updated = ? WHERE id = ?", (time.time(), time.time(), batch_id))


def cancel_requested(conn: sqlite3.Connection, batch_id: str) -> bool:
    row = conn.execute("SELECT cancel_requested FROM batches WHERE id = ?", (batch_id,)).fetchone()
    return bool(row and row[0])


def resolve(conn: sqlite3.Connection, given: str) -> str | None:
    """A batch id, or a unique prefix of one."""
    if get(conn, given):
        return given
    rows = conn.execute("SELECT id FROM batches WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (given.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",)).fetchall()
    return rows[0][0] if len(rows) == 1 else None
