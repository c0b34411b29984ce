"""What the validator learned about a piece of text, kept by the text's hash between runs.

Parsing Python and Markdown is most of a validation's time, and most files do not change
between two runs (CI, pre-commit, an author's loop). Results that depend on a text alone (a
Python file's env reads, flags and imports; a Markdown document's code blocks and links; a
code block's parse error; the key findings of a file, masked) are stored under a hash of that
text, in one JSON file in the user's cache folder (``$XDG_CACHE_HOME/kimi-skill``, made 0700).
The file's name carries a fingerprint of the validator's own code, so a new validator never
reads an old one's results. Nothing secret is stored: key findings keep their masked form.
``KIMI_SKILL_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

MAX_ENTRIES = 50_000
MISSING = object()


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def _fingerprint() -> str:
    """Changes whenever a file of the validator changes (size and modification time)."""
    here = Path(__file__).parent
    parts = []
    for path in sorted(here.glob("*.py")):
        try:
            info = path.stat()
        except OSError:
            continue
        parts.append(f"{path.name}:{info.st_size}:{int(info.st_mtime_ns)}")
    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


class Memo:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, Any] | None = None
        self.dirty = False

    def _load(self) -> dict[str, Any]:
        if self.entries is None:
            self.entries = {}
            if self.path is not None:
                try:
                    with open(self.path, encoding="utf-8") as handle:
                        loaded = json.load(handle)
                    if isinstance(loaded, dict):
                        self.entries = loaded
                except (OSError, ValueError, RecursionError):
                    pass
        return self.entries

    def get(self, kind: str, key: str) -> Any:
        if self.path is None:
            return MISSING
        return self._load().get(f"{kind}:{key}", MISSING)

    def put(self, kind: str, key: str, value: Any) -> None:
        if self.path is None:
            return
        entries = self._load()
        if len(entries) >= MAX_ENTRIES:
            entries.clear()
        entries[f"{kind}:{key}"] = value
        self.dirty = True

    def save(self) -> None:
        if not self.dirty or self.path is None or self.entries is None:
            return
        try:
            from ..safefs import private_dir

            private_dir(self.path.parent, "the validator's cache folder")
            fd, temp = tempfile.mkstemp(prefix=".memo.", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.entries, handle, separators=(",", ":"))
            os.replace(temp, self.path)
            self.dirty = False
        except Exception:  # a cache that cannot be written costs time, never a result
            pass


_memo: Memo | None = None


def memo() -> Memo:
    global _memo
    if _memo is None:
        if os.environ.get("KIMI_SKILL_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no"):
            _memo = Memo(None)
        else:
            base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
            _memo = Memo(Path(base) / "kimi-skill" / f"validator-{_fingerprint()}.json")
    return _memo
