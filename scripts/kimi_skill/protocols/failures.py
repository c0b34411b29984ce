"""Turn one failed HTTP attempt into the user's error: which exit code, and what to do next.

All three protocols put the human message at ``error.message`` (OpenAI ``{error: {...}}``,
Anthropic ``{type: error, error: {...}}``, Gemini ``{error: {code, message, status}}``); a proxy
may answer with HTML instead, so the body is never assumed to be JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ..errors import ConfigError, HTTPFailure, KimiError, RateLimited, RequestRefused, ServiceError
from ..untrusted import one_line


def server_message(body: bytes, content_type: str = "") -> str:
    """The server's own explanation, or a description of a body we cannot read."""
    try:
        data = json.loads(body)
    except RecursionError:
        return "JSON body nested too deeply to read"
    except ValueError:
        kind = content_type.split(";")[0].strip() or "unknown type"
        return f"non-JSON body ({one_line(kind, 60)})" if body.strip() else "empty body"
    if isinstance(data, list) and data and isinstance(data[0], dict):
        data = data[0]  # Gemini streams may wrap an error in an array
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return one_line(error["message"])
        if isinstance(error, str):
            return one_line(error)
        if isinstance(data.get("message"), str):
            return one_line(data["message"])
    return "JSON body without an error message"


def status_failure(status: int, headers: Mapping[str, str], body: bytes) -> HTTPFailure:
    message = server_message(body, headers.get("content-type", ""))
    return HTTPFailure(status=status, detail=f"HTTP {status}", headers=headers, server_message=message)


def describe(failure: HTTPFailure, attempts: int, key_source: str, note: str = "", wait: float | None = None) -> KimiError:
    """Pick the exit code and write the one line the user sees."""
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    note = f" ({note})" if note else ""
    status = failure.status
    said = f": {failure.server_message}" if failure.server_message else ""
    if status is None:
        return ServiceError(f"could not reach the API ({failure.detail}){tries}{note}; check the base URL and the network, then try again")
    if 300 <= status < 400:
        location = one_line(failure.headers.get("location", "") or "nowhere", 120)
        return ConfigError(
            f"the API answered with a redirect (HTTP {status} to {location}); redirects are refused so that "
            "the key is only ever sent to the configured base URL: check that the base URL is RunAPI's (https://runapi.ai/v1)"
        )
    if status in (401, 403):
        return RequestRefused(
            f"the API rejected the key from {key_source} (HTTP {status}{said}); "
            "check that it is a valid RunAPI key with access to this model",
            status,
            failure.server_message,
        )
    if status == 402:
        return RequestRefused(
            f"the account is out of credit (HTTP 402{said}); top it up on https://runapi.ai, then try again",
            status,
            failure.server_message,
        )
    if status == 429:
        advice = f"the server asked to wait {round(wait, 3):g} s: wait that long, then try again" if wait is not None else "wait a minute, then try again"
        limited = RateLimited(f"rate limited (HTTP 429{said}){tries}{note}; {advice}")
        limited.wait = wait
        return limited
    if status in (408, 409) or status >= 500:
        return ServiceError(f"the service failed (HTTP {status}{said}){tries}{note}; try again later")
    if status == 404:
        return RequestRefused(f"not found (HTTP 404{said})", status, failure.server_message)
    return RequestRefused(f"the API refused the request (HTTP {status}{said}); fix the request and try again", status, failure.server_message)
