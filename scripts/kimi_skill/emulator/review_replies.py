"""What the emulated model answers to a review request: findings that cite the diff it was sent.

Each file's first added line becomes a finding; its severity is the first severity word the
line contains (``critical``, ``high``, ``medium``, ``low``, ``info``), else ``low``, so a test
chooses the severity by what it writes. One more finding always cites a file that is not in the
diff, as real models sometimes do: the client must drop it.
"""

from __future__ import annotations

import re
from typing import Any

SEVERITY_WORDS = ("critical", "high", "medium", "low", "info")
NEW_FILE = re.compile(r"^\+\+\+ b/(.+)$")
HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
OUTSIDE = "docs/not-in-this-change.md"


def is_review(schema: Any) -> bool:
    return isinstance(schema, dict) and {"verdict", "findings"} <= set((schema.get("properties") or {}).keys())


def first_added_lines(prompt: str) -> list[tuple[str, int, str]]:
    """(file, line number on the + side, text) of the first added line of each file."""
    found: list[tuple[str, int, str]] = []
    path: str | None = None
    line_no = 0
    for line in prompt.split("\n"):
        named = NEW_FILE.match(line)
        if named:
            path = named.group(1)
            continue
        hunk = HUNK.match(line)
        if hunk:
            line_no = int(hunk.group(1))
            continue
        if path is None or not line_no:
            continue
        if line.startswith("+"):
            found.append((path, line_no, line[1:]))
            path = None
        elif line.startswith(" "):
            line_no += 1
    return found


def review_answer(prompt: str) -> dict[str, Any]:
    findings = []
    for path, line_no, text in first_added_lines(prompt):
        lowered = text.lower()
        severity = next((word for word in SEVERITY_WORDS if word in lowered), "low")
        findings.append({
            "severity": severity, "file": path, "line_start": line_no, "line_end": line_no, "confidence": 0.8,
            "title": f"Check the new code in {path.rsplit('/', 1)[-1]}", "body": f"The added line reads: {text.strip()[:80]}",
            "recommendation": "Add a test that covers this line.",
        })
    findings.append({
        "severity": "high", "file": OUTSIDE, "line_start": 3, "line_end": 4, "confidence": 0.4,
        "title": "A problem in a file the change does not touch", "body": "Invented by the model.", "recommendation": "None.",
    })
    serious = any(f["severity"] in ("critical", "high") for f in findings[:-1])
    return {"verdict": "request_changes" if serious else "comment", "summary": f"Reviewed {len(findings) - 1} files.", "findings": findings}
