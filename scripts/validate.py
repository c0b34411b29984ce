#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = [
#   "pyyaml>=6",
#   "jsonschema>=4.18",
#   "markdown-it-py>=3",
#   "pyahocorasick>=2.1",
# ]
# ///
"""Validate skill folders: manifests, cross-checks, documented commands, secrets, host dialects."""

if __name__ == "__main__":
    from kimi_skill.entry import finish, protect

    protect("validate.py")
    from kimi_skill.validator.cli import main

    finish(main())
