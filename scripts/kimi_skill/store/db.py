"""The one SQLite file that holds conversations and background jobs.

Where: ``$KIMI_SKILL_HOME/store.db``, else ``$XDG_STATE_HOME/kimi-skill/store.db``, else
``~/.local/state/kimi-skill/store.db``. The folder (and any parent the skill makes) is created
0700 and the file 0600 before SQLite opens it (SQLite gives its ``-wal``/``-shm`` files the same
mode); a folder or file that is a link, belongs to another user or that others can write is
refused (exit 3). WAL mode and a busy
timeout let many agents' calls write at once without "database is locked". The schema version
is SQLite's ``user_version``; :data:`MIGRATIONS` brings any older file forward, in order, one
transaction each. The key is never written: nothing here receives it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConfigError
from ..safefs import check_existing, open_private, private_dir

FILE = "store.db"
BUSY_TIMEOUT_MS = 15_000

MIGRATIONS: list[str] = [
    # 1: conversations, their turns, and the files attached to each turn
    """
    CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        model TEXT,
        system TEXT,
        title TEXT NOT NULL DEFAULT '',
        turns INTEGER NOT NULL DEFAULT 0,
        tokens INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX conversations_updated ON conversations(updated);
    CREATE TABLE turns (
        id INTEGER PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        status TEXT NOT NULL,
        prompt TEXT NOT NULL,
        sent TEXT NOT NULL,
        system TEXT,
        answer TEXT,
        reasoning TEXT,
        model TEXT,
        protocol TEXT,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        total_tokens INTEGER,
        finish_reason TEXT,
        error TEXT,
        exit_code INTEGER,
        started REAL NOT NULL,
        first_token REAL,
        ended REAL
    );
    CREATE INDEX turns_conversation ON turns(conversation_id, seq);
    CREATE INDEX turns_started ON turns(started);
    CREATE TABLE attachments (
        turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        path TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL
    );
    CREATE INDEX attachments_turn ON attachments(turn_id);
    """,
    # 2: background jobs, and the text they received, in order, as it arrived
    """
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        conversation_id TEXT,
        turn_id INTEGER REFERENCES turns(id) ON DELETE SET NULL,
        created REAL NOT NULL,
        status TEXT NOT NULL,
        spec TEXT NOT NULL,
        pid INTEGER,
        pid_started TEXT,
        boot_id TEXT,
        heartbeat REAL,
        ended REAL,
        exit_code INTEGER,
        error TEXT,
        output TEXT,
        result TEXT
    );
    CREATE INDEX jobs_created ON jobs(created);
    CREATE TABLE job_chunks (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (job_id, seq)
    );
    """,
    # 3: a cancel asked for before the worker could handle it still ends the job as cancelled;
    # where the text of a failed --output job was kept
    """
    ALTER TABLE jobs ADD COLUMN cancel_requested REAL;
    ALTER TABLE jobs ADD COLUMN partial TEXT;
    """,
    # 4: small facts worth keeping between calls (the model list a key sees), with their age
    """
    CREATE TABLE cache (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated REAL NOT NULL
    );
    """,
    # 5: batch.py: each batch's options and progress, and which items have finished (the results
    # file is the record of what was written; these rows say what need not be sent again)
    """
    CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        input TEXT NOT NULL,
        output TEXT NOT NULL,
        options TEXT NOT NULL,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        status TEXT NOT NULL,
        total INTEGER,
        done INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        pid INTEGER,
        pid_started TEXT,
        job_id TEXT,
        cancel_requested REAL,
        error TEXT
    );
    CREATE TABLE batch_items (
        batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        custom_id TEXT NOT NULL,
        status TEXT NOT NULL,
        ended REAL NOT NULL,
        PRIMARY KEY (batch_id, custom_id)
    ) WITHOUT ROWID;
    """,
]
VERSION = len(MIGRATIONS)


def home(environ: dict[str, str] | os._Environ[str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get("KIMI_SKILL_HOME"):
        return Path(env["KIMI_SKILL_HOME"]).expanduser()
    state = env.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(state) / "kimi-skill"


def _private_file(path: Path) -> None:
    """Create the folder 0700 and the file 0600 before SQLite touches them, and trust neither
    unless it is this user's own and nobody else can write it (:mod:`kimi_skill.safefs`)."""
    private_dir(path.parent, "the store folder")
    os.close(open_private(path, "the store file"))
    for side in ("-wal", "-shm"):
        check_existing(path.with_name(path.name + side), "the store file")


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def broken(path: Path, exc: BaseException) -> ConfigError:
    return ConfigError(
        f"the conversation store {path} cannot be used ({exc}); move it aside to start a new one, "
        "or pass --no-store"
    )


def connect(path: Path, migrations: list[str] | None = None) -> sqlite3.Connection:
    """Open (creating and migrating as needed) the store; any failure is one ConfigError."""
    steps = MIGRATIONS if migrations is None else migrations
    try:
        _private_file(path)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        conn.text_factory = _text  # a damaged store may hold text that is not UTF-8
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")  # deleted history is overwritten, not left in free pages
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version < len(steps):
            with _init_lock(path):  # switching to WAL takes an exclusive lock that busy_timeout does not always wait for
                if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                _migrate(conn, steps)
        elif version > len(steps):
            raise sqlite3.DatabaseError(f"it was written by a newer kimi-skill (schema {version}, this one knows {len(steps)})")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn
    except ConfigError:
        raise
    except (sqlite3.Error, OSError) as exc:
        raise broken(path, exc) from None


@contextmanager
def _init_lock(path: Path) -> Iterator[None]:
    """One process at a time sets up a new or older store (the others wait, then find it done)."""
    try:
        import fcntl
    except ImportError:  # Windows: SQLite's own locking, without the guard
        yield
        return
    fd = open_private(path.with_name(path.name + ".lock"), "the store's lock file")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _migrate(conn: sqlite3.Connection, steps: list[str]) -> None:
    """Apply the missing migrations; several processes may race here, so each step re-reads
    the version inside its own write transaction."""
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= len(steps):
                conn.execute("COMMIT")
                return
            for statement in steps[version].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once so concurrent writers queue on the busy timeout
    instead of failing on a lock upgrade."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")

