"""Declared against actual: what a skill's code reaches that its documentation never mentions.

A person deciding whether to install a skill reads SKILL.md and its manifest. Code that reads
an environment variable, contacts a host or runs a program that none of those texts name is
doing something the person was not told about. Alone that is common and harmless (a helper
reads ``DEBUG``), so these findings are ``policy``: a reason to look, never a verdict on their
own. "Mentioned" is literal: the name anywhere in the skill's prose or manifests (any
Markdown or text file, ``skill.yaml``, ``package.json``, ``pyproject.toml``...) counts.

Each name is reported once per skill, at its first use, and at most :data:`PER_KIND` per kind,
so a large skill cannot bury its other findings under these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

PER_KIND = 5
PROSE = (".md", ".markdown", ".mdx", ".txt", ".rst", ".adoc", ".yaml", ".yml", ".json", ".toml", ".cfg")
CODE = (".py", ".sh", ".bash", ".zsh", ".js", ".mjs", ".cjs", ".ts", ".ps1", ".rb", ".pl")

ENV_READ = re.compile(
    r"os\.(?:environ\.get|getenv)\(\s*['\"]([A-Z][A-Z0-9_]{2,})['\"]|os\.environ\[\s*['\"]([A-Z][A-Z0-9_]{2,})['\"]\s*\]"
    r"|process\.env\.([A-Z][A-Z0-9_]{2,})\b|process\.env\[\s*['\"]([A-Z][A-Z0-9_]{2,})['\"]\s*\]"
    r"|\$\{([A-Z][A-Z0-9_]{2,})(?:[:}?=-])|\$env:([A-Z][A-Z0-9_]{2,})\b|(?<![\w$\\])\$([A-Z][A-Z0-9_]{2,})\b"
)
# Set by the shell, the system or every CI: nobody declares these.
COMMON_ENV = frozenset(
    "HOME PATH USER SHELL PWD OLDPWD TMPDIR TEMP TMP LANG LC_ALL TERM EDITOR VISUAL PAGER HOSTNAME LOGNAME UID EUID PPID RANDOM "
    "LINENO SECONDS BASH_SOURCE FUNCNAME PIPESTATUS IFS OSTYPE CI GITHUB_ACTIONS GITHUB_WORKSPACE GITHUB_OUTPUT GITHUB_ENV "
    "XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_RUNTIME_DIR NO_COLOR FORCE_COLOR COLUMNS LINES DEBUG VERBOSE "
    "NODE_ENV PYTHONPATH VIRTUAL_ENV CONDA_PREFIX APPDATA LOCALAPPDATA USERPROFILE PROGRAMFILES SYSTEMROOT COMSPEC".split()
)
URL = re.compile(r"\bhttps?://([A-Za-z0-9.-]+\.[A-Za-z]{2,})(?::\d+)?")
# A host counts when the line talks to the network, not when a string merely names it ($schema).
NETWORK = re.compile(
    r"requests\.|httpx\.|urlopen|urllib|fetch\(|axios|\bcurl\b|\bwget\b|Invoke-(?:WebRequest|RestMethod)|\bi(?:wr|rm)\b|https?\.(?:get|request)\("
    r"|\.(?:get|post|put|patch|delete|request)\(|base_?url|endpoint|api_?url|WebSocket|socket\.|connect\(",
    re.I,
)
LOCAL_HOSTS = re.compile(r"(?:^|\.)(?:localhost|example\.(?:com|org|net)|example|invalid|test|local)$", re.I)
RUNS = re.compile(
    r"subprocess\.(?:run|call|Popen|check_call|check_output)\(\s*\[\s*['\"]([\w.+-]+)['\"]|shutil\.which\(\s*['\"]([\w.+-]+)['\"]"
    r"|\b(?:execSync|execFileSync|spawnSync|spawn|execFile)\(\s*['\"]([\w.+-]+)"
)
COMMON_PROGRAMS = frozenset("python python3 sh bash node npm npx uv pip pip3 env true false echo cat ls".split())


@dataclass(frozen=True)
class Undeclared:
    kind: str  # "env", "endpoint", "program"
    name: str
    file: str
    line: int
    evidence: str


def _names(match: re.Match[str]) -> str:
    return next(group for group in match.groups() if group)


def _registrable(host: str) -> str:
    """The last two labels: ``api.github.com`` is declared by a mention of ``github.com``."""
    return ".".join(host.lower().split(".")[-2:])


def _named(host: str, prose: str) -> bool:
    """``api.github.com`` is declared by ``github.com`` or by the word "GitHub" in the prose."""
    domain = _registrable(host)
    label = domain.split(".")[0]
    return domain in prose or (len(label) >= 4 and re.search(rf"\b{re.escape(label)}\b", prose) is not None)


def undeclared(files: Iterable[tuple[str, str]]) -> Iterator[Undeclared]:
    """``files``: (relative path, text) of one skill. Yields what code uses and prose never names."""
    files = list(files)
    prose = "\n".join(text for rel, text in files if rel.lower().endswith(PROSE) or "." not in rel.rsplit("/", 1)[-1])
    prose_lower = prose.lower()
    seen: set[tuple[str, str]] = set()
    counts = {"env": 0, "endpoint": 0, "program": 0}
    for rel, text in files:
        if not rel.lower().endswith(CODE):
            continue
        lines = text.split("\n")
        for number, line in enumerate(lines, 1):
            if len(line) > 2000:
                continue  # generated or minified: not code a person wrote for this skill
            found: list[tuple[str, str]] = []
            found += [("env", _names(m)) for m in ENV_READ.finditer(line)]
            if NETWORK.search(line):
                found += [("endpoint", m.group(1).lower()) for m in URL.finditer(line)]
            found += [("program", _names(m)) for m in RUNS.finditer(line)]
            for kind, name in found:
                if (kind, name) in seen or counts[kind] >= PER_KIND:
                    continue
                seen.add((kind, name))
                if kind == "env" and (name in COMMON_ENV or name in prose):
                    continue
                if kind == "endpoint" and (LOCAL_HOSTS.search(name) or _named(name, prose_lower)):
                    continue
                if kind == "program" and (name in COMMON_PROGRAMS or name.lower() in prose_lower):
                    continue
                counts[kind] += 1
                yield Undeclared(kind, name, rel, number, line)
