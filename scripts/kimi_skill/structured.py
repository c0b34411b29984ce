"""``--schema``: answers an agent can parse, or a clear failure.

Kimi's JSON mode (``response_format: json_object``) makes the model answer with one JSON object;
it has no schema mode, so the schema is stated in the system prompt and the answer is checked
with ``jsonschema_rs`` (see :func:`_engine`: bounded regular expressions, no fetching). Models without JSON mode (kimi-k3, kimi-k2.7-code) get the same system
prompt and no JSON-mode field; their answer is extracted (:func:`extract`) and checked the same way. A top-level array schema is wrapped as ``{"items": <schema>}`` (JSON mode
only makes objects) and unwrapped after the check. On invalid JSON or a violation the model is
asked again, as a follow-up turn that quotes the validator's errors.

A schema is a file path, inline JSON, or a field list such as ``'name, age int, tags list'``
(types: str, int, float, bool, list, object; ``?`` after a name makes it optional).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any

from .errors import UsageError
from .untrusted import one_line

WRAP_KEY = "items"
FIELD_TYPES: dict[str, dict[str, Any]] = {
    "str": {"type": "string"}, "string": {"type": "string"}, "text": {"type": "string"},
    "int": {"type": "integer"}, "integer": {"type": "integer"},
    "float": {"type": "number"}, "number": {"type": "number"},
    "bool": {"type": "boolean"}, "boolean": {"type": "boolean"},
    "list": {"type": "array", "items": {"type": "string"}}, "array": {"type": "array"},
    "object": {"type": "object"}, "dict": {"type": "object"},
}
FIELD = re.compile(r"^([A-Za-z_][\w-]*)(\?)?(?:\s+([a-z]+))?$")


@dataclass(frozen=True)
class Schema:
    schema: dict[str, Any] | bool
    wrapped: bool  # True when an array schema was wrapped in an object for JSON mode

    @property
    def sent(self) -> Any:
        return {"type": "object", "properties": {WRAP_KEY: self.schema}, "required": [WRAP_KEY], "additionalProperties": False} if self.wrapped else self.schema


class Invalid(Exception):
    """The answer failed: ``first`` names the first problem (path and message)."""

    def __init__(self, first: str, all_errors: list[str]) -> None:
        super().__init__(first)
        self.first = first
        self.all_errors = all_errors


def _engine() -> Any:
    """``jsonschema_rs``: it imports in about 3 ms where ``jsonschema`` takes 40, it runs
    ``pattern`` with Rust's regex engines (linear time, or a backtrack limit), so no answer can
    make validation hang, and ``offline=True`` resolves ``$ref`` only inside the schema."""
    import jsonschema_rs

    return jsonschema_rs


def _path(parts: Any) -> str:
    return "/".join(map(str, parts)) or "(root)"


def compile_schema(schema: Any, source: str = "the schema") -> Any:
    """The validator for ``schema``; a reference that leaves the schema, or one that does not
    resolve inside it, is a usage error (nothing is ever fetched)."""
    engine = _engine()
    try:
        return engine.validator_for(schema, offline=True)
    except engine.ValidationError as exc:
        reason = str(exc).split("\n", 1)[0]
        outside = re.match(r"Resource '(.*?)' is not present in a registry", reason)
        if outside:
            raise UsageError(
                f"--schema ({source}) refers to {one_line(outside.group(1), 120)} outside itself; "
                "only references inside the schema (#/...) are followed, and nothing is fetched"
            ) from None
        raise UsageError(f"--schema ({source}) cannot be used: {one_line(reason, 200)}") from None


def fields(text: str) -> dict[str, Any]:
    """``'name, age int, tags list, note? str'`` as a JSON Schema object."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        match = FIELD.match(part)
        if not part or not match:
            raise UsageError(f"--schema field {part!r} is not 'name [type]'; types: {', '.join(sorted(FIELD_TYPES))}")
        name, optional, kind = match.groups()
        if kind and kind not in FIELD_TYPES:
            raise UsageError(f"--schema field {name!r} has unknown type {kind!r}; use one of {', '.join(sorted(FIELD_TYPES))}")
        properties[name] = dict(FIELD_TYPES[kind or "str"])
        if not optional:
            required.append(name)
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def load(value: str) -> Schema:
    """Read and check the schema before any request: an invalid one is exit 2."""
    text = value.strip()
    if text[:1] in ("{", "["):
        source = "inline JSON"
    elif os.path.isfile(value):
        source = value
        try:
            with open(value, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--schema {value}: cannot read it ({exc})") from None
    elif re.fullmatch(r"[\w\s,?-]+", text) and text and "/" not in value and not value.endswith(".json"):
        _engine()  # needed for the answer: a missing package is named before any request
        return Schema(fields(text), False)
    else:
        raise UsageError(f"--schema {value}: no such file, and not inline JSON or a field list")
    try:
        schema = json.loads(text)
    except RecursionError:
        raise UsageError(f"--schema ({source}) is nested too deeply") from None
    except ValueError as exc:
        raise UsageError(f"--schema ({source}) is not valid JSON: {exc}") from None
    if not isinstance(schema, (dict, bool)):
        raise UsageError(f"--schema ({source}) must be a JSON Schema object, not {type(schema).__name__}")
    engine = _engine()
    try:
        engine.meta.validate(schema)
    except engine.ValidationError as exc:
        raise UsageError(f"--schema ({source}) is not a valid JSON Schema: at {_path(exc.instance_path)}: {one_line(exc.message, 160)}") from None
    except (RecursionError, ValueError) as exc:
        raise UsageError(f"--schema ({source}) cannot be read ({type(exc).__name__})") from None
    compile_schema(schema, source)
    return Schema(schema, isinstance(schema, dict) and schema.get("type") == "array")


def instruction(schema: Schema) -> str:
    """What the system prompt says so that JSON mode produces the right object."""
    return (
        "Answer with one JSON object only: no prose, no Markdown fences. "
        "It must validate against this JSON Schema:\n" + json.dumps(schema.sent, ensure_ascii=False)
    )


FENCE = re.compile(r"```[A-Za-z]*[ \t]*\n(.*?)\n?[ \t]*```", re.S)
MAX_CANDIDATES = 64  # JSON starts tried inside prose: bounded, so a hostile answer cannot make it quadratic


def extract(answer: str) -> Any:
    """The JSON value in an answer. With JSON mode the answer is the value; without it (models
    that take the schema in the prompt) it may sit in a Markdown fence or after a line of prose,
    so the fences are tried, then each ``{`` or ``[`` in turn."""
    text = answer.strip()
    try:
        return json.loads(text)
    except ValueError as exc:
        first = exc
    candidates = [block.strip() for block in FENCE.findall(text)]
    for block in candidates:
        try:
            return json.loads(block)
        except ValueError:
            continue
    decoder = json.JSONDecoder()
    for tried, match in enumerate(re.finditer(r"[{\[]", text)):
        if tried >= MAX_CANDIDATES:
            break
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except ValueError:
            continue
        if isinstance(value, (dict, list)):
            return value
    raise first


def check(answer: str, schema: Schema) -> Any:
    """The validated value (unwrapped), or :class:`Invalid` with the first problem."""
    try:
        value = extract(answer)
    except RecursionError:
        raise Invalid("the answer is JSON nested too deeply", ["the answer is JSON nested too deeply"]) from None
    except ValueError as exc:
        message = f"the answer is not valid JSON ({exc})"
        raise Invalid(message, [message]) from None
    if schema.wrapped and isinstance(value, list):
        value = {WRAP_KEY: value}  # asked for {"items": [...]}, answered with the array itself
    validator = compile_schema(schema.sent)
    try:
        errors = sorted(validator.iter_errors(value), key=lambda e: (len(e.instance_path), list(map(str, e.instance_path))))
    except (RecursionError, ValueError):
        raise Invalid("the answer is JSON nested too deeply", ["the answer is JSON nested too deeply"]) from None
    if errors:
        described = [f"at {_path(e.instance_path)}: {one_line(e.message, 200)}" for e in errors[:10]]
        raise Invalid(described[0], described)
    return value[WRAP_KEY] if schema.wrapped else value


def reask(problem: Invalid) -> str:
    """The follow-up turn after a failed answer."""
    listed = "\n".join(f"- {error}" for error in problem.all_errors)
    return f"That answer does not validate:\n{listed}\nAnswer again with the corrected JSON object only."
