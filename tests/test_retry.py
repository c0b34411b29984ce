"""The retry policy: what is retried, how long it waits, when it gives up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from kimi_skill.errors import HTTPFailure, RateLimited, RequestRefused, ServiceError, UsageError
from kimi_skill.protocols.retry import RetryPolicy, call, policy_from, retry_after


def failing(*failures):
    calls = []

    def attempt():
        calls.append(1)
        if len(calls) <= len(failures):
            raise failures[len(calls) - 1]
        return "ok"

    return attempt, calls


def test_retry_after_in_seconds():
    assert retry_after({"retry-after": "2"}) == 2.0


def test_retry_after_ms_wins():
    assert retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25


def test_retry_after_as_an_http_date():
    when = datetime.now(UTC) + timedelta(seconds=30)
    assert 25 < retry_after({"retry-after": format_datetime(when, usegmt=True)}) <= 30


def test_retry_after_garbage_is_ignored():
    assert retry_after({"retry-after": "soon"}) is None


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried(status):
    attempt, calls = failing(HTTPFailure(status, f"HTTP {status}"))
    waits = []
    assert call(attempt, RetryPolicy(), "RUNAPI_TOKEN", sleep=waits.append) == "ok"
    assert len(calls) == 2 and 0.25 <= waits[0] <= 0.5


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_never_retried(status):
    attempt, calls = failing(HTTPFailure(status, f"HTTP {status}"))
    with pytest.raises(RequestRefused):
        call(attempt, RetryPolicy(), "RUNAPI_TOKEN", sleep=lambda s: None)
    assert len(calls) == 1


def test_backoff_doubles_with_jitter():
    failures = [HTTPFailure(None, "refused")] * 3
    attempt, _ = failing(*failures)
    waits = []
    call(attempt, RetryPolicy(), "RUNAPI_TOKEN", sleep=waits.append)
    assert [0.25 <= waits[0] <= 0.5, 0.5 <= waits[1] <= 1.0, 1.0 <= waits[2] <= 2.0] == [True] * 3


def test_the_server_wait_is_honoured():
    attempt, _ = failing(HTTPFailure(429, "HTTP 429", {"retry-after": "7"}))
    waits = []
    call(attempt, RetryPolicy(), "RUNAPI_TOKEN", sleep=waits.append)
    assert waits == [7.0]


def test_a_wait_beyond_the_budget_gives_up_at_once():
    attempt, calls = failing(HTTPFailure(429, "HTTP 429", {"retry-after": "120"}, "slow down"))
    with pytest.raises(RateLimited) as caught:
        call(attempt, RetryPolicy(), "RUNAPI_TOKEN", sleep=lambda s: None)
    assert len(calls) == 1
    assert caught.value.exit_code == 6
    assert caught.value.message == (
        "rate limited (HTTP 429: slow down) (over the 60 s retry budget); the server asked to wait 120 s: wait that long, then try again"
    )


def test_max_retries_bounds_the_attempts():
    attempt, calls = failing(*[HTTPFailure(503, "HTTP 503")] * 9)
    with pytest.raises(ServiceError):
        call(attempt, RetryPolicy(max_retries=2), "RUNAPI_TOKEN", sleep=lambda s: None)
    assert len(calls) == 3


def test_flag_overrides_environment():
    assert policy_from(1, {"KIMI_MAX_RETRIES": "5"}).max_retries == 1
    assert policy_from(None, {"KIMI_MAX_RETRIES": "5"}).max_retries == 5
    assert policy_from(None, {}).max_retries == 3


def test_a_bad_environment_value_is_a_usage_error():
    with pytest.raises(UsageError) as caught:
        policy_from(None, {"KIMI_MAX_RETRIES": "many"})
    assert caught.value.message == "KIMI_MAX_RETRIES must be a whole number from 0 to 10"


def test_kimi_max_retries_reaches_the_scripts(run, emulator):
    emulator.inject("503:retry-after-ms=1", times=None)
    result = run("chat", "hello", KIMI_MAX_RETRIES="0")
    assert result.err == "error: the service failed (HTTP 503: emulated failure 503); try again later\n"
    assert len(emulator.state.requests) == 1
