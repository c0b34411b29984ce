"""The argument parser every entry script uses: a usage mistake is one actionable line on
stderr and exit 2, not argparse's usage dump, so an agent reads it like any other error."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message} (see {self.prog} --help)\n")
        raise SystemExit(2)
