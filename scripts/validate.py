#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = [
#   "pyyaml>=6",
#   "jsonschema>=4.18",
#   "markdown-it-py>=3",
# ]
# ///
"""Validate skill folders: manifests, cross-checks, documented commands, secrets, host dialects."""

from kimi_skill.entry import validate

if __name__ == "__main__":
    validate()
