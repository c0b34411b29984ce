#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = [
#   "openai>=3.50,<4",
#   "httpx>=0.27,<1",
#   "httpx-sse>=0.4,<1",
#   "jsonschema>=4.18",
# ]
# ///
"""Check that Kimi through RunAPI works from here, one line per check (run with --help)."""

if __name__ == "__main__":
    from kimi_skill.entry import finish, protect

    protect("doctor.py")
    from kimi_skill.commands.doctor import main

    finish(main())
