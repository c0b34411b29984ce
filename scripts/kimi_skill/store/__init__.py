"""The local store: conversations (turns, attachments) and background jobs, in one SQLite file.

:class:`Store` is the only way in: every read and write goes through :meth:`Store.run`, so a
locked, corrupt or unreadable file is always the same one-line configuration error (exit 3),
never a traceback.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from .db import FILE, broken, connect, home

T = TypeVar("T")


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, environ: Mapping[str, str] | None = None) -> Store:
        path = home(dict(os.environ if environ is None else environ)) / FILE
        return cls(connect(path), path)

    def run(self, action: Callable[..., T], *args: object, **kwargs: object) -> T:
        """``action(conn, *args)``, with SQLite failures as one configuration error."""
        try:
            return action(self.conn, *args, **kwargs)
        except sqlite3.Error as exc:
            raise broken(self.path, exc) from None

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:
            pass


def disabled(environ: Mapping[str, str] | None = None) -> bool:
    """``KIMI_SKILL_NO_STORE=1`` (or true/yes): calls leave no trace, as with ``--no-store``."""
    value = (os.environ if environ is None else environ).get("KIMI_SKILL_NO_STORE", "").strip().lower()
    return value not in ("", "0", "false", "no", "off")
