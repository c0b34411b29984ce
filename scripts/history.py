#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""List, show, total and delete the conversations kept in the local store (run with --help)."""

if __name__ == "__main__":
    import _signal
    import os

    _signal.signal(_signal.SIGINT, lambda *_: (os.write(2, b"error: interrupted\n"), os._exit(130)))  # Ctrl-C from the first statement on
    from kimi_skill.entry import finish, protect

    protect("history.py")
    from kimi_skill.commands.history import main

    finish(main())
