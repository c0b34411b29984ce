"""Run every check on one path and collect the findings, suppressions and host matrix."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import check_agent_rules, check_docs, check_frontmatter, check_manifest, check_scripts, hosts
from .findings import Finding
from .folder import Folder
from .secrets_scan import ALLOW
from .skill import load


@dataclass
class Options:
    targets: list[str] | None = None  # None: skill.yaml's distribution.checkout, else every host
    run_scripts: bool = False
    scan_only: bool = False
    exclude: list[str] = field(default_factory=list)


@dataclass
class Result:
    path: str
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    hosts: dict[str, list[Finding]] = field(default_factory=dict)
    bundled: list[str] = field(default_factory=list)  # hosts skill.yaml serves with the bundle
    files: int = 0


def _installed(path: str) -> str:
    """A folder inside a ``skills/`` directory is installed under its name; a checkout is not."""
    parent = os.path.basename(os.path.dirname(os.path.realpath(path)))
    return "skill-folder" if parent == "skills" else "checkout"


def validate(path: str, options: Options) -> Result:
    folder = Folder.load(path, options.exclude)
    result = Result(path=path)
    if options.scan_only:
        found: list[Finding] = []
        check_agent_rules.scan_keys(folder, lambda rule, rel, line, col, msg: found.append(Finding(rule, folder.show(rel), line, msg, col)))
        result.findings = found + folder.findings
    else:
        skill = load(folder, _installed(path))
        for module in (check_frontmatter, check_manifest, check_scripts, check_docs, check_agent_rules):
            module.check(skill)
        if options.run_scripts:
            check_scripts.run_scripts(skill)
        targets = options.targets
        if targets is None:
            targets, result.bundled = _distribution(skill.mf)
        result.hosts = hosts.check(skill, targets)
        result.findings = skill.findings + folder.findings
    result.files = len(folder.files)
    _suppress(folder, result)
    result.findings.sort(key=Finding.sort_key)
    return result


def _distribution(manifest: dict) -> tuple[list[str], list[str]]:
    """Hosts that load this folder as it is, and hosts that get the built bundle instead."""
    plan = manifest.get("distribution")
    if not isinstance(plan, dict) or not isinstance(plan.get("checkout"), list):
        return list(hosts.TARGETS), []
    checkout = [t for t in hosts.TARGETS if t in plan["checkout"]]
    bundle = [t for t in hosts.TARGETS if t in (plan.get("bundle") or []) and t not in checkout]
    return checkout, bundle


def _suppress(folder: Folder, result: Result) -> None:
    """A finding whose line says ``skill-validate: allow`` (optionally naming rules) is dropped."""
    by_display = {folder.show(rel): rel for rel in folder.files}
    kept = []
    for finding in result.findings:
        rel = by_display.get(finding.path)
        text = folder.text(rel) if rel else None
        line = text.split("\n")[finding.line - 1] if text and 0 < finding.line <= text.count("\n") + 1 else ""
        if ALLOW in line:
            named = line.split(ALLOW, 1)[1].split()
            rules = [w.strip("(),.;") for w in named if "-" in w and w.strip("(),.;").replace("-", "").isalpha()]
            if not rules or finding.rule in rules:
                result.suppressed.append(finding)
                continue
        kept.append(finding)
    result.findings = kept
    for target, blocking in result.hosts.items():
        result.hosts[target] = [f for f in blocking if f not in result.suppressed]
