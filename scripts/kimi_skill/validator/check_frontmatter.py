"""Frontmatter checks: the block parses, in every dialect, and its fields have the right shape."""

from __future__ import annotations

import re
from pathlib import Path

from . import schema
from .skill import Skill

SPEC_KEYS = {"name", "description", "license", "compatibility", "allowed-tools", "metadata"}
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
WHEN = re.compile(r"\b(use (it|this|when|for)|when (the )?(user|you|asked|to)|if the user|for (tasks|requests) )", re.I)
# Where keys that hosts read belong once they are moved out of the top level.
BELONGS = {
    "homepage": "metadata.openclaw.homepage",
    "version": "metadata.version (a quoted string)",
    "openclaw": "metadata.openclaw",
    "clawdbot": "metadata.openclaw",
    "primaryEnv": "metadata.openclaw.primaryEnv",
    "requires": "metadata.openclaw.requires",
    "envVars": "metadata.openclaw.envVars",
    "env": "metadata.openclaw.requires.env",
    "bins": "metadata.openclaw.requires.bins",
    "always": "metadata.openclaw.always",
    "emoji": "metadata.openclaw.emoji",
    "install": "metadata.openclaw.install",
    "os": "metadata.openclaw.os",
    "documentation": "metadata.documentation",
    "provider_page": "metadata.provider_page",
    "catalog": "metadata.catalog",
    "author": "metadata.author",
}


def nesting_hint(skill: Skill, line: int) -> str:
    text = (skill.skill_md or "").split("\n")
    source = text[line - 1] if 0 < line <= len(text) else ""
    if source.startswith("- ") or (source and not source[0].isspace() and line > 2 and text[line - 2].rstrip().endswith(":")):
        return (
            f"; the nesting is broken: {source.strip()[:40]!r} starts at column 1 but belongs under the key above it"
            " (was the block flattened?): indent nested keys and list items under their parent"
        )
    if ": " in source.split(":", 1)[-1]:
        return "; a value holding ': ' must be quoted"
    return ""


def check(skill: Skill) -> None:
    parsed = skill.frontmatter
    if parsed is None:
        return
    rel = skill.md
    if parsed.alias_line is not None:
        skill.add("frontmatter-alias", rel, parsed.alias_line, "YAML anchors/aliases (&name, *name) are not allowed in the frontmatter; write the values out")
        return
    if parsed.error is not None:
        skill.add("frontmatter-yaml", rel, parsed.error_line, f"invalid YAML: {parsed.error}{nesting_hint(skill, parsed.error_line)}")
        return
    for line in parsed.flow_lines:
        skill.add("frontmatter-flow-style", rel, line, "flow collection ({...} or [...]): skills-ref and other strict parsers reject it; use block style with '- item' lines")
    for key, line in parsed.duplicates:
        skill.add("frontmatter-duplicate-key", rel, line, f"key {key!r} appears twice in the same mapping; the nesting may have been flattened")
    data = parsed.data
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        skill.add("frontmatter-not-mapping", rel, 2, f"the frontmatter must be a mapping of keys to values, not {kind}")
        return
    _name(skill, rel, data)
    _description(skill, rel, data)
    for key in data:
        if key not in SPEC_KEYS:
            where = BELONGS.get(str(key))
            hint = f"; move it to {where}" if where else "; strict hosts reject keys outside name, description, license, compatibility, allowed-tools, metadata"
            skill.add("unknown-key", rel, skill.fm_line(key), f"unknown top-level key {key!r}{hint}")
    for path, message in schema.errors("frontmatter.schema.json", data):
        if path[:1] in (("name",), ("description",)) or (not path and ("'name'" in message or "'description'" in message)):
            continue
        where = ".".join(map(str, path)) or "frontmatter"
        skill.add("frontmatter-schema", rel, skill.fm_line(*path), f"{where}: {message}")


def _name(skill: Skill, rel: str, data: dict) -> None:
    name = data.get("name")
    line = skill.fm_line("name")
    if not isinstance(name, str) or not name.strip():
        skill.add("name-format", rel, line if "name" in data else 2, "name is missing or not a string; use lowercase letters, digits and hyphens")
        return
    if len(name) > 64 or not NAME.match(name):
        skill.add("name-format", rel, line, f"name {name!r} must be 1-64 lowercase letters, digits and single hyphens, not starting or ending with a hyphen")
    folder = Path(skill.folder.root).resolve()
    if folder.name != name and skill.name_hint == "skill-folder":
        skill.add("name-folder-mismatch", rel, line, f"name {name!r} differs from the folder name {folder.name!r}; hosts expect them equal")


def _description(skill: Skill, rel: str, data: dict) -> None:
    description = data.get("description")
    line = skill.fm_line("description")
    if not isinstance(description, str) or not description.strip():
        skill.add("description-length", rel, line if "description" in data else 2, "description is missing or empty; say what the skill does and when to use it")
        return
    if len(description) > 1024:
        skill.add("description-length", rel, line, f"description is {len(description)} characters; the limit is 1024")
    if not WHEN.search(description):
        skill.add("description-when", rel, line, "description does not say when to use the skill (for example 'Use it when the user asks for ...')")
