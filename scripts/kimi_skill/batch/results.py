"""The results file: one JSON line per finished item, each custom_id exactly once.

Lines are appended with a single ``write`` on a descriptor opened ``O_APPEND`` and flushed to
the kernel at once, in the order items finish; the store row that marks an item finished is
written after its line. A kill can therefore leave a line without its row (never the other way
round), or half a line: :meth:`ResultsFile.reconcile`, run before every start, cuts a half line
off and returns the ids already in the file, which are then recorded and not sent again.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Iterator

from ..errors import UsageError


class ResultsFile:
    def __init__(self, path: str) -> None:
        self.path = path
        self.fd: int | None = None

    def check(self, new_batch: bool, force: bool) -> None:
        """A new batch never appends to a file that already holds something, unless --force."""
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            parent = os.path.dirname(os.path.abspath(self.path))
            if not os.path.isdir(parent):
                raise UsageError(f"--output {self.path}: the folder {parent} does not exist") from None
            return
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
            raise UsageError(f"--output {self.path} is not a regular file (links and special files are refused)")
        if new_batch and info.st_size and not force:
            raise UsageError(f"--output {self.path} already holds results of something else; pass --force to start it over, or choose another file")
        if new_batch and force:
            os.truncate(self.path, 0)

    def _open(self, flags: int) -> int:
        try:
            return os.open(self.path, flags | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError as exc:
            raise UsageError(f"cannot open --output {self.path} ({exc.strerror})") from None

    def reconcile(self) -> dict[str, str]:
        """The ids already written, with their status; a half-written last line is cut off."""
        written: dict[str, str] = {}
        if not os.path.exists(self.path):
            return written
        fd = self._open(os.O_RDWR)
        try:
            end = _complete_end(fd)
            if end < os.fstat(fd).st_size:
                os.ftruncate(fd, end)
            with os.fdopen(os.dup(fd), "rb") as handle:
                for raw in handle:
                    try:
                        line = json.loads(raw)
                    except ValueError:
                        continue
                    if isinstance(line, dict) and isinstance(line.get("custom_id"), str):
                        written[line["custom_id"]] = str(line.get("status"))
        finally:
            os.close(fd)
        return written

    def open(self) -> None:
        self.fd = self._open(os.O_WRONLY | os.O_CREAT | os.O_APPEND)

    def append(self, line: dict[str, object]) -> None:
        assert self.fd is not None
        data = (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8", "surrogatepass")
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def drop(self, custom_ids: set[str]) -> None:
        """Rewrite the file without these items' lines (their failures, before --retry-failed)."""
        self._rewrite(line for line in self._raw_lines() if _id_of(line) not in custom_ids)

    def sort(self, order: Iterable[str]) -> None:
        """Rewrite the file in input order, reading each line where it lies (memory: the offsets)."""
        offsets: dict[str, tuple[int, int]] = {}
        position = 0
        with open(self.path, "rb") as handle:
            for raw in handle:
                ident = _id_of(raw)
                if ident is not None:
                    offsets[ident] = (position, len(raw))
                position += len(raw)
        with open(self.path, "rb") as handle:

            def ordered() -> Iterator[bytes]:
                for ident in order:
                    where = offsets.pop(ident, None)
                    if where is not None:
                        handle.seek(where[0])
                        yield handle.read(where[1])
                for start, size in sorted(offsets.values()):  # ids the input no longer has: kept, at the end
                    handle.seek(start)
                    yield handle.read(size)

            self._rewrite(ordered())

    def _raw_lines(self) -> Iterator[bytes]:
        with open(self.path, "rb") as handle:
            yield from handle

    def _rewrite(self, lines: Iterable[bytes]) -> None:
        folder = os.path.dirname(os.path.abspath(self.path))
        temporary = os.path.join(folder, f".{os.path.basename(self.path)}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                for line in lines:
                    out.write(line)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise


def _id_of(raw: bytes) -> str | None:
    try:
        line = json.loads(raw)
    except ValueError:
        return None
    ident = line.get("custom_id") if isinstance(line, dict) else None
    return ident if isinstance(ident, str) else None


def _complete_end(fd: int) -> int:
    """The offset just after the last newline: what is past it is a line cut by a kill."""
    size = os.fstat(fd).st_size
    position = size
    block = 65536
    while position > 0:
        start = max(0, position - block)
        chunk = os.pread(fd, position - start, start)
        newline = chunk.rfind(b"\n")
        if newline != -1:
            return start + newline + 1
        position = start
    return 0
