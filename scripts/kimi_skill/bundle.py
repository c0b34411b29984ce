"""Build ``kimi.skill``: the zip a user uploads to claude.ai or drops into any skills folder.

Only what an agent needs ships (SKILL.md, skill.yaml, scripts, references). The files are copied
once into a temporary ``skills/kimi/`` folder, that copy is validated with every host profile,
and the zip is written from that same copy: what ships is exactly what was checked, never a
second read of the sources. Symbolic links, FIFOs, devices and names with backslashes or
control characters are refused, so a bundle that a host would refuse is never produced.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import shutil
import stat
import sys
import tempfile
import zipfile
from pathlib import Path

from .args import OneLineParser
from .untrusted import for_line
from .validator.hosts import TARGETS
from .validator.runner import Options, validate

INCLUDE = ("SKILL.md", "skill.yaml", "scripts", "references")
EXCLUDE = ("__pycache__", "*.pyc", "*.pyo", ".env*", "*.egg-info", ".DS_Store", ".pytest_cache", ".ruff_cache", ".mypy_cache", "build", "dist")
MAX_FILES = 200


class BundleError(Exception):
    pass


def _regular(full: Path, rel: str) -> bool:
    """A regular file with a name every archive and host handles; refuse anything else."""
    if any(ord(c) < 0x20 or c == "\\" or ord(c) == 0x7F for c in rel):
        raise BundleError(f"{rel!r} has a backslash or a control character in its name; rename it")
    info = full.lstat()
    if stat.S_ISLNK(info.st_mode):
        raise BundleError(f"{rel} is a symbolic link; bundles ship regular files only")
    if not stat.S_ISREG(info.st_mode):
        raise BundleError(f"{rel} is not a regular file (a FIFO, device or socket)")
    return True


def files_to_ship(root: Path) -> list[str]:
    shipped: list[str] = []
    for top in INCLUDE:
        path = root / top
        if not path.exists() and not path.is_symlink():
            continue
        if not path.is_dir() or path.is_symlink():
            if _regular(path, top):
                shipped.append(top)
            continue
        for current, dirs, names in os.walk(path, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not any(fnmatch.fnmatch(d, p) for p in EXCLUDE))
            for name in dirs:
                if (Path(current) / name).is_symlink():
                    raise BundleError(f"{(Path(current) / name).relative_to(root).as_posix()} is a symbolic link; bundles ship regular files only")
            for name in sorted(names):
                full = Path(current) / name
                if any(fnmatch.fnmatch(name, p) for p in EXCLUDE):
                    continue
                rel = full.relative_to(root).as_posix()
                if _regular(full, rel):
                    shipped.append(rel)
    return shipped


def build(root: Path, output: Path, name: str = "kimi", gemini: bool = False) -> tuple[Path, int]:
    """Write ``output/<name>.skill`` (and with ``gemini`` the extension folder
    ``output/<name>-gemini/``); return the bundle's path and file count, or raise BundleError."""
    files = files_to_ship(root)
    if "SKILL.md" not in files:
        raise BundleError(f"{root} has no SKILL.md")
    if len(files) > MAX_FILES:
        raise BundleError(f"the bundle would hold {len(files)} files; hosts accept at most {MAX_FILES}")
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "skills" / name
        for rel in files:
            target = staged / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                target.write_bytes((root / rel).read_bytes())
            except OSError as exc:
                raise BundleError(f"cannot read {rel} ({exc.strerror})") from None
        result = validate(str(staged), Options(targets=list(TARGETS)))
        errors = [f for f in result.findings if f.level == "error"]
        if errors:
            first = errors[0]
            where = first.path.replace(str(staged), name)
            raise BundleError(f"the bundle fails validation ({len(errors)} errors), first: {where}:{first.line}: {first.rule} {first.message}")
        output.mkdir(parents=True, exist_ok=True)
        bundle = output / f"{name}.skill"
        partial = bundle.with_suffix(".skill.partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for rel in files:
                info = zipfile.ZipInfo(f"{name}/{rel}", date_time=(2026, 1, 1, 0, 0, 0))
                info.external_attr = ((0o755 if rel.endswith(".py") and rel.count("/") == 1 else 0o644) | 0o100000) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, (staged / rel).read_bytes())  # the validated copy, not the source
        partial.replace(bundle)
        if gemini:
            _gemini_extension(root, staged, output / f"{name}-gemini", name)
    return bundle, len(files)


def _gemini_extension(root: Path, staged: Path, target: Path, name: str) -> None:
    """Gemini CLI loads an extension's skills only from ``skills/<name>/``, never from its root, so
    the extension is this folder: the manifest beside a copy of the validated skill."""
    manifest = root / "gemini-extension.json"
    if not manifest.is_file():
        raise BundleError(f"{root} has no gemini-extension.json")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(staged, target / "skills" / name)
    shutil.copy(manifest, target / "gemini-extension.json")


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="package.py", description="Build dist/kimi.skill, validated for every host first.")
    p.add_argument("skill", nargs="?", metavar="SKILL_DIR", help="the skill folder (default: the one this script belongs to, else the current folder)")
    p.add_argument("--output", default="dist", metavar="DIR", help="where to write kimi.skill (default dist/)")
    p.add_argument("--gemini-extension", action="store_true", help="also write DIR/kimi-gemini/, a Gemini CLI extension holding the skill")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    own = Path(__file__).resolve().parents[2]  # the skill folder when run from a checkout or a bundle
    root = Path(args.skill) if args.skill else own if (own / "SKILL.md").is_file() else Path.cwd()
    if not (root / "SKILL.md").is_file():
        sys.stderr.write(f"error: {for_line(str(root))} holds no SKILL.md; pass the skill folder (see package.py --help)\n")
        return 2
    try:
        bundle, count = build(root, Path(args.output), gemini=args.gemini_extension)
    except BundleError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    print(f"{bundle} ({count} files, validated for agentskills, claude-code, claude-ai, codex, openclaw, clawhub)")
    if args.gemini_extension:
        print(f"{bundle.parent / 'kimi-gemini'} (Gemini CLI extension: gemini extensions install {bundle.parent / 'kimi-gemini'} --consent)")
    return 0
