"""The JSON Schemas shipped beside this module, loaded on first use."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent / "schemas"


@cache
def validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads((HERE / name).read_text()))


def errors(name: str, data: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, message) per schema violation, most specific first."""
    for error in sorted(validator(name).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        message = error.message
        if len(message) > 160:
            message = message[:159] + "…"
        yield tuple(error.absolute_path), message
