"""Where the key and base URL come from, and which combinations are refused before any request."""

from __future__ import annotations

import os

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


# RunAPI's own CLI config file -------------------------------------------------------------------

def write_config(home, body: str, mode: int = 0o600):
    folder = home / "runapi"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.json"
    path.write_text(body)
    path.chmod(mode)
    return path


def test_the_runapi_config_file_is_used_when_the_environment_has_no_key(tmp_path):
    path = write_config(tmp_path, '{"apiKey": "rk-from-file-123456", "baseUrl": "https://eu.runapi.ai"}')
    settings = load_settings({"XDG_CONFIG_HOME": str(tmp_path)})
    assert (settings.key.reveal(), settings.key_source) == ("rk-from-file-123456", f"apiKey in {path}")
    assert (settings.base_url, settings.base_source) == ("https://eu.runapi.ai/v1", f"baseUrl in {path}")


def test_a_key_in_the_environment_wins_over_the_config_file(tmp_path):
    write_config(tmp_path, '{"apiKey": "rk-from-file-123456"}')
    assert load_settings({"XDG_CONFIG_HOME": str(tmp_path), "RUNAPI_TOKEN": "rk-env-1234567"}).key_source == "RUNAPI_TOKEN"


def test_an_openai_key_without_a_base_url_does_not_hide_the_config_file(tmp_path):
    write_config(tmp_path, '{"apiKey": "rk-from-file-123456"}')
    settings = load_settings({"XDG_CONFIG_HOME": str(tmp_path), "OPENAI_API_KEY": "sk-openai-123456"})
    assert (settings.key.reveal(), settings.base_url) == ("rk-from-file-123456", "https://runapi.ai/v1")


def test_runapi_base_url_wins_over_the_files_base_url(tmp_path):
    write_config(tmp_path, '{"apiKey": "rk-from-file-123456", "baseUrl": "https://eu.runapi.ai"}')
    settings = load_settings({"XDG_CONFIG_HOME": str(tmp_path), "RUNAPI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert (settings.base_url, settings.base_source) == ("http://127.0.0.1:9/v1", "RUNAPI_BASE_URL")


def test_the_config_file_lives_under_home_dot_config_by_default(tmp_path):
    write_config(tmp_path / ".config", '{"apiKey": "rk-from-file-123456"}')
    assert load_settings({"HOME": str(tmp_path)}).key.reveal() == "rk-from-file-123456"


def test_a_config_file_others_can_read_is_not_used_and_the_error_says_chmod_600(tmp_path):
    path = write_config(tmp_path, '{"apiKey": "rk-from-file-123456"}', 0o644)
    with pytest.raises(ConfigError) as caught:
        load_settings({"XDG_CONFIG_HOME": str(tmp_path)})
    assert caught.value.message == (
        "no API key: set RUNAPI_TOKEN to your RunAPI key (get one at https://runapi.ai/api_keys); "
        f"{path} was not used: its mode 0644 lets others read or change it; run: chmod 600 {path}"
    )


def test_a_symlinked_config_file_is_not_followed(tmp_path):
    real = tmp_path / "elsewhere.json"
    real.write_text('{"apiKey": "rk-from-file-123456"}')
    real.chmod(0o600)
    (tmp_path / "runapi").mkdir()
    (tmp_path / "runapi" / "config.json").symlink_to(real)
    with pytest.raises(ConfigError) as caught:
        load_settings({"XDG_CONFIG_HOME": str(tmp_path)})
    assert caught.value.message.endswith("was not used: it is a symbolic link; replace it with the file itself, mode 0600")


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_config_file_owned_by_another_user_is_not_used(tmp_path):
    path = write_config(tmp_path, '{"apiKey": "rk-from-file-123456"}')
    os.chown(path, 65534, 65534)
    with pytest.raises(ConfigError) as caught:
        load_settings({"XDG_CONFIG_HOME": str(tmp_path)})
    assert caught.value.message.endswith("was not used: it is owned by another user (uid 65534); only a file of your own is trusted with the key")


def test_a_plain_http_base_url_in_the_config_file_is_refused(tmp_path):
    path = write_config(tmp_path, '{"apiKey": "rk-from-file-123456", "baseUrl": "http://evil.example"}')
    with pytest.raises(ConfigError) as caught:
        load_settings({"XDG_CONFIG_HOME": str(tmp_path)})
    assert caught.value.message.startswith(f"baseUrl in {path} uses plain http:// to evil.example")


def test_the_config_file_is_never_written(tmp_path):
    path = write_config(tmp_path, '{"apiKey": "rk-from-file-123456"}')
    before = (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_mode)
    load_settings({"XDG_CONFIG_HOME": str(tmp_path)})
    assert (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_mode) == before


def test_a_chat_call_uses_the_config_file_key_against_the_emulator(tmp_path, emulator):
    from conftest import TEST_KEY, base_env, run_script

    write_config(tmp_path, f'{{"apiKey": "{TEST_KEY}", "baseUrl": "{emulator.base_url}"}}')
    result = run_script("chat", "hello", env=base_env(XDG_CONFIG_HOME=str(tmp_path), KIMI_SKILL_HOME=str(tmp_path / "state")))
    assert (result.code, result.out, result.err) == (0, "You said: hello\n", "")
