"""A fresh agent environment without our packages: every script ends with one line naming the
missing package and the fix, exit 3, no traceback.

Each case is a real virtual environment (``venv`` without pip) whose site-packages holds links
to everything this test run has installed except the files of one distribution.
"""

from __future__ import annotations

import importlib.metadata
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import SCRIPTS, TEST_KEY, base_env

CLIENT_PIP = "python3 -m pip install 'openai>=3.50,<4' 'httpx>=0.27,<1' 'httpx-sse>=0.4,<1' 'jsonschema-rs>=0.29'"
VALIDATE_PIP = "python3 -m pip install 'pyyaml>=6' 'jsonschema-rs>=0.29' 'markdown-it-py>=3'"


def venv_without(folder: Path, distribution: str) -> Path:
    """A venv seeing every installed top-level module except ``distribution``'s."""
    venv.create(folder, with_pip=False)
    own = next(Path(p) for p in site.getsitepackages() if Path(p, "openai").exists())
    dropped = {str(f).split("/")[0] for f in importlib.metadata.distribution(distribution).files or []}
    mirror = folder / "mirror"
    mirror.mkdir()
    for entry in own.iterdir():
        if entry.name not in dropped and not entry.name.endswith(".pth") and not entry.name.startswith("__editable__"):
            (mirror / entry.name).symlink_to(entry)
    target = next((folder / "lib").glob("python*/site-packages"))
    (target / "mirror.pth").write_text(str(mirror) + "\n")
    return folder / "bin" / "python"


CASES = [
    ("openai", ["chat.py", "hi"], "openai", CLIENT_PIP, "chat.py"),
    ("httpx", ["chat.py", "hi"], "httpx", CLIENT_PIP, "chat.py"),
    ("httpx-sse", ["stream.py", "--protocol", "anthropic", "hi"], "httpx-sse", CLIENT_PIP, "stream.py"),
    ("jsonschema-rs", ["chat.py", "--schema", "name", "hi"], "jsonschema-rs", CLIENT_PIP, "chat.py"),
    ("httpx", ["models.py"], "httpx", "python3 -m pip install 'httpx>=0.27,<1'", "models.py"),
    ("PyYAML", ["validate.py"], "pyyaml", VALIDATE_PIP, "validate.py"),
    ("jsonschema-rs", ["validate.py"], "jsonschema-rs", VALIDATE_PIP, "validate.py"),
    ("markdown-it-py", ["validate.py"], "markdown-it-py", VALIDATE_PIP, "validate.py"),
]


@pytest.mark.parametrize(("distribution", "argv", "named", "pip", "script"), CASES)
def test_a_missing_package_is_one_line_with_the_fix(tmp_path, distribution, argv, named, pip, script):
    python = venv_without(tmp_path / "venv", distribution)
    env = base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL="http://127.0.0.1:9/v1", KIMI_SKILL_NO_STORE="1")
    proc = subprocess.run([str(python), str(SCRIPTS / argv[0]), *argv[1:]], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120)
    assert (proc.returncode, proc.stdout) == (3, "")
    assert proc.stderr == f"error: the Python package {named} is not installed (needed by {script}): run  {pip}  or  uv run {SCRIPTS / script} ...\n"


def test_the_test_venv_really_lacks_the_package(tmp_path):
    python = venv_without(tmp_path / "venv", "openai")
    probe = subprocess.run([str(python), "-c", "import httpx; import openai"], capture_output=True, text=True)
    assert "No module named 'openai'" in probe.stderr
    assert sys.executable != str(python)
