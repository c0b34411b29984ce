"""The validator on real public skills: agreement with the hosts, crashes, time per skill.

    python3 bench/skills_corpus.py [--labels FILE ...] [--mirrors /work/.mirror] [--show N]

Each labels file lists skill folders (repository, commit, path) with what skills-ref, Claude
Code, Codex and OpenClaw did with each (tests/corpus/real_skills.tsv, the issue 14 corpus;
bench/labels/dev.tsv and bench/labels/heldout.tsv, written by bench/label_skills.py from
repositories split by a hash of their name before anyone looked at them). The script checks out
each repository whole from its ``fetch`` snapshot (bare git mirrors named ``owner+name/repo``),
so a skill is judged inside the plugin or repository a host installs, runs a plain validation
(default targets) on each skill folder, and prints per labels file:

- of the skills all three runtime hosts load, how many a plain run fails (exit 1);
- of the skills a targeted host refuses, how many it passes;
- crashes, and the median and 90th-percentile time per skill (one process, warm).

The snapshots are not in the repository (third-party files); without them the script names the
repositories to ``fetch``.
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

LABELS = [ROOT / "tests" / "corpus" / "real_skills.tsv"]
RUNTIME = ("claude-code", "codex", "openclaw")


def rows(labels: Path) -> list[dict[str, str]]:
    lines = [line for line in labels.read_text().splitlines() if line and not line.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:]]


def checkout(git: Path, commit: str, dest: Path) -> bool:
    """The whole tree at ``commit``, links included (snapshots may lack blobs of 4 MiB and more)."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "--git-dir", str(git), "archive", "--format=tar", commit], capture_output=True, check=False)
    if archive.returncode != 0:
        return _blobs(git, commit, dest)
    unpacked = subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, capture_output=True, check=False)
    return unpacked.returncode == 0


def _blobs(git: Path, commit: str, dest: Path) -> bool:
    """Blob by blob, for snapshots whose largest files are absent (git archive stops at them)."""
    listed = subprocess.run(["git", "--git-dir", str(git), "ls-tree", "-r", "-z", commit], capture_output=True, check=False)
    if listed.returncode != 0 or not listed.stdout:
        return False
    for entry in listed.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        if kind != "blob":
            continue
        data = subprocess.run(["git", "--git-dir", str(git), "cat-file", "blob", blob], capture_output=True, check=False)
        if data.returncode != 0:
            continue
        target = dest / name.decode("utf-8", "replace")
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            target.symlink_to(data.stdout.decode("utf-8", "replace"))
        else:
            target.write_bytes(data.stdout)
    return True


def build(corpus: Path, mirrors: Path, entries: list[dict[str, str]]) -> list[tuple[dict[str, str], Path]]:
    built, missing, trees = [], set(), {}
    for row in entries:
        key = (row["repo"], row["commit"])
        if key not in trees:
            git = mirrors / row["repo"].replace("/", "+") / "repo"
            dest = corpus / f"{len(trees):03d}" / row["repo"].split("/")[1]
            trees[key] = dest if git.exists() and checkout(git, row["commit"], dest) else None
        if trees[key] is None:
            missing.add(f"{row['repo']}@{row['commit'][:10]}")
            continue
        folder = trees[key] / row["path"] if row["path"] != "." else trees[key]
        if folder.is_dir():
            built.append((row, folder))
    if missing:
        sys.stderr.write(f"not fetched ({len(missing)}): {', '.join(sorted(missing))}\n")
    return built


def report(labels: Path, mirrors: Path, show: int) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        entries = rows(labels)
        built = build(Path(tmp), mirrors, entries)
        if not built:
            return False
        loaded, refused, false_alarms, misses, times, crashes = 0, 0, [], [], [], []
        rules: collections.Counter[str] = collections.Counter()
        decided: collections.Counter[str] = collections.Counter()
        for row, folder in built:
            start = time.perf_counter()
            try:
                result = validate(str(folder), Options())
            except Exception as exc:  # the figure this script exists to show
                crashes.append(f"{row['repo']}/{row['path']}: {type(exc).__name__}: {exc}")
                continue
            times.append(time.perf_counter() - start)
            fails = any(f.level == "error" for f in result.findings)
            targets = sorted(result.reasons)
            decided.update(["+".join(targets)])
            if all(row[h] == "1" for h in RUNTIME):
                loaded += 1
                if fails:
                    false_alarms.append(f"{row['repo']}/{row['path']}: {[f.rule for f in result.findings if f.level == 'error'][:3]}")
                    rules.update({f.rule for f in result.findings if f.level == "error"})
            refusing = [t for t in targets if row.get(t) == "0"]
            if refusing:
                refused += 1
                if not fails:
                    misses.append(f"{row['repo']}/{row['path']}: refused by {refusing}")
        times.sort()
        print(f"{labels.name}: {len(built)} of {len(entries)} skills rebuilt from {len({r['repo'] for r, _ in built})} repositories; crashes: {len(crashes)}")
        print(f"  loaded by Claude Code, Codex and OpenClaw: {loaded}; a plain run fails {len(false_alarms)} ({100 * len(false_alarms) / max(1, loaded):.1f} %)")
        print(f"  refused by a host the run targets: {refused}; a plain run passes {len(misses)}")
        print(f"  time per skill: median {1000 * times[len(times) // 2]:.1f} ms, p90 {1000 * times[int(len(times) * 0.9)]:.1f} ms")
        print(f"  default targets: {dict(decided.most_common())}")
        if rules:
            print(f"  rules behind the failures of loaded skills: {dict(rules.most_common())}")
        for title, items in (("crashes", crashes), ("fails a loaded skill", false_alarms), ("passes a refused skill", misses)):
            for item in items[: show if title != "crashes" else None]:
                print(f"    {title}: {item}")
        return not crashes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", action="append", type=Path, help="labels file (repeatable; default tests/corpus/real_skills.tsv)")
    parser.add_argument("--mirrors", default="/work/.mirror", help="folder of fetch snapshots (owner+name/repo)")
    parser.add_argument("--show", type=int, default=0, metavar="N", help="list N disagreements of each kind (development labels only)")
    args = parser.parse_args()
    ok = True
    for labels in args.labels or LABELS:
        ok = report(labels, Path(args.mirrors), 0 if "heldout" in labels.name else args.show) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
