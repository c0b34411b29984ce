"""Run every check on one path and collect the findings, what was left out, and the host matrix.

The targets decide the levels: a finding is an error when the rule always is one or when a
targeted host refuses it, so exit codes and the host matrix always agree. Without ``--target``,
the targets are skill.yaml's ``distribution.checkout`` when this validator's schema is declared,
else the four hosts that load a skill folder as it is (skills-ref, Claude Code, Codex, OpenClaw).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import (
    check_agent_rules,
    check_docs,
    check_frontmatter,
    check_manifest,
    check_plugins,
    check_scripts,
    hosts,
    unit,
)
from .findings import ALLOW, FOREIGN_ALLOW, KEY_RULES, Finding
from .folder import SCAN_SKIP_DIRS, Folder, Skipped
from .rules import TARGETS
from .skill import Skill, load


@dataclass
class Options:
    targets: list[str] | None = None  # None: skill.yaml's distribution.checkout, else the loaders
    run_scripts: bool = False
    scan_only: bool = False
    exclude: list[str] = field(default_factory=list)
    inline_allow: bool = True  # False: the skill's allow comments and ignore file count for nothing


@dataclass
class Result:
    path: str
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    hosts: dict[str, list[Finding]] = field(default_factory=dict)
    bundled: list[str] = field(default_factory=list)  # hosts skill.yaml serves with the bundle
    reasons: dict[str, str] = field(default_factory=dict)  # target -> why it decides the verdict
    files: int = 0
    failure: str | None = None  # the validator itself failed on this path


def _checkout(path: str) -> bool:
    """A repository root may have any folder name (CI clones anywhere); a skill folder inside
    a repository, or an installed one, is named after its skill by every host."""
    return os.path.exists(os.path.join(path, ".git")) and os.path.basename(os.path.dirname(os.path.realpath(path))) != "skills"


def validate(path: str, options: Options) -> Result:
    result = Result(path=path)
    if options.scan_only:
        folder = Folder.load(path, options.exclude, SCAN_SKIP_DIRS, options.inline_allow)
        found: list[Finding] = []
        check_agent_rules.scan_keys(folder, lambda rule, rel, line, col, msg: found.append(Finding(rule, folder.show(rel), line, msg, col)))
        findings = found + folder.findings
        targets: frozenset[str] = frozenset()
    else:
        where = unit.find(path)
        folder = Folder.load(path, options.exclude, trust_skill=options.inline_allow, unit_root=where.root)
        skill = load(folder, installed=not _checkout(path))
        for module in (check_frontmatter, check_manifest, check_plugins, check_scripts, check_docs, check_agent_rules):
            module.check(skill)
        if options.run_scripts:
            check_scripts.run_scripts(skill)
        chosen = options.targets
        if chosen is None:
            chosen, result.bundled, result.reasons = _default_targets(skill, where)
        else:
            result.reasons = {t: "--target" for t in chosen}
        hosts.check(skill, chosen)
        findings = skill.findings + folder.findings
        targets = frozenset(chosen)
    result.files = len(folder.files)
    result.skipped = folder.skipped
    resolved = [f.resolve(targets) for f in findings]
    result.findings, result.suppressed = _suppress(folder, resolved)
    result.findings.sort(key=Finding.sort_key)
    if not options.scan_only:
        result.hosts = hosts.verdicts(result.findings, sorted(targets, key=TARGETS.index))
    return result


def _default_targets(skill: Skill, where: unit.Unit) -> tuple[list[str], list[str], dict[str, str]]:
    """The hosts whose verdict decides the exit code when no --target is given: skill.yaml's
    ``distribution`` when it has one; else the runtime hosts the folder says it is for; else
    every runtime host that loads a skill folder as it is. The open format's validator
    (skills-ref) decides only when named (--target agentskills, or skill.yaml)."""
    plan = skill.mf.get("distribution")
    if isinstance(plan, dict) and isinstance(plan.get("checkout"), list):
        checkout = [t for t in TARGETS if t in plan["checkout"]]
        bundle = [t for t in TARGETS if t in (plan.get("bundle") or []) and t not in checkout]
        return checkout, bundle, {t: "skill.yaml distribution.checkout" for t in checkout}
    reasons = dict(where.hosts)
    metadata = skill.fm.get("metadata") if isinstance(skill.fm, dict) else None
    if isinstance(metadata, dict) and ("openclaw" in metadata or "clawdbot" in metadata):
        reasons.setdefault("openclaw", "metadata.openclaw")
    if not reasons:
        reasons = {t: "a runtime host that loads a skill folder as it is" for t in unit.RUNTIME}
    return [t for t in TARGETS if t in reasons], [], reasons


def _suppress(folder: Folder, findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """A finding whose line says ``skill-validate: allow`` (optionally naming rules) is set aside."""
    by_display = {folder.show(rel): rel for rel in folder.files}
    kept, allowed = [], []
    lines_of: dict[str, list[str]] = {}  # split once per file: a file may hold hundreds of findings
    for finding in findings:
        rel = by_display.get(finding.path)
        if rel is not None and rel not in lines_of:
            lines_of[rel] = (folder.text(rel) or "").split("\n")
        lines = lines_of.get(rel, []) if rel is not None else []
        line = lines[finding.line - 1] if 0 < finding.line <= len(lines) and folder.inline_allow else ""
        if ALLOW in line:
            named = line.split(ALLOW, 1)[1].split()
            rules = [w.strip("(),.;") for w in named if "-" in w and w.strip("(),.;").replace("-", "").isalpha()]
            if not rules or finding.rule in rules:
                allowed.append(finding)
                continue
        elif finding.rule in KEY_RULES and any(marker in line for marker in FOREIGN_ALLOW):
            allowed.append(finding)  # the line is already vouched for with gitleaks' or detect-secrets' own comment
            continue
        kept.append(finding)
    return kept, allowed
