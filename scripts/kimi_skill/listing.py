"""``GET /v1/models``: which models the key can use (httpx only, so listing starts fast)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from .config import Settings
from .debug import DebugLog
from .errors import ServiceError
from .retry import RetryPolicy, call
from .transport import make_client, open_response, transport_detail


def fetch_models(settings: Settings, policy: RetryPolicy, timeout: float, debug: DebugLog | None) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {settings.key.reveal()}", "Accept": "application/json"}
    with make_client(timeout, debug) as client:

        def attempt() -> bytes:
            response = open_response(client, "GET", f"{settings.base_url}/models", headers)
            try:
                return response.read()
            except httpx.TransportError as exc:
                raise ServiceError(f"the model list was cut off ({transport_detail(exc)}); try again") from None
            finally:
                response.close()

        content = call(attempt, policy, settings.key_source)
    try:
        data = json.loads(content)
        models = data["data"]
        if not isinstance(models, list) or not all(isinstance(m, dict) and isinstance(m.get("id"), str) for m in models):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise ServiceError(
            "the API sent a malformed model list (HTTP 200: expected {\"data\": [{\"id\": ...}]}); "
            "check OPENAI_BASE_URL"
        ) from None
    return models


def is_kimi(model_id: str) -> bool:
    return "kimi" in model_id.lower()
