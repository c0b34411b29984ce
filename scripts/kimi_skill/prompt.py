"""Read the prompt from the arguments or stdin, refusing input that cannot be sent as-is."""

from __future__ import annotations

from typing import BinaryIO

from .errors import UsageError

DEFAULT_MAX_INPUT_BYTES = 2 * 1024 * 1024


def read_prompt(args: list[str], stdin: BinaryIO, stdin_is_tty: bool, limit: int) -> str:
    """Arguments win; ``-`` or no argument with piped stdin reads stdin (UTF-8, at most ``limit`` bytes)."""
    if args and args != ["-"]:
        text = " ".join(args)
    elif args == ["-"] or not stdin_is_tty:
        data = stdin.read(limit + 1)
        if len(data) > limit:
            raise UsageError(
                f"the prompt on stdin is larger than {limit} bytes; "
                "shorten it or raise --max-input-bytes"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"stdin is not valid UTF-8 (bad byte at offset {exc.start}); convert it to UTF-8 first"
            ) from None
    else:
        raise UsageError("no prompt: pass it as an argument, or pipe it on stdin")
    if not text.strip():
        raise UsageError("the prompt is empty: pass some text to send")
    return text
