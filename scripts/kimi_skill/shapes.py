"""Reading untrusted JSON without trusting its shape: a server, a proxy or a YAML file may put
anything anywhere, and a wrong type must become our error, never an AttributeError."""

from __future__ import annotations

from typing import Any


def obj(value: object) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def field(value: object, *path: str) -> Any:
    """``value[path[0]][path[1]]...``, or None as soon as a step is not an object."""
    for key in path:
        value = obj(value).get(key)
    return value
