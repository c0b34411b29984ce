"""``--output FILE``: the answer goes to a file, whole or not at all.

The text is written to a hidden temporary file beside FILE and renamed over it only when the
answer is complete, so a reader never sees half a file. A call that fails after some text
leaves ``FILE.partial`` holding what arrived. The path is checked before any request: an
existing file (without ``--force``), a directory or an unwritable folder is a usage error.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputFailed, UsageError


def check(path: str, force: bool) -> Path:
    """The absolute path to write, or a usage error saying why it cannot be written."""
    target = Path(path).expanduser().absolute()
    if target.is_dir():
        raise UsageError(f"--output {path} is a directory; name a file")
    if target.exists() and not force:
        raise UsageError(f"--output {path} already exists; pass --force to replace it")
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"--output {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"--output {path}: the folder {folder} is not writable")
    return target


class OutputFile:
    """A sink for the renderer: :meth:`commit` on success, :meth:`keep_partial` on failure."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.bytes = 0
        try:
            fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise UsageError(f"--output {target}: cannot create a file there ({exc.strerror})") from None
        self.temp = Path(temp)
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)  # as an ordinary new file would be, not mkstemp's 0600
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
            os.replace(self.temp, self.target)
        except OSError as exc:
            self.discard()
            raise OutputFailed(f"could not write {self.target} ({exc.strerror})") from None

    def keep_partial(self) -> Path | None:
        """Move what arrived to FILE.partial; None when nothing arrived."""
        try:
            self.handle.close()
            if self.bytes == 0:
                self.temp.unlink(missing_ok=True)
                return None
            partial = self.target.with_name(self.target.name + ".partial")
            os.replace(self.temp, partial)
            return partial
        except OSError:
            return None

    def discard(self) -> None:
        try:
            self.handle.close()
        except OSError:
            pass
        self.temp.unlink(missing_ok=True)
