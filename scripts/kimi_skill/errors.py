"""Exit codes and the error types that carry them.

Every failure a user can cause or meet is one of these; the CLI prints its message as a single
``error:`` line and exits with its code, so an agent can branch on the code without parsing text.
Codes only grow: a new situation gets a new number and an old number never changes meaning
(``references/cli.md``, SKILL.md and skill.yaml list them; a test keeps the four in step).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

OK = 0
USAGE = 2
CONFIG = 3
REFUSED = 4
SERVICE = 5
RATE_LIMITED = 6
SCHEMA_FAILED = 7
NO_ANSWER = 8
JOB_RUNNING = 9
JOB_CANCELLED = 10
JOB_DIED = 11
OUTPUT_FAILED = 12
REVIEW_FINDINGS = 13
BATCH_ITEMS_FAILED = 14
INTERRUPTED = 130

EXIT_CODES: dict[int, str] = {
    OK: "ok",
    USAGE: "usage error",
    CONFIG: "configuration error (key, base URL, proxy, missing package, unreadable store)",
    REFUSED: "the API refused the request (key, credit, model, request)",
    SERVICE: "the service failed or could not be reached",
    RATE_LIMITED: "rate limited after retries: wait, then try again",
    SCHEMA_FAILED: "the answer did not match --schema after the re-asks",
    NO_ANSWER: "the token limit ran out during reasoning: no answer",
    JOB_RUNNING: "the background job is still running",
    JOB_CANCELLED: "the background job was cancelled",
    JOB_DIED: "the background job's worker died",
    OUTPUT_FAILED: "the answer could not be written (stdout or --output)",
    REVIEW_FINDINGS: "review.py: a finding at or above --fail-on",
    BATCH_ITEMS_FAILED: "batch.py: some items failed (the others are done)",
    INTERRUPTED: "interrupted",
}


def exit_codes_epilog() -> str:
    """The one-line-per-code summary every ``--help`` ends with."""
    listed = ", ".join(f"{code} {meaning.split(' (')[0]}" for code, meaning in EXIT_CODES.items())
    return f"exit codes: {listed}. Errors are one 'error:' line on stderr."


class KimiError(Exception):
    """A failure with a user-facing one-line message and a documented exit code."""

    exit_code = SERVICE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(KimiError):
    exit_code = USAGE


class ConfigError(KimiError):
    exit_code = CONFIG


class RequestRefused(KimiError):
    """The API answered and said no (4xx other than the retryable ones)."""

    exit_code = REFUSED

    def __init__(self, message: str, status: int | None = None, server_message: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.server_message = server_message


class ServiceError(KimiError):
    """The service failed, could not be reached, or answered with something unreadable."""

    exit_code = SERVICE


class RateLimited(ServiceError):
    """429 after every retry: the agent should wait rather than give up."""

    exit_code = RATE_LIMITED
    wait: float | None = None  # seconds the server asked for


class SchemaFailed(KimiError):
    exit_code = SCHEMA_FAILED


class NoAnswer(KimiError):
    exit_code = NO_ANSWER


class OutputFailed(KimiError):
    exit_code = OUTPUT_FAILED


@dataclass
class HTTPFailure(Exception):
    """A raw failure of one attempt, before the retry policy decides what it means.

    ``status`` is None for transport failures (refused, reset, timeout).
    """

    status: int | None
    detail: str
    headers: Mapping[str, str] = field(default_factory=dict)
    server_message: str | None = None
    retryable: bool = True  # transport failures only: a read timeout is not retried

    def __str__(self) -> str:
        return self.detail


class StreamBroken(ServiceError):
    """A stream that had started ended badly; the CLI says how much text the user already has."""

    def __init__(self, detail: str, status: int = 200) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
