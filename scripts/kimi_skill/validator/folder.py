"""The files of a skill folder (or any tree, for ``--scan``), read once and safely.

Symbolic links are never followed (one that leaves the folder is reported); binary files,
virtualenvs, caches and VCS folders are skipped; unreadable files become findings, not crashes.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding

SKIP_DIRS = {
    ".git", ".hg", ".svn", ".venv", "venv", ".env", "node_modules", "__pycache__", ".pytest_cache",
    ".ruff_cache", ".mypy_cache", ".hypothesis", ".tox", ".nox", "dist", "build", ".eggs", ".idea", ".vscode",
}
MAX_TEXT_BYTES = 16 * 1024 * 1024
IGNORE_FILE = ".skill-validate-ignore"
SNIFF_BYTES = 8192


def _skip_dir(name: str) -> bool:
    return name in SKIP_DIRS or name.endswith(".egg-info")


@dataclass
class Folder:
    root: Path
    display: str
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    _text: dict[str, str | None] = field(default_factory=dict)
    _bytes: dict[str, bytes | None] = field(default_factory=dict)
    trees: dict[str, object] = field(default_factory=dict)  # parsed Python, shared by every check

    exclude: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: str, exclude: list[str] | None = None) -> Folder:
        """Walk ``path``, skipping ``exclude`` globs and those in its ``.skill-validate-ignore``."""
        root = Path(path)
        folder = cls(root=root, display=path.rstrip("/") or ".", exclude=list(exclude or []))
        try:
            lines = (root / IGNORE_FILE).read_text(errors="replace").splitlines()
        except OSError:
            lines = []
        folder.exclude += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        folder._walk()
        return folder

    def excluded(self, rel: str) -> bool:
        return any(fnmatch.fnmatch(rel, p) or (rel + "/").startswith(p.rstrip("/") + "/") for p in self.exclude)

    def show(self, rel: str) -> str:
        """The path as the user will recognise it: relative to what they passed in."""
        return rel if self.display == "." else f"{self.display}/{rel}"

    def _walk(self) -> None:
        real_root = os.path.realpath(self.root)
        for current, dirs, names in os.walk(self.root, followlinks=False, onerror=self._walk_error):
            rel_dir = os.path.relpath(current, self.root)
            kept = []
            for name in sorted(dirs):
                full = os.path.join(current, name)
                if self.excluded(name if rel_dir == "." else f"{rel_dir}/{name}"):
                    continue
                if os.path.islink(full):
                    self._check_link(full, rel_dir, name, real_root)
                elif not _skip_dir(name):
                    kept.append(name)
            dirs[:] = kept
            for name in sorted(names):
                full = os.path.join(current, name)
                rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                if self.excluded(rel):
                    continue
                if os.path.islink(full):
                    self._check_link(full, rel_dir, name, real_root)
                elif os.path.isfile(full):
                    self.files.append(rel)

    def _walk_error(self, error: OSError) -> None:
        rel = os.path.relpath(error.filename, self.root) if error.filename else "."
        self.findings.append(Finding("file-unreadable", self.show(rel), 1, f"cannot list this folder: {error.strerror}"))

    def _check_link(self, full: str, rel_dir: str, name: str, real_root: str) -> None:
        target = os.path.realpath(full)
        rel = name if rel_dir == "." else f"{rel_dir}/{name}"
        if os.path.commonpath([real_root, target]) != real_root:
            self.findings.append(
                Finding("symlink-escape", self.show(rel), 1, f"symbolic link to {os.readlink(full)} leaves the skill folder; it is not followed")
            )

    def raw(self, rel: str) -> bytes | None:
        """The file's bytes, or None when it is unreadable or too large (each reported once)."""
        if rel not in self._bytes:
            data: bytes | None = None
            full = self.root / rel
            try:
                size = full.stat().st_size
                if size > MAX_TEXT_BYTES:
                    self.findings.append(Finding("file-too-large", self.show(rel), 1, f"{size} bytes; only files up to {MAX_TEXT_BYTES} bytes are checked"))
                else:
                    data = full.read_bytes()
            except OSError as exc:
                self.findings.append(Finding("file-unreadable", self.show(rel), 1, f"cannot read: {exc.strerror or exc}"))
            self._bytes[rel] = data
        return self._bytes[rel]

    def text(self, rel: str) -> str | None:
        """Decoded text (invalid UTF-8 replaced), or None for binary, unreadable or missing files."""
        if rel not in self._text:
            data = self.raw(rel) if rel in self.files else None
            if data is None or b"\0" in data[:SNIFF_BYTES]:
                self._text[rel] = None
            else:
                self._text[rel] = data.decode("utf-8", errors="replace")
        return self._text[rel]

    def has(self, rel: str) -> bool:
        return rel in self.files
