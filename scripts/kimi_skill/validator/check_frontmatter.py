"""Frontmatter checks: the block parses in each host's dialect, and its fields have the shapes
each host accepts. Every finding names the hosts that refuse it (measured with skills-ref,
``claude plugin validate``, ``openclaw skills list`` and ``codex``; references/validator.md)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from . import schema
from .rules import ALL, CAI, CC, CH, CX, OC, SR
from .skill import Skill

SPEC_KEYS = {"name", "description", "license", "compatibility", "allowed-tools", "metadata"}
WHEN = re.compile(
    r"\b(use (it|this|when|for|whenever|to|in)|when (the )?(user|you|asked|to|working|a|an|there)|if the user|for (tasks|requests) |"
    r"should be used|triggers? (on|when|for)|whenever|invoke (it|this|when)|activate (it|this|when)|useful (for|when))",
    re.I,
)
# Where keys that hosts read belong once they are moved out of the top level.
BELONGS = {
    "homepage": "metadata.openclaw.homepage", "version": "metadata.version (a quoted string)", "openclaw": "metadata.openclaw",
    "clawdbot": "metadata.openclaw", "primaryEnv": "metadata.openclaw.primaryEnv", "requires": "metadata.openclaw.requires",
    "envVars": "metadata.openclaw.envVars", "env": "metadata.openclaw.requires.env", "bins": "metadata.openclaw.requires.bins",
    "always": "metadata.openclaw.always", "emoji": "metadata.openclaw.emoji", "install": "metadata.openclaw.install",
    "os": "metadata.openclaw.os", "author": "metadata.author", "tags": "metadata.tags",
}
STRICT = frozenset({SR, CX, CAI, CH})


def _describe(value: Any) -> str:
    return {dict: "a mapping", list: "a list", bool: "a boolean", int: "a number", float: "a number", type(None): "empty"}.get(type(value), type(value).__name__)


def nesting_hint(skill: Skill, line: int) -> str:
    text = (skill.skill_md or "").lstrip("\ufeff").split("\n")
    source = text[line - 1] if 0 < line <= len(text) else ""
    if source.startswith("- ") or (source and not source[0].isspace() and line > 2 and text[line - 2].rstrip().endswith(":")):
        return (
            f"; the nesting is broken: {source.strip()[:40]!r} starts at column 1 but belongs under the key above it"
            " (was the block flattened?): indent nested keys and list items under their parent"
        )
    return ""


def check(skill: Skill) -> None:
    parsed = skill.frontmatter
    if parsed is None:
        return
    rel = skill.md
    if parsed.error is not None:
        _yaml_error(skill, rel)
        if not parsed.lenient:
            return
    if parsed.flow_lines:
        skill.add(
            "frontmatter-flow-style", rel, parsed.flow_lines[0],
            f"{len(parsed.flow_lines)} flow collection{'s' if len(parsed.flow_lines) > 1 else ''} ({{...}} or [...]): skills-ref refuses them "
            "(Claude Code, OpenClaw and Codex read them); write mappings as indented 'key: value' lines and lists as '- item' lines",
        )
    if parsed.tag_lines:
        skill.add("frontmatter-tag", rel, parsed.tag_lines[0], "YAML tags such as !!str are refused by skills-ref; write the plain value")
    if parsed.alias_line is not None and parsed.error is None:
        skill.add("frontmatter-alias", rel, parsed.alias_line, "YAML anchors/aliases (&name, *name) are refused by skills-ref; write the values out")
    for key, line in parsed.duplicates:
        skill.add("frontmatter-duplicate-key", rel, line, f"key {key!r} appears twice in the same mapping: OpenClaw, Codex and skills-ref refuse the skill (the nesting may have been flattened)")
    data = parsed.data
    if not isinstance(data, dict):
        if data is None:
            skill.add("frontmatter-not-mapping", rel, 2, "the frontmatter is empty: add name and description", hosts=frozenset({SR, OC, CX, CAI, CH}))
        else:
            skill.add("frontmatter-not-mapping", rel, 2, f"the frontmatter must be a mapping of keys to values, not {_describe(data)}")
        return
    _name(skill, rel, data)
    _description(skill, rel, data)
    _types(skill, rel, data)
    for key in data:
        if key not in SPEC_KEYS:
            where = BELONGS.get(str(key))
            hint = f"; move it to {where}" if where else ""
            skill.add("unknown-key", rel, skill.fm_line(key), f"top-level key {str(key)!r} is outside the Agent Skills format: skills-ref refuses it{hint}")
    metadata = data.get("metadata")
    if isinstance(metadata, dict) and ("openclaw" in metadata or "clawdbot" in metadata):
        for path, message in schema.errors("frontmatter.schema.json", data):
            if path[:2] in (("metadata", "openclaw"), ("metadata", "clawdbot")):
                where = ".".join(map(str, path))
                skill.add("frontmatter-schema", rel, skill.fm_line(*path), f"{where}: {message}; OpenClaw ignores it")


def _yaml_error(skill: Skill, rel: str) -> None:
    parsed = skill.frontmatter
    assert parsed is not None and parsed.error is not None
    kind, line = parsed.error_kind, parsed.error_line
    if kind == "colon" and not parsed.lenient:
        skill.add(
            "frontmatter-yaml", rel, line,
            f"invalid YAML: {parsed.error}: a ': ' inside a value that runs over several lines; every host refuses it "
            "(their fallback quotes one-line values only); write the value as a block (description: >) or quote all of it",
            hosts=ALL,
        )
    elif kind == "colon":
        skill.add("frontmatter-colon", rel, line, "a value holds ': ' without quotes: skills-ref's strict YAML refuses it (Claude Code, OpenClaw and Codex read it); put the value in quotes")
    elif kind == "tab":
        skill.add("frontmatter-yaml", rel, line, "a tab indents the frontmatter: skills-ref, OpenClaw and Codex refuse it; indent with spaces", hosts=frozenset({SR, OC, CX, CAI, CH}))
    elif kind == "alias-value":
        skill.add("frontmatter-yaml", rel, line, f"invalid YAML: {parsed.error}: every host refuses it; quote the value", hosts=ALL)
    elif kind == "star":
        skill.add("frontmatter-yaml", rel, line, "a value starts with '*' (Markdown bold?), which YAML reads as an alias: skills-ref and Codex refuse it; quote the value")
    else:
        skill.add("frontmatter-yaml", rel, line, f"invalid YAML: {parsed.error}{nesting_hint(skill, line)}; skills-ref and Codex refuse it")


def _name(skill: Skill, rel: str, data: dict) -> None:
    name = data.get("name")
    line = skill.fm_line("name") if "name" in data else 2
    if name is None or (isinstance(name, str) and not name.strip()):
        skill.add("name-missing", rel, line, "name is missing: skills-ref refuses the skill (Claude Code and Codex use the folder name)")
        return
    if not isinstance(name, str):
        hosts = frozenset({CC}) if isinstance(name, (int, float)) else frozenset({SR, CC, CX})
        skill.add("frontmatter-type", rel, line, f"name is {_describe(name)}, not a string: Claude Code refuses it; quote it", hosts=hosts)
        name = str(name)
    normal = unicodedata.normalize("NFKC", name.strip())
    problems = []
    if len(normal) > 64:
        problems.append(f"is {len(normal)} characters (the limit is 64)")
    if normal != normal.lower():
        problems.append("has capital letters")
    if normal.startswith("-") or normal.endswith("-") or "--" in normal:
        problems.append("starts or ends with a hyphen or doubles one")
    if not all(c.isalnum() or c == "-" for c in normal):
        problems.append("holds characters other than letters, digits and hyphens")
    if problems:
        long_name: frozenset[str] | None = frozenset({SR, CAI, CX}) if len(normal) > 64 else None
        skill.add("name-format", rel, line, f"name {name!r} {' and '.join(problems)}: skills-ref refuses it; use lowercase words joined by hyphens", hosts=long_name)
    folder = Path(skill.folder.root).resolve().name
    if unicodedata.normalize("NFKC", folder) != normal:
        if skill.installed:
            skill.add("name-folder-mismatch", rel, line, f"name {name!r} differs from the folder name {folder!r}: skills-ref refuses the skill; rename one of them")
        else:
            skill.add(
                "name-folder-mismatch", rel, line,
                f"name {name!r} differs from the repository folder {folder!r}: fine for a checkout, but install it as a folder named {normal!r} (skills-ref refuses any other)",
                hosts=frozenset(),
            )


def _description(skill: Skill, rel: str, data: dict) -> None:
    description = data.get("description")
    line = skill.fm_line("description") if "description" in data else 2
    if description is None or (isinstance(description, str) and not description.strip()):
        skill.add("description-missing", rel, line, "description is missing or empty: OpenClaw, Codex and skills-ref skip the skill; say what it does and when to use it")
        return
    if isinstance(description, (list, dict)):
        skill.add("frontmatter-type", rel, line, f"description is {_describe(description)}, not text: Claude Code, Codex and skills-ref refuse it", hosts=frozenset({SR, CC, CX}))
        return
    text = str(description)
    if len(text) > 1024:
        skill.add("description-length", rel, line, f"description is {len(text)} characters: skills-ref refuses more than 1024")
    if not WHEN.search(text):
        skill.add("description-when", rel, line, "description does not say when to use the skill (for example 'Use it when the user asks for ...')")


def _types(skill: Skill, rel: str, data: dict) -> None:
    metadata = data.get("metadata")
    if "metadata" in data and not isinstance(metadata, dict):
        extra = " (OpenClaw reads a JSON string, nothing else does)" if isinstance(metadata, str) and metadata.lstrip().startswith("{") else ""
        skill.add(
            "frontmatter-type", rel, skill.fm_line("metadata"),
            f"metadata is {_describe(metadata)}, not a mapping: Codex refuses the skill and Claude Code drops it{extra}; write it as an indented mapping",
            hosts=frozenset({CX}),
        )
    tools = data.get("allowed-tools")
    if "allowed-tools" in data and not (isinstance(tools, str) or (isinstance(tools, list) and all(isinstance(t, str) for t in tools))):
        skill.add("frontmatter-type", rel, skill.fm_line("allowed-tools"), f"allowed-tools is {_describe(tools)}: Claude Code refuses it; give a space-separated string or a list of strings", hosts=frozenset({CC}))
    compatibility = data.get("compatibility")
    if "compatibility" in data:
        if not isinstance(compatibility, str):
            skill.add("frontmatter-type", rel, skill.fm_line("compatibility"), f"compatibility is {_describe(compatibility)}: skills-ref refuses anything but a string", hosts=frozenset({SR}))
        elif len(compatibility) > 500:
            skill.add("frontmatter-type", rel, skill.fm_line("compatibility"), f"compatibility is {len(compatibility)} characters: skills-ref refuses more than 500", hosts=frozenset({SR}))
    license_ = data.get("license")
    if "license" in data and not isinstance(license_, str):
        skill.add("frontmatter-type", rel, skill.fm_line("license"), f"license is {_describe(license_)}, not a string", hosts=frozenset())
