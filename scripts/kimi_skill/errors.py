"""Exit codes and the error types that carry them.

Every failure a user can cause or meet is one of these; the CLI prints its message as a single
``error:`` line and exits with its code, so an agent can branch on the code without parsing text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

OK = 0
USAGE = 2
CONFIG = 3
REFUSED = 4
SERVICE = 5
INTERRUPTED = 130


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

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ServiceError(KimiError):
    """The service failed, could not be reached, or answered with something unreadable."""

    exit_code = SERVICE


@dataclass
class HTTPFailure(Exception):
    """A raw failure of one attempt, before the retry policy decides what it means.

    ``status`` is None for transport failures (refused, reset, timeout).
    """

    status: int | None
    detail: str
    headers: Mapping[str, str] = field(default_factory=dict)
    server_message: str | None = None

    def __str__(self) -> str:
        return self.detail


class StreamBroken(ServiceError):
    """A stream that had started ended badly; the CLI says how much text the user already has."""

    def __init__(self, detail: str, status: int = 200) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
