"""YAML loading that reports problems as data: line numbers in the file, aliases refused,
flow collections and duplicate keys noticed, so every dialect's complaint can be explained."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]
# libyaml when PyYAML has it (ten times faster); the same YAML 1.1 rules either way.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Parsed:
    data: Any = None
    error: str | None = None
    error_line: int = 1
    lines: dict[Path, int] = field(default_factory=dict)
    flow_lines: list[int] = field(default_factory=list)
    alias_line: int | None = None
    duplicates: list[tuple[str, int]] = field(default_factory=list)

    def line(self, path: Path, default: int = 1) -> int:
        """The line of the deepest known ancestor of ``path``."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return default


def parse(text: str, first_line: int = 1) -> Parsed:
    """``first_line`` is the file line where ``text`` begins."""
    result = Parsed()
    offset = first_line - 1
    try:
        for event in yaml.parse(text, Loader=Loader):
            line = (event.start_mark.line if event.start_mark is not None else 0) + 1 + offset
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                result.alias_line = result.alias_line or line
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)) and event.flow_style:
                result.flow_lines.append(line)
        if result.alias_line is not None:
            return result
        node = yaml.compose(text, Loader=Loader)
        if node is not None:
            _index(node, (), result, offset)
            result.data = Loader("").construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        result.error_line = (mark.line + 1 + offset) if mark is not None else first_line
        result.error = " ".join(str(exc.problem or exc.context or "syntax error").split())
    except yaml.YAMLError as exc:
        result.error = " ".join(str(exc).split())
    except RecursionError:
        result.error = "nesting too deep"
    return result


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
