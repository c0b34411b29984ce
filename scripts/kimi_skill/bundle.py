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
from .untrusted import INVISIBLE, for_line
from .validator.hosts import TARGETS
from .validator.runner import Options, validate

INCLUDE = ("SKILL.md", "skill.yaml", "scripts", "references")
EXCLUDE = ("__pycache__", "*.pyc", "*.pyo", ".env*", "*.egg-info", ".DS_Store", ".pytest_cache", ".ruff_cache", ".mypy_cache", "build", "dist")
MAX_FILES = 200


class BundleError(Exception):
    pass


def _regular(full: Path, rel: str) -> bool:
    """A regular file with a name every archive and host handles; refuse anything else."""
    if any(ord(c) < 0x20 or c == "\\" or 0x7F <= ord(c) < 0xA0 for c in rel):
        raise BundleError(f"{for_line(rel)} has a backslash or a control character in its name; rename it")
    if any(c in INVISIBLE for c in rel):
        raise BundleError(f"{for_line(rel)} has a bidirectional or invisible character in its name, which makes it read as another name; rename it")
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


def _read_regular(full: Path, rel: str) -> bytes:
    """The file's bytes, read from the descriptor that was checked: what was listed as a regular
    file cannot be swapped for a link or a FIFO between the check and the read."""
    try:
        fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise BundleError(f"cannot read {for_line(rel)} ({exc.strerror}; a symbolic link?)") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise BundleError(f"{for_line(rel)} is no longer a regular file; bundles ship regular files only")
        return handle.read()


PLUGIN_MANIFESTS = (".claude-plugin/plugin.json", ".claude-plugin/marketplace.json", ".codex-plugin/plugin.json")


def build(root: Path, output: Path, name: str = "kimi", gemini: bool = False, plugin: bool = False, into: Path | None = None, archive: bool = True) -> tuple[Path, int]:
    """Write ``output/<name>.skill`` (with ``gemini`` also the extension folder
    ``output/<name>-gemini/``, with ``plugin`` the plugin folder ``output/<name>-plugin/``, with
    ``into`` the skill folder ``into/<name>/``); return the bundle's path and file count, or
    raise BundleError. Every one of them is made from the same validated copy."""
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
            target.write_bytes(_read_regular(root / rel, rel))
        result = validate(str(staged), Options(targets=list(TARGETS)))
        errors = [f for f in result.findings if f.level == "error"]
        if errors:
            first = errors[0]
            where = first.path.replace(str(staged), name)
            raise BundleError(f"the bundle fails validation ({len(errors)} errors), first: {where}:{first.line}: {first.rule} {first.message}")
        bundle = output / f"{name}.skill"
        if archive:
            output.mkdir(parents=True, exist_ok=True)
            partial = bundle.with_suffix(".skill.partial")
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
                for rel in files:
                    info = zipfile.ZipInfo(f"{name}/{rel}", date_time=(2026, 1, 1, 0, 0, 0))
                    info.external_attr = ((0o755 if rel.endswith(".py") and rel.count("/") == 1 else 0o644) | 0o100000) << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    zipped.writestr(info, (staged / rel).read_bytes())  # the validated copy, not the source
            partial.replace(bundle)
        if gemini:
            _gemini_extension(root, staged, output / f"{name}-gemini", name)
        if plugin:
            _plugin(root, staged, output / f"{name}-plugin")
        if into is not None:
            install_into(staged, into, name)
    return bundle, len(files)


def _replace_folder(source: Path, target: Path, ours: str) -> None:
    """Put a copy of ``source`` at ``target``, replacing an earlier copy only when it is one of
    ours (it holds ``ours``): a folder of something else is never deleted."""
    if target.is_symlink() or (target.exists() and not (target / ours).is_file()):
        raise BundleError(f"{for_line(str(target))} exists and is not an earlier copy of this skill; move it aside first")
    fresh = target.with_name(f".{target.name}.new")
    if fresh.exists():
        shutil.rmtree(fresh)
    shutil.copytree(source, fresh)
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old)
    else:
        fresh.rename(target)


def install_into(staged: Path, folder: Path, name: str) -> Path:
    """``folder/<name>/`` from the validated copy: a host's skills folder (``~/.claude/skills``,
    ``~/.codex/skills`` ...). Run again to update; an earlier copy is replaced whole, so no file
    of an older version stays behind and nothing nests."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    _replace_folder(staged, target, "scripts/kimi_skill/catalog.py")
    return target


def _plugin(root: Path, staged: Path, target: Path) -> None:
    """A Claude Code and Codex plugin (with its own one-plugin marketplace) that ships what an
    agent needs and nothing else: no tests (their corpus holds key-shaped strings), no bench,
    no CI files."""
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp) / "plugin"
        shutil.copytree(staged, built)
        for rel in PLUGIN_MANIFESTS:
            source = root / rel
            if not source.is_file():
                raise BundleError(f"{root} has no {rel}")
            (built / rel).parent.mkdir(parents=True, exist_ok=True)
            (built / rel).write_bytes(_read_regular(source, rel))
        _replace_folder(built, target, ".claude-plugin/plugin.json")


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
    p.add_argument("--output", metavar="DIR", help="where to write kimi.skill and the other builds (default dist/; with --into alone, nothing but the installed folder is written)")
    p.add_argument("--gemini-extension", action="store_true", help="also write DIR/kimi-gemini/, a Gemini CLI extension holding the skill")
    p.add_argument("--plugin", action="store_true", help="also write DIR/kimi-plugin/, a Claude Code and Codex plugin (with its marketplace) shipping only what an agent needs")
    p.add_argument("--into", metavar="SKILLS_DIR", help="also install the skill as SKILLS_DIR/kimi/ (e.g. ~/.claude/skills), replacing an earlier copy: run again to update")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from .deps import require

    require("package.py")
    own = Path(__file__).resolve().parents[2]  # the skill folder when run from a checkout or a bundle
    root = Path(args.skill) if args.skill else own if (own / "SKILL.md").is_file() else Path.cwd()
    if not (root / "SKILL.md").is_file():
        sys.stderr.write(f"error: {for_line(str(root))} holds no SKILL.md; pass the skill folder (see package.py --help)\n")
        return 2
    try:
        into = Path(args.into).expanduser() if args.into else None
        archive = args.output is not None or into is None
        output = Path(args.output or "dist").expanduser()
        bundle, count = build(root, output, gemini=args.gemini_extension, plugin=args.plugin, into=into, archive=archive)
    except BundleError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    if archive:
        print(f"{bundle} ({count} files, validated for agentskills, claude-code, claude-ai, codex, openclaw, clawhub)")
    if args.gemini_extension:
        print(f"{bundle.parent / 'kimi-gemini'} (Gemini CLI extension: gemini extensions install {bundle.parent / 'kimi-gemini'} --consent)")
    if args.plugin:
        print(f"{bundle.parent / 'kimi-plugin'} (plugin: claude plugin marketplace add {bundle.parent / 'kimi-plugin'}, codex plugin marketplace add {bundle.parent / 'kimi-plugin'})")
    if into is not None:
        print(f"{into / 'kimi'} (the skill, installed; run the same command again to update, rm -rf {into / 'kimi'} to remove)")
    return 0
