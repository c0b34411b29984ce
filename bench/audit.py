#!/usr/bin/env python3
"""The audit on labelled skills: malicious ones caught, benign real ones left alone, time per skill.

    python3 bench/audit.py [--half dev|held-out|both] [--show N] [--mirrors /work/.mirror]

Malicious: tests/corpus/audit_cases.py (written for this, defanged), split by a hash of each
case's name. Benign: the real skills of bench/labels/dev.tsv and bench/labels/heldout.tsv
(repositories split by a hash of their name), checked out from ``fetch`` snapshots. For each
half it prints: malicious samples judged suspicious or malicious (budget >= 90 %), benign skills
judged so (budget <= 2 %), the median time per skill of the audit against the plain validator
(budget 2x), and, when it is installed (``pip install agent-skill-scanner==0.1.0``, in the bench
extra), the same two figures for that scanner's static rules (a HIGH or CRITICAL finding counts
as flagged). ``--show`` lists the dev half's misses and false alarms; the held-out half is only
ever reported as totals.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from skills_corpus import build, rows  # type: ignore[import-not-found]  # noqa: E402

from corpus.audit_cases import MALICIOUS  # noqa: E402
from kimi_skill.validator.audit import audit  # noqa: E402
from kimi_skill.validator.runner import Options, validate  # noqa: E402

LABELS = {"dev": ROOT / "bench" / "labels" / "dev.tsv", "held-out": ROOT / "bench" / "labels" / "heldout.tsv"}


def theirs(folder: Path) -> bool | None:
    """agent-skill-scanner 0.1.0: a HIGH or CRITICAL finding, or None when it is not installed."""
    scanner = shutil.which("agent-skill-scan") or str(Path(sys.executable).parent / "agent-skill-scan")
    if not Path(scanner).exists():
        return None
    done = subprocess.run([scanner, "scan", "--path", str(folder), "--output", "json", "--min-severity", "HIGH"], capture_output=True, text=True, check=False)
    try:
        data = json.loads(done.stdout)
    except ValueError:
        return done.returncode == 1
    skills = data if isinstance(data, list) else [data]  # one entry per SKILL.md it found
    return any(entry.get("findings") for entry in skills if isinstance(entry, dict))


def report(half: str, mirrors: Path, show: int, labels: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bad_dirs = []
        for case in (c for c in MALICIOUS if c.half == half and labels is None):
            folder = Path(tmp) / "malicious" / case.name
            for rel, text in case.files.items():
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_text(text, encoding="utf-8", errors="surrogatepass")
            bad_dirs.append((case.name, folder))
        benign = build(Path(tmp) / "benign", mirrors, rows(labels or LABELS[half]))
        caught, misses, ours_t, plain_t = 0, [], [], []
        their_caught = their_flags = 0
        have_theirs = None
        for name, folder in bad_dirs:
            result = audit(str(folder))
            if result.verdict in ("suspicious", "malicious"):
                caught += 1
            else:
                misses.append(f"{name}: {result.verdict} {[f.rule for f in result.findings]}")
            flagged = theirs(folder)
            have_theirs = flagged is not None
            their_caught += bool(flagged)
        flags = []
        for row, folder in benign:
            start = time.perf_counter()
            result = audit(str(folder))
            ours_t.append(time.perf_counter() - start)
            start = time.perf_counter()
            validate(str(folder), Options())
            plain_t.append(time.perf_counter() - start)
            if result.verdict in ("suspicious", "malicious"):
                flags.append(f"{row['repo']}/{row['path']}: {result.verdict} " + "; ".join(f"{f.rule}@{f.file.rsplit('/', 1)[-1]}:{f.line}" for f in result.findings if f.tier in ("malicious", "suspicious"))[:300])
            if have_theirs:
                their_flags += bool(theirs(folder))
        print(f"{half}: {len(bad_dirs)} malicious samples, {len(benign)} benign real skills")
        print(f"  ours    malicious caught {caught}/{len(bad_dirs)} ({100 * caught / max(1, len(bad_dirs)):.0f} %), benign flagged {len(flags)}/{len(benign)} ({100 * len(flags) / max(1, len(benign)):.1f} %)")
        if have_theirs:
            print(f"  agent-skill-scanner 0.1.0 (HIGH+)  caught {their_caught}/{len(bad_dirs)}, benign flagged {their_flags}/{len(benign)}")
        if ours_t:
            ratio = statistics.median(ours_t) / max(statistics.median(plain_t), 1e-9)
            print(f"  time per skill: audit {1000 * statistics.median(ours_t):.1f} ms, plain validator {1000 * statistics.median(plain_t):.1f} ms = {ratio:.2f}x; budget 2x")
        if half != "held-out":
            for line in (misses + flags)[:show]:
                print(f"    {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", choices=("dev", "held-out", "both"), default="both")
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--mirrors", default="/work/.mirror")
    parser.add_argument("--benign", metavar="TSV", help="instead: only the benign side, on the skills of another label file (tests/corpus/real_skills.tsv)")
    args = parser.parse_args()
    os.environ["KIMI_SKILL_NO_CACHE"] = "1"  # the plain validator is timed doing its work, not reading its cache
    if args.benign:
        report(Path(args.benign).stem, Path(args.mirrors), args.show, Path(args.benign))
        return 0
    for half in ("dev", "held-out"):
        if args.half in (half, "both"):
            report(half, Path(args.mirrors), args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
