"""Turn events into what the agent reads: plain text, one JSON object, or JSON lines.

The renderer also remembers how much content went out, so an error after a partial stream can
say exactly what the user already has.
"""

from __future__ import annotations

import json
from typing import Literal, TextIO

from .events import Done, Event, Text, Usage

Mode = Literal["text", "json", "jsonl"]

# C0 controls except tab and newline, DEL and C1 controls: shown as \xNN so that model output
# cannot move the cursor, set the window title or write the clipboard (OSC 52).
_UNSAFE = [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]
_ESCAPES = {code: f"\\x{code:02x}" for code in _UNSAFE}


def neutralise(text: str) -> str:
    """Show terminal control characters as visible escapes."""
    return text.translate(_ESCAPES)


def usage_line(usage: Usage) -> str:
    return (
        f"usage: prompt_tokens={usage.prompt_tokens} completion_tokens={usage.completion_tokens} "
        f"total_tokens={usage.total_tokens}"
    )


class Renderer:
    """Writes events as they arrive; :meth:`finish` or :meth:`fail` closes the output."""

    def __init__(
        self,
        stdout: TextIO,
        stderr: TextIO,
        *,
        mode: Mode = "text",
        show_reasoning: bool = False,
        show_usage: bool = False,
        safe_terminal: bool = False,
        flush_each: bool = False,
    ) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.mode = mode
        self.show_reasoning = show_reasoning
        self.show_usage = show_usage
        self.flush_each = flush_each
        self._clean = neutralise if safe_terminal else None
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.chars_out = 0
        self.usage: Usage | None = None
        self.done: Done | None = None
        self._reasoning_open = False
        self._last_char = "\n"

    def emit(self, event: Event) -> None:
        if type(event) is Text:
            if event.kind == "content":
                self._content(event.text)
            else:
                self._reasoning(event.text)
        elif type(event) is Usage:
            self.usage = event
            if self.mode == "jsonl":
                self._line({"type": "usage", **event.as_dict()})
        elif type(event) is Done:
            self.done = event

    def _content(self, text: str) -> None:
        if not text:
            return
        self.content.append(text)
        self.chars_out += len(text)
        if self.mode == "text":
            self._close_reasoning()
            self.stdout.write(self._clean(text) if self._clean else text)
            self._last_char = text[-1]
            if self.flush_each:
                self.stdout.flush()
        elif self.mode == "jsonl":
            self._line({"type": "content", "text": text})

    def _reasoning(self, text: str) -> None:
        if not text:
            return
        self.reasoning.append(text)
        if self.mode == "jsonl":
            self._line({"type": "reasoning", "text": text})
        elif self.mode == "text" and self.show_reasoning:
            self.stderr.write(self._clean(text) if self._clean else text)
            self._reasoning_open = not text.endswith("\n")
            if self.flush_each:
                self.stderr.flush()

    def _close_reasoning(self) -> None:
        if self._reasoning_open:
            self.stderr.write("\n")
            self.stderr.flush()
            self._reasoning_open = False

    def _line(self, obj: dict[str, object]) -> None:
        self.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        if self.flush_each:
            self.stdout.flush()

    def summary(self, error: str | None = None) -> dict[str, object]:
        done = self.done or Done(None, None, None)
        result: dict[str, object] = {
            "id": done.id,
            "model": done.model,
            "content": "".join(self.content),
            "reasoning": "".join(self.reasoning) or None,
            "finish_reason": done.finish_reason,
            "usage": self.usage.as_dict() if self.usage else None,
        }
        if error is not None:
            result["error"] = error
        return result

    def finish(self) -> None:
        self._close_reasoning()
        if self.mode == "text":
            if self._last_char != "\n":
                self.stdout.write("\n")
        elif self.mode == "json":
            self.stdout.write(json.dumps(self.summary(), ensure_ascii=False) + "\n")
        elif self.mode == "jsonl":
            done = self.done or Done(None, None, None)
            self._line(
                {"type": "done", "finish_reason": done.finish_reason, "model": done.model, "id": done.id}
            )
        self.stdout.flush()
        if self.show_usage and self.usage is not None:
            self.stderr.write(usage_line(self.usage) + "\n")
        self.stderr.flush()

    def fail(self, message: str, exit_code: int) -> None:
        """Keep what was received: end the partial text cleanly, or record the error in JSON."""
        self._close_reasoning()
        if self.mode == "text":
            if self.chars_out and self._last_char != "\n":
                self.stdout.write("\n")
        elif self.mode == "json":
            if self.chars_out or self.reasoning:
                self.stdout.write(json.dumps(self.summary(message), ensure_ascii=False) + "\n")
        elif self.mode == "jsonl":
            self._line({"type": "error", "message": message, "exit_code": exit_code})
        self.stdout.flush()
