"""``--run-scripts`` runs another author's code: only inside bubblewrap, or not at all.

The sandbox (``bwrap``, the tool Flatpak uses) gives the script: no network (a private network
namespace), a private PID namespace (nothing it starts outlives it), the machine's files
read-only, with every home folder, ``/tmp``, ``/run`` and ``/dev/shm`` replaced by empty
private ones, a writable copy of the skill and nothing else writable, a cleared environment
(never the caller's keys), a scratch ``HOME`` and ``TMPDIR``, and limits on time, address space
and file size. The Python interpreter and its packages are made visible again read-only when
they live under a hidden folder. Where bubblewrap is missing or cannot create namespaces,
:func:`command` raises :class:`Unavailable` with what to install: there is no weaker fallback.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence

MEMORY = 4 * 1024**3  # address space: enough for an interpreter that imports a large SDK
FILE_SIZE = 256 * 1024**2
TMPFS = 256 * 1024**2
HIDDEN = ("/home", "/root", "/tmp", "/var/tmp", "/run", "/dev/shm", "/mnt", "/media")
INSIDE = "/tmp/skill"  # where the writable copy of the skill appears (on the private /tmp)
HOME = "/tmp/home"


class Unavailable(Exception):
    """No sandbox can be made here; the message says what to install."""


@functools.cache
def _bwrap() -> str:
    path = shutil.which("bwrap")
    if path is None:
        raise Unavailable(
            "--run-scripts runs the skill's own code, and only inside bubblewrap: install it "
            "(apt install bubblewrap, dnf install bubblewrap, pacman -S bubblewrap), or leave out --run-scripts"
        )
    try:
        probe = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-all", "--", "true"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Unavailable(f"bubblewrap could not be started ({exc}); --run-scripts needs it") from None
    if probe.returncode != 0:
        said = probe.stderr.decode("utf-8", "replace").strip().splitlines()
        raise Unavailable(
            f"bubblewrap cannot create a sandbox here ({said[-1] if said else 'exit ' + str(probe.returncode)}); "
            "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) or leave out --run-scripts"
        )
    return path


def require() -> None:
    """Raise :class:`Unavailable` now, before any skill is read, if no sandbox can be made."""
    _bwrap()


def _visible_again() -> list[str]:
    """Folders of the running interpreter and its packages that a hidden folder would cover."""
    roots = {sys.prefix, sys.base_prefix, *(p for p in sys.path if p and os.path.isdir(p))}
    home = os.path.expanduser("~")
    hidden = (*HIDDEN, home)
    keep = sorted({os.path.realpath(p) for p in roots if any(os.path.realpath(p).startswith(h.rstrip("/") + "/") for h in hidden)})
    # a folder already inside another kept one needs no mount of its own
    return [p for p in keep if not any(p != other and p.startswith(other.rstrip("/") + "/") for other in keep)]


def command(copy: str, argv: Sequence[str], env: Mapping[str, str], cwd: str | None = None) -> list[str]:
    """The bwrap command line that runs ``argv`` with ``copy`` (the skill's copy) as the only
    writable folder, seen inside as ``/tmp/skill``."""
    bwrap = _bwrap()
    args = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    for folder in dict.fromkeys((*HIDDEN, os.path.expanduser("~"))):
        if os.path.isdir(folder) and folder != "/":
            args += ["--size", str(TMPFS), "--tmpfs", folder]
    for folder in _visible_again():
        args += ["--ro-bind", folder, folder]
    args += ["--bind", copy, INSIDE, "--dir", HOME]
    args += ["--unshare-all", "--die-with-parent", "--new-session", "--clearenv", "--chdir", cwd or INSIDE]
    for name, value in {"HOME": HOME, "TMPDIR": "/tmp", **env}.items():
        args += ["--setenv", name, value]
    return [*args, "--", *argv]


def limits() -> None:
    """preexec_fn: the address-space and file-size limits, inherited by everything inside."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE, FILE_SIZE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(copy: str, argv: Sequence[str], env: Mapping[str, str], timeout: float, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run inside the sandbox; on timeout the whole sandbox (its PID namespace) is killed."""
    return subprocess.run(
        command(copy, argv, env, cwd), capture_output=True, text=True, timeout=timeout,
        stdin=subprocess.DEVNULL, preexec_fn=limits, start_new_session=True,
    )
