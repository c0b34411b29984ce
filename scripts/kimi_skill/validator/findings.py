"""A finding: one rule broken at one place. The level comes from the rule unless overridden."""

from __future__ import annotations

from dataclasses import dataclass

from .rules import RULES, Level


@dataclass(frozen=True)
class Finding:
    rule: str
    path: str
    line: int
    message: str
    col: int = 1
    level_override: Level | None = None

    @property
    def level(self) -> Level:
        return self.level_override or RULES[self.rule].level

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.rule)
