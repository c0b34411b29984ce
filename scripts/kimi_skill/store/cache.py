"""Small facts kept between calls, each with its age: the model list a key can use (so a
background job with a mistyped model fails before it starts, not a minute later)."""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from .db import write

MODELS_MAX_AGE = 3600.0


def get(conn: sqlite3.Connection, key: str, max_age: float) -> Any:
    row = conn.execute("SELECT value, updated FROM cache WHERE key = ?", (key,)).fetchone()
    if row is None or not isinstance(row[1], (int, float)) or time.time() - row[1] > max_age:
        return None
    try:
        return json.loads(row[0])
    except (TypeError, ValueError):
        return None


def put(conn: sqlite3.Connection, key: str, value: Any) -> None:
    with write(conn):
        conn.execute("INSERT OR REPLACE INTO cache (key, value, updated) VALUES (?, ?, ?)", (key, json.dumps(value), time.time()))
