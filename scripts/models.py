#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = [
#   "openai>=3.50,<4",
#   "httpx>=0.27,<1",
#   "httpx-sse>=0.4,<1",
# ]
# ///
"""List the Kimi models a RunAPI key can use (run with --help)."""

from kimi_skill.cli import models_entry

if __name__ == "__main__":
    models_entry()
