"""A skill folder as the checks see it: SKILL.md split into frontmatter and body, both parsed
once, and skill.yaml when there is one.

Hosts find the frontmatter in slightly different ways: all accept trailing spaces on the ``---``
lines; Claude Code and OpenClaw also skip a byte-order mark, skills-ref and Codex do not. The
split here follows the lenient hosts and records what the strict ones would refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .findings import Finding
from .folder import Folder
from .yamlsafe import Parsed, parse

SKILL_FILES = ("SKILL.md", "skill.md", "Skill.md")
OUR_SCHEMA = "https://runapi.ai/schemas/kimi-skill/skill-yaml.schema.json"


@dataclass
class Skill:
    folder: Folder
    installed: bool  # the folder sits where hosts install skills, or is not a repository root
    md: str = "SKILL.md"
    findings: list[Finding] = field(default_factory=list)
    skill_md: str | None = None
    frontmatter: Parsed | None = None
    frontmatter_text: str = ""
    body: str = ""
    body_first_line: int = 1
    manifest: Parsed | None = None
    manifest_is_ours: bool = False

    @property
    def fm(self) -> dict[str, Any]:
        data = self.frontmatter.data if self.frontmatter else None
        return data if isinstance(data, dict) else {}

    @property
    def mf(self) -> dict[str, Any]:
        data = self.manifest.data if self.manifest and self.manifest_is_ours else None
        return data if isinstance(data, dict) else {}

    @property
    def openclaw(self) -> dict[str, Any]:
        metadata = self.fm.get("metadata")
        block = metadata.get("openclaw") if isinstance(metadata, dict) else None
        return block if isinstance(block, dict) else {}

    @property
    def targets_openclaw(self) -> bool:
        """The skill is written for OpenClaw: it carries an OpenClaw metadata block."""
        metadata = self.fm.get("metadata")
        return isinstance(metadata, (dict, str)) and any(k in str(metadata if isinstance(metadata, str) else list(metadata)) for k in ("openclaw", "clawdbot", "clawdis"))

    def fm_line(self, *path: str | int) -> int:
        return self.frontmatter.line(path) if self.frontmatter else 1

    def add(self, rule: str, rel: str, line: int, message: str, col: int = 1, hosts: frozenset[str] | None = None) -> None:
        self.findings.append(Finding(rule, self.folder.show(rel), line, message, col, hosts))


def load(folder: Folder, installed: bool) -> Skill:
    skill = Skill(folder=folder, installed=installed)
    present = [name for name in SKILL_FILES if folder.has(name)]
    if not present:
        skill.add("path-missing", "SKILL.md", 1, "no SKILL.md at the top of the folder")
        return skill
    skill.md = rel = present[0]
    if rel != "SKILL.md":
        skill.add("skill-md-name", rel, 1, f"the skill file is named {rel}: Claude Code and Codex load only SKILL.md, so rename it", hosts=None if rel == "skill.md" else frozenset({"agentskills", "claude-code", "codex", "openclaw"}))
    raw = folder.raw(rel)
    if raw is None:
        return skill
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        skill.add("skill-md-encoding", rel, line, f"invalid UTF-8 at byte {exc.start}; save the file as UTF-8")
        text = raw.decode("utf-8", errors="replace")
    skill.skill_md = text
    _split(skill, rel, text)
    if folder.has("skill.yaml"):
        manifest_text = folder.text("skill.yaml")
        if manifest_text is not None:
            skill.manifest = parse(manifest_text)
            data = skill.manifest.data
            skill.manifest_is_ours = (isinstance(data, dict) and data.get("$schema") == OUR_SCHEMA) or (
                skill.manifest.error is not None and OUR_SCHEMA in manifest_text
            )
    return skill


def _split(skill: Skill, rel: str, text: str) -> None:
    if text.startswith("\ufeff"):
        skill.add("frontmatter-bom", rel, 1, "SKILL.md starts with a byte-order mark: skills-ref and Codex then find no frontmatter; save it without one")
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        skill.add("frontmatter-missing", rel, 1, "SKILL.md must start with a line holding only ---, then the YAML frontmatter (Claude Code loads it without metadata; the other hosts skip it)")
        skill.body = text
        return
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            block = "\n".join(line.rstrip("\r") for line in lines[1:index])
            skill.frontmatter_text = block
            skill.frontmatter = parse(block, first_line=2)
            skill.body = "\n".join(lines[index + 1 :])
            skill.body_first_line = index + 2
            _js_yaml(skill, rel, block)
            return
    skill.add("frontmatter-unclosed", rel, 1, "the frontmatter opened on line 1 is never closed with a --- line")


_QUOTED_START = re.compile(r"""^[A-Za-z0-9_.-]+:\s+(["'])""")


def _js_yaml(skill: Skill, rel: str, block: str) -> None:
    """What the JS ``yaml`` parser of Claude Code and OpenClaw refuses although PyYAML reads it:
    a quoted value that goes on over lines starting at column 1 ("Missing closing quote")."""
    lines = block.split("\n")
    index = 0
    while index < len(lines):
        match = _QUOTED_START.match(lines[index])
        if match:
            quote = match.group(1)
            rest = lines[index][match.end() :]
            if not _closes(rest, quote):
                end = index + 1
                while end < len(lines) and not _closes(lines[end], quote):
                    end += 1
                if any(line[:1] not in (" ", "\t", "") for line in lines[index + 1 : end + 1]):
                    skill.add(
                        "frontmatter-js-yaml", rel, index + 2,
                        "a quoted value continues on lines that are not indented: Claude Code and OpenClaw fail to parse it "
                        "('Missing closing quote'); indent the continuation lines or use a block scalar (key: |)",
                    )
                    return
                index = end
        index += 1


def _closes(text: str, quote: str) -> bool:
    if quote == "'":
        return text.replace("''", "").count("'") % 2 == 1
    return len(re.findall(r'(?<!\\)"', text)) % 2 == 1
