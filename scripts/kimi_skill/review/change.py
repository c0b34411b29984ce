"""The change under review, read out of git and parsed into files and hunks.

Every git call goes through :mod:`kimi_skill.safegit`, so a repository's configuration cannot
make git start a program (fsmonitor, external diff, textconv, filters, hooks) while we read it.
The hunks come from a plain three-line-context diff: their new-side ranges are what "in the
change" means when the model's findings are checked. What is *sent* is richer (see
:mod:`.assemble`), but it is built from the same files.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .. import safegit
from ..errors import UsageError

Mode = Literal["uncommitted", "staged", "base", "commit"]
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's well-known empty tree
HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
MAX_UNTRACKED_BYTES = 2 * 1024 * 1024  # larger new files are summarised, not read
# settings a repository or user may have that would change the shape of the diff we parse
DIFF_CONFIG = (
    "-c", "core.quotePath=false", "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false", "-c", "diff.relative=false",
    "-c", "diff.suppressBlankEmpty=false", "-c", "diff.interHunkContext=0", "-c", "color.ui=false",
)


@dataclass
class Hunk:
    old_start: int
    old_count: int
    new_start: int
    new_count: int
    lines: list[str] = field(default_factory=list)
    seen_old: int = 0
    seen_new: int = 0

    @property
    def new_end(self) -> int:
        return self.new_start + max(self.new_count, 1) - 1


@dataclass
class FileChange:
    path: str  # the path after the change (before it, for a deleted file)
    status: Literal["added", "deleted", "modified", "renamed", "copied"] = "modified"
    old_path: str | None = None
    binary: bool = False
    untracked: bool = False
    hunks: list[Hunk] = field(default_factory=list)
    size: int | None = None  # bytes, for binary and summarised files
    generated: bool = False

    @property
    def added(self) -> int:
        return sum(1 for h in self.hunks for line in h.lines if line.startswith("+"))

    @property
    def deleted(self) -> int:
        return sum(1 for h in self.hunks for line in h.lines if line.startswith("-"))

    def touches(self, start: int, end: int) -> bool:
        """Whether lines start..end of the new file lie in a hunk (changed lines and their context)."""
        if self.status == "deleted" or self.binary:
            return False
        return any(h.new_start <= end and start <= h.new_end for h in self.hunks)


@dataclass
class Change:
    root: str
    mode: Mode
    label: str  # what was compared, for people: "uncommitted changes", "main...HEAD", ...
    files: list[FileChange]
    old_rev: str | None  # None: the index or the work tree
    new_rev: str | None  # None: the work tree (uncommitted) or the index (staged)
    paths: list[str] = field(default_factory=list)

    def find(self, path: str) -> FileChange | None:
        path = path.removeprefix("./").removeprefix("b/") if path not in {f.path for f in self.files} else path
        return next((f for f in self.files if f.path == path), None)


def git(root: str, *args: str) -> bytes:
    try:
        return safegit.run(root, *DIFF_CONFIG, *args)
    except safegit.GitError as exc:
        raise UsageError(f"git: {exc}") from None


def repository(path: str) -> str:
    """The work tree's top folder; outside a repository, one clear line (exit 2)."""
    if not os.path.isdir(path):
        raise UsageError(f"{path} is not a folder")
    try:
        top = safegit.run(path, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip()
    except safegit.GitError as exc:
        if "not a git repository" in str(exc).lower():
            raise UsageError(f"{os.path.abspath(path)} is not inside a git repository; run review.py in one (or pass --repo PATH)") from None
        raise UsageError(f"git: {exc}") from None
    if not top:
        raise UsageError("review.py needs a work tree, not a bare repository")
    return top


def _rev(root: str, ref: str, what: str) -> str:
    if ref.startswith("-"):
        raise UsageError(f"{what} {ref!r} is not a revision")
    try:
        return safegit.run(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").decode().strip()
    except safegit.GitError:
        raise UsageError(f"{what} {ref!r} is not a commit in this repository") from None


def collect(root: str, mode: Mode, ref: str | None = None, paths: list[str] | None = None) -> Change:
    """Read the change named by ``mode`` (and ``ref``), limited to ``paths`` (git glob pathspecs)."""
    paths = paths or []
    spec = ["--", *(f":(glob){p}" for p in paths)] if paths else []
    head = _head(root)
    if mode == "uncommitted":
        old, new, label = head or EMPTY_TREE, None, "uncommitted changes (tracked and untracked)"
        args = [old]
    elif mode == "staged":
        old, new, label = head or EMPTY_TREE, None, "staged changes"
        args = ["--cached", old]
    elif mode == "base":
        assert ref is not None
        base = _rev(root, ref, "--base")
        if head is None:
            raise UsageError("--base needs a commit to compare: this repository has none yet")
        found = safegit.run(root, "merge-base", base, head, check=False).decode().strip()
        if not found:
            raise UsageError(f"--base {ref}: it shares no history with HEAD")
        old, new, label = found, head, f"{ref}...HEAD"
        args = [old, new]
    else:
        assert ref is not None
        new = _rev(root, ref, "--commit")
        parent = safegit.run(root, "rev-parse", "--verify", "--quiet", f"{new}^", check=False).decode().strip()
        old, label = parent or EMPTY_TREE, f"commit {new[:12]}"
        args = [old, new]
    text = git(root, "diff", *safegit.DIFF_SAFETY, "-M", "-U3", "--src-prefix=a/", "--dst-prefix=b/", *args, *spec)
    files = parse(text.decode("utf-8", "surrogateescape"))
    if mode == "uncommitted":
        files += _untracked(root, paths, {f.path for f in files})
    _mark_generated(root, files)
    for changed in files:
        if changed.binary and changed.size is None:
            changed.size = _size(root, new, changed.path)
    return Change(root, mode, label, files, old, new, paths)


def _head(root: str) -> str | None:
    found = safegit.run(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).decode().strip()
    return found or None


def _size(root: str, rev: str | None, path: str) -> int | None:
    if rev is None:
        try:
            return os.lstat(os.path.join(root, path)).st_size
        except OSError:
            return None
    said = safegit.run(root, "cat-file", "-s", f"{rev}:{path}", check=False).decode().strip()
    return int(said) if said.isdigit() else None


def _untracked(root: str, paths: list[str], known: set[str]) -> list[FileChange]:
    """Files git does not track and the user did not ignore, as added files."""
    listed = safegit.run(root, "ls-files", "-z", "--others", "--exclude-standard")
    found = []
    for raw in listed.split(b"\0"):
        if not raw:
            continue
        rel = raw.decode("utf-8", "surrogateescape")
        if rel in known or (paths and not any(fnmatch.fnmatchcase(rel, p) for p in paths)):
            continue
        found.append(read_new_file(root, rel))
    return found


def read_new_file(root: str, rel: str) -> FileChange:
    """An untracked file as one all-added hunk; links, special files, binary and huge files are
    summarised (never followed or read whole)."""
    full = os.path.join(root, rel)
    change = FileChange(rel, "added", untracked=True)
    try:
        info = os.lstat(full)
    except OSError:
        return change
    change.size = info.st_size
    if not os.path.isfile(full) or os.path.islink(full) or info.st_size > MAX_UNTRACKED_BYTES:
        change.binary = True
        return change
    try:
        fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_UNTRACKED_BYTES + 1)
    except OSError:
        change.binary = True
        return change
    if b"\0" in data[:8192]:
        change.binary = True
        return change
    lines = data.decode("utf-8", "surrogateescape").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if lines:
        change.hunks.append(Hunk(0, 0, 1, len(lines), [f"+{line}" for line in lines], 0, len(lines)))
    return change


GENERATED_NAMES = (
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "Pipfile.lock", "uv.lock",
    "Cargo.lock", "go.sum", "composer.lock", "Gemfile.lock", "bun.lockb", "flake.lock", "pdm.lock",
)
GENERATED_GLOBS = ("*.min.js", "*.min.css", "*.map", "*.pb.go", "*_pb2.py", "*_pb2_grpc.py", "*.snap", "*.lock")
GENERATED_DIRS = ("node_modules/", "vendor/", "dist/", "build/", "__pycache__/", ".venv/")
GENERATED_MARK = re.compile(r"@generated|Code generated .* DO NOT EDIT|auto-?generated|DO NOT EDIT", re.IGNORECASE)


def _mark_generated(root: str, files: list[FileChange]) -> None:
    """Lock files, minified and compiled output, vendored folders, files that say so in their
    first lines, and files the repository marks ``linguist-generated``."""
    marked: set[str] = set()
    if files:
        listed = safegit.run(root, "check-attr", "-z", "linguist-generated", "--", *[f.path for f in files], check=False)
        parts = listed.split(b"\0")
        for index in range(0, len(parts) - 2, 3):
            if parts[index + 2] in (b"set", b"true"):
                marked.add(parts[index].decode("utf-8", "surrogateescape"))
    for changed in files:
        name = changed.path.rsplit("/", 1)[-1]
        head = "\n".join(line for h in changed.hunks[:1] for line in h.lines[:8])
        changed.generated = (
            changed.path in marked or name in GENERATED_NAMES or any(fnmatch.fnmatchcase(name, g) for g in GENERATED_GLOBS)
            or any(changed.path.startswith(d) or f"/{d}" in changed.path for d in GENERATED_DIRS) or bool(GENERATED_MARK.search(head))
        )


def _unquote(name: str) -> str:
    """git's C-style quoting of unusual file names ("a/tab\\there")."""
    if not (name.startswith('"') and name.endswith('"')):
        return name
    body = name[1:-1]
    out = bytearray()
    index = 0
    escapes = {"n": 10, "t": 9, "r": 13, '"': 34, "\\": 92, "a": 7, "b": 8, "f": 12, "v": 11}
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            nxt = body[index + 1]
            if nxt in escapes:
                out.append(escapes[nxt])
                index += 2
                continue
            if body[index + 1 : index + 4].isdigit():
                out.append(int(body[index + 1 : index + 4], 8))
                index += 4
                continue
        out += char.encode("utf-8", "surrogateescape")
        index += 1
    return out.decode("utf-8", "surrogateescape")


def _strip(name: str, prefix: str) -> str | None:
    name = _unquote(name.rstrip("\t"))
    if name == "/dev/null":
        return None
    return name[len(prefix) :] if name.startswith(prefix) else name


def _git_line_paths(rest: str) -> tuple[str, str]:
    """The two names on a ``diff --git a/X b/Y`` line (equal when there is no rename)."""
    if rest.startswith('"'):
        end = rest.index('"', 1)
        while rest[end - 1] == "\\":
            end = rest.index('"', end + 1)
        first, second = rest[: end + 1], rest[end + 2 :]
        return _unquote(first)[2:], _unquote(second)[2:]
    half = (len(rest) - 1) // 2
    if rest[half] == " " and rest[: half][2:] == rest[half + 1 :][2:]:
        return rest[:half][2:], rest[half + 1 :][2:]
    before, _, after = rest.partition(" b/")
    return before[2:], _unquote(after)


def parse(text: str) -> list[FileChange]:
    """A ``git diff`` (a/ and b/ prefixes, any context) into files and hunks."""
    files: list[FileChange] = []
    current: FileChange | None = None
    hunk: Hunk | None = None
    for line in text.split("\n"):
        if line.startswith("diff --git "):
            old, new = _git_line_paths(line[len("diff --git ") :])
            current = FileChange(new, old_path=old if old != new else None, status="renamed" if old != new else "modified")
            files.append(current)
            hunk = None
            continue
        if current is None:
            continue
        if hunk is not None and line[:1] in (" ", "+", "-", "\\") and _inside(hunk, line):
            hunk.lines.append(line)
            continue
        match = HUNK.match(line)
        if match:
            hunk = Hunk(int(match.group(1)), int(match.group(2) or 1), int(match.group(3)), int(match.group(4) or 1))
            current.hunks.append(hunk)
        elif line.startswith("new file mode"):
            current.status = "added"
        elif line.startswith("deleted file mode"):
            current.status = "deleted"
        elif line.startswith("rename from "):
            current.old_path, current.status = _unquote(line[len("rename from ") :]), "renamed"
        elif line.startswith("rename to "):
            current.path = _unquote(line[len("rename to ") :])
        elif line.startswith("copy from "):
            current.old_path, current.status = _unquote(line[len("copy from ") :]), "copied"
        elif line.startswith("copy to "):
            current.path = _unquote(line[len("copy to ") :])
        elif line.startswith("--- "):
            old_name = _strip(line[4:], "a/")
            if old_name is None:
                current.status = "added"
        elif line.startswith("+++ "):
            new_name = _strip(line[4:], "b/")
            if new_name is None:
                current.status = "deleted"
            else:
                current.path = new_name
        elif line.startswith("Binary files ") or line.startswith("GIT binary patch"):
            current.binary = True
    for changed in files:
        if changed.status == "deleted" and changed.old_path:
            changed.path = changed.old_path
    return files


def _inside(hunk: Hunk, line: str) -> bool:
    """Whether ``line`` belongs to the hunk: its header says how many lines of each side it has
    (a ``\\ No newline`` marker follows the line it is about)."""
    if line.startswith("\\"):
        return bool(hunk.lines)
    kind = line[:1]
    if kind == " " and hunk.seen_old < hunk.old_count and hunk.seen_new < hunk.new_count:
        hunk.seen_old += 1
        hunk.seen_new += 1
        return True
    if kind == "-" and hunk.seen_old < hunk.old_count:
        hunk.seen_old += 1
        return True
    if kind == "+" and hunk.seen_new < hunk.new_count:
        hunk.seen_new += 1
        return True
    return False


def dump(change: Change) -> dict[str, Any]:
    """The change as JSON, for a background job's worker (which checks findings against it)."""
    return {
        "root": change.root, "mode": change.mode, "label": change.label, "old_rev": change.old_rev, "new_rev": change.new_rev,
        "paths": change.paths,
        "files": [
            {"path": f.path, "status": f.status, "old_path": f.old_path, "binary": f.binary, "untracked": f.untracked,
             "size": f.size, "generated": f.generated, "hunks": [[h.old_start, h.old_count, h.new_start, h.new_count, h.lines] for h in f.hunks]}
            for f in change.files
        ],
    }


def load(data: dict[str, Any]) -> Change:
    files = []
    for item in data["files"]:
        hunks = [Hunk(a, b, c, d, list(lines)) for a, b, c, d, lines in item["hunks"]]
        files.append(FileChange(item["path"], item["status"], item["old_path"], item["binary"], item["untracked"], hunks, item["size"], item["generated"]))
    return Change(data["root"], data["mode"], data["label"], files, data["old_rev"], data["new_rev"], list(data["paths"]))
