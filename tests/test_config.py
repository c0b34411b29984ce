"""Where the key and base URL come from, and which combinations are refused before any request."""

from __future__ import annotations

import pytest

from kimi_skill.config import load_settings
from kimi_skill.errors import ConfigError
from kimi_skill.redact import Secret, mask_header, scrub


def test_runapi_token_is_preferred_over_openai_api_key():
    settings = load_settings({"RUNAPI_TOKEN": "rk-one-123456", "OPENAI_API_KEY": "rk-two-123456"})
    assert (settings.key.reveal(), settings.key_source, settings.base_url) == ("rk-one-123456", "RUNAPI_TOKEN", "https://runapi.ai/v1")


def test_origin_drops_the_version_path():
    assert load_settings({"RUNAPI_TOKEN": "rk-123456"}).origin == "https://runapi.ai"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/v1", "http://localhost/v1", "http://[::1]:9/v1", "https://runapi.ai/v1/"])
def test_accepted_base_urls(url):
    assert load_settings({"RUNAPI_TOKEN": "rk-123456", "OPENAI_BASE_URL": url}).base_url == url.rstrip("/")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://runapi.ai/v1", "OPENAI_BASE_URL uses plain http:// to runapi.ai, which would send the key unencrypted; use https:// (plain http is allowed only for loopback hosts)"),
        ("https://user:pass@runapi.ai/v1", "OPENAI_BASE_URL must not carry credentials (user:pass@); keep the key in RUNAPI_TOKEN"),
        ("https://runapi.ai/v1?key=abc", "OPENAI_BASE_URL must not carry a query string or fragment; use a plain base URL like https://runapi.ai/v1"),
        ("ftp://runapi.ai/v1", "OPENAI_BASE_URL must be an http(s) URL with a host, like https://runapi.ai/v1"),
        ("https://runapi.ai:99999/v1", "OPENAI_BASE_URL is not a valid URL; use https://runapi.ai/v1"),
    ],
)
def test_refused_base_urls(url, message):
    with pytest.raises(ConfigError) as caught:
        load_settings({"RUNAPI_TOKEN": "rk-123456", "OPENAI_BASE_URL": url})
    assert caught.value.message == message


def test_a_blank_key_counts_as_no_key():
    with pytest.raises(ConfigError):
        load_settings({"RUNAPI_TOKEN": "   "})


def test_the_key_never_renders_itself():
    secret = Secret("rk-secret-value-1")
    assert (repr(secret), str(secret), f"{secret}", f"{secret!r}") == ("Secret(****)",) * 4
    assert "rk-secret-value-1" not in repr(load_settings({"RUNAPI_TOKEN": "rk-secret-value-1"}))


def test_scrub_masks_every_key_read():
    Secret("rk-echoed-key-42")
    assert scrub("server said: bad key rk-echoed-key-42!") == "server said: bad key ****!"


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [("Authorization", "Bearer abc123456", "Bearer ****"), ("x-api-key", "abc123456", "****"), ("X-Goog-Api-Key", "abc123456", "****"), ("accept", "text/plain", "text/plain")],
)
def test_debug_masks_credential_headers(name, value, shown):
    assert mask_header(name, value) == shown
