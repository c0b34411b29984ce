"""Scripts: they parse, read only declared env vars, never take a key as a flag, and (with
``--run-scripts``) answer --help and fail cleanly without leaking what is in their environment."""

from __future__ import annotations

import ast
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile

from ..shapes import obj
from . import pysource, sandbox
from .check_manifest import as_list, frontmatter_env, manifest_env
from .skill import Skill

CREDENTIAL = re.compile(r"(^|_)(API_?KEY|TOKEN|SECRET|SECRET_KEY|PASSWORD|PASSWD|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?)$")
# A flag that takes a credential: api-key, token, secret, password, access-key... but not a key
# that names something (--sort-key, --idempotency-key, --s3-key, --key-file) or a bare --key/--auth
# (a lookup key, an auth method) or a token count.
KEY_FLAG = re.compile(r"^--?(?:[a-z0-9]+-)*(?:api-?key|apikey|access-key|secret-key|private-key|token|secret|password|passwd|passphrase|credentials?|bearer)$")
NOT_KEY_FLAG = re.compile(r"^--?(?:.*-)?(?:sort|partition|primary|foreign|idempotency|cache|lookup|object|s3|dedup|group|index|public|ssh|gpg|max|min|next|page|csrf|continuation|pagination|cursor|refresh-url|token-url|secret-name|secret-id)-")
# Variables the system, the shell or the agent host sets: reading them needs no declaration.
SYSTEM_ENV = re.compile(
    r"^(HOME|PATH|USER|USERNAME|LOGNAME|SHELL|PWD|OLDPWD|LANG|LANGUAGE|TERM|TZ|TMPDIR|TEMP|TMP|HOSTNAME|DISPLAY|EDITOR|VISUAL|"
    r"PAGER|COLUMNS|LINES|NO_COLOR|FORCE_COLOR|CI|DEBUG|VIRTUAL_ENV|CONDA_PREFIX|APPDATA|LOCALAPPDATA|USERPROFILE|SYSTEMROOT|"
    r"PROGRAMFILES|COMSPEC|SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|NODE_EXTRA_CA_CERTS|"
    r"(HTTPS?|ALL|NO|FTP)_PROXY|(https?|all|no|ftp)_proxy|LC_\w+|XDG_\w+|PYTHON\w*|GITHUB_\w+|RUNNER_\w+|"
    r"CLAUDE_\w+|CODEX_\w+|OPENCLAW_\w+|GEMINI_CLI_\w*|SKILL_DIR|SKILL_ROOT)$"
)


def declared_env(skill: Skill) -> dict[str, tuple[str, int]]:
    """Every declared env var -> (file, line) of its declaration."""
    declared = {name: ("SKILL.md", line) for name, (_, line) in frontmatter_env(skill).items()}
    for name, (_, line) in manifest_env(skill).items():
        declared.setdefault(name, ("skill.yaml", line))
    return declared


def check(skill: Skill) -> None:
    folder = skill.folder
    reads: dict[str, list[tuple[str, int, int]]] = {}
    for rel in folder.files:
        # what ships and runs; a package's own tests are not loaded by any host
        if not rel.endswith(".py") or rel.startswith(("tests/", "test/")) or "/tests/" in rel:
            continue
        text = folder.text(rel)
        if text is None:
            continue
        needs_ast = rel.startswith("scripts/") and any(word in text for word in pysource.NEEDS_AST)
        if not needs_ast and pysource.compiled_before(folder, rel):
            continue  # it parses (its bytecode proves it) and holds nothing the checks read
        if not pysource.parses(folder, rel):
            _syntax(skill, rel, text)
            continue
        found = pysource.facts(folder, rel)
        for read in found.env if found else ():
            reads.setdefault(read.name, []).append((rel, read.line, read.col))
        for flag in found.flags if found else ():
            if KEY_FLAG.match(flag.name) and not NOT_KEY_FLAG.match(flag.name + "-"):
                skill.add("key-flag", rel, flag.line, f"flag {flag.name} would put a key in argv and shell history; read it from an env var instead")
    _env(skill, reads)


def _env(skill: Skill, reads: dict[str, list[tuple[str, int, int]]]) -> None:
    declared = declared_env(skill)
    if not declared and not reads:
        return
    where = _env_manifest(skill)
    for name, places in sorted(reads.items()):
        if name in declared or SYSTEM_ENV.match(name):
            continue
        rel, line, col = places[0]
        if where is None:  # nothing declares env vars here: documenting the variable is what matters
            if name not in (skill.skill_md or ""):
                skill.add("env-unmentioned", rel, line, f"reads {name}, which SKILL.md never mentions; say when it must be set", col)
            continue
        skill.add("env-undeclared", rel, line, f"reads {name}, which {where} does not declare", col)
    for name, (rel, line) in sorted(declared.items()):
        if name not in reads:
            skill.add("env-unused", rel, line, f"{name} is declared but no script reads it")
    if not skill.targets_openclaw:
        return  # the OpenClaw injection hint is for skills written for OpenClaw
    block = skill.openclaw
    requires = obj(block.get("requires"))
    injectable = {str(n) for n in as_list(requires.get("env"))} | {str(block.get("primaryEnv"))}
    for name in sorted(set(declared) | {n for n in reads if not SYSTEM_ENV.match(n)}):
        if CREDENTIAL.search(name) and name not in injectable:
            rel, line = declared.get(name) or reads[name][0][:2]
            skill.add("env-not-injectable", rel, line, f"{name} looks like a credential but is neither primaryEnv nor in requires.env, so OpenClaw will not inject it from its config")


def _env_manifest(skill: Skill) -> str | None:
    """The place this skill declares its env vars in, named as its author knows it; None when
    it uses none (then no manifest should be pointed at, least of all ours)."""
    if skill.manifest_is_ours:
        return "skill.yaml's env list"
    metadata = skill.fm.get("metadata") if isinstance(skill.fm, dict) else None
    if isinstance(metadata, dict) and isinstance(metadata.get("openclaw") or metadata.get("clawdbot"), dict):
        return "SKILL.md's metadata.openclaw (requires.env or envVars)"
    return None


def _syntax(skill: Skill, rel: str, text: str) -> None:
    """A parse failure, unless it may be syntax newer than the interpreter running us."""
    try:
        ast.parse(text, filename=rel)
    except SyntaxError as exc:
        line = (text.split("\n")[(exc.lineno or 1) - 1] if exc.lineno else "").strip()
        newer = sys.version_info < (3, 14) and (
            (exc.msg or "").startswith("f-string") or re.match(r"^(type\s+\w+.*=|(async\s+)?def\s+\w+\[|class\s+\w+\[)", line) is not None
        )
        if newer:
            skill.add("python-newer-syntax", rel, exc.lineno or 1, f"could not be checked: it may use syntax newer than Python {sys.version_info.major}.{sys.version_info.minor} ({exc.msg})")
        else:
            skill.add("python-syntax", rel, exc.lineno or 1, f"does not parse: {exc.msg}", exc.offset or 1)
    except (ValueError, RecursionError) as exc:
        skill.add("python-syntax", rel, 1, f"does not parse: {type(exc).__name__}")


def _sandbox_env() -> dict[str, str]:
    """A minimal PATH and locale; HOME and TMPDIR are the sandbox's scratch folders."""
    return {
        "PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/bin", "/bin"]),
        "LANG": os.environ.get("LANG", "C.UTF-8"), "PYTHONDONTWRITEBYTECODE": "1",
    }


def _copy(skill: Skill, into: str) -> None:
    """The files the validator read, as regular files (no links), into the sandbox's copy."""
    for rel in skill.folder.files:
        source, target = skill.folder.root / rel, os.path.join(into, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(source, target, follow_symlinks=False)
        if os.access(source, os.X_OK):
            os.chmod(target, 0o755)


def run_scripts(skill: Skill, timeout: float = 60) -> None:
    """Run every listed script with --help, then once with canary env values and no network.

    This executes the skill's own code, so only inside bubblewrap (:mod:`.sandbox`): no network,
    a private copy of the skill as the only writable folder, homes hidden, no inherited
    environment, limits on time and memory (references/validator.md).
    """
    scripts = [s for s in as_list(skill.mf.get("scripts")) if isinstance(s, dict) and isinstance(s.get("path"), str)]
    if not scripts:
        scripts = [{"path": rel} for rel in skill.folder.files if rel.startswith("scripts/") and rel.count("/") == 1 and rel.endswith(".py")]
    codes = {int(k) for k in obj(skill.mf.get("exit_codes")) if str(k).isdigit()}
    canaries = {}
    for name in declared_env(skill):
        token = f"canary{secrets.token_hex(8)}"
        is_url = name.endswith(("_URL", "_BASE", "_ENDPOINT", "_HOST"))
        canaries[name] = f"http://127.0.0.1:9/{token}" if is_url else token
    for script in scripts:
        rel = script["path"].removeprefix("./")
        if not skill.folder.has(rel):
            continue
        inside = f"{sandbox.INSIDE}/{rel}"
        with tempfile.TemporaryDirectory() as scratch:  # whatever the script writes lands here, then goes
            _copy(skill, scratch)
            try:
                helped = sandbox.run(scratch, [sys.executable, inside, "--help"], _sandbox_env(), timeout)
            except subprocess.TimeoutExpired:
                skill.add("script-help", rel, 1, f"--help did not finish within {timeout:g} s")
                continue
            if helped.returncode != 0:
                skill.add("script-help", rel, 1, f"--help exited {helped.returncode}: {_last(helped.stderr)}")
            args = [str(a) for a in as_list(script.get("example_args"))]
            try:
                ran = sandbox.run(scratch, [sys.executable, inside, *args], _sandbox_env() | canaries, timeout, cwd=sandbox.HOME)
            except subprocess.TimeoutExpired:
                skill.add("script-traceback", rel, 1, f"with no network it did not finish within {timeout:g} s")
                continue
        output = ran.stdout + ran.stderr
        for name, value in canaries.items():
            token = value.rsplit("/", 1)[-1]
            if token in output and _secret(skill, name):
                skill.add("script-canary-leak", rel, 1, f"printed the value of {name} (a canary); never echo env values, mask them")
        lines = [line for line in ran.stderr.splitlines() if line.strip()]
        if "Traceback (most recent call last)" in ran.stderr:
            skill.add("script-traceback", rel, 1, f"failed with a traceback: {_last(ran.stderr)}")
        elif ran.returncode == 0:
            continue
        elif len(lines) != 1 or (codes and ran.returncode not in codes):
            skill.add("script-traceback", rel, 1, f"exit {ran.returncode} with {len(lines)} stderr lines; expected one error line and a documented exit code")


def _secret(skill: Skill, name: str) -> bool:
    """skill.yaml's ``secret`` flag when it gives one, else a credential-looking name: a base URL
    or a folder may be printed (doctor-style commands do), a key never."""
    for item in as_list(skill.mf.get("env")):
        if isinstance(item, dict) and item.get("name") == name and isinstance(item.get("secret"), bool):
            return bool(item["secret"])
    return CREDENTIAL.search(name) is not None


def _last(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else "no output")[:160]
