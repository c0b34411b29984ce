#!/usr/bin/env python3
"""Every key finding on trees nobody tuned the scanner to, one line each, for labelling by hand.

    python3 bench/scan_trees.py TREE [TREE ...] [--half dev|held-out|all] [--salt skills:] [--every-file]

Precision on real material is a count a person makes: for each finding, is the value
credential-shaped (a key, a password, a key block, even a fake one in a test) or not a credential
at all (an identifier, a key's name, a public key, a placeholder)? This prints what that person
needs: the path, line, kind, the first 60 characters of the value and the source line. Trees are
split before anyone looks at them by a hash of their name (``owner+name`` folder names, as
``fetch`` snapshots are checked out): ``--half dev`` keeps the ones tuning may use, ``--half
held-out`` the ones that are only ever counted. Run it on the held-out half once, after tuning.

Files are the ones ``validate.py --scan`` reads (it leaves out version control, caches and
installed third-party packages: node_modules, virtualenvs, what a dist-info RECORD lists), so the
count is what a user sees. ``--every-file`` reads every file but ``.git``, as figures before
stop 31 were taken.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from kimi_skill.validator.folder import SCAN_SKIP_DIRS, Folder  # noqa: E402
from kimi_skill.validator.secrets_scan import scan_text  # noqa: E402

MAX_BYTES = 2_000_000


def half(name: str, salt: str) -> str:
    """dev or held-out, from the tree's name alone: fixed before anyone reads the tree."""
    return "dev" if int(hashlib.sha256((salt + name.replace("+", "/")).encode()).hexdigest(), 16) % 2 == 0 else "held-out"


def product_texts(root: Path) -> Iterator[tuple[Path, str]]:
    """The files and text ``validate.py --scan`` reads, through the same walk."""
    folder = Folder.load(str(root), skip_dirs=SCAN_SKIP_DIRS, trust_skill=False)
    for rel in folder.files:
        text = folder.text(rel) if folder.size(rel) <= MAX_BYTES else None
        if text is not None:
            yield root / rel, text


def texts(root: Path) -> Iterator[tuple[Path, str]]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            path = Path(folder) / name
            try:
                if path.is_symlink() or path.stat().st_size > MAX_BYTES:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            if b"\0" not in data[:4096]:
                yield path, data.decode("utf-8", "replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+")
    parser.add_argument("--half", choices=("dev", "held-out", "all"), default="all")
    parser.add_argument("--salt", default="skills:", help="the prefix hashed with each tree's name (skills: or apps:)")
    parser.add_argument("--every-file", action="store_true", help="read every file but .git, not only those validate.py --scan reads")
    args = parser.parse_args()
    total = 0
    for tree in map(Path, args.trees):
        chosen = half(tree.name, args.salt)
        if args.half not in ("all", chosen):
            continue
        found = 0
        for path, text in (texts if args.every_file else product_texts)(tree):
            lines = text.split("\n")
            for hit in scan_text(text):
                found += 1
                source = lines[hit.line - 1].strip()[:160] if hit.line <= len(lines) else ""
                print(f"{path.relative_to(tree)}:{hit.line} [{hit.kind}] {hit.value[:60]!r} | {source!r}")
        print(f"# {tree.name} ({chosen}): {found} findings")
        total += found
    print(f"# total: {total} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
