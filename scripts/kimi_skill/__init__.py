"""Call the Kimi models through the RunAPI gateway, from an agent's tool call or a shell.

The package is importable from the skill folder (``scripts/`` is on ``sys.path`` when a script
in it runs) and after ``pip install``; nothing here imports a network library at import time so
that ``--help`` and validation stay fast.
"""

__version__ = "0.2.0"
