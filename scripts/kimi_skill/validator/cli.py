"""``validate.py [PATH ...]``: exit 0 clean, 1 findings at error level (or warnings with
--strict), 2 the validator could not run."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..args import OneLineParser
from ..untrusted import for_line
from . import report
from .rules import TARGETS
from .runner import Options, Result, validate
from .skill import SKILL_FILES

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
    p.add_argument("--run-scripts", action="store_true", help="run each listed script with --help and with canary env values, inside bubblewrap (no network, homes hidden)")
    p.add_argument("--scan", action="store_true", help="only the key rules, on any files or trees (pre-commit use)")
    p.add_argument("--audit", action="store_true", help="is this skill safe to install? verdict pass, review, suspicious or malicious per PATH (a folder or a .skill/.zip bundle); reads, never runs")
    p.add_argument("--git", action="store_true", help="with --scan: scan the files git tracks in each PATH")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip files matching GLOB (repeatable; also read from .skill-validate-ignore)")
    p.add_argument("--online", action="store_true", help="reserved: allow network checks (none exist yet)")
    p.add_argument("--no-inline-allow", action="store_true", help="ignore the skill's own allow comments (skill-validate: allow, gitleaks:allow, ...) and its .skill-validate-ignore")
    p.add_argument("--verbose", action="store_true", help="also list findings allowed by 'skill-validate: allow' and what was not scanned")
    return p


def _git_files(root: str) -> list[str]:
    """The files git tracks under ``root`` (for --scan --git); the repository's configuration
    never runs a program here (:mod:`kimi_skill.safegit`)."""
    from ..safegit import GitError, run

    try:
        listed = run(root, "ls-files", "-z")
    except GitError as exc:
        raise SystemExit(_usage(f"{for_line(root)}: git could not list its files ({for_line(str(exc))}); --git needs a git work tree")) from None
    return [os.path.join(root, name) for name in listed.decode("utf-8", "surrogateescape").split("\0") if name]


def _usage(message: str) -> int:
    sys.stderr.write(f"error: {message}\n")
    return 2


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from ..deps import require as require_packages

    require_packages("validate.py")
    paths = args.paths or [DEFAULT_PATH]
    if args.audit:
        if args.scan or args.git or args.run_scripts or args.target:
            return _usage("--audit reads every file of each PATH on its own: it takes no --scan, --git, --run-scripts or --target")
        from .audit import main as audit_main

        return audit_main(paths, args.format)
    if args.git:
        if not args.scan:
            return _usage("--git goes with --scan: it scans the files git tracks for keys")
        paths = [f for root in paths for f in _git_files(root) if os.path.isfile(f)]
    for path in paths:
        if args.scan and os.path.isfile(path):
            continue
        if not os.path.isdir(path):
            return _usage(f"{for_line(path)} is not a folder (pass a skill folder, or files and trees with --scan)")
        if not args.scan and not any(os.path.isfile(os.path.join(path, name)) for name in SKILL_FILES):
            return _usage(f"{for_line(path)} holds no SKILL.md; pass a skill folder, or use --scan for any tree")
    if not args.target:
        targets = None  # skill.yaml's distribution.checkout, or the hosts that load folders
    else:
        targets = list(TARGETS) if "all" in args.target else list(dict.fromkeys(args.target))
    if args.run_scripts:
        from .sandbox import Unavailable, require

        try:
            require()
        except Unavailable as exc:
            return _usage(str(exc))
    options = Options(targets=targets, run_scripts=args.run_scripts, scan_only=args.scan, exclude=args.exclude, inline_allow=not args.no_inline_allow)
    results = []
    for path in paths:
        try:
            results.append(validate(path, options))
        except ImportError:
            raise  # a missing package: entry.protect names it and the fix (exit 3)
        except Exception as exc:  # one folder's failure must not hide the others' results
            results.append(Result(path=path, failure=f"{type(exc).__name__}: {for_line(str(exc))[:200]}"))
    from .memo import memo

    memo().save()
    out = {"text": lambda: report.text(results, args.verbose), "json": lambda: report.as_json(results), "sarif": lambda: report.as_sarif(results)}[args.format]()
    sys.stdout.write(out)
    total = report.counts(results)
    for result in results:
        if result.failure:
            sys.stderr.write(f"error: the validator failed on {for_line(result.path)} ({result.failure}); the other paths are reported\n")
    if total["failures"]:
        return 2
    return 1 if total["errors"] or (args.strict and total["warnings"]) else 0
