"""Where a skill folder sits: the unit a host installs it with, and the hosts it is written for.

A skill inside a Claude Code or Codex plugin is installed with its plugin (a link from the skill
to a file elsewhere in the plugin resolves once installed); a skill with ``metadata.openclaw``
is written for OpenClaw; ``agents/openai.yaml`` or a Codex plugin says Codex. Without any of
these, the hosts that load a skill folder as it is (Claude Code, Codex, OpenClaw) are its
targets. The open format's validator (skills-ref) is a target only when asked for.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

RUNTIME = ("claude-code", "codex", "openclaw")
PLUGIN_MANIFESTS = {
    ".claude-plugin/plugin.json": "claude-code", ".claude-plugin/marketplace.json": "claude-code",
    ".codex-plugin/plugin.json": "codex", ".agents/plugins/marketplace.json": "codex",
}
MAX_UP = 6


@dataclass
class Unit:
    root: Path | None = None  # the plugin (or marketplace) folder installed as a whole
    hosts: dict[str, str] = field(default_factory=dict)  # host -> why the folder says it is for it


def find(path: str) -> Unit:
    """Look from the skill folder up (at most six levels, not past a repository's root) for a
    plugin or marketplace manifest."""
    unit = Unit()
    here = Path(os.path.realpath(path))
    for depth, folder in enumerate([here, *here.parents][: MAX_UP + 1]):
        for manifest, host in PLUGIN_MANIFESTS.items():
            if (folder / manifest).is_file():
                shown = manifest if depth == 0 else os.path.relpath(folder / manifest, here)
                unit.hosts.setdefault(host, f"a {'Claude Code' if host == 'claude-code' else 'Codex'} plugin ({shown})")
                if unit.root is None:
                    unit.root = folder
        if (folder / ".git").exists():
            break
    if (here / "agents" / "openai.yaml").is_file():
        unit.hosts.setdefault("codex", "agents/openai.yaml")
    return unit
