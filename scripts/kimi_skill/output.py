"""Turn events into what the agent reads: plain text, one JSON object, or JSON lines.

The renderer also remembers the answer (content, reasoning, usage, finish), so an error after a
partial stream can say exactly what the user already has, and the store and ``--schema`` can
read the whole answer. Where the content goes is its ``sink``: stdout, or an ``--output`` file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol, TextIO

from .events import Done, Event, Text, Usage
from .redact import Masker
from .untrusted import dumps, for_terminal

Mode = Literal["text", "json", "jsonl"]


class Sink(Protocol):
    def write(self, text: str) -> object: ...
    def flush(self) -> None: ...


def usage_line(usage: Usage) -> str:
    return (
        f"usage: prompt_tokens={usage.prompt_tokens} completion_tokens={usage.completion_tokens} "
        f"total_tokens={usage.total_tokens}"
    )


def _add(first: int | None, second: int | None) -> int | None:
    return second if first is None else first if second is None else first + second


class Renderer:
    """Writes events as they arrive; :meth:`finish` or :meth:`fail` closes the output.

    ``hold``: keep the content back (``--schema`` prints only the validated value at the end).
    ``observer``: called with (kind, text) for every delta (the background worker's journal).
    """

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
        hold: bool = False,
        sink: Sink | None = None,
        observer: Callable[[str, str], None] | None = None,
    ) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.mode = mode
        self.show_reasoning = show_reasoning
        self.show_usage = show_usage
        self.flush_each = flush_each
        self.hold = hold
        self.sink = sink
        self.observer = observer
        self._clean = for_terminal if safe_terminal else None
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.chars_out = 0
        self.usage: Usage | None = None
        self.done: Done | None = None
        self.extra: dict[str, Any] = {}  # more fields for the JSON summary and the done event
        self._reasoning_open = False
        self._last_char = "\n"
        # a key the server echoes inside the answer is masked before anything sees the text
        self._masks = {"content": Masker(), "reasoning": Masker()}

    @property
    def text(self) -> str:
        return "".join(self.content)

    def emit(self, event: Event) -> None:
        if type(event) is Text:
            self._text(event.kind, self._masks[event.kind].feed(event.text))
        elif type(event) is Usage:
            previous = self.usage
            if previous is not None:  # re-asks add up
                event = Usage(*(_add(a, b) for a, b in zip(
                    (previous.prompt_tokens, previous.completion_tokens, previous.total_tokens),
                    (event.prompt_tokens, event.completion_tokens, event.total_tokens), strict=True)))
            self.usage = event
            if self.mode == "jsonl" and not self.hold:
                self._line({"type": "usage", **event.as_dict()})
        elif type(event) is Done:
            self._drain()  # the answer is whole: nothing may stay held back
            self.done = event

    def _text(self, kind: str, text: str) -> None:
        if not text:
            return
        if self.observer is not None:
            self.observer(kind, text)
        if kind == "content":
            self._content(text)
        else:
            self._reasoning(text)

    def _drain(self) -> None:
        """Release the text the maskers held back (the stream has ended)."""
        for kind, mask in self._masks.items():
            self._text(kind, mask.flush())

    def restart(self) -> None:
        """Forget the answer text (not the usage) before a re-ask."""
        self._masks = {"content": Masker(), "reasoning": Masker()}
        self.content.clear()
        self.reasoning.clear()
        self.chars_out = 0
        self.done = None

    def _content(self, text: str) -> None:
        if not text:
            return
        self.content.append(text)
        self.chars_out += len(text)
        if self.hold:
            return
        if self.sink is not None:
            self.sink.write(text)
        elif self.mode == "text":
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
        if self.hold:
            return
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
        self.stdout.write(dumps(obj) + "\n")
        if self.flush_each:
            self.stdout.flush()

    @property
    def truncated(self) -> bool:
        return self.done is not None and self.done.finish_reason == "length"

    def summary(self, error: str | None = None, exit_code: int | None = None) -> dict[str, object]:
        done = self.done or Done(None, None, None)
        result: dict[str, object] = {
            "id": done.id,
            "model": done.model,
            "content": None if self.sink is not None else self.text,
            "reasoning": "".join(self.reasoning) or None,
            "finish_reason": done.finish_reason,
            "truncated": self.truncated,
            "usage": self.usage.as_dict() if self.usage else None,
            **self.extra,
        }
        if error is not None:
            result["error"] = error
            result["exit_code"] = exit_code
        return result

    def finish(self, value: str | None = None) -> None:
        """Close the output; ``value`` replaces the held content in text mode (``--schema``)."""
        self._drain()
        self._close_reasoning()
        if self.mode == "text":
            if value is not None:
                self.stdout.write(value + "\n")
            elif self.sink is None and not self.hold and self._last_char != "\n":
                self.stdout.write("\n")
        elif self.mode == "json":
            self.stdout.write(dumps(self.summary()) + "\n")
        elif self.mode == "jsonl":
            done = self.done or Done(None, None, None)
            self._line({"type": "done", "finish_reason": done.finish_reason, "model": done.model, "id": done.id, "truncated": self.truncated, **self.extra})
        self.stdout.flush()
        if self.show_usage and self.usage is not None:
            self.stderr.write(usage_line(self.usage) + "\n")
        self.stderr.flush()

    def fail(self, message: str, exit_code: int) -> None:
        """Keep what was received: end the partial text cleanly, or record the error in JSON."""
        self._drain()
        self._close_reasoning()
        if self.mode == "text":
            if self.chars_out and not self.hold and self.sink is None and self._last_char != "\n":
                self.stdout.write("\n")
        elif self.mode == "json":
            self.stdout.write(dumps(self.summary(message, exit_code)) + "\n")
        elif self.mode == "jsonl":
            self._line({"type": "error", "message": message, "exit_code": exit_code, **self.extra})
        self.stdout.flush()
