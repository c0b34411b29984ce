"""A skill folder as the checks see it: SKILL.md split into frontmatter and body, both parsed
once, and skill.yaml when there is one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .findings import Finding
from .folder import Folder
from .yamlsafe import Parsed, parse


@dataclass
class Skill:
    folder: Folder
    name_hint: str
    md: str = "SKILL.md"  # or skill.md, which hosts also accept
    findings: list[Finding] = field(default_factory=list)
    skill_md: str | None = None
    frontmatter: Parsed | None = None
    body: str = ""
    body_first_line: int = 1
    manifest: Parsed | None = None

    @property
    def fm(self) -> dict[str, Any]:
        data = self.frontmatter.data if self.frontmatter else None
        return data if isinstance(data, dict) else {}

    @property
    def mf(self) -> dict[str, Any]:
        data = self.manifest.data if self.manifest else None
        return data if isinstance(data, dict) else {}

    @property
    def openclaw(self) -> dict[str, Any]:
        metadata = self.fm.get("metadata")
        block = metadata.get("openclaw") if isinstance(metadata, dict) else None
        return block if isinstance(block, dict) else {}

    def fm_line(self, *path: str | int) -> int:
        return self.frontmatter.line(path) if self.frontmatter else 1

    def add(self, rule: str, rel: str, line: int, message: str, col: int = 1) -> None:
        self.findings.append(Finding(rule, self.folder.show(rel), line, message, col))


def load(folder: Folder, name_hint: str) -> Skill:
    skill = Skill(folder=folder, name_hint=name_hint)
    if not folder.has("SKILL.md") and folder.has("skill.md"):
        skill.md = "skill.md"
    rel = skill.md
    if not folder.has(rel):
        skill.add("frontmatter-missing", rel, 1, "SKILL.md is missing: a skill folder needs one at its top")
        return skill
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
    return skill


def _split(skill: Skill, rel: str, text: str) -> None:
    if text.startswith("\ufeff"):
        skill.add("frontmatter-missing", rel, 1, "SKILL.md starts with a byte-order mark; strict parsers then see no frontmatter: remove it")
        return
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r") != "---":
        skill.add("frontmatter-missing", rel, 1, "SKILL.md must start with a line holding only ---, then the YAML frontmatter")
        skill.body = text
        return
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r") == "---":
            block = "\n".join(lines[1:index])
            skill.frontmatter = parse(block, first_line=2)
            skill.body = "\n".join(lines[index + 1 :])
            skill.body_first_line = index + 2
            return
    skill.add("frontmatter-unclosed", rel, 1, "the frontmatter opened on line 1 is never closed with a --- line")
