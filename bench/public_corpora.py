#!/usr/bin/env python3
"""The key scanner on public scanners' own test material, split before anyone looked at it.

    python3 bench/public_corpora.py [--mirrors /work/.mirror] [--corpus all|noseyparker|kingfisher] [--half dev|held-out|both] [--show N]

Sources (``fetch`` snapshots, never copied into this repository): the rule examples and
negative examples of praetorian-inc/noseyparker, and the rule fixtures of secretlint/secretlint
(``test/snapshots/<case>/input.*``, a secret where the expected output has messages); and,
reported apart as a second corpus, the examples of mongodb/kingfisher's rules that noseyparker
does not have (kingfisher grew out of noseyparker's rule set). Each
example becomes one file. The split is by rule, fixed by a hash of the rule's name, and was made
before any example was read: ``dev`` is what the scanner may be tuned on (``--show`` lists its
misses and false alarms), ``held-out`` is only ever reported as totals. Each half prints, for
this scanner and for gitleaks 8.30.1 on the same files: recall on the secrets, false alarms on
the negatives, and recall on private-key blocks.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

from secrets import gitleaks_binary  # type: ignore[attr-defined]  # noqa: E402  (bench/secrets.py)

from kimi_skill.validator.check_agent_rules import KEY_STORE_SUFFIXES, key_store  # noqa: E402
from kimi_skill.validator.secrets_scan import scan_text  # noqa: E402


@dataclass(frozen=True)
class Case:
    source: str
    group: str  # the rule it belongs to: the unit of the split
    secret: bool
    text: str
    suffix: str
    raw: bytes = b""  # a binary file's bytes (a PKCS#12 store), which text cannot carry


def half(source: str, group: str) -> str:
    """dev or held-out, by a hash of the rule: fixed before any example was read."""
    return "dev" if int(hashlib.sha256(f"{source}:{group}".encode()).hexdigest(), 16) % 2 == 0 else "held-out"


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(repo), *args], capture_output=True, check=True).stdout


def _rule_examples(repo: Path, source: str, folder: str, skip: Collection[str] = ()) -> list[Case]:
    """Rules in noseyparker's YAML shape (``examples``, ``negative_examples``), as cases."""
    import yaml

    if not repo.exists():
        return []
    cases = []
    for name in _git(repo, "ls-tree", "-r", "--name-only", "HEAD").decode().splitlines():
        if folder not in name or not name.endswith(".yml"):
            continue
        data = yaml.safe_load(_git(repo, "show", f"HEAD:{name}"))
        for rule in data.get("rules", []) if isinstance(data, dict) else []:
            group = str(rule.get("id") or rule.get("name"))
            for secret, key in ((True, "examples"), (False, "negative_examples")):
                for text in rule.get(key) or []:
                    if str(text) not in skip:
                        cases.append(Case(source, group, secret, str(text), ".txt"))
    return cases


def noseyparker(mirror: Path) -> list[Case]:
    return _rule_examples(mirror / "praetorian-inc+noseyparker" / "repo", "noseyparker", "/rules/")


def kingfisher(mirror: Path, seen: list[Case]) -> list[Case]:
    """mongodb/kingfisher grew out of noseyparker's rules: an example noseyparker already has
    (tuned on or reported) is left out, so this source is material nobody here has read."""
    return _rule_examples(mirror / "mongodb+kingfisher" / "repo", "kingfisher", "data/rules/", {c.text for c in seen})


def secretlint(mirror: Path) -> list[Case]:
    repo = mirror / "secretlint+secretlint" / "repo"
    if not repo.exists():
        return []
    names = _git(repo, "ls-tree", "-r", "--name-only", "HEAD").decode().splitlines()
    cases = []
    for name in names:
        parts = name.split("/")
        if len(parts) < 7 or parts[0] != "packages" or not parts[2].startswith("secretlint-rule-") or parts[3:5] != ["test", "snapshots"]:
            continue
        if not parts[-1].startswith("input"):
            continue
        output = "/".join([*parts[:-1], "output.json"])
        if output not in names:
            continue
        try:
            expected = json.loads(_git(repo, "show", f"HEAD:{output}"))
        except ValueError:
            continue
        messages = expected.get("messages") if isinstance(expected, dict) else expected
        raw = _git(repo, "show", f"HEAD:{name}")
        cases.append(Case("secretlint", parts[2], bool(messages), raw.decode("utf-8", "replace"), Path(name).suffix or ".txt", raw))
    return cases


def ours(case: Case) -> bool:
    """What ``--scan`` reports for the case as a file: a key store by its name and first byte, text by the scanner."""
    if case.suffix.lower() in KEY_STORE_SUFFIXES:
        return key_store(case.suffix, case.raw)
    return any(True for _ in scan_text(case.text))


def private_key(case: Case) -> bool:
    return case.secret and "PRIVATE KEY-----" in case.text and "-----BEGIN" in case.text


def gitleaks_hits(cases: list[Case]) -> set[int] | None:
    binary = gitleaks_binary()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        for index, case in enumerate(cases):
            (folder / f"{index}{case.suffix}").write_bytes(case.raw or case.text.encode())
        report = Path(tmp) / "report.json"
        subprocess.run([binary, "dir", str(folder), "--no-banner", "--report-format", "json", "--report-path", str(report), "--exit-code", "0"], capture_output=True, check=True)
        return {int(Path(item["File"]).stem) for item in json.loads(report.read_text() or "[]")}


def report(name: str, cases: list[Case], show: int) -> None:
    positives = [i for i, c in enumerate(cases) if c.secret]
    negatives = [i for i, c in enumerate(cases) if not c.secret]
    keys = [i for i, c in enumerate(cases) if private_key(c)]
    found = {i for i, c in enumerate(cases) if ours(c)}
    theirs = gitleaks_hits(cases)

    def line(tool: str, hits: set[int]) -> str:
        recall = len(hits & set(positives))
        alarms = len(hits & set(negatives))
        blocks = len(hits & set(keys))
        return (f"  {tool:<9} recall {recall}/{len(positives)} ({100 * recall / max(1, len(positives)):.1f} %), "
                f"false alarms {alarms}/{len(negatives)} ({100 * alarms / max(1, len(negatives)):.1f} %), private-key blocks {blocks}/{len(keys)}")

    groups = len({(c.source, c.group) for c in cases})
    print(f"{name}: {len(cases)} examples from {groups} rules")
    print(line("ours", found))
    if theirs is not None:
        print(line("gitleaks", theirs))
    if show:
        for index in [i for i in positives if i not in found][:show]:
            print(f"    missed ({cases[index].source}/{cases[index].group}): {cases[index].text[:160]!r}")
        for index in [i for i in negatives if i in found][:show]:
            print(f"    false alarm ({cases[index].source}/{cases[index].group}): {cases[index].text[:160]!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirrors", default="/work/.mirror")
    parser.add_argument("--half", choices=("dev", "held-out", "both"), default="both")
    parser.add_argument("--corpus", choices=("all", "noseyparker", "kingfisher"), default="all")
    parser.add_argument("--show", type=int, default=0, help="list N misses and false alarms (dev half only)")
    args = parser.parse_args()
    mirror = Path(args.mirrors)
    first = noseyparker(mirror) + secretlint(mirror)
    corpora = {"noseyparker + secretlint": first, "kingfisher (examples noseyparker lacks)": kingfisher(mirror, first)}
    if not any(corpora.values()):
        print("no snapshots: fetch praetorian-inc/noseyparker, secretlint/secretlint and mongodb/kingfisher first", file=sys.stderr)
        return 2
    for label, cases in corpora.items():
        if args.corpus not in ("all", label.split()[0]) or not cases:
            continue
        for chosen in ("dev", "held-out"):
            if args.half in (chosen, "both"):
                report(f"{label}, {chosen}", [c for c in cases if half(c.source, c.group) == chosen], args.show if chosen == "dev" else 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
