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
"""Build dist/kimi.skill (one top folder kimi/), validated with every host profile first."""

if __name__ == "__main__":
    from kimi_skill.entry import finish, protect

    protect("package.py")
    from kimi_skill.bundle import main

    finish(main())
