#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = [
#   "pyyaml>=6",
#   "jsonschema-rs>=0.29",
#   "markdown-it-py>=3",
#   "pyahocorasick>=2.1",
# ]
# ///
"""Validate skill folders: manifests, cross-checks, documented commands, secrets, host dialects."""

if __name__ == "__main__":
    import _signal
    import os

    _signal.signal(_signal.SIGINT, lambda *_: (os.write(2, b"error: interrupted\n"), os._exit(130)))  # Ctrl-C from the first statement on
    from kimi_skill.entry import finish, protect

    protect("validate.py")
    from kimi_skill.validator.cli import main

    finish(main())
