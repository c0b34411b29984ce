"""The argument parser every entry script uses: a usage mistake is one actionable line on
stderr and exit 2, not argparse's usage dump, so an agent reads it like any other error."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

COMMAND: str | None = None  # set by a console script (kimi-skill-chat), whose name usage then shows


class OneLineParser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if COMMAND and self.prog.endswith(".py"):
            self.prog = COMMAND

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message} (see {self.prog} --help)\n")
        raise SystemExit(2)
