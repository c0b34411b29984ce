"""Where the key may come from, where it may be sent, and through which proxy: one table.

| key read from (first found wins)        | base URL used                                               |
|-----------------------------------------|-------------------------------------------------------------|
| ``RUNAPI_TOKEN``                        | ``RUNAPI_BASE_URL``; else ``OPENAI_BASE_URL`` if it names    |
| ``RUNAPI_API_KEY``                      | RunAPI or a loopback host; else ``https://runapi.ai/v1``     |
|                                         | (a warning when ``OPENAI_BASE_URL`` names another host: it   |
|                                         | is ignored for RunAPI keys)                                  |
| ``OPENAI_API_KEY``, only together with  | ``OPENAI_BASE_URL`` (it may hold a real OpenAI key, so it is |
| ``OPENAI_BASE_URL``                     | never sent anywhere else)                                    |
| ``apiKey`` in RunAPI's CLI config file   | ``RUNAPI_BASE_URL``; else ``baseUrl`` in that file; else     |
| ``$XDG_CONFIG_HOME/runapi/config.json`` | ``https://runapi.ai/v1``                                     |

A RunAPI key therefore only goes to RunAPI, to loopback, or to a host the user named in
``RUNAPI_BASE_URL`` (or RunAPI's own config file) on purpose; ``OPENAI_BASE_URL`` set for another
gateway never receives it. OpenClaw injects ``OPENAI_API_KEY`` + ``OPENAI_BASE_URL``, which keep
working as before. The config file (``~/.config/runapi/config.json`` when ``XDG_CONFIG_HOME`` is
unset, written 0600 by ``runapi auth import-token``) is read only when the environment holds no
key, only if it is a regular file (not a symlink) owned by the user with no permission for
group or others, and never written.

Proxies: loopback and plain-http URLs never use one; https URLs use ``HTTPS_PROXY`` (or
``ALL_PROXY``) unless ``NO_PROXY`` matches, as a CONNECT tunnel, so the key stays inside TLS.
"""

from __future__ import annotations

import ipaddress
import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .errors import ConfigError
from .redact import Secret

DEFAULT_BASE_URL = "https://runapi.ai/v1"
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


@dataclass(frozen=True)
class Settings:
    key: Secret
    key_source: str
    base_url: str
    base_source: str = "default"
    proxy: str | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def origin(self) -> str:
        """``https://runapi.ai/v1`` gives ``https://runapi.ai``: the root of the other protocols."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def host(self) -> str:
        parts = urlsplit(self.base_url)
        return parts.netloc.rpartition("@")[2]


def is_loopback(host: str) -> bool:
    """``localhost`` and loopback addresses. ``*.localhost`` names are not trusted as loopback:
    a resolver or /etc/hosts may send them anywhere."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_runapi(host: str) -> bool:
    return host == "runapi.ai" or host.endswith(".runapi.ai")


def check_base_url(url: str, name: str = "OPENAI_BASE_URL") -> str:
    """Return the base URL without its trailing slash, or refuse it with the reason."""
    url = url.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError:
        raise ConfigError(f"{name} is not a valid URL; use {DEFAULT_BASE_URL}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(f"{name} must be an http(s) URL with a host, like {DEFAULT_BASE_URL}")
    if parts.username is not None or parts.password is not None:
        raise ConfigError(f"{name} must not carry credentials (user:pass@); keep the key in RUNAPI_TOKEN")
    if parts.query or parts.fragment:
        raise ConfigError(f"{name} must not carry a query string or fragment; use a plain base URL like {DEFAULT_BASE_URL}")
    if parts.scheme == "http" and not is_loopback(host):
        raise ConfigError(
            f"{name} uses plain http:// to {host}, which would send the key unencrypted; "
            "use https:// (plain http is allowed only for loopback hosts)"
        )
    return url


def check_key(value: str, name: str) -> str:
    """A key is printable ASCII without spaces or quotes around it; anything else is a paste
    accident that would otherwise fail inside the HTTP library, possibly echoing the key."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        raise ConfigError(f"{name} is wrapped in quotes; set it to the key alone, without the quotes")
    for index, char in enumerate(value, 1):
        if ord(char) > 0x7E:
            raise ConfigError(
                f"{name} holds a non-ASCII character at position {index} (a typographic quote or a "
                "pasted symbol?); set it to the key exactly as shown on https://runapi.ai/api_keys"
            )
        if ord(char) < 0x21 or ord(char) == 0x7F:
            kind = "a space" if char == " " else "a control character (tab, CR, LF...)"
            raise ConfigError(f"{name} holds {kind} at position {index}; set it to the key alone, on one line")
    return value


def runapi_base(value: str, name: str = "RUNAPI_BASE_URL") -> str:
    """``RUNAPI_BASE_URL`` may be an origin (RunAPI's CLI form) or include ``/v1``."""
    url = check_base_url(value, name)
    return url if urlsplit(url).path not in ("", "/") else url + "/v1"


def _no_proxy_matches(host: str, port: int | None, no_proxy: str) -> bool:
    for entry in (item.strip().lower() for item in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, entry_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and port is not None and entry_port != str(port):
            continue
        name = name.lstrip(".").strip("[]")
        if host == name or host.endswith("." + name):
            return True
        try:
            if ipaddress.ip_address(host) in ipaddress.ip_network(name, strict=False):
                return True
        except ValueError:
            pass
    return False


def proxy_for(url: str, env: Mapping[str, str]) -> str | None:
    """The proxy an https request to ``url`` goes through, or None (see the module docstring)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or is_loopback(host):
        return None
    proxy = ""
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        proxy = (env.get(name) or "").strip()
        if proxy:
            break
    if not proxy:
        return None
    no_proxy = env.get("NO_PROXY") or env.get("no_proxy") or ""
    if _no_proxy_matches(host, parts.port or 443, no_proxy):
        return None
    if "://" not in proxy:
        proxy = "http://" + proxy
    scheme = proxy.split("://", 1)[0].lower()
    if scheme not in PROXY_SCHEMES:
        raise ConfigError(f"the proxy in HTTPS_PROXY/ALL_PROXY uses {scheme}://; use an http://, https:// or socks5:// proxy URL")
    return proxy


def runapi_config_path(env: Mapping[str, str]) -> str:
    config = env.get("XDG_CONFIG_HOME") or os.path.join(env.get("HOME") or os.path.expanduser("~"), ".config")
    return os.path.join(config, "runapi", "config.json")


def read_runapi_config(path: str) -> tuple[dict[str, str] | None, str | None]:
    """RunAPI's CLI config as {apiKey, baseUrl}, or (None, why it was not used; None when absent).

    Opened without following a symlink and checked on the open descriptor: a file another user
    owns, or that others can read or write, could leak the key or send it elsewhere."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        if os.path.islink(path):
            return None, "it is a symbolic link; replace it with the file itself, mode 0600"
        return None, f"it cannot be read ({exc.strerror})"
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None, "it is not a regular file"
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            return None, f"it is owned by another user (uid {info.st_uid}); only a file of your own is trusted with the key"
        if info.st_mode & 0o077:
            return None, f"its mode {stat.S_IMODE(info.st_mode):04o} lets others read or change it; run: chmod 600 {path}"
        raw = handle.read(65_536)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None, "it is not valid JSON"
    if not isinstance(data, dict) or not isinstance(data.get("apiKey"), str) or not data["apiKey"].strip():
        return None, "it holds no apiKey"
    base = data.get("baseUrl")
    return {"apiKey": data["apiKey"].strip(), **({"baseUrl": base} if isinstance(base, str) and base.strip() else {})}, None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the key, base URL and proxy once; every network path uses the result."""
    env = os.environ if environ is None else environ
    warnings: list[str] = []
    openai_base = (env.get("OPENAI_BASE_URL") or "").strip()
    runapi = (("RUNAPI_TOKEN", env.get("RUNAPI_TOKEN")), ("RUNAPI_API_KEY", env.get("RUNAPI_API_KEY")))
    for name, given in runapi:
        value = (given or "").strip()
        if value:
            key, source = check_key(value, name), name
            break
    else:
        openai_key = (env.get("OPENAI_API_KEY") or "").strip()
        if openai_key and openai_base:
            key = check_key(openai_key, "OPENAI_API_KEY")
            base = check_base_url(openai_base)
            return Settings(Secret(key), "OPENAI_API_KEY", base, "OPENAI_BASE_URL", proxy_for(base, env))
        path = runapi_config_path(env)
        stored, problem = read_runapi_config(path)
        if stored is None:
            unused = f"; {path} was not used: {problem}" if problem else ""
            if openai_key:
                raise ConfigError(
                    "OPENAI_API_KEY is set but OPENAI_BASE_URL is not, so this may be an OpenAI key: "
                    f"if it is a RunAPI key set OPENAI_BASE_URL={DEFAULT_BASE_URL}, "
                    f"or put the RunAPI key in RUNAPI_TOKEN{unused}"
                )
            raise ConfigError(f"no API key: set RUNAPI_TOKEN to your RunAPI key (get one at https://runapi.ai/api_keys){unused}")
        source = f"apiKey in {path}"
        key = check_key(stored.get("apiKey", ""), source)
        runapi_base_value = (env.get("RUNAPI_BASE_URL") or "").strip()
        if runapi_base_value:
            base, base_source = runapi_base(runapi_base_value), "RUNAPI_BASE_URL"
        elif stored.get("baseUrl"):
            base, base_source = runapi_base(stored["baseUrl"], f"baseUrl in {path}"), f"baseUrl in {path}"
        else:
            base, base_source = DEFAULT_BASE_URL, "default"
        return Settings(Secret(key), source, base, base_source, proxy_for(base, env))

    runapi_base_value = (env.get("RUNAPI_BASE_URL") or "").strip()
    if runapi_base_value:
        base, base_source = runapi_base(runapi_base_value), "RUNAPI_BASE_URL"
    elif openai_base:
        checked = check_base_url(openai_base)
        host = (urlsplit(checked).hostname or "").lower()
        if is_runapi(host) or is_loopback(host):
            base, base_source = checked, "OPENAI_BASE_URL"
        else:
            base, base_source = DEFAULT_BASE_URL, "default"
            warnings.append(
                f"OPENAI_BASE_URL names {host}, not RunAPI, so it is ignored for the RunAPI key in {source}; "
                "set RUNAPI_BASE_URL to send that key elsewhere on purpose"
            )
    else:
        base, base_source = DEFAULT_BASE_URL, "default"
    return Settings(Secret(key), source, base, base_source, proxy_for(base, env), tuple(warnings))
