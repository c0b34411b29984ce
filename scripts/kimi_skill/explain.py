"""The error line of a failed call, in the words that fit what the user already has.

Shared by the foreground commands and the background worker, so a job's error reads like the
call's would have: how much of the answer arrived and where it is, the models that exist after
an unknown-model 404, a moved gateway boundary after a 400 naming a parameter.
"""

from __future__ import annotations

import os
import shlex
from typing import TYPE_CHECKING

from .errors import KimiError, RequestRefused, StreamBroken

if TYPE_CHECKING:
    from .call import Plan
    from .output import Renderer


def invocation(script: str) -> str:
    """How to run one of our commands from wherever the user is: the console script when we run
    as one, else the script by absolute path (a relative ``scripts/...`` fails in other folders)."""
    from . import args

    if args.COMMAND:
        return f"kimi-skill-{script}"
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), f"{script}.py")
    if os.path.isfile(path):
        return f"python3 {shlex.quote(path)}"
    return f"kimi-skill-{script}"


def explain(exc: KimiError, plan: Plan | None, renderer: Renderer, to_file: bool) -> str:
    if isinstance(exc, StreamBroken):
        head = f"the stream broke after {renderer.chars_out} characters of the answer (HTTP {exc.status}, {exc.detail})"
        if not renderer.chars_out:
            return head + "; try again"
        if to_file:
            return head  # the caller adds where the text so far was kept
        if renderer.hold:
            return head + "; --schema prints only a complete, valid answer, so nothing was printed: try again"
        return head + "; the text so far is on stdout: run the call again for the whole answer"
    if isinstance(exc, RequestRefused) and plan is not None and exc.status in (400, 404):
        from . import boundary

        if exc.status == 400 and boundary.refused_shape(exc.server_message):
            return boundary.moved(plan.request.model, plan.protocol, exc.status, exc.server_message)
        return not_found(exc, plan)
    return exc.message


def not_found(exc: RequestRefused, plan: Plan) -> str:
    """A 404 (or a 400 naming the model) is nearly always a mistyped model or a base URL
    without ``/v1``: say which, and list the models that exist."""
    from urllib.parse import urlsplit

    model = plan.request.model
    said = exc.server_message or ""
    if exc.status == 400 and model not in said:
        return exc.message
    if exc.status == 404 and "model" not in said.lower() and not urlsplit(plan.settings.base_url).path.rstrip("/").endswith("/v1"):
        return (
            f"not found (HTTP 404: {said}): the base URL {plan.settings.base_url} does not end in /v1; "
            f"RunAPI's is https://runapi.ai/v1 (set {plan.settings.base_source} accordingly)"
        )
    if exc.status == 404 and "model" not in said.lower() and model not in said:
        return exc.message
    ids = kimi_models(plan)
    from .untrusted import one_line

    available = ", ".join(one_line(i, 80) for i in ids) if ids else f"run {invocation('models')} to list them"
    return f"unknown model {model!r} ({exc.message}); available Kimi models: {available}; pass one with --model"


def kimi_models(plan: Plan) -> list[str]:
    """The Kimi models the key can use, or [] when the list cannot be had quickly."""
    from .protocols.guard import Limits
    from .protocols.listing import fetch_models, is_kimi
    from .protocols.retry import RetryPolicy

    try:
        listed = fetch_models(plan.settings, RetryPolicy(max_retries=0), Limits(idle_timeout=min(plan.limits.idle_timeout, 10.0)), None)
    except KimiError:
        return []
    return sorted(m["id"] for m in listed if is_kimi(m["id"]))


