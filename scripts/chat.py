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
"""Ask Kimi through RunAPI and print the whole answer (run with --help)."""

from kimi_skill.entry import chat

if __name__ == "__main__":
    chat()
