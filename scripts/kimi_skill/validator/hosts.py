"""What only one host checks, and the pass/fail matrix that ends a report.

Most host differences are properties of the generic rules (each finding names the hosts that
refuse it, see rules.py); this module adds the checks that exist for one host only: claude.ai's
upload limits, ClawHub's publishing rules, OpenClaw's metadata block, and Codex's and Claude
Code's quieter treatments. Facts come from the hosts' loaders and validators, run offline on the
cases in tests/corpus/host_cases.py; references/validator.md cites them.
"""

from __future__ import annotations

import re

from ..shapes import obj
from .check_frontmatter import BELONGS, SPEC_KEYS
from .check_manifest import as_list
from .findings import Finding
from .rules import TARGETS
from .skill import Skill

FIVE_KEYS = SPEC_KEYS - {"compatibility"}
SEMVER = re.compile(r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,94}[a-z0-9]$")
__all__ = ["TARGETS", "check", "verdicts"]


def check(skill: Skill, targets: list[str]) -> None:
    """Add the host-only findings of each target."""
    if skill.frontmatter is None or not isinstance(skill.frontmatter.data, dict):
        return
    for target in targets:
        if target == "openclaw":
            _openclaw(skill, targets)
        else:
            CHECKS[target](skill)


def verdicts(findings: list[Finding], targets: list[str]) -> dict[str, list[Finding]]:
    """The findings that make each target refuse the skill (empty: it passes)."""
    return {target: [f for f in findings if target in f.refused_by] for target in targets}


def _add(skill: Skill, target: str, line: int, message: str, rel: str | None = None) -> None:
    skill.add(f"host-{target}", rel or skill.md, line, f"{target}: {message}")


def _warn(skill: Skill, line: int, message: str) -> None:
    """What a host loads but does not do as written: a warning, never a refusal."""
    skill.add("frontmatter-schema", skill.md, line, message)


def _note(skill: Skill, line: int, message: str) -> None:
    skill.add("host-note", skill.md, line, message)


def _agentskills(skill: Skill) -> None:
    pass  # skills-ref's rules are all properties of the generic rules


def _claude_code(skill: Skill) -> None:
    description = skill.fm.get("description")
    if isinstance(description, str) and len(description) > 1536:
        _note(skill, skill.fm_line("description"), f"claude-code truncates descriptions over 1536 characters in its skill listing ({len(description)})")


def _claude_ai(skill: Skill) -> None:
    for key in skill.fm:
        if key not in FIVE_KEYS:
            where = BELONGS.get(str(key))
            hint = f"; move it to {where}" if where else ""
            _add(skill, "claude-ai", skill.fm_line(key), f"an upload refuses top-level key {str(key)!r} (allowed: {', '.join(sorted(FIVE_KEYS))}){hint}")
    name, description = skill.fm.get("name"), skill.fm.get("description")
    if isinstance(description, str) and ("<" in description or ">" in description):
        _add(skill, "claude-ai", skill.fm_line("description"), "an upload refuses '<' or '>' in the description (read as XML tags)")
    if isinstance(name, str) and any(word in name.lower() for word in ("claude", "anthropic")):
        _add(skill, "claude-ai", skill.fm_line("name"), f"name {name!r} contains a reserved word (claude, anthropic)")
    shipped = [f for f in skill.folder.files if not f.startswith(("tests/", ".git", ".ci/"))]
    if len(shipped) > 200:
        _add(skill, "claude-ai", 1, f"an upload holds at most 200 files; this folder would ship {len(shipped)}")
    if skill.folder.has(".claude-plugin/plugin.json"):
        _add(skill, "claude-ai", 1, "a skill upload cannot contain a plugin manifest; upload a copy without .claude-plugin/ (a built bundle)", ".claude-plugin/plugin.json")


def _codex(skill: Skill) -> None:
    if skill.fm.get("disable-model-invocation") is True:
        _note(skill, skill.fm_line("disable-model-invocation"), "codex loads the skill but leaves it out of the model's skill list (disable-model-invocation: true)")


def _openclaw(skill: Skill, targets: list[str] | None = None) -> None:
    metadata = skill.fm.get("metadata")
    if isinstance(metadata, dict):
        block = metadata.get("openclaw")
        if block is not None and not isinstance(block, dict):
            _warn(skill, skill.fm_line("metadata", "openclaw"), "metadata.openclaw must be a mapping; OpenClaw loads the skill but ignores the block, with its requires and primaryEnv")
        legacy = metadata.get("clawdbot")
        if isinstance(block, dict) and isinstance(legacy, dict) and legacy != block:
            _warn(skill, skill.fm_line("metadata", "clawdbot"), "metadata.openclaw and metadata.clawdbot differ: OpenClaw reads one, ClawHub the other")
    if targets is None or "agentskills" in targets:
        # only where the open format's strictness matters; user-invocable stays where Claude Code reads it
        for key in ("homepage", "always"):
            if key in skill.fm:
                _note(skill, skill.fm_line(key), f"openclaw reads top-level {key!r}, but skills-ref refuses it; move it under metadata.openclaw")
    block = skill.openclaw
    if "always" in block and not isinstance(block["always"], bool):
        _warn(skill, skill.fm_line("metadata", "openclaw", "always"), "metadata.openclaw.always must be true or false; OpenClaw silently ignores anything else")
    primary = block.get("primaryEnv")
    requires = obj(block.get("requires"))
    declared = {str(n) for n in as_list(requires.get("env"))} | {str(v.get("name")) for v in as_list(block.get("envVars")) if isinstance(v, dict)}
    if isinstance(primary, str) and primary not in declared:
        _note(skill, skill.fm_line("metadata", "openclaw", "primaryEnv"), f"openclaw: primaryEnv {primary} is not declared in requires.env or envVars")


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
        size = skill.folder.size(rel)
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


CHECKS = {
    "agentskills": _agentskills,
    "claude-code": _claude_code,
    "claude-ai": _claude_ai,
    "codex": _codex,
    "openclaw": _openclaw,
    "clawhub": _clawhub,
}
