"""The three output formats: text for people, JSON for programs, SARIF for code scanning.

JSON schema (version 2): ``{"version": 2, "tool": {"name", "version"}, "results": [{"path",
"files", "findings": [{"rule", "level", "path", "line", "col", "message", "hosts"}], "suppressed":
[...], "skipped": [{"path", "reason"}], "hosts": {target: {"ok": bool, "errors": int}}, "bundled":
[target], "failure": str | null}], "summary": {"errors", "warnings", "notes", "suppressed",
"skipped", "failures"}}``. Every exclusion (an inline ``skill-validate: allow``, a
``.skill-validate-ignore`` pattern, a skipped folder or binary file) is counted and listed, so the
skill under test cannot silence the scan unseen.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .. import __version__
from ..untrusted import for_line
from .findings import Finding
from .rules import RULES
from .runner import Result

TOOL = "kimi-skill-validate"


def counts(results: Iterable[Result]) -> dict[str, int]:
    total = {"errors": 0, "warnings": 0, "notes": 0, "suppressed": 0, "skipped": 0, "failures": 0}
    for result in results:
        for finding in result.findings:
            total[{"error": "errors", "warning": "warnings", "note": "notes"}[finding.level]] += 1
        total["suppressed"] += len(result.suppressed)
        total["skipped"] += len(result.skipped)
        total["failures"] += result.failure is not None
    return total


def text(results: list[Result], verbose: bool) -> str:
    lines = []
    for result in results:
        if result.failure:
            lines.append(f"{for_line(result.path)}: the validator failed here: {result.failure}")
        targets = set(result.hosts)
        lines += [f"{f.path}:{f.line}:{f.col}: {f.level.upper()} {f.rule} {for_line(f.message)}{_refused_elsewhere(f, targets)}" for f in result.findings]
        if verbose:
            lines += [f"{f.path}:{f.line}:{f.col}: allowed {f.rule} (skill-validate: allow) {for_line(f.message)}" for f in result.suppressed]
            lines += [f"{for_line(s.path)}: not scanned ({s.reason})" for s in result.skipped]
        if result.hosts:
            width = max(map(len, [*result.hosts, *result.bundled]))
            for target, blocking in result.hosts.items():
                verdict = "pass" if not blocking else f"FAIL ({len(blocking)}): {for_line(blocking[0].message)}"
                lines.append(f"host {target:<{width}}  {verdict}")
            for target in result.bundled:
                lines.append(f"host {target:<{width}}  served by the built bundle (skill.yaml distribution.bundle); not checked here")
            if result.reasons:
                why = "; ".join(f"{t}: {for_line(r)}" for t, r in result.reasons.items())
                spec = "" if "agentskills" in result.hosts else "; the open format's validator (skills-ref) is not one: --target agentskills adds it"
                lines.append(f"targets (their verdicts decide the exit code): {why}{spec}")
    total = counts(results)
    files = sum(r.files for r in results)
    left_out = f", {total['suppressed']} allowed by skill-validate: allow, {total['skipped']} files or folders not scanned"
    lines.append(
        f"{total['errors']} errors, {total['warnings']} warnings, {total['notes']} notes{left_out}"
        f" ({files} files in {len(results)} path{'s' if len(results) != 1 else ''}; --verbose lists what was left out)"
    )
    return "\n".join(lines) + "\n"


def _refused_elsewhere(f: Finding, targets: set[str]) -> str:
    """A warning that only hosts outside the targets refuse: say which, so nobody mistakes it
    for a problem of the targeted hosts (or overlooks it when they publish there)."""
    others = sorted(f.refused_by - targets)
    if "skills-ref" in f.message:
        others = [o for o in others if o != "agentskills"]
    if f.level == "error" or not others or not targets:
        return ""
    return f" ({', '.join(others)} would refuse it; not a target)"


def _finding(f: Finding) -> dict[str, Any]:
    return {"rule": f.rule, "level": f.level, "path": f.path, "line": f.line, "col": f.col, "message": f.message, "hosts": sorted(f.refused_by)}


def as_json(results: list[Result]) -> str:
    doc = {
        "version": 2,
        "tool": {"name": TOOL, "version": __version__},
        "results": [
            {
                "path": r.path,
                "files": r.files,
                "findings": [_finding(f) for f in r.findings],
                "suppressed": [_finding(f) for f in r.suppressed],
                "skipped": [s.as_dict() for s in r.skipped],
                "hosts": {t: {"ok": not b, "errors": len(b)} for t, b in r.hosts.items()},
                "targets": r.reasons,
                "bundled": r.bundled,
                "failure": r.failure,
            }
            for r in results
        ],
        "summary": counts(results),
    }
    return json.dumps(doc, indent=2) + "\n"


def _location(path: str, line: int = 1, col: int = 1) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": {"uri": path.lstrip("./") or path}, "region": {"startLine": line, "startColumn": col}}}


def as_sarif(results: list[Result]) -> str:
    used = sorted({f.rule for r in results for f in [*r.findings, *r.suppressed]})

    def sarif(f: Finding, suppressed: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ruleId": f.rule, "ruleIndex": used.index(f.rule), "level": f.level,
            "message": {"text": f.message}, "locations": [_location(f.path, f.line, f.col)],
        }
        if suppressed:
            out["suppressions"] = [{"kind": "inSource", "justification": "skill-validate: allow"}]
        return out

    run = {
        "tool": {
            "driver": {
                "name": TOOL,
                "version": __version__,
                "rules": [
                    {"id": rid, "shortDescription": {"text": RULES[rid].summary}, "defaultConfiguration": {"level": RULES[rid].level}}
                    for rid in used
                ],
            }
        },
        "results": [sarif(f, False) for r in results for f in r.findings] + [sarif(f, True) for r in results for f in r.suppressed],
        "invocations": [
            {
                "executionSuccessful": all(r.failure is None for r in results),
                "toolExecutionNotifications": [
                    {"level": "note", "message": {"text": f"not scanned ({s.reason})"}, "locations": [_location(s.path)]}
                    for r in results for s in r.skipped
                ] + [
                    {"level": "error", "message": {"text": f"the validator failed: {r.failure}"}, "locations": [_location(r.path)]}
                    for r in results if r.failure
                ],
            }
        ],
    }
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2) + "\n"
