"""What a review answers, and which of its findings stand.

The model gets :data:`SCHEMA` (in the request where it has JSON mode, in the prompt where it does
not: the ``--schema`` machinery decides). A finding stands only when its file is in the change and
its lines meet a hunk of it (the changed lines and three lines around them): anything else, a
file outside the diff or a line nowhere near the change, goes to ``dropped`` with the reason, so
no one acts on a line the model invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .change import Change

SEVERITIES = ("critical", "high", "medium", "low", "info")
VERDICTS = ("approve", "comment", "request_changes")

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["verdict", "summary", "findings"],
    "properties": {
        "verdict": {"enum": list(VERDICTS), "description": "approve: ship it; comment: fine with remarks; request_changes: a finding must be fixed first"},
        "summary": {"type": "string", "description": "two or three sentences on the change as a whole"},
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["severity", "file", "line_start", "line_end", "confidence", "title", "body", "recommendation"],
                "properties": {
                    "severity": {"enum": list(SEVERITIES)},
                    "file": {"type": "string", "description": "the path exactly as in the diff header (b/ side, without the b/)"},
                    "line_start": {"type": "integer", "minimum": 1, "description": "first line, numbered as in the new version of the file"},
                    "line_end": {"type": "integer", "minimum": 1},
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                    "title": {"type": "string", "description": "one line"},
                    "body": {"type": "string", "description": "what is wrong and why it matters"},
                    "recommendation": {"type": "string", "description": "the concrete fix"},
                },
            },
        },
    },
}


@dataclass
class Result:
    """The merged answer of every call of one review."""

    verdict: str = "approve"
    summaries: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)

    def at_or_above(self, severity: str) -> list[dict[str, Any]]:
        limit = SEVERITIES.index(severity)
        return [f for f in self.findings if SEVERITIES.index(f["severity"]) <= limit]

    def counts(self) -> dict[str, int]:
        return {s: n for s in SEVERITIES if (n := sum(1 for f in self.findings if f["severity"] == s))}


def _reason(finding: dict[str, Any], change: Change) -> str | None:
    """Why a finding does not stand, or None when it does."""
    changed = change.find(str(finding["file"]))
    if changed is None:
        return "the file is not in the change"
    if changed.binary:
        return "the file is binary and was not sent"
    if changed.generated:
        return "the file is generated and was not sent"
    start, end = int(finding["line_start"]), int(finding["line_end"])
    if end < start:
        start, end = end, start
    if changed.status == "deleted":
        return "the file is deleted by the change"
    if not changed.touches(start, end):
        return f"lines {start}-{end} are outside the change"
    return None


def merge(answers: list[dict[str, Any]], change: Change) -> Result:
    """One result from the answers of every call: findings checked against the change,
    duplicates (same file, lines and title) kept once, worst severity first, then by place."""
    result = Result()
    seen: set[tuple[str, int, int, str]] = set()
    worst = 0
    for answer in answers:
        worst = max(worst, VERDICTS.index(answer["verdict"]))
        if answer["summary"].strip():
            result.summaries.append(answer["summary"].strip())
        for finding in answer["findings"]:
            finding = dict(finding)
            changed = change.find(str(finding["file"]))
            if changed is not None:
                finding["file"] = changed.path
            key = (finding["file"], finding["line_start"], finding["line_end"], finding["title"].strip().lower())
            if key in seen:
                continue
            seen.add(key)
            reason = _reason(finding, change)
            if reason is None:
                result.findings.append(finding)
            else:
                result.dropped.append({**finding, "reason": reason})
    result.findings.sort(key=lambda f: (SEVERITIES.index(f["severity"]), f["file"], f["line_start"]))
    for number, finding in enumerate(result.findings, 1):
        finding["id"] = number
    if result.findings and worst == 0 and any(f["severity"] in ("critical", "high") for f in result.findings):
        worst = VERDICTS.index("request_changes")  # an approval beside a high finding is not one
    elif not result.findings and worst == VERDICTS.index("request_changes"):
        worst = VERDICTS.index("comment")  # changes asked for on findings that did not stand
    result.verdict = VERDICTS[worst]
    return result
