"""Run git on a repository we did not write without letting its configuration run programs.

A repository's own ``.git/config`` (and any file it includes) can name programs that git starts
by itself: ``core.fsmonitor`` on every index read, textconv and external diff drivers, clean and
smudge filters (``git diff`` and ``git status`` run them on work-tree files), hooks, an ssh
command, credential helpers, pagers. The validator and ``review.py`` read other people's trees,
so every git call here overrides each such key on the command line (which wins over every
config file), passes ``--no-ext-diff --no-textconv`` where diffs are made, switches off every
transport (``protocol.allow=never``), and leaves out the environment variables that would do the
same (``GIT_EXTERNAL_DIFF``, ``GIT_SSH_COMMAND``, ...). Filter and diff drivers are named by
the repository, so their names are read first (reading config runs nothing) and each is
overridden too.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence

SAFE_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", os.devnull),
    ("core.sshCommand", ""),
    ("core.gitProxy", ""),
    ("core.askPass", ""),
    ("core.pager", "cat"),
    ("core.editor", ":"),
    ("core.alternateRefsCommand", ""),
    ("core.untrackedCache", "false"),
    ("credential.helper", ""),
    ("diff.external", ""),
    ("protocol.allow", "never"),
    ("submodule.recurse", "false"),
    ("uploadpack.packObjectsHook", ""),
    ("gpg.program", ""),
    ("gpg.ssh.program", ""),
    ("gpg.x509.program", ""),
    ("sequence.editor", ":"),
)
DRIVER_KEY = re.compile(r"^(filter|diff|merge)\.(.+)\.(clean|smudge|process|textconv|command|driver)$", re.IGNORECASE)
UNSAFE_ENV = ("GIT_EXTERNAL_DIFF", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_PAGER", "GIT_EDITOR", "GIT_PROXY_COMMAND", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT")
TIMEOUT = 120


class GitError(Exception):
    """git could not be run, or failed; the message is one line for the user."""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSAFE_ENV and not k.startswith("GIT_CONFIG_KEY_") and not k.startswith("GIT_CONFIG_VALUE_")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0", "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"})
    return env


def _flags(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return [arg for key, value in pairs for arg in ("-c", f"{key}={value}")]


def _drivers(repo: str) -> list[tuple[str, str]]:
    """Overrides for every filter, diff and merge driver the repository's config defines."""
    listed = subprocess.run(
        ["git", *_flags(SAFE_CONFIG), "-C", repo, "config", "--null", "--list"],
        capture_output=True, env=_env(), timeout=TIMEOUT, stdin=subprocess.DEVNULL,
    ).stdout
    overrides: list[tuple[str, str]] = []
    for entry in listed.split(b"\0"):
        key = entry.split(b"\n", 1)[0].decode("utf-8", "replace")
        match = DRIVER_KEY.match(key)
        if match:
            overrides.append((key, ""))
            if match.group(1).lower() == "filter":
                overrides.append((f"filter.{match.group(2)}.required", "false"))
    return overrides


def run(repo: str, *args: str, check: bool = True) -> bytes:
    """``git -C repo ARGS`` with the repository's program-running configuration switched off;
    stdout as bytes. Diffs should pass ``--no-ext-diff --no-textconv`` (:func:`diff_args`)."""
    try:
        command = ["git", *_flags(SAFE_CONFIG), *_flags(_drivers(repo)), "-C", repo, *args]
        done = subprocess.run(command, capture_output=True, env=_env(), timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise GitError("git is not installed; install git, or list the files to scan instead of --git") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0] if args else ''} did not finish within {TIMEOUT} s") from None
    if check and done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(said[-1] if said else f"git {args[0] if args else ''} exited {done.returncode}")
    return done.stdout


DIFF_SAFETY = ("--no-ext-diff", "--no-textconv", "--no-color")
