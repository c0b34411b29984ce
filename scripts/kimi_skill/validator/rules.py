"""Every rule the validator knows: a stable id, a level and a one-line summary.

Checks refer to rules by id only; ``references/validator.md`` documents each one, and a test
keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning", "note"]


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    summary: str


_RULES = [
    # the folder and its files
    Rule("path-missing", "error", "a path given to the validator does not exist or holds no SKILL.md"),
    Rule("file-unreadable", "error", "a file could not be read"),
    Rule("symlink-escape", "error", "a symbolic link points outside the skill folder (not followed)"),
    Rule("file-too-large", "warning", "a text file is too large to check in full"),
    Rule("skill-md-encoding", "error", "SKILL.md is not valid UTF-8"),
    # frontmatter
    Rule("frontmatter-missing", "error", "SKILL.md does not start with a --- frontmatter block"),
    Rule("frontmatter-unclosed", "error", "the frontmatter block has no closing --- line"),
    Rule("frontmatter-yaml", "error", "the frontmatter is not valid YAML"),
    Rule("frontmatter-not-mapping", "error", "the frontmatter is not a mapping of keys to values"),
    Rule("frontmatter-duplicate-key", "error", "a key appears twice in one mapping (often flattened nesting)"),
    Rule("frontmatter-alias", "error", "YAML anchors and aliases are not allowed (strict parsers reject them; they can expand without bound)"),
    Rule("frontmatter-flow-style", "error", "flow collections ({...} or [...]) are rejected by strict parsers such as skills-ref"),
    Rule("frontmatter-schema", "error", "a frontmatter field has the wrong type or value"),
    Rule("name-format", "error", "name is not 1-64 lowercase letters, digits and single hyphens"),
    Rule("name-folder-mismatch", "error", "name differs from the skill folder's name"),
    Rule("description-length", "error", "description is empty or longer than 1024 characters"),
    Rule("description-when", "warning", "description does not say when to use the skill"),
    Rule("unknown-key", "warning", "a top-level frontmatter key outside the open Agent Skills format"),
    # skill.yaml
    Rule("manifest-yaml", "error", "skill.yaml is not valid YAML or not a mapping"),
    Rule("manifest-schema", "error", "skill.yaml does not match its schema"),
    Rule("manifest-mismatch", "error", "skill.yaml and SKILL.md disagree (name, description, version, links)"),
    Rule("env-mismatch", "error", "an env var is declared in one manifest and not the other, or with another required flag"),
    Rule("primary-env-not-required", "error", "primaryEnv is not a required env var"),
    Rule("script-missing", "error", "skill.yaml lists a script that does not exist"),
    # scripts
    Rule("python-syntax", "error", "a Python file does not parse"),
    Rule("env-undeclared", "error", "a script reads an env var that no manifest declares"),
    Rule("env-unused", "warning", "a declared env var is never read by the scripts"),
    Rule("env-not-injectable", "warning", "a credential env var is neither primaryEnv nor in requires.env, so OpenClaw will not inject it"),
    Rule("key-flag", "error", "a script defines a command-line flag that takes a key"),
    Rule("script-help", "error", "a script's --help does not exit 0 without network (--run-scripts)"),
    Rule("script-canary-leak", "error", "a script printed the value of a declared env var (--run-scripts)"),
    Rule("script-traceback", "error", "a script failed with a traceback or undocumented output (--run-scripts)"),
    # documentation
    Rule("command-unknown-script", "error", "a documented command names a script that does not exist"),
    Rule("command-unknown-flag", "error", "a documented command uses a flag the script does not define"),
    Rule("link-broken", "error", "a relative link does not resolve to a file in the package"),
    Rule("code-python", "error", "a fenced python block does not parse"),
    Rule("code-json", "error", "a fenced json block or a curl -d payload is not valid JSON"),
    Rule("base-url-mismatch", "error", "an example uses a base URL other than the declared default"),
    Rule("body-too-long", "warning", "SKILL.md is longer than 500 lines; move details to references/"),
    # agent rules
    Rule("no-inlined-key", "error", "a file holds what looks like a real credential"),
    Rule("key-in-argv", "error", "a documented command puts a literal key in argv or shell history"),
    Rule("insecure-base-url", "error", "an API base URL is plain http to a remote host, or carries credentials"),
    Rule("pricing-copied", "error", "prices per token are copied into the docs; link the pricing page instead"),
    Rule("streaming-documented", "warning", "SKILL.md does not say when to stream"),
    # hosts
    Rule("host-agentskills", "error", "the open Agent Skills format (skills-ref) would reject the skill"),
    Rule("host-claude-code", "error", "Claude Code would reject or misread the skill"),
    Rule("host-claude-ai", "error", "a claude.ai / Claude API upload would be rejected"),
    Rule("host-codex", "error", "Codex's validator would reject the skill"),
    Rule("host-openclaw", "error", "OpenClaw would skip the skill or ignore part of its metadata"),
    Rule("host-clawhub", "error", "ClawHub would refuse to publish the skill"),
    Rule("host-note", "note", "a host accepts the skill but treats part of it differently"),
]

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}
