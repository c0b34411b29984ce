"""The three output formats: text for people, JSON for programs, SARIF for code scanning.

JSON schema (version 1): ``{"version": 1, "tool": {"name", "version"}, "results": [{"path",
"files", "findings": [{"rule", "level", "path", "line", "col", "message"}], "suppressed": [...],
"hosts": {target: {"ok": bool, "errors": int}}, "bundled": [target]}], "summary": {"errors", "warnings", "notes",
"suppressed"}}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .. import __version__
from .findings import Finding
from .rules import RULES
from .runner import Result

TOOL = "kimi-skill-validate"
DOCS = "https://runapi.ai/models/kimi.md"


def counts(results: Iterable[Result]) -> dict[str, int]:
    total = {"errors": 0, "warnings": 0, "notes": 0, "suppressed": 0}
    for result in results:
        for finding in result.findings:
            total[{"error": "errors", "warning": "warnings", "note": "notes"}[finding.level]] += 1
        total["suppressed"] += len(result.suppressed)
    return total


def text(results: list[Result], verbose: bool) -> str:
    lines = []
    for result in results:
        lines += [f"{f.path}:{f.line}:{f.col}: {f.level.upper()} {f.rule} {f.message}" for f in result.findings]
        if verbose:
            lines += [f"{f.path}:{f.line}:{f.col}: allowed {f.rule} (skill-validate: allow) {f.message}" for f in result.suppressed]
        if result.hosts:
            width = max(map(len, result.hosts))
            width = max(width, *map(len, result.bundled)) if result.bundled else width
            for target, blocking in result.hosts.items():
                verdict = "pass" if not blocking else f"FAIL ({len(blocking)}): {blocking[0].message}"
                lines.append(f"host {target:<{width}}  {verdict}")
            for target in result.bundled:
                lines.append(f"host {target:<{width}}  served by the built bundle (skill.yaml distribution.bundle); not checked here")
    total = counts(results)
    files = sum(r.files for r in results)
    lines.append(
        f"{total['errors']} errors, {total['warnings']} warnings, {total['notes']} notes"
        f" ({total['suppressed']} allowed) in {files} files of {len(results)} path{'s' if len(results) != 1 else ''}"
    )
    return "\n".join(lines) + "\n"


def _finding(f: Finding) -> dict[str, Any]:
    return {"rule": f.rule, "level": f.level, "path": f.path, "line": f.line, "col": f.col, "message": f.message}


def as_json(results: list[Result]) -> str:
    doc = {
        "version": 1,
        "tool": {"name": TOOL, "version": __version__},
        "results": [
            {
                "path": r.path,
                "files": r.files,
                "findings": [_finding(f) for f in r.findings],
                "suppressed": [_finding(f) for f in r.suppressed],
                "hosts": {t: {"ok": not b, "errors": len(b)} for t, b in r.hosts.items()},
                "bundled": r.bundled,
            }
            for r in results
        ],
        "summary": counts(results),
    }
    return json.dumps(doc, indent=2) + "\n"


def as_sarif(results: list[Result]) -> str:
    used = sorted({f.rule for r in results for f in r.findings})
    run = {
        "tool": {
            "driver": {
                "name": TOOL,
                "version": __version__,
                "informationUri": DOCS,
                "rules": [
                    {"id": rid, "shortDescription": {"text": RULES[rid].summary}, "defaultConfiguration": {"level": RULES[rid].level}}
                    for rid in used
                ],
            }
        },
        "results": [
            {
                "ruleId": f.rule,
                "ruleIndex": used.index(f.rule),
                "level": f.level,
                "message": {"text": f.message},
                "locations": [
                    {"physicalLocation": {"artifactLocation": {"uri": f.path.lstrip("./") or f.path}, "region": {"startLine": f.line, "startColumn": f.col}}}
                ],
            }
            for r in results
            for f in r.findings
        ],
    }
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2) + "\n"
