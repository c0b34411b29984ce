"""A finding: one rule broken at one place. Its level depends on the hosts being targeted: an
error when a targeted host refuses a skill with it (or the rule is always an error), else the
rule's own level."""

from __future__ import annotations

from dataclasses import dataclass, field

from .rules import RULES, Level

# Inline comments that set a finding aside: ours, and other scanners' for the key rules.
ALLOW = "skill-validate: allow"
FOREIGN_ALLOW = ("gitleaks:allow", "pragma: allowlist secret", "trufflehog:ignore")
KEY_RULES = ("no-inlined-key", "key-in-argv")


@dataclass(frozen=True)
class Finding:
    rule: str
    path: str
    line: int
    message: str
    col: int = 1
    hosts: frozenset[str] | None = None  # overrides the rule's hosts for this finding
    level_resolved: Level | None = field(default=None, compare=False)

    @property
    def refused_by(self) -> frozenset[str]:
        return RULES[self.rule].hosts if self.hosts is None else self.hosts

    @property
    def level(self) -> Level:
        return self.level_resolved or RULES[self.rule].level

    def resolve(self, targets: frozenset[str]) -> Finding:
        rule = RULES[self.rule]
        level: Level = "error" if rule.level == "error" or self.refused_by & targets else rule.level
        return Finding(self.rule, self.path, self.line, self.message, self.col, self.hosts, level)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.rule)
