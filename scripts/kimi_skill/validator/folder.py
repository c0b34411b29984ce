"""The files of a skill folder (or any tree, for ``--scan``), read once and safely.

Symbolic links are never followed (one that leaves the folder is reported); FIFOs, devices and
sockets are never opened; virtualenvs, caches and VCS folders are skipped; unreadable files become
findings, not crashes. Everything left out is recorded, so a report can say what it did not scan.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..untrusted import for_line
from .findings import Finding

# Never anyone's own code: version control, caches, installed third-party packages.
SCAN_SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", "node_modules", "bower_components", "__pycache__", ".pytest_cache", ".ruff_cache",
    ".mypy_cache", ".hypothesis", ".tox", ".nox", ".eggs", ".cache",
})
# A skill's checks also leave out what a build produces and editors keep (the key scan in
# --scan mode reads these: a key shipped in dist/ leaks as surely as one in src/).
SKIP_DIRS = SCAN_SKIP_DIRS | {"dist", "build", ".idea", ".vscode", ".next", "target", "vendor"}
MAX_TEXT_BYTES = 16 * 1024 * 1024
# Formats that are binary by definition: not opened at all (and counted as binary), as gitleaks does.
BINARY_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .bmp .ico .webp .tif .tiff .psd .mp3 .mp4 .mov .avi .webm .wav .flac .ogg .woff .woff2 .ttf .otf .eot "
    ".zip .gz .tgz .bz2 .xz .zst .7z .rar .jar .whl .egg .so .dylib .dll .exe .o .a .pyc .pyo .class .wasm .pdf .sqlite .db".split()
)
IGNORE_FILE = ".skill-validate-ignore"
MAX_IGNORE_BYTES = 64 * 1024
SNIFF_BYTES = 8192
MAX_RECORD_BYTES = 1024 * 1024  # a dist-info RECORD: botocore's, one of the largest, is about 210 KB


def _skip_dir(name: str, skip: frozenset[str]) -> bool:
    return name in skip or name.endswith(".egg-info")


@dataclass
class Skipped:
    path: str
    reason: str  # "excluded", "skipped folder", "installed package", "symbolic link", "binary", "too large", "special file"

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass
class Folder:
    root: Path
    display: str
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    skip_dirs: frozenset[str] = SKIP_DIRS
    _text: dict[str, str | None] = field(default_factory=dict)
    _bytes: dict[str, bytes | None] = field(default_factory=dict)
    _sizes: dict[str, int] = field(default_factory=dict)
    trees: dict[str, object] = field(default_factory=dict)  # parsed Python, shared by every check
    inline_allow: bool = True  # honour 'skill-validate: allow' and other scanners' allow comments
    ignore_patterns: list[str] = field(default_factory=list)  # from the skill's own ignore file
    ignored: int = 0  # files the ignore file left out
    unit_root: str | None = None  # the plugin folder a host installs with the skill, if any

    @classmethod
    def load(cls, path: str, exclude: list[str] | None = None, skip_dirs: frozenset[str] = SKIP_DIRS, trust_skill: bool = True, unit_root: Path | None = None) -> Folder:
        """Walk ``path``, skipping ``exclude`` globs and those in its ``.skill-validate-ignore``.
        ``trust_skill=False`` (an audit, ``--no-inline-allow``): the skill's own ignore file and
        allow comments count for nothing, so it cannot silence its own check."""
        root = Path(path)
        folder = cls(root=root, display=path.rstrip("/") or ".", exclude=list(exclude or []), skip_dirs=skip_dirs, inline_allow=trust_skill)
        folder.unit_root = os.path.realpath(unit_root) if unit_root is not None else None
        if trust_skill:
            folder.ignore_patterns = folder._ignore_file()
        if root.is_file():
            folder.root = root.parent
            folder.display = str(root.parent) if str(root.parent) != "." else "."
            folder._add_file(root.name, str(root))
            return folder
        folder._walk()
        folder._wide_ignore()
        return folder

    def _wide_ignore(self) -> None:
        """An ignore file that leaves out everything, or most of the files, hides the skill from
        its own check: say so (a warning, so --strict fails)."""
        total = len(self.files) + self.ignored
        everything = [p for p in self.ignore_patterns if p.strip("/") in ("", "*", "**", "**/*", ".", "*.*")]
        if everything or (self.ignored >= 3 and self.ignored * 2 >= total):
            what = f"pattern {everything[0]!r} leaves out everything" if everything else f"leaves out {self.ignored} of {total} files"
            self.findings.append(Finding("ignore-wide", self.show(IGNORE_FILE), 1, f"{IGNORE_FILE} {what}, so most of the skill goes unchecked; narrow it to the files that must be skipped"))

    def _ignore_file(self) -> list[str]:
        """Patterns from ``.skill-validate-ignore``, read only when it is a small regular file."""
        path = self.root / IGNORE_FILE
        try:
            info = path.lstat()
        except OSError:
            return []
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_IGNORE_BYTES:
            self.findings.append(Finding("file-special", self.show(IGNORE_FILE), 1, f"{IGNORE_FILE} is not a small regular file, so it was not read"))
            return []
        try:
            lines = path.read_text(errors="replace").splitlines()
        except OSError:
            return []
        return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]

    def excluded(self, rel: str, full: str | None = None) -> bool:
        if any(_matches(rel, p) for p in self.exclude):
            return True
        if any(_matches(rel, p) for p in self.ignore_patterns):
            if rel.rsplit("/", 1)[-1].startswith("."):
                pass  # a hidden folder or file (tool caches, host installs): not the skill's own content
            elif full and os.path.isdir(full) and not os.path.islink(full):
                self.ignored += _count_files(full, self.skip_dirs)
            else:
                self.ignored += 1
            return True
        return False

    def show(self, rel: str) -> str:
        """The path as the user will recognise it, escaped so a file name cannot forge a line."""
        shown = rel if self.display == "." else f"{self.display}/{rel}"
        return for_line(shown)

    def _walk(self) -> None:
        real_root = os.path.realpath(self.root)
        for current, dirs, names in os.walk(self.root, followlinks=False, onerror=self._walk_error):
            rel_dir = os.path.relpath(current, self.root)
            installed = _installed(current, dirs) if "node_modules" in self.skip_dirs else set()  # an audit reads everything
            kept = []
            for name in sorted(dirs):
                full = os.path.join(current, name)
                rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                if self.excluded(rel, full):
                    self.skipped.append(Skipped(rel + "/", "excluded"))
                elif os.path.islink(full):
                    self._check_link(full, rel, real_root)
                elif _skip_dir(name, self.skip_dirs):
                    self.skipped.append(Skipped(rel + "/", "skipped folder"))
                elif name in installed:
                    self.skipped.append(Skipped(rel + "/", "installed package"))
                else:
                    kept.append(name)
            dirs[:] = kept
            for name in sorted(names):
                rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                if self.excluded(rel):
                    self.skipped.append(Skipped(rel, "excluded"))
                    continue
                if name in installed:
                    self.skipped.append(Skipped(rel, "installed package"))
                    continue
                self._add_file(rel, os.path.join(current, name), real_root)

    def _add_file(self, rel: str, full: str, real_root: str | None = None) -> None:
        if any(ord(c) < 0x20 or c == "\\" or ord(c) == 0x7F for c in rel):
            self.findings.append(Finding("file-special", self.show(rel), 1, "the file name holds a backslash or a control character, which archives and hosts mishandle; rename it"))
            self.skipped.append(Skipped(rel, "special file"))
            return
        try:
            info = os.lstat(full)
        except OSError as exc:
            self.findings.append(Finding("file-unreadable", self.show(rel), 1, f"cannot read: {exc.strerror or exc}"))
            return
        if stat.S_ISLNK(info.st_mode):
            if real_root is not None:
                self._check_link(full, rel, real_root)
            return
        if not stat.S_ISREG(info.st_mode):
            self.findings.append(Finding("file-special", self.show(rel), 1, "a FIFO, device or socket: it is not read, and it cannot ship in a skill"))
            self.skipped.append(Skipped(rel, "special file"))
            return
        self.files.append(rel)
        self._sizes[rel] = info.st_size

    def _walk_error(self, error: OSError) -> None:
        rel = os.path.relpath(error.filename, self.root) if error.filename else "."
        self.findings.append(Finding("file-unreadable", self.show(rel), 1, f"cannot list this folder: {error.strerror}"))

    def _check_link(self, full: str, rel: str, real_root: str) -> None:
        target = os.path.realpath(full)
        shown = for_line(os.readlink(full))
        if not os.path.exists(target):
            self.findings.append(Finding("symlink-dangling", self.show(rel), 1, f"symbolic link to {shown} points to nothing; a host installing the skill gets a broken file"))
        elif os.path.commonpath([real_root, target]) == real_root:
            pass
        elif self.unit_root and os.path.commonpath([self.unit_root, target]) == self.unit_root:
            self.findings.append(Finding("symlink-in-unit", self.show(rel), 1, f"symbolic link to {shown} stays inside the plugin the skill is installed with, so it resolves there; it is not followed here"))
        else:
            self.findings.append(Finding("symlink-escape", self.show(rel), 1, f"symbolic link to {shown} leaves the skill folder (and any plugin it belongs to); it is not followed"))
        self.skipped.append(Skipped(rel, "symbolic link"))

    def size(self, rel: str) -> int:
        return self._sizes.get(rel, 0)

    def raw(self, rel: str) -> bytes | None:
        """The file's bytes, or None when it is unreadable or too large (each reported once)."""
        if rel not in self._bytes:
            data: bytes | None = None
            full = self.root / rel
            size = self._sizes.get(rel, 0)
            if size > MAX_TEXT_BYTES:
                self.findings.append(Finding("file-too-large", self.show(rel), 1, f"{size} bytes; only files up to {MAX_TEXT_BYTES} bytes are checked"))
                self.skipped.append(Skipped(rel, "too large"))
            else:
                try:
                    with open(full, "rb") as handle:
                        data = handle.read(MAX_TEXT_BYTES + 1)
                except OSError as exc:
                    self.findings.append(Finding("file-unreadable", self.show(rel), 1, f"cannot read: {exc.strerror or exc}"))
            self._bytes[rel] = data
        return self._bytes[rel]

    def text(self, rel: str) -> str | None:
        """Decoded text, or None for binary, unreadable or missing files."""
        if rel not in self._text:
            from .textfile import decode

            data, binary = None, False
            if rel in self._sizes:
                binary = rel not in self._bytes and (os.path.splitext(rel)[1].lower() in BINARY_SUFFIXES or self._binary_start(rel))
                data = None if binary else self.raw(rel)
            text = decode(data) if data is not None else None
            if binary or (data is not None and text is None):
                self.skipped.append(Skipped(rel, "binary"))
            self._text[rel] = text
        return self._text[rel]

    def _binary_start(self, rel: str) -> bool:
        """Look at the first bytes before reading a whole file: most binaries end the question there."""
        from .textfile import SNIFF, binary

        try:
            with open(self.root / rel, "rb") as handle:
                return binary(handle.read(SNIFF))
        except OSError:
            return False  # raw() reports it

    def has(self, rel: str) -> bool:
        return rel in self._sizes


def _matches(rel: str, pattern: str) -> bool:
    return fnmatch.fnmatch(rel, pattern) or (rel + "/").startswith(pattern.rstrip("/") + "/")


def _installed(folder: str, dirs: list[str]) -> set[str]:
    """What pip installed into ``folder`` (a ``--target`` folder, a Lambda build, a vendored
    site-packages): the top-level names each ``*.dist-info/RECORD`` lists, and the dist-info
    folders themselves. Third-party packages, like node_modules: not the skill's own code, and
    their documentation's sample keys are not the skill's secrets."""
    names: set[str] = set()
    for info in (d for d in dirs if d.endswith(".dist-info")):  # none: nothing read, the usual case
        import csv  # only where pip installed something: not on every validation's start-up

        names.add(info)
        try:
            with open(os.path.join(folder, info, "RECORD"), encoding="utf-8", errors="replace") as handle:
                record = handle.read(MAX_RECORD_BYTES)  # capped: the tree is untrusted
        except OSError:
            continue
        for row in csv.reader(record.splitlines()):  # RECORD is CSV: a path with a comma in it is quoted
            top = row[0].split("/", 1)[0] if row else ""
            if top and top not in ("..", ".") and not top.endswith(".dist-info"):
                names.add(top)
    return names


def _count_files(folder: str, skip_dirs: frozenset[str], limit: int = 100_000) -> int:
    """Files the validator would have read in ``folder`` (what it skips anyway, such as
    node_modules or a virtualenv, does not count as hidden by the ignore file)."""
    count = 0
    for _current, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not _skip_dir(d, skip_dirs)]
        count += len(names)
        if count >= limit:
            break
    return count
