"""A review's three outputs: text lines for people and agents, JSON for programs, SARIF for
code scanning. The JSON shape is documented in references/cli.md and only ever grows."""

from __future__ import annotations

from typing import Any

from ..untrusted import dumps, one_line
from .change import Change
from .findings import SEVERITIES, Result

SARIF_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}


def as_dict(result: Result, change: Change, meta: dict[str, Any]) -> dict[str, Any]:
    summarised = meta.get("summarised", [])
    return {
        "verdict": result.verdict,
        "summary": " ".join(result.summaries),
        "findings": [{"id": f["id"], **{k: f[k] for k in ("severity", "file", "line_start", "line_end", "confidence", "title", "body", "recommendation")}} for f in result.findings],
        "dropped": result.dropped,
        "counts": result.counts(),
        "change": {
            "mode": change.mode, "label": change.label, "base": change.old_rev, "head": change.new_rev,
            "files": len(change.files), "added": sum(f.added for f in change.files), "deleted": sum(f.deleted for f in change.files),
            "summarised": summarised, "keys_masked": meta.get("masked", 0), "guidance": meta.get("guidance", []),
        },
        "model": meta.get("model"), "calls": meta.get("calls", 1), "usage": meta.get("usage"),
        "conversation": meta.get("conversation"),
    }


def as_text(doc: dict[str, Any]) -> str:
    """``file:line: severity: title`` per finding, then one verdict line."""
    lines = [f"{one_line(f['file'], 200)}:{f['line_start']}: {f['severity']}: {one_line(f['title'], 300)}" for f in doc["findings"]]
    counts = ", ".join(f"{n} {s}" for s, n in doc["counts"].items())
    said = f"{len(doc['findings'])} finding{'s' if len(doc['findings']) != 1 else ''}" + (f" ({counts})" if counts else "")
    if doc["dropped"]:
        said += f"; {len(doc['dropped'])} dropped (cited lines outside the change: --format json lists them)"
    lines.append(f"verdict: {doc['verdict']}: {said}; {doc['change']['files']} files, +{doc['change']['added']} -{doc['change']['deleted']}")
    return "\n".join(lines) + "\n"


def as_json(doc: dict[str, Any]) -> str:
    return dumps(doc, indent=2) + "\n"


def as_sarif(doc: dict[str, Any], version: str) -> str:
    rules = [
        {"id": f"review/{s}", "name": f"Review{s.capitalize()}", "shortDescription": {"text": f"a {s} finding of the model's review"},
         "defaultConfiguration": {"level": SARIF_LEVEL[s]}}
        for s in SEVERITIES
    ]
    results = []
    for f in doc["findings"]:
        text = f"{f['title']}: {f['body']}" + (f" Recommendation: {f['recommendation']}" if f["recommendation"] else "")
        results.append({
            "ruleId": f"review/{f['severity']}", "ruleIndex": SEVERITIES.index(f["severity"]), "level": SARIF_LEVEL[f["severity"]],
            "message": {"text": text},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": f["file"], "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": f["line_start"], "endLine": max(f["line_start"], f["line_end"])},
            }}],
            "properties": {"severity": f["severity"], "confidence": f["confidence"], "id": f["id"]},
        })
    run = {
        "tool": {"driver": {"name": "kimi-skill-review", "version": version, "informationUri": "https://runapi.co", "rules": rules}},
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the repository's top folder"}}},
        "results": results,
        "properties": {"verdict": doc["verdict"], "model": doc["model"], "dropped": len(doc["dropped"])},
    }
    return dumps({"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}, indent=2) + "\n"
