"""skill.yaml: its own schema, then agreement with SKILL.md, which is what agents actually read.

Only a skill.yaml that declares this validator's schema (``$schema:`` with its URL) is checked:
other projects use the same file name for manifests of their own."""

from __future__ import annotations

from typing import Any

from ..shapes import obj
from . import schema
from .skill import Skill

LINK_KEYS = ("documentation", "provider_page", "catalog")


def _flat(text: Any) -> str:
    return " ".join(str(text).split()) if text is not None else ""


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def frontmatter_env(skill: Skill) -> dict[str, tuple[bool, int]]:
    """Env vars SKILL.md declares: name -> (required, line). Wrongly typed parts are skipped
    (frontmatter-schema reports them)."""
    block = skill.openclaw
    declared: dict[str, tuple[bool, int]] = {}
    for index, item in enumerate(as_list(block.get("envVars"))):
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            declared[item["name"]] = (item.get("required") is True, skill.fm_line("metadata", "openclaw", "envVars", index, "name"))
    requires = obj(block.get("requires"))
    for index, name in enumerate(as_list(requires.get("env"))):
        if isinstance(name, str):
            declared[name] = (True, declared.get(name, (True, skill.fm_line("metadata", "openclaw", "requires", "env", index)))[1])
    primary = block.get("primaryEnv")
    if isinstance(primary, str) and primary not in declared:
        declared[primary] = (False, skill.fm_line("metadata", "openclaw", "primaryEnv"))
    return declared


def manifest_env(skill: Skill) -> dict[str, tuple[bool, int]]:
    declared: dict[str, tuple[bool, int]] = {}
    for index, item in enumerate(as_list(skill.mf.get("env"))):
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            declared[item["name"]] = (item.get("required") is True, skill.manifest.line(("env", index, "name")) if skill.manifest else 1)
    return declared


def check(skill: Skill) -> None:
    parsed = skill.manifest
    if parsed is None or not skill.manifest_is_ours:
        return
    rel = "skill.yaml"
    if parsed.alias_line is not None:
        skill.add("manifest-yaml", rel, parsed.alias_line, "YAML anchors/aliases are not allowed in skill.yaml")
        return
    if parsed.error is not None:
        skill.add("manifest-yaml", rel, parsed.error_line, f"invalid YAML: {parsed.error}")
        return
    if not isinstance(parsed.data, dict):
        skill.add("manifest-yaml", rel, 1, "skill.yaml must be a mapping of keys to values")
        return
    for path, message in schema.errors("skill-yaml.schema.json", parsed.data):
        skill.add("manifest-schema", rel, parsed.line(path), f"{'.'.join(map(str, path)) or 'skill.yaml'}: {message}")
    _agree(skill, rel)
    _env(skill, rel)
    for index, script in enumerate(as_list(skill.mf.get("scripts"))):
        listed = obj(script).get("path")
        if isinstance(listed, str) and not skill.folder.has(listed.removeprefix("./")):
            skill.add("script-missing", rel, parsed.line(("scripts", index, "path")), f"listed script {listed} does not exist")


def _agree(skill: Skill, rel: str) -> None:
    if skill.frontmatter is None or not skill.fm:
        return
    mf, fm = skill.mf, skill.fm
    metadata = obj(fm.get("metadata"))
    manifest = skill.manifest

    def line(path: tuple[str, ...]) -> int:
        return manifest.line(path) if manifest else 1

    pairs: list[tuple[tuple[str, ...], Any, Any, str]] = [
        (("name",), mf.get("name"), fm.get("name"), "name"),
        (("description",), mf.get("description"), fm.get("description"), "description"),
        (("version",), mf.get("version"), metadata.get("version"), "version (metadata.version in SKILL.md)"),
    ]
    if "homepage" in mf or "homepage" in skill.openclaw:
        pairs.append((("homepage",), mf.get("homepage"), skill.openclaw.get("homepage"), "homepage (metadata.openclaw.homepage)"))
    links = obj(mf.get("links"))
    for key in LINK_KEYS:
        if key in links or key in metadata:
            pairs.append((("links", key), links.get(key), metadata.get(key), f"link {key} (metadata.{key} in SKILL.md)"))
    for path, ours, theirs, what in pairs:
        if _flat(ours) != _flat(theirs):
            skill.add("manifest-mismatch", rel, line(path), f"{what} differs from SKILL.md: {_flat(ours)[:60]!r} vs {_flat(theirs)[:60]!r}")


def _env(skill: Skill, rel: str) -> None:
    fm_env, mf_env = frontmatter_env(skill), manifest_env(skill)
    if skill.frontmatter is None:
        return
    for name, (required, line) in mf_env.items():
        if name not in fm_env:
            skill.add("env-mismatch", rel, line, f"{name} is declared here but not in SKILL.md's metadata.openclaw (envVars or requires.env)")
        elif fm_env[name][0] != required:
            skill.add("env-mismatch", rel, line, f"{name} is required: {str(required).lower()} here but {str(fm_env[name][0]).lower()} in SKILL.md")
    for name, (_, line) in fm_env.items():
        if name not in mf_env:
            skill.add("env-mismatch", "SKILL.md", line, f"{name} is declared in SKILL.md but not in skill.yaml's env list")
    primary = skill.openclaw.get("primaryEnv")
    if isinstance(primary, str) and not fm_env.get(primary, (False, 0))[0]:
        skill.add("primary-env-not-required", "SKILL.md", skill.fm_line("metadata", "openclaw", "primaryEnv"), f"primaryEnv {primary} must also be a required env var (requires.env)")
    primary_mf = skill.mf.get("primary_env")
    if isinstance(primary_mf, str) and not mf_env.get(primary_mf, (False, 0))[0]:
        skill.add("primary-env-not-required", rel, skill.manifest.line(("primary_env",)) if skill.manifest else 1, f"primary_env {primary_mf} must be listed in env with required: true")
