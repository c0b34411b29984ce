"""YAML loading that reports problems as data: line numbers in the file, aliases refused before
construction, and the constructs each host's parser treats differently noticed.

Scalars resolve as YAML 1.2's core schema does, as every skill host's parser does (the JS
``yaml`` library of Claude Code and OpenClaw, strictyaml, serde_yaml): ``yes``, ``no``, ``on``,
``off`` and dates stay strings; PyYAML's YAML 1.1 would turn them into booleans and dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: ten times faster


class Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe loading with YAML 1.2 core resolution of plain scalars."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass
class Parsed:
    data: Any = None
    error: str | None = None
    error_line: int = 1
    error_kind: str = ""  # "colon", "tab", "alias-value" (undefined alias), "star" (**bold**) or "" (other)
    lenient: bool = False  # data comes from a re-parse with unquoted values quoted
    lines: dict[Path, int] = field(default_factory=dict)
    flow_lines: list[int] = field(default_factory=list)
    tag_lines: list[int] = field(default_factory=list)
    alias_line: int | None = None
    duplicates: list[tuple[str, int]] = field(default_factory=list)

    def line(self, path: Path, default: int = 1) -> int:
        """The line of the deepest known ancestor of ``path``."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return default


MAX_ALIASES = 20
_PLAIN_KEY = re.compile(r"^(\s*)([A-Za-z0-9_.-]+):[ \t]+(.*)$")


def _quote_values(text: str) -> str:
    """Quote plain one-line values the way lenient hosts read them (``key: a: b`` is a string)."""
    out = []
    for line in text.split("\n"):
        match = _PLAIN_KEY.match(line)
        if match and match.group(3)[:1] not in ('"', "'", "|", ">", "[", "{", "&", "*", "!", "#", "") and ": " in match.group(3):
            value = match.group(3).replace("\\", "\\\\").replace('"', '\\"')
            line = f'{match.group(1)}{match.group(2)}: "{value}"'
        out.append(line)
    return "\n".join(out)


def parse(text: str, first_line: int = 1) -> Parsed:
    """``first_line`` is the file line where ``text`` begins."""
    result = Parsed()
    offset = first_line - 1
    try:
        aliases = _events(text, result, offset)
        if result.error is not None or aliases > MAX_ALIASES:
            return result  # an alias bomb expands without bound: never construct one
        _compose(text, result, offset)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        result.error_line = (mark.line + 1 + offset) if mark is not None else first_line
        result.error = " ".join(str(exc.problem or exc.context or "syntax error").split())
        source = text.split("\n")[result.error_line - 1 - offset] if 0 <= result.error_line - 1 - offset < text.count("\n") + 1 else ""
        if "mapping values are not allowed" in result.error:
            result.error_kind = "colon"
            _lenient(text, result, offset)
        elif "\t" in source[: len(source) - len(source.lstrip())] or "found character '\\t'" in result.error:
            result.error_kind = "tab"
        elif "expected alphabetic or numeric character" in result.error and "*" in source:
            result.error_kind = "star"  # Markdown **bold** read as an alias: only strict parsers fail
    except yaml.YAMLError as exc:
        result.error = " ".join(str(exc).split())
    except RecursionError:
        result.error = "nesting too deep"
    return result


def _events(text: str, result: Parsed, offset: int) -> int:
    """Record flow collections, tags and anchors; return the number of aliases."""
    anchors: set[str] = set()
    aliases = 0
    for event in yaml.parse(text, Loader=Loader):
        line = (event.start_mark.line if event.start_mark is not None else 0) + 1 + offset
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if event.anchor not in anchors and result.error is None:
                result.error, result.error_line, result.error_kind = f"found undefined alias {event.anchor!r}", line, "alias-value"
        anchor = getattr(event, "anchor", None)
        if anchor and not isinstance(event, yaml.AliasEvent):
            anchors.add(anchor)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            result.alias_line = result.alias_line or line
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)) and event.flow_style:
            result.flow_lines.append(line)
        if isinstance(event, yaml.ScalarEvent):
            explicit = event.tag is not None and not any(event.implicit)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            explicit = event.tag is not None and not event.implicit
        else:
            explicit = False
        if explicit:
            result.tag_lines.append(line)
    return aliases


def _compose(text: str, result: Parsed, offset: int) -> None:
    node = yaml.compose(text, Loader=Loader)
    if node is not None:
        _index(node, (), result, offset)
        result.data = Loader("").construct_document(node)


def _lenient(text: str, result: Parsed, offset: int) -> None:
    """Read the fields anyway, as the lenient hosts do, so the other checks still run."""
    try:
        quoted = _quote_values(text)
        probe = Parsed()
        if _events(quoted, probe, offset) <= MAX_ALIASES and probe.error is None:
            _compose(quoted, probe, offset)
            result.data, result.lines, result.duplicates, result.lenient = probe.data, probe.lines, probe.duplicates, True
    except (yaml.YAMLError, RecursionError):
        pass


def _index(node: yaml.Node, path: Path, result: Parsed, offset: int) -> None:
    result.lines.setdefault(path, node.start_mark.line + 1 + offset)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                result.duplicates.append((key, line))
            seen.add(key)
            result.lines[(*path, key)] = line
            _index(value_node, (*path, key), result, offset)
            result.lines[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index(item, (*path, index), result, offset)
