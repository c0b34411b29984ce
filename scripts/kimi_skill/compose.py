"""Build the user's message from the prompt argument, piped stdin and ``--file`` attachments.

Nothing the user gave is dropped: an argument and a pipe are both sent (the argument first, the
piped text in a labelled block), and every file goes in its own block that names its path, so
the model can tell files apart and cite them. Anything that cannot be sent as UTF-8 text is
refused before a request is made, with the place where it went wrong.
"""

from __future__ import annotations

import hashlib
import os
import select
import stat
from dataclasses import dataclass, field
from typing import BinaryIO

from .errors import UsageError
from .redact import scrub

DEFAULT_MAX_INPUT_BYTES = 1024 * 1024
STDIN_FIRST_BYTE_WAIT = 10.0


@dataclass(frozen=True)
class Attachment:
    path: str
    bytes: int
    sha256: str
    text: str

    def report(self) -> dict[str, object]:
        return {"path": self.path, "bytes": self.bytes, "sha256": self.sha256}


@dataclass
class Composed:
    text: str  # what is sent as this turn's user message
    argument: str | None = None
    stdin_bytes: int | None = None  # None: stdin was not read
    attachments: list[Attachment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings for stderr

    @property
    def prompt(self) -> str:
        """What the user typed (or piped, when there was no argument): the turn's title."""
        return self.argument if self.argument is not None else self.text

    def report(self) -> dict[str, object]:
        return {
            "bytes": len(self.text.encode("utf-8")),
            "stdin_bytes": self.stdin_bytes,
            "files": [a.report() for a in self.attachments],
        }


def check_argv(words: list[str]) -> None:
    """Python keeps undecodable argv bytes as lone surrogates; they cannot be sent as JSON."""
    for index, word in enumerate(words, 1):
        try:
            word.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise UsageError(f"argument {index} is not valid UTF-8 (bad byte at offset {exc.start}); pass UTF-8 text") from None


def decode(data: bytes, what: str) -> str:
    """UTF-8 text, or a usage error that says where the first bad byte is."""
    if b"\0" in data[:65536] or b"\0" in data[-65536:]:
        raise UsageError(f"{what} is a binary file (it holds NUL bytes); attach text files only")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise UsageError(
            f"{what} is not valid UTF-8 (bad byte at line {line}, column {column}, offset {exc.start}); convert it to UTF-8 first"
        ) from None


def read_file(path: str, limit: int, used: int = 0, what: str = "--file") -> tuple[bytes, str]:
    """The file's bytes and text, or a usage error naming the file and the problem."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UsageError(f"{what} {path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{what} {path}: cannot read it ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{what} {path} is a directory; attach its files one by one")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{what} {path} is not a regular file")
    budget = max(0, limit - used)
    if info.st_size > budget:
        spent = f", {used} already used" if used else ""
        raise UsageError(f"{what} {path} has {info.st_size} bytes, more than the {limit}-byte input budget allows ({budget} left{spent}); raise --max-input-bytes")
    try:
        with open(path, "rb") as handle:
            data = handle.read(budget + 1)
    except OSError as exc:
        raise UsageError(f"{what} {path}: cannot read it ({exc.strerror})") from None
    return data, decode(data, f"{what} {path}")


def _stdin_is_data(stdin: BinaryIO) -> bool:
    """A pipe, a file or a socket carries input; a terminal or /dev/null does not."""
    try:
        mode = os.fstat(stdin.fileno()).st_mode
    except (OSError, ValueError, AttributeError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode) or stat.S_ISSOCK(mode)


def _read_stdin(stdin: BinaryIO, limit: int, wait_first: bool) -> bytes | None:
    """Read stdin to its end; None when it stayed open and silent (see :func:`compose`)."""
    if wait_first:
        try:
            ready, _, _ = select.select([stdin], [], [], STDIN_FIRST_BYTE_WAIT)
        except (OSError, ValueError, TypeError):
            ready = [stdin]
        if not ready:
            return None
    data = stdin.read(limit + 1)
    return data


def compose(
    words: list[str],
    stdin: BinaryIO,
    files: list[str],
    limit: int,
    stdin_is_data: bool | None = None,
) -> Composed:
    """The message to send. Rules (references/cli.md, "Prompt"):

    - ``-`` alone, or no argument, reads the whole prompt from stdin;
    - an argument and a pipe: the argument, then the piped text in a ``<stdin>`` block; if the
      pipe is empty a warning says so, and a pipe that stays open and silent for 10 s is left
      unread with a warning (hosts that hand commands an idle pipe would otherwise hang);
    - each ``--file`` in a ``<file path="...">`` block, in the order given;
    - the total is at most ``limit`` bytes of UTF-8.
    """
    check_argv(words)
    piped = _stdin_is_data(stdin) if stdin_is_data is None else stdin_is_data
    argument = " ".join(words) if words and words != ["-"] else None
    notes: list[str] = []
    stdin_text: str | None = None
    stdin_bytes: int | None = None
    if words == ["-"] or (argument is None and piped) or (argument is not None and piped):
        data = _read_stdin(stdin, limit, wait_first=argument is not None and words != ["-"])
        if data is None:
            notes.append(f"stdin is an open pipe that sent nothing for {STDIN_FIRST_BYTE_WAIT:g} s, so it was not read; pass '< /dev/null' when nothing is piped")
        else:
            if len(data) > limit:
                raise UsageError(f"the prompt on stdin is larger than {limit} bytes; shorten it or raise --max-input-bytes")
            stdin_bytes = len(data)
            try:
                stdin_text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise UsageError(f"stdin is not valid UTF-8 (bad byte at offset {exc.start}); convert it to UTF-8 first") from None
            if argument is not None and not stdin_text.strip():
                notes.append("stdin was an empty pipe, so only the argument was sent")
                stdin_text = None
    elif argument is None and not files:
        raise UsageError("no prompt: pass it as an argument, or pipe it on stdin")

    parts: list[str] = []
    if argument is not None:
        parts.append(argument)
        if stdin_text is not None:
            parts.append(f"<stdin>\n{stdin_text.rstrip(chr(10))}\n</stdin>")
    elif stdin_text is not None:
        parts.append(stdin_text)
    if not "".join(parts).strip() and not files:
        raise UsageError("the prompt is empty: pass some text to send")

    used = sum(len(part.encode("utf-8")) for part in parts)
    attachments: list[Attachment] = []
    for path in files:
        data, text = read_file(path, limit, used)
        used += len(data)
        if used > limit:  # the file grew while it was read
            raise UsageError(f"the input is {used} bytes with {path}, over the {limit}-byte budget; attach fewer files or raise --max-input-bytes")
        attachments.append(Attachment(path, len(data), hashlib.sha256(data).hexdigest(), text))
        parts.append(f'<file path="{_attr(path)}">\n{text.rstrip(chr(10))}\n</file>')
    text = "\n\n".join(parts)
    if len(text.encode("utf-8")) > limit:
        raise UsageError(f"the input is over the {limit}-byte budget; shorten it or raise --max-input-bytes")
    masked = scrub(text)
    if masked != text:  # the user's own key in a file or a pipe: never sent, stored or printed
        notes.append("the input held the API key in use; it was masked as **** before sending")
        text = masked
        argument = scrub(argument) if argument is not None else None
        attachments = [Attachment(a.path, a.bytes, a.sha256, scrub(a.text)) for a in attachments]
    return Composed(text, argument, stdin_bytes, attachments, notes)


def _attr(path: str) -> str:
    return path.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def read_system_file(path: str, limit: int) -> str:
    _, text = read_file(path, limit, 0, "--system-file")
    if not text.strip():
        raise UsageError(f"--system-file {path} is empty")
    return text
