#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = [
#   "openai>=3.50,<4",
#   "httpx>=0.27,<1",
#   "httpx-sse>=0.4,<1",
#   "jsonschema-rs>=0.29",
# ]
# ///
"""Ask Kimi to review a change in this git repository (run with --help)."""

if __name__ == "__main__":
    import _signal
    import os

    _signal.signal(_signal.SIGINT, lambda *_: (os.write(2, b"error: interrupted\n"), os._exit(130)))  # Ctrl-C from the first statement on
    from kimi_skill.entry import finish, protect

    protect("review.py")
    from kimi_skill.commands.review import main

    finish(main())
