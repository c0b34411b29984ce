"""The wire: one module per protocol (OpenAI Chat Completions and Responses, Anthropic, Gemini), each turning a
:class:`~kimi_skill.request.ChatRequest` into its own body and its answer into protocol-neutral
events, plus what they share (clients, limits, retries, error wording).

Only the protocol asked for is imported: the OpenAI SDK costs ~0.3 s that the others never pay.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Settings
    from ..debug import DebugLog
    from ..events import Event
    from ..request import ChatRequest
    from .guard import Limits
    from .retry import RetryPolicy

PROTOCOLS = ("openai", "responses", "anthropic", "gemini")
Caller = Callable[["Settings", "ChatRequest", "RetryPolicy", "Limits", "DebugLog | None"], "Iterator[Event]"]


def caller(protocol: str, streaming: bool) -> Caller:
    module = importlib.import_module(f".{protocol}", __package__)
    return module.stream if streaming else module.complete
