"""Every rule the validator knows: a stable id, a level, the hosts that refuse a skill with the
problem, and a one-line summary.

A finding is an error when its rule's level is ``error`` (it certainly breaks the skill: a file
that is not there, a script that does not parse, a real key) or when a host that is being
targeted refuses a skill with it; otherwise it keeps the rule's own level (a warning for project
policy, a note for information). So ``--target claude-code`` fails only on what breaks the skill
in Claude Code. ``references/validator.md`` documents each rule with the host behaviour it
mirrors and its source; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["error", "warning", "note"]
TARGETS = ("agentskills", "claude-code", "codex", "openclaw", "claude-ai", "clawhub")
LOADERS = frozenset({"agentskills", "claude-code", "codex", "openclaw"})  # hosts that load a folder as it is
ALL = frozenset(TARGETS)
SR, CC, CX, OC, CAI, CH = "agentskills", "claude-code", "codex", "openclaw", "claude-ai", "clawhub"


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    summary: str
    hosts: frozenset[str] = field(default_factory=frozenset)  # hosts that refuse the skill


def _r(id: str, level: Level, summary: str, *hosts: str) -> Rule:
    return Rule(id, level, summary, frozenset(hosts))


_RULES = [
    # the folder and its files
    _r("path-missing", "error", "a path given to the validator does not exist or holds no SKILL.md"),
    _r("file-unreadable", "error", "a file could not be read"),
    _r("file-special", "error", "a FIFO, device, socket or a file name no archive can carry (backslash, control characters)"),
    _r("symlink-escape", "error", "a symbolic link points outside the skill folder and outside any plugin it is installed with (not followed)"),
    _r("symlink-dangling", "error", "a symbolic link points to nothing"),
    _r("symlink-in-unit", "note", "a symbolic link points outside the skill folder but inside the plugin it is installed with"),
    _r("ignore-wide", "warning", "the skill's own .skill-validate-ignore leaves out everything or most of its files"),
    _r("file-too-large", "warning", "a file is too large to check in full, or over a host's size limit", CH),
    _r("skill-md-name", "warning", "the skill file is not named SKILL.md exactly", CC, CX),
    _r("skill-md-encoding", "error", "SKILL.md is not valid UTF-8", *ALL),
    # frontmatter
    _r("frontmatter-missing", "warning", "SKILL.md does not start with a --- frontmatter block", SR, OC, CX, CAI, CH),
    _r("frontmatter-bom", "warning", "SKILL.md starts with a byte-order mark", SR, CX),
    _r("frontmatter-unclosed", "warning", "the frontmatter block has no closing --- line", SR, OC, CX, CAI, CH),
    _r("frontmatter-yaml", "warning", "the frontmatter is not valid YAML for strict parsers", SR, CX, CAI, CH),
    _r("frontmatter-colon", "warning", "an unquoted value holds ': ', which strict YAML parsers reject", SR, CAI),
    _r("frontmatter-js-yaml", "warning", "the frontmatter fails in the YAML parser of Claude Code and OpenClaw", CC, OC),
    _r("frontmatter-not-mapping", "error", "the frontmatter is not a mapping of keys to values", *ALL),
    _r("frontmatter-duplicate-key", "warning", "a key appears twice in one mapping (often flattened nesting)", SR, OC, CX, CAI, CH),
    _r("frontmatter-alias", "warning", "YAML anchors and aliases, which the strict parser refuses", SR),
    _r("frontmatter-tag", "warning", "a YAML tag such as !!str, which the strict parser refuses", SR),
    _r("frontmatter-flow-style", "warning", "flow collections ({...} or [...]), which the strict parser refuses", SR, CAI),
    _r("frontmatter-type", "warning", "a frontmatter field has a type some host refuses"),
    _r("frontmatter-schema", "warning", "a field of metadata.openclaw has the wrong type or value (OpenClaw ignores it)"),
    _r("name-missing", "warning", "name is missing", SR, CAI, CH),
    _r("name-format", "warning", "name is not 1-64 lowercase letters, digits and single hyphens", SR, CAI),
    _r("name-folder-mismatch", "warning", "name differs from the skill folder's name", SR),
    _r("description-missing", "warning", "description is missing or empty", SR, OC, CX, CAI, CH),
    _r("description-length", "warning", "description is longer than 1024 characters", SR, CAI),
    _r("description-when", "note", "description does not say when to use the skill"),
    _r("unknown-key", "warning", "a top-level frontmatter key outside the open Agent Skills format", SR),
    # skill.yaml (only when it declares this validator's schema)
    _r("manifest-yaml", "error", "skill.yaml is not valid YAML or not a mapping"),
    _r("manifest-schema", "error", "skill.yaml does not match its schema"),
    _r("manifest-mismatch", "error", "skill.yaml and SKILL.md disagree (name, description, version, links)"),
    _r("env-mismatch", "error", "an env var is declared in one manifest and not the other, or with another required flag"),
    _r("primary-env-not-required", "error", "primaryEnv is not a required env var"),
    _r("script-missing", "error", "skill.yaml lists a script that does not exist"),
    _r("plugin-mismatch", "error", "a plugin manifest and SKILL.md/skill.yaml disagree on name, version or description"),
    # scripts
    _r("python-syntax", "error", "a Python file does not parse"),
    _r("python-newer-syntax", "note", "a Python file uses syntax newer than the interpreter running the validator; not checked"),
    _r("env-undeclared", "warning", "a script reads an env var that the skill's manifest (skill.yaml or metadata.openclaw) does not declare"),
    _r("env-unmentioned", "note", "a script reads an env var that SKILL.md never mentions (the skill has no manifest that declares env vars)"),
    _r("env-unused", "note", "a declared env var is never read by the scripts"),
    _r("env-not-injectable", "warning", "a credential env var is neither primaryEnv nor in requires.env, so OpenClaw will not inject it"),
    _r("key-flag", "note", "a script defines a command-line flag that takes a key"),
    _r("script-help", "error", "a script's --help does not exit 0 without network (--run-scripts)"),
    _r("script-canary-leak", "error", "a script printed the value of a declared env var (--run-scripts)"),
    _r("script-traceback", "error", "a script failed with a traceback or undocumented output (--run-scripts)"),
    # documentation
    _r("command-unknown-script", "warning", "a documented command runs a script the skill does not ship (another skill's?)"),
    _r("command-unknown-flag", "warning", "a documented command uses a flag the script's argparse parser does not define"),
    _r("link-broken", "warning", "a relative link resolves neither from its file nor from the skill root"),
    _r("link-outside", "note", "a link leaves the skill folder (a sibling skill or the repository), so it cannot be checked"),
    _r("code-python", "warning", "a fenced python block that looks like a program does not parse"),
    _r("code-json", "note", "a fenced json block or a curl -d payload that looks complete is not valid JSON"),
    _r("base-url-mismatch", "warning", "an example uses a base URL other than the one skill.yaml declares"),
    _r("body-too-long", "warning", "SKILL.md is longer than 500 lines; move details to references/"),
    # agent rules
    _r("no-inlined-key", "error", "a file holds what looks like a real credential"),
    _r("key-in-argv", "error", "a documented command puts a literal key in argv or shell history"),
    _r("insecure-base-url", "warning", "an API base URL is plain http to a remote host, or carries credentials"),
    _r("pricing-copied", "warning", "prices per token are copied into the docs; link the pricing page instead"),
    _r("streaming-documented", "warning", "a skill that streams from an LLM API does not say when to stream"),
    # hosts
    _r("host-agentskills", "warning", "the open Agent Skills format (skills-ref) refuses the skill", SR),
    _r("host-claude-code", "warning", "Claude Code refuses or misreads the skill", CC),
    _r("host-claude-ai", "warning", "a claude.ai / Claude API upload would be refused", CAI),
    _r("host-codex", "warning", "Codex refuses the skill", CX),
    _r("host-openclaw", "warning", "OpenClaw skips the skill or ignores part of its metadata", OC),
    _r("host-clawhub", "warning", "ClawHub would refuse to publish the skill", CH),
    _r("host-note", "note", "a host accepts the skill but treats part of it differently"),
]

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}
