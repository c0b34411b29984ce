"""Each host's own acceptance rules, and the pass/fail matrix that ends a report.

Facts per host (claude.ai and Codex take 5 top-level keys, skills-ref 6; OpenClaw reads only a
mapping under metadata.openclaw; ClawHub refuses plugin folders and files over 10 MB...) come
from the hosts' validators and loaders; references/validator.md cites them.
"""

from __future__ import annotations

import re

from ..shapes import obj
from .check_frontmatter import BELONGS, SPEC_KEYS
from .findings import Finding
from .skill import Skill

TARGETS = ("agentskills", "claude-code", "claude-ai", "codex", "openclaw", "clawhub")
FATAL_EVERYWHERE = {"frontmatter-missing", "frontmatter-unclosed", "frontmatter-yaml", "frontmatter-not-mapping", "frontmatter-alias", "description-length", "skill-md-encoding"}
ALSO_FATAL = {
    "agentskills": {"frontmatter-flow-style", "name-format", "name-folder-mismatch", "frontmatter-duplicate-key"},
    "claude-code": set(),
    "claude-ai": {"frontmatter-flow-style", "name-format", "frontmatter-duplicate-key"},
    "codex": {"frontmatter-flow-style", "name-format"},
    "openclaw": {"frontmatter-duplicate-key"},
    "clawhub": {"frontmatter-duplicate-key"},
}
FIVE_KEYS = SPEC_KEYS - {"compatibility"}
SEMVER = re.compile(r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,94}[a-z0-9]$")


def check(skill: Skill, targets: list[str]) -> dict[str, list[Finding]]:
    """Add each target's findings to the skill; return the blocking findings per target."""
    before = list(skill.findings)
    per_target: dict[str, list[Finding]] = {}
    for target in targets:
        start = len(skill.findings)
        if skill.frontmatter is not None and isinstance(skill.frontmatter.data, dict):
            RULES[target](skill)
        own = [f for f in skill.findings[start:] if f.level == "error"]
        base = [f for f in before if f.rule in FATAL_EVERYWHERE | ALSO_FATAL[target]]
        per_target[target] = base + own
    return per_target


def _add(skill: Skill, target: str, line: int, message: str, rel: str | None = None) -> None:
    skill.add(f"host-{target}", rel or skill.md, line, f"{target}: {message}")


def _note(skill: Skill, line: int, message: str) -> None:
    skill.add("host-note", skill.md, line, message)


def _keys(skill: Skill, target: str, allowed: set[str]) -> None:
    for key in skill.fm:
        if key not in allowed:
            where = BELONGS.get(str(key))
            hint = f"; move it to {where}" if where else ""
            _add(skill, target, skill.fm_line(key), f"rejects top-level key {key!r} (allowed: {', '.join(sorted(allowed))}){hint}")


def _agentskills(skill: Skill) -> None:
    _keys(skill, "agentskills", SPEC_KEYS)
    if isinstance(skill.fm.get("metadata"), (str, list)):
        _add(skill, "agentskills", skill.fm_line("metadata"), "metadata must be a mapping")


def _claude_code(skill: Skill) -> None:
    description = skill.fm.get("description")
    if isinstance(description, str) and len(description) > 1536:
        _note(skill, skill.fm_line("description"), f"claude-code truncates descriptions over 1536 characters in its skill listing ({len(description)})")
    if "metadata" in skill.fm and not isinstance(skill.fm.get("metadata"), dict):
        _note(skill, skill.fm_line("metadata"), "claude-code warns when metadata is not a mapping")


def _strict_upload(skill: Skill, target: str) -> None:
    _keys(skill, target, FIVE_KEYS)
    name, description = skill.fm.get("name"), skill.fm.get("description")
    if isinstance(description, str) and ("<" in description or ">" in description):
        _add(skill, target, skill.fm_line("description"), "rejects '<' or '>' in the description (read as XML tags)")
    if isinstance(name, str) and ("<" in name or ">" in name):
        _add(skill, target, skill.fm_line("name"), "rejects '<' or '>' in the name")


def _claude_ai(skill: Skill) -> None:
    _strict_upload(skill, "claude-ai")
    name = skill.fm.get("name")
    if isinstance(name, str) and any(word in name.lower() for word in ("claude", "anthropic")):
        _add(skill, "claude-ai", skill.fm_line("name"), f"name {name!r} contains a reserved word (claude, anthropic)")
    shipped = [f for f in skill.folder.files if not f.startswith(("tests/", ".git", ".ci/"))]
    if len(shipped) > 200:
        _add(skill, "claude-ai", 1, f"an upload holds at most 200 files; this folder would ship {len(shipped)}")
    if skill.folder.has(".claude-plugin/plugin.json"):
        _add(skill, "claude-ai", 1, "a skill upload cannot contain a plugin manifest; upload a copy without .claude-plugin/ (a built bundle)", ".claude-plugin/plugin.json")


def _codex(skill: Skill) -> None:
    _strict_upload(skill, "codex")
    metadata = skill.fm.get("metadata")
    short = metadata.get("short-description") if isinstance(metadata, dict) else None
    if isinstance(short, str) and len(short) > 500:
        _add(skill, "codex", skill.fm_line("metadata", "short-description"), f"metadata.short-description is {len(short)} characters; the limit is 500")


def _openclaw(skill: Skill) -> None:
    metadata = skill.fm.get("metadata")
    if isinstance(metadata, dict):
        block = metadata.get("openclaw")
        if block is not None and not isinstance(block, dict):
            _add(skill, "openclaw", skill.fm_line("metadata", "openclaw"), "metadata.openclaw must be a mapping; as a string it is ignored with its requires and primaryEnv")
        legacy = metadata.get("clawdbot")
        if isinstance(block, dict) and isinstance(legacy, dict) and legacy != block:
            _add(skill, "openclaw", skill.fm_line("metadata", "clawdbot"), "metadata.openclaw and metadata.clawdbot differ: OpenClaw reads one, ClawHub the other")
    elif isinstance(metadata, str):
        _note(skill, skill.fm_line("metadata"), "openclaw reads metadata given as a JSON string, but every strict host rejects it; use nested block YAML")
    for key in ("homepage", "always", "user-invocable", "disable-model-invocation"):
        if key in skill.fm:
            _note(skill, skill.fm_line(key), f"openclaw reads top-level {key!r}, but strict hosts reject it; move it under metadata.openclaw")
    block = skill.openclaw
    if "always" in block and not isinstance(block["always"], bool):
        _add(skill, "openclaw", skill.fm_line("metadata", "openclaw", "always"), "always must be true or false; a string is silently ignored")
    primary = block.get("primaryEnv")
    requires = obj(block.get("requires"))
    names = set(requires.get("env") or []) | {v.get("name") for v in block.get("envVars") or [] if isinstance(v, dict)}
    if isinstance(primary, str) and primary not in names:
        _add(skill, "openclaw", skill.fm_line("metadata", "openclaw", "primaryEnv"), f"primaryEnv {primary} is not declared in requires.env or envVars")


def _clawhub(skill: Skill) -> None:
    name = skill.fm.get("name")
    if isinstance(name, str) and not SLUG.match(name):
        _add(skill, "clawhub", skill.fm_line("name"), f"slug {name!r} must be 3-96 lowercase letters, digits and hyphens")
    plugin = next((f for f in skill.folder.files if f.startswith(".claude-plugin/")), None)
    if plugin:
        _add(skill, "clawhub", 1, "refuses a folder holding .claude-plugin/ ('This looks like a plugin'); publish a copy without it (a built bundle)", plugin)
    if skill.folder.has("skill-card.md"):
        _add(skill, "clawhub", 1, "skill-card.md is generated by ClawHub and cannot be published", "skill-card.md")
    total = 0
    for rel in skill.folder.files:
        try:
            size = (skill.folder.root / rel).stat().st_size
        except OSError:
            continue
        total += size
        if size > 10 * 1024 * 1024:
            _add(skill, "clawhub", 1, f"file is {size} bytes; the limit is 10 MB", rel)
    if total > 50 * 1024 * 1024:
        _add(skill, "clawhub", 1, f"the bundle is {total} bytes; the limit is 50 MB")
    version = obj(skill.fm.get("metadata")).get("version")
    if version is not None and not (isinstance(version, str) and SEMVER.match(version)):
        _add(skill, "clawhub", skill.fm_line("metadata", "version"), f"metadata.version {version!r} must be a quoted semver string such as \"1.0.0\"")
    license_ = skill.fm.get("license")
    if isinstance(license_, str) and license_ != "MIT-0":
        _note(skill, skill.fm_line("license"), f"clawhub publishes every skill as MIT-0; license {license_!r} applies only outside ClawHub")


RULES = {
    "agentskills": _agentskills,
    "claude-code": _claude_code,
    "claude-ai": _claude_ai,
    "codex": _codex,
    "openclaw": _openclaw,
    "clawhub": _clawhub,
}
