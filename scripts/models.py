#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = [
#   "httpx>=0.27,<1",
# ]
# ///
"""List the Kimi models a RunAPI key can use (run with --help)."""

if __name__ == "__main__":
    from kimi_skill.entry import finish, protect

    protect("models.py")
    from kimi_skill.commands.models import main

    finish(main())
