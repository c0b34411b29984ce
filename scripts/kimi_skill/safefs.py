"""Files the skill keeps for the user on a machine other users and programs share.

The store's folder and files hold conversations and job specs (a job spec names the file the
worker will write), so a store another user can write is a way in: every folder the skill makes
is created 0700 whatever the umask, and before use the folder and each file are checked on the
object itself (``O_NOFOLLOW`` and ``fstat``, no check-then-open race): not a symbolic link, owned
by this user, not writable by group or others. Anything else is refused with one configuration
error (exit 3) that names the fix. Windows has no such modes: the checks are skipped there.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import ConfigError

POSIX = os.name == "posix"
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _owner_problem(info: os.stat_result) -> str | None:
    if not POSIX:
        return None
    if info.st_uid != os.geteuid():
        return f"belongs to another user (uid {info.st_uid})"
    if info.st_mode & 0o022:
        return f"is writable by other users (mode {stat.S_IMODE(info.st_mode):04o})"
    return None


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents with mode 0700, whatever the umask."""
    missing: list[Path] = []
    current = folder
    while not os.path.lexists(current) and current != current.parent:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue  # another process made it first: checked below like any existing folder
        os.chmod(path, 0o700)  # a umask such as 0277 would have taken bits we need


def private_dir(folder: Path, what: str) -> None:
    """Make or check a private folder; ``what`` names it in errors ("the store folder")."""
    make_private_dirs(folder)
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode):
        raise ConfigError(f"{what} {folder} is a symbolic link, which is never followed; move it aside or set KIMI_SKILL_HOME to a folder of your own")
    if not stat.S_ISDIR(info.st_mode):
        raise ConfigError(f"{what} {folder} is not a folder; move it aside or set KIMI_SKILL_HOME to a folder of your own")
    problem = _owner_problem(info)
    if problem:
        fix = f"run: chmod 700 {folder}" if "writable" in problem else "set KIMI_SKILL_HOME to a folder of your own"
        raise ConfigError(f"{what} {folder} {problem}, so others could read or change what it holds; {fix}")


def open_private(path: Path, what: str, flags: int = os.O_RDWR) -> int:
    """Open (creating 0600) a file in a private folder without following a link, and check the
    opened file itself; returns the descriptor."""
    try:
        fd = os.open(path, flags | os.O_CREAT | NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        if os.path.islink(path):
            raise ConfigError(f"{what} {path} is a symbolic link, which is never followed; move it aside") from None
        raise ConfigError(f"{what} {path} cannot be opened ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"{what} {path} is not a regular file; move it aside")
        problem = _owner_problem(info)
        if problem:
            fix = f"run: chmod 600 {path}" if "writable" in problem else "move it aside"
            raise ConfigError(f"{what} {path} {problem}, so others could read or change it; {fix}")
        if POSIX and info.st_mode & 0o077:
            os.fchmod(fd, 0o600)  # ours, but readable by others: tighten it
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_existing(path: Path, what: str) -> None:
    """SQLite's own side files (``-wal``, ``-shm``): if present, the same rules."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"{what} {path} is not a regular file (a link?); move it aside")
    problem = _owner_problem(info)
    if problem:
        raise ConfigError(f"{what} {path} {problem}, so others could read or change it; move it aside")
