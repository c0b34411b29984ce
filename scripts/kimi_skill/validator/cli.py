"""``validate.py [PATH ...]``: exit 0 clean, 1 findings at error level (or warnings with
--strict), 2 the validator could not run."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..args import OneLineParser
from . import report
from .hosts import TARGETS
from .runner import Options, validate

_OWN = Path(__file__).resolve().parents[3]
# Run from the skill folder (scripts/validate.py) the default is that skill; installed, the cwd.
DEFAULT_PATH = str(_OWN) if (_OWN / "SKILL.md").is_file() else "."


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="validate.py",
        description="Validate agent-skill folders: frontmatter, skill.yaml, scripts, docs, secrets and host dialects.",
        epilog="exit codes: 0 clean (warnings allowed unless --strict), 1 findings at error level, 2 could not run. Rules: references/validator.md",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="skill folders (default: this skill)")
    p.add_argument("--target", action="append", choices=[*TARGETS, "all"], help="host profile(s) to apply (default: skill.yaml distribution.checkout, else all)")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text", help="output format (default text)")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.add_argument("--run-scripts", action="store_true", help="run each listed script with --help and with canary env values")
    p.add_argument("--scan", action="store_true", help="only the key rules, on any tree (pre-commit use)")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip files matching GLOB (repeatable; also read from .skill-validate-ignore)")
    p.add_argument("--online", action="store_true", help="reserved: allow network checks (none exist yet)")
    p.add_argument("--verbose", action="store_true", help="also list findings allowed by 'skill-validate: allow'")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    paths = args.paths or [DEFAULT_PATH]
    for path in paths:
        if not os.path.isdir(path):
            sys.stderr.write(f"error: {path} is not a folder (pass a skill folder, or a tree with --scan)\n")
            return 2
        if not args.scan and not (os.path.isfile(os.path.join(path, "SKILL.md")) or os.path.isfile(os.path.join(path, "skill.md"))):
            sys.stderr.write(f"error: {path} holds no SKILL.md; pass a skill folder, or use --scan for any tree\n")
            return 2
    if not args.target:
        targets = None  # skill.yaml's distribution.checkout, or every host
    else:
        targets = list(TARGETS) if "all" in args.target else list(dict.fromkeys(args.target))
    options = Options(targets=targets, run_scripts=args.run_scripts, scan_only=args.scan, exclude=args.exclude)
    try:
        results = [validate(path, options) for path in paths]
    except (OSError, RecursionError, MemoryError) as exc:
        sys.stderr.write(f"error: could not validate: {type(exc).__name__}: {exc}\n")
        return 2
    out = {"text": lambda: report.text(results, args.verbose), "json": lambda: report.as_json(results), "sarif": lambda: report.as_sarif(results)}[args.format]()
    sys.stdout.write(out)
    total = report.counts(results)
    return 1 if total["errors"] or (args.strict and total["warnings"]) else 0
