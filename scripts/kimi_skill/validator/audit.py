"""``validate.py --audit``: is this skill safe to install? A verdict per skill, with the evidence.

The audit reads; it never runs anything. Every file of the skill is read (hidden folders and
``node_modules`` too, only ``.git`` is left out), and the skill's own ignore file and allow
comments count for nothing: a skill cannot vouch for itself. A zip or ``.skill`` bundle is
unpacked into a private temporary folder first, refusing links, absolute names and ``..``.

Verdicts (:func:`verdict`): ``malicious`` when one rule of that tier fires; ``suspicious`` for
a suspicious finding, or weak findings from three categories or more (a stronger finding
lowered to weak, being only a mention or a discussion, does not count towards the three); ``review`` for any other
finding; ``pass`` for none. Rules and their examples: :mod:`.audit_rules`.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..untrusted import for_line
from . import audit_rules as R
from .audit_declared import undeclared
from .folder import Folder

DOCS = frozenset({".md", ".markdown", ".mdx", ".txt", ".rst", ".adoc", ""})
PER_RULE_PER_FILE = 3
ZIP_LIMITS = (5000, 64 * 1024 * 1024)  # members, total bytes unpacked


@dataclass
class AuditFinding:
    rule: str
    category: str
    tier: str
    file: str
    line: int
    evidence: str
    why: str
    lowered: bool = False  # a stronger rule's finding taken down a tier (a mention, or a discussion)

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "category": self.category, "tier": self.tier, "file": self.file, "line": self.line, "evidence": self.evidence, "why": self.why}


@dataclass
class Audit:
    path: str
    verdict: str = "pass"
    findings: list[AuditFinding] = field(default_factory=list)
    files: int = 0
    failure: str | None = None


QUOTES = "\"'`“‘«"
EVIDENCE = 160  # characters of a line shown as evidence; a longer line shows the match with some context


def neutral(text: str, limit: int = EVIDENCE) -> str:
    """The evidence as a person can read it safely: invisible characters named, controls
    escaped, one line, cut."""
    shown = R.TAG_CHARS.sub(lambda m: "<tags:" + "".join(chr(ord(c) - 0xE0000) if 0x20 <= ord(c) - 0xE0000 < 0x7F else "?" for c in m.group()) + ">", text)
    shown = re.sub("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]", lambda m: f"<U+{ord(m.group()):04X}>", shown)
    shown = for_line(shown.strip())
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def verdict(findings: list[AuditFinding]) -> str:
    tiers = {f.tier for f in findings}
    if R.MALICIOUS in tiers:
        return "malicious"
    if R.SUSPICIOUS in tiers or len({f.category for f in findings if f.tier == R.WEAK and not f.lowered}) >= 3:
        return "suspicious"
    return "review" if findings else "pass"


def _lower(tier: str) -> str:
    return R.TIERS[min(R.TIERS.index(tier) + 1, len(R.TIERS) - 1)]


MANIFESTS = frozenset({"package.json", "setup.py", "setup.cfg", "pyproject.toml"})  # where install hooks are declared


def _scopes(rel: str) -> frozenset[str]:
    """Which rules a file is read with: prose or code, and package manifests besides."""
    kind = "docs" if os.path.splitext(rel)[1].lower() in DOCS else "code"
    return frozenset({"any", kind, "manifest"} if os.path.basename(rel) in MANIFESTS else {"any", kind})


def _cells(line: str) -> str:
    """A Markdown table row without its cell borders: those pipes are not shell pipes."""
    return line.replace("|", " ") if line.lstrip().startswith("|") else line


def scan_text(rel: str, text: str) -> Iterator[AuditFinding]:
    """Every rule over one file's text: each pattern runs over the whole text once (patterns stay
    within a line), which is several times faster than asking every rule of every line."""
    import bisect

    scopes = _scopes(rel)
    scope = "docs" if "docs" in scopes else "code"
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    lines = text.split("\n")

    def line_of(position: int) -> int:
        return bisect.bisect_right(starts, position)

    for kind, pattern in (("tag-characters", R.TAG_CHARS), ("bidi-control", R.BIDI), ("zero-width-run", R.ZERO_WIDTH_RUN)):
        for count, match in enumerate(pattern.finditer(text)):
            if count >= PER_RULE_PER_FILE:
                break
            tier, category, why = R.INVISIBLE[kind]
            number = line_of(match.start())
            yield AuditFinding(kind, category, tier, rel, number, neutral(lines[number - 1]), why)
    lowered = text.lower()
    for rule in R.RULES:
        if rule.scope not in scopes or (rule.keywords and not any(k in lowered for k in rule.keywords)):
            continue
        found = 0
        for match in rule.pattern.finditer(text):
            number = line_of(match.start())
            line = lines[number - 1]
            if rule.docs_need is not None and R.KEY_USE.search(line):
                continue  # a key used where it lies, not read or sent
            tier = rule.tier
            start = match.start() - starts[number - 1]
            if rule.docs_need is not None and scope == "docs" and not rule.docs_need.search(_cells(line)):
                tier = R.WEAK
            quoted = start > 0 and line[start - 1] in QUOTES  # "Ignore previous instructions..." cited as an example
            if rule.lowered_by_discussion and (quoted or R.DISCUSSION.search("\n".join(lines[max(0, number - 4) : number]))):
                tier = _lower(tier)
            shown = line if len(line.strip()) <= EVIDENCE else line[max(0, start - 40) : start + len(match.group()) + 80]
            yield AuditFinding(rule.id, rule.category, tier, rel, number, neutral(shown), rule.why, lowered=tier != rule.tier)
            found += 1
            if found >= PER_RULE_PER_FILE:
                break


def _executable(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, 4)
    finally:
        os.close(fd)
    return head.startswith(R.EXECUTABLE_MAGIC)


@functools.cache
def _own_rules() -> str:
    """This auditor's rule table as text: a byte-identical copy in a skill is not reported."""
    return Path(R.__file__).read_text(encoding="utf-8")


def audit_folder(path: str, shown: str | None = None) -> Audit:
    folder = Folder.load(path, skip_dirs=frozenset({".git"}), trust_skill=False)
    folder.display = shown or folder.display
    result = Audit(path=shown or path, files=len(folder.files))
    rule = R.BY_ID["binary-in-skill"]
    own = _own_rules()
    texts: list[tuple[str, str]] = []
    for rel in folder.files:
        full = folder.root / rel
        text = folder.text(rel)
        if text is None:
            if _executable(full) and not rel.endswith((".png", ".jpg", ".gif", ".ico", ".pdf", ".zip")):
                result.findings.append(AuditFinding(rule.id, rule.category, rule.tier, folder.show(rel), 1, "compiled executable", rule.why))
            continue
        if text == own:
            continue  # this auditor's own rule table: its patterns and examples are what it looks for
        texts.append((rel, text))
        for found in scan_text(rel, text):
            found.file = folder.show(rel)
            result.findings.append(found)
    for item in undeclared(texts):
        tier, category, why = R.UNDECLARED[f"undeclared-{item.kind}"]
        result.findings.append(AuditFinding(f"undeclared-{item.kind}", category, tier, folder.show(item.file), item.line, neutral(item.evidence), f"{item.name}: {why}"))
    result.verdict = verdict(result.findings)
    return result


def _unpack(bundle: str, into: str) -> str:
    """A zip or .skill bundle, unpacked safely; the folder that holds its SKILL.md."""
    members, total = 0, 0
    with zipfile.ZipFile(bundle) as archive:
        for info in archive.infolist():
            members += 1
            total += info.file_size
            name = info.filename
            mode = info.external_attr >> 16
            if members > ZIP_LIMITS[0] or total > ZIP_LIMITS[1]:
                raise ValueError(f"the bundle holds more than {ZIP_LIMITS[0]} files or {ZIP_LIMITS[1] // (1024 * 1024)} MiB unpacked; not unpacked")
            if name.startswith(("/", "\\")) or ".." in Path(name).parts or ":" in name.split("/")[0] or stat.S_ISLNK(mode):
                raise ValueError(f"the bundle holds {for_line(name)!r}, a link or a path that leaves the bundle; not unpacked (that alone is reason for suspicion)")
            target = Path(into) / name
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, open(target, "xb") as out:
                out.write(source.read(info.file_size + 1))
    found = sorted(Path(into).rglob("SKILL.md"), key=lambda p: len(p.parts))
    return str(found[0].parent) if found else into


def audit(path: str) -> Audit:
    """One PATH: a skill folder (or any folder), or a zip / .skill bundle."""
    if os.path.isfile(path) and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="kimi-audit-") as tmp:
            try:
                root = _unpack(path, tmp)
            except (ValueError, zipfile.BadZipFile, OSError) as exc:
                result = Audit(path=path, verdict="suspicious")
                result.findings.append(AuditFinding("bundle-unsafe", "declared", R.SUSPICIOUS, path, 1, neutral(str(exc)), "the bundle cannot be unpacked safely"))
                return result
            inner = os.path.relpath(root, tmp)
            return audit_folder(root, path if inner == "." else f"{path}!{inner}")
    return audit_folder(path)


# -- output ---------------------------------------------------------------------------------

LEVEL = {R.MALICIOUS: "error", R.SUSPICIOUS: "error", R.WEAK: "warning", R.POLICY: "note"}


def as_text(results: list[Audit]) -> str:
    out = []
    for result in results:
        if result.failure:
            continue
        for f in sorted(result.findings, key=lambda f: (R.TIERS.index(f.tier), f.file, f.line)):
            out.append(f"{f.file}:{f.line}: {f.tier.upper()} {f.rule} {f.evidence}: {f.why}")
        counts = {t: n for t in R.TIERS if (n := sum(1 for f in result.findings if f.tier == t))}
        said = ", ".join(f"{n} {t}" for t, n in counts.items()) or "no findings"
        out.append(f"audit {result.verdict}: {for_line(result.path)} ({said}; {result.files} files read, nothing run)")
    return "\n".join(out) + ("\n" if out else "")


def as_json(results: list[Audit]) -> str:
    from .. import __version__
    from ..untrusted import dumps

    doc = {
        "version": 2, "tool": {"name": "kimi-skill-validate", "version": __version__},
        "results": [
            {"path": r.path, "files": r.files, "failure": r.failure, "audit": {"verdict": r.verdict, "findings": [f.as_dict() for f in r.findings]}}
            for r in results
        ],
    }
    return dumps(doc, indent=2) + "\n"


def as_sarif(results: list[Audit]) -> str:
    from .. import __version__
    from ..untrusted import dumps

    rules = [*R.RULES, *(R.AuditRule(k, v[1], v[0], v[2], re.compile("(?!)"), (), ()) for k, v in (R.INVISIBLE | R.UNDECLARED).items())]
    index = {rule.id: n for n, rule in enumerate(rules)}
    run = {
        "tool": {"driver": {
            "name": "kimi-skill-audit", "version": __version__, "informationUri": "https://runapi.ai/models/kimi",
            "rules": [{"id": r.id, "shortDescription": {"text": r.why}, "defaultConfiguration": {"level": LEVEL[r.tier]},
                       "properties": {"category": r.category, "tier": r.tier}} for r in rules],
        }},
        "results": [
            {"ruleId": f.rule, **({"ruleIndex": index[f.rule]} if f.rule in index else {}), "level": LEVEL[f.tier],
             "message": {"text": f"{f.evidence}: {f.why}"},
             "locations": [{"physicalLocation": {"artifactLocation": {"uri": f.file}, "region": {"startLine": f.line}}}],
             "properties": {"tier": f.tier, "category": f.category, "verdict": r.verdict}}
            for r in results for f in r.findings
        ],
        "properties": {"verdicts": {r.path: r.verdict for r in results}},
    }
    return dumps({"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


def main(paths: list[str], fmt: str) -> int:
    import sys

    results = []
    for path in paths:
        if not os.path.exists(path):
            sys.stderr.write(f"error: {for_line(path)} does not exist (pass a skill folder or a .skill/.zip bundle)\n")
            return 2
        if os.path.isfile(path) and not zipfile.is_zipfile(path):
            sys.stderr.write(f"error: {for_line(path)} is a file that is not a zip or .skill bundle; pass the skill's folder\n")
            return 2
        try:
            results.append(audit(path))
        except Exception as exc:  # one skill's failure must not hide the others' verdicts
            results.append(Audit(path=path, failure=f"{type(exc).__name__}: {for_line(str(exc))[:200]}"))
    sys.stdout.write({"text": as_text, "json": as_json, "sarif": as_sarif}[fmt](results))
    for result in results:
        if result.failure:
            sys.stderr.write(f"error: the audit failed on {for_line(result.path)} ({result.failure}); the other paths are reported\n")
    if any(r.failure for r in results):
        return 2
    return 1 if any(r.verdict in ("suspicious", "malicious") for r in results) else 0
