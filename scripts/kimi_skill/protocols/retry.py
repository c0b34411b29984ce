"""One retry policy for every network path, so a rate limit behaves the same on each protocol.

Only the opening of a request is retried: once a stream has produced content, a retry would
print the answer twice, so a broken stream is reported instead. A read timeout is not retried
either: the request may still be running upstream, and a second wait of ``--timeout`` seconds
would double the time an agent's tool call is blocked.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from ..errors import HTTPFailure, UsageError
from .failures import describe

T = TypeVar("T")

DEFAULT_MAX_RETRIES = 3


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = DEFAULT_MAX_RETRIES
    max_total_wait: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 8.0
    rate_limits: bool = True  # False: a 429 is raised at once (batch.py paces every worker itself)


def policy_from(flag: int | None, environ: Mapping[str, str]) -> RetryPolicy:
    """``--max-retries`` wins over ``KIMI_MAX_RETRIES``, which wins over the default."""
    if flag is not None:
        value = flag
    else:
        raw = environ.get("KIMI_MAX_RETRIES", "").strip()
        if not raw:
            return RetryPolicy()
        try:
            value = int(raw)
        except ValueError:
            raise UsageError("KIMI_MAX_RETRIES must be a whole number from 0 to 10") from None
    if not 0 <= value <= 10:
        raise UsageError(f"the number of retries must be between 0 and 10, not {value}")
    return RetryPolicy(max_retries=value)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asked us to wait: ``retry-after-ms``, or ``Retry-After`` as seconds or a date."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime  # rare path; the module costs 5 ms at start-up

    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def is_retryable(failure: HTTPFailure) -> bool:
    if failure.status is None:
        return failure.retryable
    return failure.status in (408, 409, 429) or failure.status >= 500


def call(
    attempt: Callable[[], T],
    policy: RetryPolicy,
    key_source: str,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``attempt`` until it succeeds, or raise the user-facing error for its last failure."""
    waited = 0.0
    for number in range(policy.max_retries + 1):
        try:
            return attempt()
        except HTTPFailure as failure:
            asked = retry_after(failure.headers)
            if not is_retryable(failure) or number == policy.max_retries or (failure.status == 429 and not policy.rate_limits):
                raise describe(failure, number + 1, key_source, wait=asked) from None
            delay = asked
            if delay is None:
                delay = min(policy.max_delay, policy.base_delay * 2**number) * random.uniform(0.5, 1.0)
            if waited + delay > policy.max_total_wait:
                budget = f"over the {policy.max_total_wait:.0f} s retry budget"
                if failure.status == 429:
                    raise describe(failure, number + 1, key_source, budget, wait=delay) from None
                raise describe(failure, number + 1, key_source, f"the server asked to wait {delay:.0f} s, {budget}") from None
            sleep(delay)
            waited += delay
    raise AssertionError("unreachable")
