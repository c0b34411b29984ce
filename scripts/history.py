#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""List, show, total and delete the conversations kept in the local store (run with --help)."""

from kimi_skill.entry import history

if __name__ == "__main__":
    history()
