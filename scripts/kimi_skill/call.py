"""One call to the model, from a prepared request to a rendered answer.

:func:`execute` is shared by the foreground commands and the background worker: it runs the
request through the chosen protocol into a :class:`~kimi_skill.output.Renderer`, re-asks when a
``--schema`` answer does not validate, and refuses to pass a cut-off answer off as a whole one.
Ending it early from a signal is :mod:`kimi_skill.interrupts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .boundary import budget_advice
from .config import Settings
from .debug import DebugLog
from .errors import NoAnswer, SchemaFailed
from .output import Renderer
from .protocols import caller
from .protocols.guard import Limits
from .protocols.retry import RetryPolicy
from .request import ChatRequest
from .structured import Invalid, Schema, check, reask


@dataclass
class Plan:
    settings: Settings
    request: ChatRequest
    protocol: str
    streaming: bool
    policy: RetryPolicy
    limits: Limits
    schema: Schema | None = None
    schema_retries: int = 1
    debug: DebugLog | None = None


def cut_at(renderer: Renderer, request: ChatRequest) -> str:
    tokens = renderer.usage.completion_tokens if renderer.usage and renderer.usage.completion_tokens else request.max_tokens
    return f"{tokens} tokens" if tokens else "the token limit"


def execute(plan: Plan, renderer: Renderer) -> Any:
    """Run the call; return the validated value with ``--schema``, else None."""
    call = caller(plan.protocol, plan.streaming)
    request = plan.request
    attempt = 1
    while True:
        for event in call(plan.settings, request, plan.policy, plan.limits, plan.debug):
            renderer.emit(event)
        if plan.schema is None:
            if renderer.truncated and not renderer.text.strip():
                raise NoAnswer(
                    f"the token limit ran out during reasoning (cut at {cut_at(renderer, request)}), so there is no answer; "
                    + budget_advice(request.model)
                )
            return None
        renderer.extra["attempts"] = attempt
        if renderer.truncated:
            raise SchemaFailed(
                f"the JSON answer was cut at {cut_at(renderer, request)} (finish_reason length), so it is not accepted; raise --max-tokens"
            )
        try:
            return check(renderer.text, plan.schema)
        except Invalid as problem:
            if attempt > plan.schema_retries:
                raise SchemaFailed(
                    f"the answer does not match --schema after {attempt} attempt{'s' if attempt > 1 else ''}: {problem.first}; "
                    "the raw answer is in --json's content (and in history.py show); simplify the schema or raise --schema-retries"
                ) from None
            answer = renderer.text
            renderer.restart()
            request = request.follow_up(answer, reask(problem))
            attempt += 1
