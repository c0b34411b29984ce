"""``GET /v1/models``: which models the key can use (httpx only, so listing starts fast).

A body cut off mid-transfer is retried like any other transport failure: the request has no
side effects.
"""

from __future__ import annotations

from typing import Any

from ..config import Settings
from ..debug import DebugLog
from ..errors import ServiceError
from .guard import Limits
from .retry import RetryPolicy, call
from .transport import make_client, read_json


def fetch_models(settings: Settings, policy: RetryPolicy, limits: Limits, debug: DebugLog | None) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {settings.key.reveal()}", "Accept": "application/json"}
    client, _ = make_client(settings, limits, False, debug)
    with client:
        data = call(lambda: read_json(client, "GET", f"{settings.base_url}/models", headers, None, settings.host), policy, settings.key_source)
    models = data.get("data") if isinstance(data, dict) else None
    if not isinstance(models, list) or not all(isinstance(m, dict) and isinstance(m.get("id"), str) for m in models):
        raise ServiceError('the API sent a malformed model list (HTTP 200: expected {"data": [{"id": ...}]}); check the base URL')
    return models


def is_kimi(model_id: str) -> bool:
    return "kimi" in model_id.lower()
