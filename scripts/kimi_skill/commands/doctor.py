"""``doctor.py``: is this machine ready to delegate to Kimi? One line per check, in order.

Python and packages, the key (which source, masked), the base URL, reachability, the model list,
a 1-token call per protocol, usage on a stream, the store, and which installed hosts see the
skill. A check that fails prints its next step; checks that depend on it are skipped. The exit
code is the first failure's own (3 configuration, 4 refused, 5 unreachable, ...), 0 when every
check passed. ``--offline`` stops before the network.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import catalog
from ..args import OneLineParser
from ..errors import CONFIG, KimiError, RequestRefused, exit_codes_epilog
from ..untrusted import dumps, for_line
from .common import ENVIRONMENT, fail, positive_float

PACKAGES = ("openai", "httpx", "httpx-sse", "jsonschema-rs")  # what chat.py and stream.py import
OPTIONAL = ("pyyaml", "markdown-it-py", "pyahocorasick")  # the validator's


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="doctor.py",
        description="Check that Kimi through RunAPI works from here: packages, key, base URL, network, every protocol, store, hosts.",
        epilog=f"{ENVIRONMENT}\n{exit_codes_epilog()} doctor exits with the first failing check's code.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--offline", action="store_true", help="skip the checks that use the network")
    p.add_argument("--model", help=f"model for the test calls (default {catalog.DEFAULT_MODEL} or ${catalog.DEFAULT_ENV})")
    p.add_argument("--json", action="store_true", help="print one JSON object with every check")
    p.add_argument("--timeout", type=positive_float, default=20.0, metavar="SECONDS", help="longest wait for each network check (default 20)")
    return p


@dataclass
class Check:
    name: str
    status: str  # ok, fail, skip, note
    detail: str
    code: int = 0
    next: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"check": self.name, "status": self.status, "detail": self.detail, "exit_code": self.code, "next": self.next or None}


@dataclass
class Doctor:
    json: bool
    checks: list[Check] = field(default_factory=list)

    def add(self, check: Check) -> Check:
        self.checks.append(check)
        if not self.json:
            label = {"ok": "ok", "fail": "FAIL", "skip": "skip", "note": "note"}[check.status]
            sys.stdout.write(f"{label:<5} {check.name}: {for_line(check.detail)}\n")
            if check.next:
                sys.stdout.write(f"      next: {for_line(check.next)}\n")
            sys.stdout.flush()
        return check

    def run(self, name: str, action: Callable[[], Check]) -> Check:
        try:
            return self.add(action())
        except KimiError as exc:
            return self.add(Check(name, "fail", exc.message, exc.exit_code, _next_step(exc)))

    @property
    def first_failure(self) -> Check | None:
        return next((c for c in self.checks if c.status == "fail"), None)


def _next_step(exc: KimiError) -> str:
    if isinstance(exc, RequestRefused) and exc.status in (401, 403):
        return "set RUNAPI_TOKEN to a valid key from https://runapi.ai/api_keys (in the environment, never on a command line)"
    if isinstance(exc, RequestRefused) and exc.status == 402:
        return "top up the account on https://runapi.ai"
    if exc.exit_code == 5:
        return "check the network, a proxy (HTTPS_PROXY/NO_PROXY) and the base URL, then run doctor again"
    return ""


def check_python() -> Check:
    from importlib import metadata

    found, absent = [], []
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            absent.append(name)
    version = ".".join(map(str, sys.version_info[:3]))
    if absent:
        from ..deps import CLIENT

        specs = " ".join(f"'{spec}'" for spec in CLIENT)
        return Check("python", "fail", f"Python {version}; missing: {', '.join(absent)}", CONFIG, f"python3 -m pip install {specs}  (or run the scripts with uv run)")
    return Check("python", "ok", f"Python {version} with {', '.join(found)}")


def masked(key: str) -> str:
    shown = key[:4] if len(key) >= 16 else ""
    return f"{shown}…, {len(key)} characters"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    doctor = Doctor(args.json)
    python = doctor.add(check_python())
    settings = None
    try:
        from ..config import load_settings

        settings = load_settings()
        notes = f"; {'; '.join(settings.warnings)}" if settings.warnings else ""
        doctor.add(Check("key", "ok", f"from {settings.key_source}: {masked(settings.key.reveal())}{notes}"))
        doctor.add(_base_url(settings))
    except KimiError as exc:
        step = "set RUNAPI_TOKEN in the environment or the agent's secret settings (never on a command line)"
        doctor.add(Check("key", "fail", exc.message, exc.exit_code, step))
        doctor.add(Check("base URL", "skip", "no usable key, so no base URL was chosen"))
    model = args.model or catalog.default_model()[0]
    network = settings is not None and python.status == "ok" and not args.offline
    if network:
        _network_checks(doctor, settings, model, args.timeout)
    else:
        why = "--offline" if args.offline else "an earlier check failed"
        for name in ("reachable", "models", *(f"call {p}" for p in _protocols()), "stream usage"):
            doctor.add(Check(name, "skip", why))
    doctor.run("store", _store)
    doctor.add(_hosts())
    failure = doctor.first_failure
    code = failure.code if failure else 0
    if args.json:
        sys.stdout.write(dumps({"checks": [c.as_json() for c in doctor.checks], "exit_code": code}) + "\n")
    else:
        passed = sum(c.status in ("ok", "note") for c in doctor.checks)
        summary = f"all {passed} checks passed" if failure is None else f"first failure: {failure.name} (exit {code})"
        sys.stdout.write(f"doctor: {summary}\n")
    sys.stdout.flush()
    if failure is not None:
        fail(f"{failure.name}: {failure.detail}" + (f"; next: {failure.next}" if failure.next else ""), code)
    return code


def _protocols() -> tuple[str, ...]:
    from ..protocols import PROTOCOLS

    return PROTOCOLS


def _base_url(settings: Any) -> Check:
    from ..config import is_loopback, is_runapi

    host = settings.host.rsplit(":", 1)[0].strip("[]").lower()
    kind = "RunAPI" if is_runapi(host) else "loopback, an emulator or a local proxy" if is_loopback(host) else "not RunAPI"
    return Check("base URL", "ok" if kind != "not RunAPI" else "note", f"{settings.base_url}: {kind}, from {settings.base_source}")


def _network_checks(doctor: Doctor, settings: Any, model: str, timeout: float) -> None:
    from ..protocols.guard import Limits
    from ..protocols.listing import fetch_models
    from ..protocols.retry import RetryPolicy

    policy, limits = RetryPolicy(max_retries=1, max_total_wait=5), Limits(idle_timeout=timeout)
    started = time.monotonic()
    try:
        listed = [m["id"] for m in fetch_models(settings, policy, limits, None)]
    except KimiError as exc:
        if exc.exit_code == 5 and exc.message.startswith("could not reach"):
            doctor.add(Check("reachable", "fail", exc.message, exc.exit_code, _next_step(exc)))
            for name in ("models", *(f"call {p}" for p in _protocols()), "stream usage"):
                doctor.add(Check(name, "skip", "the API could not be reached"))
            return
        doctor.add(Check("reachable", "ok", f"{settings.host} answered in {(time.monotonic() - started) * 1000:.0f} ms"))
        doctor.add(Check("models", "fail", exc.message, exc.exit_code, _next_step(exc)))
        for name in (*(f"call {p}" for p in _protocols()), "stream usage"):
            doctor.add(Check(name, "skip", "the model list failed"))
        return
    doctor.add(Check("reachable", "ok", f"{settings.host} answered in {(time.monotonic() - started) * 1000:.0f} ms"))
    known = [m.id for m in catalog.MODELS]
    missing = [m for m in known if m not in listed]
    if model not in listed:
        doctor.add(Check("models", "fail", f"{model} is not in the model list for this key (listed: {', '.join(m for m in known if m in listed) or 'no Kimi model'})", 4, "pass --model with a listed model, or set KIMI_SKILL_MODEL"))
        for name in (*(f"call {p}" for p in _protocols()), "stream usage"):
            doctor.add(Check(name, "skip", f"{model} is not listed"))
        return
    detail = f"{', '.join(m for m in known if m in listed)} listed" + (f"; not listed: {', '.join(missing)}" if missing else "")
    doctor.add(Check("models", "ok" if not missing else "note", detail))
    for protocol in _protocols():
        doctor.run(f"call {protocol}", functools.partial(_one_token, settings, model, protocol, False, policy, limits))
    doctor.run("stream usage", lambda: _one_token(settings, model, "openai", True, policy, limits))


def _one_token(settings: Any, model: str, protocol: str, streaming: bool, policy: Any, limits: Any) -> Check:
    """A 1-token call through the same request path as chat.py (guard included)."""
    from .. import boundary
    from ..events import Done, Text, Usage
    from ..protocols import caller
    from ..request import single

    options = boundary.resolve(model, thinking=None, temperature=None, max_tokens=1, schema=False)
    request = single("Reply with OK.", model, max_tokens=options.max_tokens)
    name = "stream usage" if streaming else f"call {protocol}"
    usage, done, chars = None, None, 0
    try:
        for event in caller(protocol, streaming)(settings, request, policy, limits, None):
            if isinstance(event, Usage):
                usage = event
            elif isinstance(event, Done):
                done = event
            elif isinstance(event, Text) and event.kind == "content":
                chars += len(event.text)
    except RequestRefused as exc:
        if exc.status == 400:
            return Check(name, "fail", boundary.moved(model, protocol, exc.status, exc.server_message), exc.exit_code, "update kimi-skill; meanwhile use a protocol whose check passed (--protocol)")
        raise
    if streaming:
        if usage is None:
            return Check(name, "fail", "the stream carried no usage report (stream_options.include_usage was sent)", 5, "token counts will be missing from --usage and history; report it to RunAPI")
        return Check(name, "ok", f"present ({usage.completion_tokens} completion tokens)")
    finish = done.finish_reason if done else None
    return Check(name, "ok", f"{model} answered (finish_reason {finish}, {usage.completion_tokens if usage else '?'} token, {chars} characters)")


def _store() -> Check:
    from ..store import Store, disabled

    if disabled():
        return Check("store", "note", "disabled by KIMI_SKILL_NO_STORE: no history, no --continue, no --background")
    def write_lock(conn: Any) -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")

    store = Store.open()
    try:
        store.run(write_lock)
    finally:
        store.close()
    modes = f"{os.stat(store.path.parent).st_mode & 0o777:04o}/{os.stat(store.path).st_mode & 0o777:04o}"
    return Check("store", "ok", f"{store.path} is writable and private ({modes})")


HOST_FOLDERS = (
    ("claude-code", "~/.claude/skills"),
    ("codex", "$CODEX_HOME/skills"),
    ("gemini-cli", "~/.gemini/skills"),
    ("codex, gemini-cli, skills", "~/.agents/skills"),
    ("openclaw", "~/.openclaw/skills"),
)


def _hosts() -> Check:
    """Installed copies of this skill in the folders each host reads (informational)."""
    found: list[str] = []
    codex_home = os.environ.get("CODEX_HOME") or os.path.expanduser("~/.codex")
    for host, folder in HOST_FOLDERS:
        root = Path(os.path.expanduser(folder.replace("$CODEX_HOME", codex_home)))
        try:
            entries = sorted(root.iterdir()) if root.is_dir() else []
        except OSError:
            continue
        for entry in entries:
            if (entry / "SKILL.md").is_file() and (entry / "scripts" / "kimi_skill").is_dir():
                found.append(f"{host} ({entry})")
    plugins = Path(os.path.expanduser("~/.claude/plugins"))
    if plugins.is_dir() and any(any(plugins.glob(depth + "scripts/kimi_skill")) for depth in ("*/*/", "*/*/*/", "*/*/*/*/")):
        found.append("claude-code (a plugin)")
    if found:
        return Check("hosts", "ok", "the skill is installed for " + ", ".join(found))
    return Check("hosts", "note", "no host folder holds this skill yet: see references/install.md (the scripts also run from any checkout)")
