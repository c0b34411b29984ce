#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = [
#   "httpx>=0.27,<1",
# ]
# ///
"""List the Kimi models a RunAPI key can use (run with --help)."""

if __name__ == "__main__":
    import _signal
    import os

    _signal.signal(_signal.SIGINT, lambda *_: (os.write(2, b"error: interrupted\n"), os._exit(130)))  # Ctrl-C from the first statement on
    from kimi_skill.entry import finish, protect

    protect("models.py")
    from kimi_skill.commands.models import main

    finish(main())
