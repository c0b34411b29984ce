"""Where the key and the base URL come from, and which pairings are refused.

The key is read from the environment only. ``OPENAI_API_KEY`` is also what a real OpenAI key
lives in, so it is only used when ``OPENAI_BASE_URL`` says where it goes: otherwise a user's
OpenAI key would silently be sent to RunAPI.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import ConfigError
from .redact import Secret

DEFAULT_BASE_URL = "https://runapi.ai/v1"
KIMI_MODELS = ("kimi-k2.6", "kimi-k2.5")
DEFAULT_MODEL = "kimi-k2.6"


@dataclass(frozen=True)
class Settings:
    key: Secret
    key_source: str
    base_url: str

    @property
    def origin(self) -> str:
        """``https://runapi.ai/v1`` gives ``https://runapi.ai``: the root of the other protocols."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str:
    """Return the base URL without its trailing slash, or refuse it with the reason."""
    url = url.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError:
        raise ConfigError(f"OPENAI_BASE_URL is not a valid URL; use {DEFAULT_BASE_URL}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(
            f"OPENAI_BASE_URL must be an http(s) URL with a host, like {DEFAULT_BASE_URL}"
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigError(
            "OPENAI_BASE_URL must not carry credentials (user:pass@); "
            "keep the key in RUNAPI_TOKEN"
        )
    if parts.query or parts.fragment:
        raise ConfigError(
            "OPENAI_BASE_URL must not carry a query string or fragment; "
            f"use a plain base URL like {DEFAULT_BASE_URL}"
        )
    if parts.scheme == "http" and not is_loopback(host):
        raise ConfigError(
            f"OPENAI_BASE_URL uses plain http:// to {host}, which would send the key unencrypted; "
            "use https:// (plain http is allowed only for loopback hosts)"
        )
    return url


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read the key and base URL once; every network path uses the result."""
    env = os.environ if environ is None else environ
    runapi_token = (env.get("RUNAPI_TOKEN") or "").strip()
    openai_key = (env.get("OPENAI_API_KEY") or "").strip()
    base = (env.get("OPENAI_BASE_URL") or "").strip()

    if runapi_token:
        key, source = runapi_token, "RUNAPI_TOKEN"
    elif openai_key:
        if not base:
            raise ConfigError(
                "OPENAI_API_KEY is set but OPENAI_BASE_URL is not, so this may be an OpenAI key: "
                f"if it is a RunAPI key set OPENAI_BASE_URL={DEFAULT_BASE_URL}, "
                "or put the RunAPI key in RUNAPI_TOKEN"
            )
        key, source = openai_key, "OPENAI_API_KEY"
    else:
        raise ConfigError(
            "no API key: set RUNAPI_TOKEN to your RunAPI key "
            "(get one at https://runapi.ai/api_keys)"
        )
    return Settings(key=Secret(key), key_source=source, base_url=check_base_url(base or DEFAULT_BASE_URL))
