"""``--output FILE``: the answer goes to a file, whole or not at all, and only ever to a regular
file the user named.

The text is written to a hidden temporary file beside FILE (created exclusively, never through a
link) and moved into place only when the answer is complete, so a reader never sees half a file.
Before any request, FILE is checked: a symbolic link, a FIFO, a device, a socket or a directory
is refused (``--force`` replaces regular files only), as is an existing file without ``--force``.
When the answer is complete, FILE is checked again: if a file appeared there since the call
started, or the one ``--force`` was to replace was swapped for another, nothing is overwritten and
the answer is kept under a fresh name. A call that fails after some text leaves it in
``FILE.partial`` (``FILE.partial.1`` ... if that exists: an earlier partial is never overwritten).
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputFailed, UsageError

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
KINDS = {stat.S_IFIFO: "FIFO", stat.S_IFCHR: "device", stat.S_IFBLK: "device", stat.S_IFSOCK: "socket", stat.S_IFDIR: "directory"}


@dataclass(frozen=True)
class Target:
    path: Path
    replaces: tuple[int, int] | None = None  # (device, inode) of the file --force may replace

    def spec(self) -> dict[str, object]:
        return {"path": str(self.path), "replaces": list(self.replaces) if self.replaces else None}

    @classmethod
    def from_spec(cls, data: object) -> Target:
        if isinstance(data, str):  # jobs recorded before 0.3
            return cls(Path(data))
        assert isinstance(data, dict)
        replaces = data.get("replaces")
        return cls(Path(data["path"]), (int(replaces[0]), int(replaces[1])) if replaces else None)


def check(path: str, force: bool) -> Target:
    """The file to write, or a usage error saying why it cannot be written."""
    target = Path(path).expanduser().absolute()
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UsageError(f"--output {path}: cannot be checked ({exc.strerror})") from None
    replaces = None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise UsageError(f"--output {path} is a symbolic link, and links are never written through; name the file itself")
        if not stat.S_ISREG(info.st_mode):
            kind = KINDS.get(stat.S_IFMT(info.st_mode), "special file")
            raise UsageError(f"--output {path} is a {kind}, not a regular file; --output writes regular files only, so name another path")
        if not force:
            raise UsageError(f"--output {path} already exists; pass --force to replace it")
        replaces = (info.st_dev, info.st_ino)
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"--output {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"--output {path}: the folder {folder} is not writable")
    return Target(target, replaces)


def _ordinary_mode(fd: int) -> None:
    mask = os.umask(0)
    os.umask(mask)
    os.fchmod(fd, 0o666 & ~mask)  # as an ordinary new file would be, not mkstemp's 0600


def _place_new(source: Path, target: Path) -> None:
    """Give ``source`` the name ``target`` only if nothing is there (FileExistsError if it is)."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: reserve the name, then move onto it
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW, 0o600))
        os.replace(source, target)
        return
    os.unlink(source)


def place_fresh(source: Path, target: Path) -> Path | None:
    """Move ``source`` to ``target``, or the first of ``target.1`` ... ``target.99`` that does not
    exist; None when every name is taken (``source`` is then left where it is)."""
    for number in range(100):
        candidate = target if number == 0 else target.with_name(f"{target.name}.{number}")
        try:
            _place_new(source, candidate)
            return candidate
        except FileExistsError:
            continue
    return None


def write_fresh(target: Path, text: str) -> Path | None:
    """Write ``text`` to a new file named ``target`` (or ``target.N``); never overwrites or
    follows a link. None when it could not be written."""
    for number in range(100):
        candidate = target if number == 0 else target.with_name(f"{target.name}.{number}")
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW, 0o666)
        except FileExistsError:
            continue
        except OSError:
            return None
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        except OSError:
            return None
        return candidate
    return None


class OutputFile:
    """A sink for the renderer: :meth:`commit` on success, :meth:`keep_partial` on failure."""

    def __init__(self, target: Target | Path) -> None:
        self.where = target if isinstance(target, Target) else Target(target)
        self.target = self.where.path
        self.bytes = 0
        try:
            fd, temp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=self.target.parent)
        except OSError as exc:
            raise UsageError(f"--output {self.target}: cannot create a file there ({exc.strerror})") from None
        self.temp = Path(temp)
        _ordinary_mode(fd)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="")

    def write(self, text: str) -> int:
        try:
            written = self.handle.write(text)
        except OSError as exc:
            raise OutputFailed(f"could not write {self.target} ({exc.strerror})") from None
        self.bytes += len(text.encode("utf-8"))
        return written

    def flush(self) -> None:
        self.handle.flush()

    def replace_with(self, text: str) -> None:
        """Write ``text`` instead of what was streamed (``--schema``'s validated JSON)."""
        self.handle.seek(0)
        self.handle.truncate()
        self.bytes = 0
        self.write(text)

    def commit(self) -> None:
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
        except OSError as exc:
            self.discard()
            raise OutputFailed(f"could not write {self.target} ({exc.strerror})") from None
        try:
            info = os.lstat(self.target)
        except FileNotFoundError:
            info = None
        try:
            if info is None:
                _place_new(self.temp, self.target)
                return
            if self.where.replaces == (info.st_dev, info.st_ino) and stat.S_ISREG(info.st_mode):
                os.replace(self.temp, self.target)
                return
        except FileExistsError:
            pass  # it appeared between the check and the move
        except OSError as exc:
            self.discard()
            raise OutputFailed(f"could not write {self.target} ({exc.strerror})") from None
        kept = place_fresh(self.temp, self.target.with_name(self.target.name + ".new")) or self.temp
        raise OutputFailed(
            f"{self.target} was created or replaced by something else while the answer was generated, "
            f"so it was not overwritten; the answer is in {kept}"
        )

    def keep_partial(self) -> Path | None:
        """Move what arrived to FILE.partial (or FILE.partial.N); None when nothing arrived."""
        try:
            self.handle.close()
            if self.bytes == 0:
                self.temp.unlink(missing_ok=True)
                return None
            return place_fresh(self.temp, self.target.with_name(self.target.name + ".partial")) or self.temp
        except OSError:
            return None

    def discard(self) -> None:
        try:
            self.handle.close()
        except OSError:
            pass
        self.temp.unlink(missing_ok=True)
