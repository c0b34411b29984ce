"""The validator on real public skills: agreement with the hosts, crashes, time per skill.

    python3 bench/skills_corpus.py [--mirrors /work/.mirror] [--corpus DIR] [--show N]

tests/corpus/real_skills.tsv lists each skill folder (repository, commit, path) with what
skills-ref, Claude Code, Codex and OpenClaw did with it. This script rebuilds the folders from
``fetch`` snapshots (bare git mirrors named ``owner+name/repo``), runs the validator on each
with its default targets, and prints:

- of the skills both skills-ref and Claude Code accept, how many the validator fails (exit 1);
- of the skills some host refuses, how many the validator passes;
- crashes, and the median and 90th-percentile time per skill (one process, warm).

The snapshots are not in the repository (third-party files); without them the script says
which repositories to ``fetch`` and exits 2.
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]  # bench/secrets.py is not the stdlib's
sys.path.insert(0, str(ROOT / "scripts"))

from kimi_skill.validator.runner import Options, validate  # noqa: E402

TSV = ROOT / "tests" / "corpus" / "real_skills.tsv"


def rows() -> list[dict[str, str]]:
    lines = [line for line in TSV.read_text().splitlines() if line and not line.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:]]


def _extract(git: Path, commit: str, path: str, dest: Path) -> bool:
    """The folder's regular files, blob by blob (snapshots lack blobs of 4 MiB and more)."""
    listed = subprocess.run(["git", "--git-dir", str(git), "ls-tree", "-r", "-z", commit, *([path] if path else [])], capture_output=True, check=False)
    if listed.returncode != 0 or not listed.stdout:
        return False
    for entry in listed.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        if kind != "blob" or mode == "120000":
            continue  # submodules and symbolic links
        rel = name.decode("utf-8", "replace")[len(path) + 1 if path else 0 :]
        data = subprocess.run(["git", "--git-dir", str(git), "cat-file", "blob", blob], capture_output=True, check=False)
        if data.returncode == 0:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data.stdout)
    return True


def build(corpus: Path, mirrors: Path, entries: list[dict[str, str]]) -> list[tuple[dict[str, str], Path]]:
    built = []
    missing = set()
    for number, row in enumerate(entries, 1):
        git = mirrors / row["repo"].replace("/", "+") / "repo"
        if not git.exists():
            missing.add(row["repo"])
            continue
        path = "" if row["path"] == "." else row["path"]
        parent = path.rsplit("/", 2)[-2] if path.count("/") >= 1 else "root"
        folder = path.rsplit("/", 1)[-1] if path else row["repo"].split("/")[1]
        dest = corpus / f"{number:04d}" / parent / folder
        dest.mkdir(parents=True, exist_ok=True)
        if not _extract(git, row["commit"], path, dest):
            missing.add(f"{row['repo']}@{row['commit'][:10]}")
            continue
        built.append((row, dest))
    if missing:
        sys.stderr.write(f"not fetched ({len(missing)}): {', '.join(sorted(missing))}\n")
    return built


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirrors", default="/work/.mirror", help="folder of fetch snapshots (owner+name/repo)")
    parser.add_argument("--corpus", help="build the folders here (default: a temporary folder)")
    parser.add_argument("--show", type=int, default=0, metavar="N", help="list N disagreements of each kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(args.corpus or tmp)
        built = build(corpus, Path(args.mirrors), rows())
        if not built:
            return 2
        accepted, refused, false_alarms, misses, times, crashes = 0, 0, [], [], [], []
        rules: collections.Counter[str] = collections.Counter()
        for row, folder in built:
            start = time.perf_counter()
            try:
                result = validate(str(folder), Options())
            except Exception as exc:  # the figure this script exists to show
                crashes.append(f"{row['repo']}/{row['path']}: {type(exc).__name__}: {exc}")
                continue
            times.append(time.perf_counter() - start)
            fails = any(f.level == "error" for f in result.findings)
            verdicts = [row[h] == "1" for h in ("agentskills", "claude-code", "codex", "openclaw")]
            if verdicts[0] and verdicts[1]:
                accepted += 1
                if fails:
                    false_alarms.append(f"{row['repo']}/{row['path']}: {[f.rule for f in result.findings if f.level == 'error'][:3]}")
                    rules.update({f.rule for f in result.findings if f.level == "error"})
            if not all(verdicts):
                refused += 1
                if not fails:
                    misses.append(f"{row['repo']}/{row['path']}: hosts {verdicts}")
        times.sort()
        print(f"skills: {len(built)} of {len(rows())} rebuilt; crashes: {len(crashes)}")
        print(f"accepted by skills-ref and Claude Code: {accepted}; the validator fails {len(false_alarms)} ({100 * len(false_alarms) / max(1, accepted):.1f} %)")
        print(f"refused by some host: {refused}; the validator passes {len(misses)} ({100 * len(misses) / max(1, refused):.1f} %)")
        print(f"time per skill: median {1000 * times[len(times) // 2]:.1f} ms, p90 {1000 * times[int(len(times) * 0.9)]:.1f} ms")
        print(f"rules behind the failures of accepted skills: {dict(rules.most_common())}")
        for title, items in (("crashes", crashes), ("fails an accepted skill", false_alarms), ("passes a refused skill", misses)):
            for item in items[: args.show if title != "crashes" else None]:
                print(f"  {title}: {item}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
