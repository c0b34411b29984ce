#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""List, show, total and delete the conversations kept in the local store (run with --help)."""

if __name__ == "__main__":
    from kimi_skill.entry import finish, protect

    protect("history.py")
    from kimi_skill.commands.history import main

    finish(main())
