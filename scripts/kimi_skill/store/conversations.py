"""Conversations and their turns: what each call sent and received, and how it ended.

A turn is written when the call starts (status ``running``, with everything the user gave) and
completed when it ends (``complete``, or ``incomplete`` with the partial text and the error), so
nothing the user typed is lost even if the process is killed. Only complete turns are sent back
as context unless the caller asks for incomplete ones too.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..compose import Attachment
from ..errors import UsageError
from ..request import Message
from .db import write

COMPLETE, INCOMPLETE, RUNNING = "complete", "incomplete", "running"


@dataclass(frozen=True)
class TurnRef:
    conversation_id: str
    turn_id: int
    seq: int


@dataclass
class TurnEnd:
    status: str
    answer: str
    reasoning: str | None
    model: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    total_tokens: int | None
    finish_reason: str | None
    error: str | None
    exit_code: int
    first_token: float | None = None


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(6)}"


def resolve(conn: sqlite3.Connection, table: str, given: str, what: str) -> str:
    """An exact id, or a unique prefix of one (as git takes abbreviated hashes)."""
    given = given.strip()
    row = conn.execute(f"SELECT id FROM {table} WHERE id = ?", (given,)).fetchone()
    if row:
        return str(row[0])
    if len(given) >= 4:
        escaped = given.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = conn.execute(f"SELECT id FROM {table} WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (escaped + "%",)).fetchall()
        if len(rows) == 1:
            return str(rows[0][0])
        if len(rows) > 1:
            raise UsageError(f"{what} {given!r} is ambiguous: give more of it")
    raise UsageError(f"no {what} {given!r} in the store (history.py lists them)")


def latest(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT id FROM conversations ORDER BY updated DESC LIMIT 1").fetchone()
    return str(row[0]) if row else None


def get(conn: sqlite3.Connection, conversation_id: str) -> dict[str, Any]:
    row = conn.execute("SELECT id, model, system FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
    return {"id": row[0], "model": row[1], "system": row[2]}


def history(conn: sqlite3.Connection, conversation_id: str, include_incomplete: bool) -> list[Message]:
    """The earlier turns as alternating user/assistant messages, oldest first."""
    statuses = (COMPLETE, INCOMPLETE) if include_incomplete else (COMPLETE,)
    rows = conn.execute(
        f"SELECT sent, answer FROM turns WHERE conversation_id = ? AND status IN ({','.join('?' * len(statuses))}) ORDER BY seq",
        (conversation_id, *statuses),
    ).fetchall()
    messages: list[Message] = []
    for sent, answer in rows:
        turn = _clean(("sent", "answer"), (sent, answer))
        messages += [Message("user", turn["sent"] or ""), Message("assistant", turn["answer"] or "")]
    return messages


def begin(
    conn: sqlite3.Connection,
    conversation_id: str | None,
    prompt: str,
    sent: str,
    system: str | None,
    model: str,
    protocol: str,
    attachments: Sequence[Attachment],
) -> TurnRef:
    now = time.time()
    with write(conn):
        if conversation_id is None:
            conversation_id = new_id("c")
            title = next((line.strip() for line in prompt.splitlines() if line.strip()), "")[:120]
            conn.execute(
                "INSERT INTO conversations (id, created, updated, model, system, title) VALUES (?, ?, ?, ?, ?, ?)",
                (conversation_id, now, now, model, system, title),
            )
        else:
            conn.execute("UPDATE conversations SET updated = ?, model = ?, system = ? WHERE id = ?", (now, model, system, conversation_id))
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE conversation_id = ?", (conversation_id,)).fetchone()[0]
        cursor = conn.execute(
            "INSERT INTO turns (conversation_id, seq, status, prompt, sent, system, model, protocol, started) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (conversation_id, seq, RUNNING, prompt, sent, system, model, protocol, now),
        )
        turn_id = int(cursor.lastrowid or 0)
        conn.executemany(
            "INSERT INTO attachments (turn_id, position, path, bytes, sha256) VALUES (?, ?, ?, ?, ?)",
            [(turn_id, index, a.path, a.bytes, a.sha256) for index, a in enumerate(attachments)],
        )
    return TurnRef(conversation_id, turn_id, seq)


def finish(conn: sqlite3.Connection, ref: TurnRef, end: TurnEnd) -> None:
    now = time.time()
    with write(conn):
        conn.execute(
            "UPDATE turns SET status = ?, answer = ?, reasoning = ?, model = COALESCE(?, model), prompt_tokens = ?, "
            "completion_tokens = ?, total_tokens = ?, finish_reason = ?, error = ?, exit_code = ?, first_token = ?, ended = ? WHERE id = ?",
            (end.status, end.answer, end.reasoning, end.model, end.prompt_tokens, end.completion_tokens, end.total_tokens,
             end.finish_reason, end.error, end.exit_code, end.first_token, now, ref.turn_id),
        )
        conn.execute(
            "UPDATE conversations SET updated = ?, turns = turns + 1, tokens = tokens + ? WHERE id = ?",
            (now, end.total_tokens or 0, ref.conversation_id),
        )


NUMBERS = {"created", "updated", "turns", "tokens", "seq", "prompt_tokens", "completion_tokens", "total_tokens", "exit_code", "started", "first_token", "ended", "bytes", "id"}


def _clean(keys: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    """A row as the commands expect it, whatever a damaged or hand-edited store holds: numbers
    where numbers belong (else None), text elsewhere (bytes decoded, other values as text)."""
    out: dict[str, Any] = {}
    for key, value in zip(keys, row, strict=True):
        if key in NUMBERS and key != "id":
            out[key] = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        elif isinstance(value, bytes):
            out[key] = value.decode("utf-8", "replace")
        elif value is None or isinstance(value, str) or (key == "id" and isinstance(value, int)):
            out[key] = value
        else:
            out[key] = str(value)
    return out


def listing(conn: sqlite3.Connection, limit: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT id, created, updated, model, title, turns, tokens FROM conversations ORDER BY updated DESC LIMIT ?", (limit,)
    ).fetchall()
    keys = ("id", "created", "updated", "model", "title", "turns", "tokens")
    return [_clean(keys, row) for row in rows]


def turns(conn: sqlite3.Connection, conversation_id: str) -> list[dict[str, Any]]:
    keys = ("id", "seq", "status", "prompt", "sent", "system", "answer", "reasoning", "model", "protocol", "prompt_tokens",
            "completion_tokens", "total_tokens", "finish_reason", "error", "exit_code", "started", "first_token", "ended")
    rows = conn.execute(f"SELECT {', '.join(keys)} FROM turns WHERE conversation_id = ? ORDER BY seq", (conversation_id,)).fetchall()
    out = [_clean(keys, row) for row in rows]
    files = conn.execute(
        "SELECT turn_id, path, bytes, sha256 FROM attachments WHERE turn_id IN (SELECT id FROM turns WHERE conversation_id = ?) ORDER BY turn_id, position",
        (conversation_id,),
    ).fetchall()
    by_turn: dict[int, list[dict[str, Any]]] = {}
    for turn_id, path, size, digest in files:
        by_turn.setdefault(turn_id, []).append(_clean(("path", "bytes", "sha256"), (path, size, digest)))
    for turn in out:
        turn["files"] = by_turn.get(turn["id"], [])
    return out


def usage(conn: sqlite3.Connection, since: float) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT date(started, 'unixepoch', 'localtime') AS day, COALESCE(model, '?'), COUNT(*), "
        "COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(total_tokens), 0) "
        "FROM turns WHERE started >= ? GROUP BY day, model ORDER BY day, model",
        (since,),
    ).fetchall()
    keys = ("day", "model", "turns", "prompt_tokens", "completion_tokens", "total_tokens")
    return [_clean(keys, row) for row in rows]


def delete(conn: sqlite3.Connection, conversation_id: str) -> int:
    with write(conn):
        count = conn.execute("SELECT COUNT(*) FROM turns WHERE conversation_id = ?", (conversation_id,)).fetchone()[0]
        conn.execute("DELETE FROM jobs WHERE conversation_id = ?", (conversation_id,))
        conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
    forget(conn)
    return int(count)


def purge(conn: sqlite3.Connection, before: float) -> int:
    with write(conn):
        count = conn.execute("SELECT COUNT(*) FROM conversations WHERE updated < ?", (before,)).fetchone()[0]
        conn.execute("DELETE FROM jobs WHERE status != 'running' AND (created < ? OR conversation_id IN (SELECT id FROM conversations WHERE updated < ?))", (before, before))
        conn.execute("DELETE FROM conversations WHERE updated < ?", (before,))
    forget(conn)
    return int(count)


def forget(conn: sqlite3.Connection) -> None:
    """Deleted text must not linger: the connection zeroes freed pages (``secure_delete``), and
    the write-ahead log, which still holds the old pages, is checkpointed and truncated."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
