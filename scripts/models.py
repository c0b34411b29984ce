#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = [
#   "httpx>=0.27,<1",
# ]
# ///
"""List the Kimi models a RunAPI key can use (run with --help)."""

from kimi_skill.entry import models

if __name__ == "__main__":
    models()
