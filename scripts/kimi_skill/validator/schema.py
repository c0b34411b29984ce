"""The JSON Schemas shipped beside this module, loaded on first use.

Checked with ``jsonschema_rs`` (the client's ``--schema`` engine too): it imports in a few
milliseconds where ``jsonschema`` takes about fifty, which is a third of a validation's time.
YAML gives values JSON has no type for (dates, binary, keys that are not strings); they are
shown to the schema as what they are not, a marker object, so a date where a string belongs is
still a type error, as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent / "schemas"


@cache
def validator(name: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(json.loads((HERE / name).read_text()), offline=True)


def jsonable(value: Any) -> Any:
    """``value`` with every non-JSON part replaced, keys made strings."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return {"<yaml>": type(value).__name__}


def errors(name: str, data: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, message) per schema violation, most specific first."""
    found = validator(name).iter_errors(jsonable(data))
    for error in sorted(found, key=lambda e: list(map(str, e.instance_path))):
        message = error.message
        if len(message) > 160:
            message = message[:159] + "…"
        yield tuple(error.instance_path), message
