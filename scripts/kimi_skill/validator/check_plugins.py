"""Plugin manifests beside the skill: Claude Code's, Codex's and Gemini CLI's (and the
marketplace entry that points at this folder) must describe the same release as SKILL.md.

Any folder: the manifests present must agree with each other on the version (they package one
release). A folder whose skill.yaml declares this validator's schema is one skill shipped as
one plugin, so there name, version and description must match SKILL.md exactly. Other authors'
plugins may bundle several skills under another name, which is not a mismatch.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .skill import Skill

MANIFESTS = (".claude-plugin/plugin.json", ".codex-plugin/plugin.json", "gemini-extension.json")
MARKETPLACE = ".claude-plugin/marketplace.json"
HERE = ("./", "./.", ".")


def _load(skill: Skill, rel: str) -> tuple[dict[str, Any], str] | None:
    text = skill.folder.text(rel)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError as exc:
        skill.add("plugin-mismatch", rel, 1, f"not valid JSON ({exc}), so its host cannot read the name, version or description")
        return None
    return (data, text) if isinstance(data, dict) else None


def _line(text: str, key: str, after: int = 0) -> int:
    match = re.compile(rf'"{re.escape(key)}"\s*:').search(text, after)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _entries(skill: Skill) -> list[tuple[str, dict[str, Any], str, int]]:
    """(file, fields, text, offset of the entry) for each manifest describing this folder."""
    out = []
    for rel in MANIFESTS:
        if skill.folder.has(rel):
            loaded = _load(skill, rel)
            if loaded:
                out.append((rel, loaded[0], loaded[1], 0))
    if skill.folder.has(MARKETPLACE):
        loaded = _load(skill, MARKETPLACE)
        if loaded:
            data, text = loaded
            plugins = data.get("plugins")
            for entry in plugins if isinstance(plugins, list) else []:
                if isinstance(entry, dict) and entry.get("source") in HERE:
                    name = entry.get("name")
                    offset = text.find(f'"{name}"') if isinstance(name, str) else 0
                    out.append((MARKETPLACE, entry, text, max(offset, 0)))
    return out


def check(skill: Skill) -> None:
    entries = _entries(skill)
    if not entries:
        return
    expected: dict[str, tuple[Any, str]] = {}
    if skill.manifest_is_ours:
        fm, mf = skill.fm, skill.mf
        expected = {
            "name": (fm.get("name"), "SKILL.md"),
            "description": (fm.get("description"), "SKILL.md"),
            "version": (mf.get("version"), "skill.yaml"),
        }
    else:
        versions = [(str(fields["version"]), rel) for rel, fields, _, _ in entries if isinstance(fields.get("version"), str | int | float)]
        if versions:
            expected = {"version": versions[0]}
    for rel, fields, text, offset in entries:
        for key, (want, source) in expected.items():
            have = fields.get(key)
            if want is None or (have is None and key == "description"):
                continue
            have_text, want_text = " ".join(str(have).split()), " ".join(str(want).split())
            if have is None or have_text != want_text:
                at = next((i for i, (a, b) in enumerate(zip(have_text, want_text, strict=False)) if a != b), min(len(have_text), len(want_text)))
                start = max(0, at - 30)  # long values differ late: show where, not their common start
                cut = "…" if start else ""
                shown = "nothing" if have is None else json.dumps(cut + have_text[start : start + 80])
                skill.add("plugin-mismatch", rel, _line(text, key, offset) if have is not None else 1,
                          f"{key} is {shown}, {source} says {json.dumps(cut + want_text[start : start + 80])}: every manifest must describe the same release")
