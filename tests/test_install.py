"""Every row of references/install.md, run as written in the real tool, offline (package indexes
excepted: pip, pipx and uv fetch the dependencies the way a user's install does).

The commands come from the guide itself: DIR becomes a clean copy of the repository (the files
git would check out), ``~`` a scratch home. So the guide cannot drift from what works."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, TEST_KEY, base_env
from corpus.fake_keys import FAKE_KEY
from test_hosts import HOSTS, OPENCLAW, host_env, hosts  # noqa: F401 (hosts is the fixture that installs the hosts)

GUIDE = ROOT / "references" / "install.md"
GEMINI = HOSTS / "gemini" / "node_modules" / ".bin" / "gemini"
SKILLS = HOSTS / "skills" / "node_modules" / ".bin" / "skills"
VENV_BIN = Path(sys.executable).parent
DESCRIPTION = yaml.safe_load((ROOT / "SKILL.md").read_text().split("---", 2)[1])["description"]
VALIDATOR_DEPS = ("pyyaml>=6", "jsonschema-rs>=0.29", "markdown-it-py>=3", "pyahocorasick>=2.1")


def guide_rows() -> dict[str, tuple[str, str, str]]:
    """Test name -> the (install, update, remove) cells of its row."""
    rows = {}
    for line in GUIDE.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[5].startswith("`test_install_"):
            rows[cells[5].strip("`")] = (cells[2], cells[3], cells[4])
    return rows


def command(test: str, step: int = 0) -> str:
    """The first code span of a row's install (0), update (1) or remove (2) cell."""
    return re.findall(r"`([^`]+)`", guide_rows()[test][step])[0]


def lifecycle(test: str, checkout: Path, home: Path, installed, removed, **extra: str) -> None:
    """Install, check; update, check again (nothing nested, nothing stale); remove, check gone."""
    for step, check in ((0, installed), (1, installed), (2, removed)):
        result = shell(command(test, step), checkout, home, timeout=300, **extra)
        assert result.returncode == 0, (step, result.stdout[-2000:], result.stderr[-2000:])
        check()


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """What a clean clone holds: tracked files plus new ones not ignored."""
    target = tmp_path_factory.mktemp("checkout") / "kimi-skill"
    target.mkdir()
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, listed.decode().split("\0")):
        source = ROOT / rel
        if source.is_file() and not source.is_symlink():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            (target / rel).write_bytes(source.read_bytes())
            (target / rel).chmod(source.stat().st_mode & 0o777)
    return target


def shell(cmd: str, checkout: Path, home: Path, cwd: Path | None = None, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run a guide command as a user would: bash, HOME=home, the pinned hosts on PATH."""
    home.mkdir(parents=True, exist_ok=True)
    env = host_env(home, **extra)
    env["PATH"] = f"{HOSTS / 'gemini' / 'node_modules' / '.bin'}:{HOSTS / 'skills' / 'node_modules' / '.bin'}:{HOSTS / 'claude' / 'node_modules' / '.bin'}:" \
                  f"{HOSTS / 'codex' / 'node_modules' / '.bin'}:{VENV_BIN}:{env['PATH']}"
    cmd = cmd.replace("npx skills@1.7.4 ", "skills ").replace("DIR", shlex.quote(str(checkout)))
    return subprocess.run(["bash", "-c", cmd], cwd=cwd or home, env=env, capture_output=True, text=True, timeout=timeout)


def validator(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "validate.py"), *args, str(path)], capture_output=True, text=True)


def test_every_row_of_the_guide_names_a_test_that_exists():
    tests = set(re.findall(r"^def (test_install_\w+)", Path(__file__).read_text(), re.M))
    assert set(guide_rows()) == tests


def skill_folder_is_installed(folder: Path, *targets: str):
    def check() -> None:
        assert validator(folder, *[arg for t in targets for arg in ("--target", t)]).returncode == 0
        assert not (folder / "kimi").exists() and not (folder / "tests").exists()  # no nesting, no test corpus
    return check


def is_gone(path: Path):
    def check() -> None:
        assert not os.path.lexists(path)
    return check


@pytest.mark.usefixtures("hosts")
def test_install_claude_code_personal_skill(checkout, tmp_path):
    installed = tmp_path / "home" / ".claude" / "skills" / "kimi"
    lifecycle("test_install_claude_code_personal_skill", checkout, tmp_path / "home", skill_folder_is_installed(installed, "claude-code"), is_gone(installed))


@pytest.mark.usefixtures("hosts")
def test_install_claude_code_plugin(checkout, tmp_path):
    home = tmp_path / "home"

    def installed() -> None:
        details = shell("claude plugin details kimi", checkout, home, timeout=120)
        assert "Skills (1)  kimi" in details.stdout, details.stdout + details.stderr
        servers = shell("claude mcp list", checkout, home, timeout=120)  # the plugin's MCP server, started and answering
        assert re.search(r"plugin:kimi:kimi: python3 \S+/scripts/mcp_server\.py - \S+ Connected", servers.stdout), servers.stdout + servers.stderr

    def removed() -> None:
        listed = shell("claude plugin list", checkout, home, timeout=120)
        assert "kimi@kimi-skill" not in listed.stdout

    lifecycle("test_install_claude_code_plugin", checkout, home, installed, removed)
    validated = shell(f"claude plugin validate --strict {home}/.kimi-skill/kimi-plugin", checkout, home, timeout=120)
    assert validated.returncode == 0, validated.stdout


def test_install_claude_ai_bundle(checkout, tmp_path):
    result = subprocess.run([sys.executable, "scripts/package.py", "--output", str(tmp_path)], cwd=checkout, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "kimi.skill").is_file()


def codex_skills(home: Path, checkout: Path) -> str:
    (home / ".codex").mkdir(exist_ok=True)
    listed = shell("codex debug prompt-input hi", checkout, home, timeout=180, CODEX_HOME=str(home / ".codex"))
    assert listed.returncode == 0, listed.stderr
    return listed.stdout.replace("\\n", "\n")


@pytest.mark.usefixtures("hosts")
def test_install_codex_skill_folder(checkout, tmp_path):
    home = tmp_path / "home"
    installed = home / ".codex" / "skills" / "kimi"

    def listed() -> None:
        skill_folder_is_installed(installed, "codex")()
        assert f"- kimi: {DESCRIPTION} (file: " in codex_skills(home, checkout)  # no plugin manifest ships, so no plugin prefix

    lifecycle("test_install_codex_skill_folder", checkout, home, listed, is_gone(installed))


@pytest.mark.usefixtures("hosts")
def test_install_codex_plugin(checkout, tmp_path):
    home = tmp_path / "home"
    (home / ".codex").mkdir(parents=True)

    def listed() -> None:
        assert f"- kimi:kimi: {DESCRIPTION} (file: " in codex_skills(home, checkout)
        servers = json.loads(shell("codex mcp list --json", checkout, home, CODEX_HOME=str(home / ".codex")).stdout)  # the plugin's MCP server
        [(name, args, cwd)] = [(s["name"], s["transport"]["args"], s["transport"]["cwd"]) for s in servers]
        assert (name, args) == ("kimi", ["scripts/mcp_server.py"]) and Path(cwd, "scripts", "mcp_server.py").is_file()

    def removed() -> None:
        assert "kimi:kimi" not in codex_skills(home, checkout)

    lifecycle("test_install_codex_plugin", checkout, home, listed, removed, CODEX_HOME=str(home / ".codex"))


@pytest.mark.usefixtures("hosts")
def test_install_gemini_cli_skill(checkout, tmp_path):
    home = tmp_path / "home"

    def listed() -> None:
        shown = shell("gemini skills list", checkout, home, timeout=120)
        assert "kimi [Enabled]" in shown.stdout + shown.stderr
        assert validator(home / ".gemini" / "skills" / "kimi").returncode == 0

    lifecycle("test_install_gemini_cli_skill", checkout, home, listed, is_gone(home / ".gemini" / "skills" / "kimi"))


@pytest.mark.usefixtures("hosts")
def test_install_gemini_cli_extension(checkout, tmp_path):
    home = tmp_path / "home"

    def listed() -> None:
        checked = shell("gemini extensions validate ~/.kimi-skill/kimi-gemini", checkout, home, timeout=120)
        assert "has been successfully validated" in checked.stdout + checked.stderr
        shown = shell("gemini extensions list -o json", checkout, home, timeout=120)
        [extension] = json.loads(shown.stdout or shown.stderr)
        assert (extension["name"], extension["version"]) == ("kimi", "0.2.0")
        assert [(s["name"], s["location"]) for s in extension["skills"]] == [("kimi", f"{home}/.gemini/extensions/kimi/skills/kimi/SKILL.md")]
        servers = shell("gemini mcp list", checkout, home, timeout=120, GEMINI_CLI_TRUST_WORKSPACE="true")  # the extension's MCP server
        assert "kimi (from kimi): python3 " in servers.stdout + servers.stderr and "- Connected" in servers.stdout + servers.stderr, servers.stdout + servers.stderr

    lifecycle("test_install_gemini_cli_extension", checkout, home, listed, is_gone(home / ".gemini" / "extensions" / "kimi"), GEMINI_CLI_TRUST_WORKSPACE="true")


def mcp_connected(tool: str, home: Path, checkout: Path, shown: str, **extra: str):
    """The host's own list shows our server started and answering (Claude Code and Gemini CLI
    start every configured server to check it)."""
    def check() -> None:
        listed = shell(f"{tool} mcp list", checkout, home, **extra)
        assert re.search(shown, listed.stdout + listed.stderr), listed.stdout + listed.stderr
    return check


def mcp_gone(tool: str, home: Path, checkout: Path, **extra: str):
    def check() -> None:
        listed = shell(f"{tool} mcp list", checkout, home, **extra)
        assert "kimi" not in listed.stdout, listed.stdout
    return check


@pytest.mark.usefixtures("hosts")
def test_install_claude_code_mcp(checkout, tmp_path):
    home = tmp_path / "home"
    connected = mcp_connected("claude", home, checkout, r"kimi: python3 \S+/scripts/mcp_server\.py - \S+ Connected")
    lifecycle("test_install_claude_code_mcp", checkout, home, connected, mcp_gone("claude", home, checkout))


@pytest.mark.usefixtures("hosts")
def test_install_codex_mcp(checkout, tmp_path):
    home = tmp_path / "home"

    def configured() -> None:
        listed = json.loads(shell("codex mcp list --json", checkout, home).stdout)
        assert [(s["name"], s["enabled"], s["transport"]["args"]) for s in listed] == [("kimi", True, [f"{checkout}/scripts/mcp_server.py"])]

    def gone() -> None:
        assert json.loads(shell("codex mcp list --json", checkout, home).stdout) == []

    lifecycle("test_install_codex_mcp", checkout, home, configured, gone)


@pytest.mark.usefixtures("hosts")
def test_install_gemini_cli_mcp(checkout, tmp_path):
    home = tmp_path / "home"
    trust = {"GEMINI_CLI_TRUST_WORKSPACE": "true"}
    connected = mcp_connected("gemini", home, checkout, r"kimi: python3 \S+/scripts/mcp_server\.py \(stdio\) - Connected", **trust)
    lifecycle("test_install_gemini_cli_mcp", checkout, home, connected, mcp_gone("gemini", home, checkout, **trust), **trust)


@pytest.mark.usefixtures("hosts")
def test_install_openclaw_shared_skill(checkout, tmp_path):
    home = tmp_path / "home"

    def listed() -> None:
        shown = shell(f"{OPENCLAW} skills list --json", checkout, home, timeout=120)
        [skill] = [s for s in json.loads(shown.stdout)["skills"] if s["name"] == "kimi"]
        assert (skill["source"], skill["missing"]["env"]) == ("openclaw-managed", ["OPENAI_API_KEY", "OPENAI_BASE_URL"])

    lifecycle("test_install_openclaw_shared_skill", checkout, home, listed, is_gone(home / ".openclaw" / "skills" / "kimi"))


@pytest.mark.usefixtures("hosts")
def test_install_npx_skills(checkout, tmp_path):
    home = tmp_path / "home"

    def listed() -> None:
        assert os.readlink(home / ".claude" / "skills" / "kimi") == "../../.agents/skills/kimi"
        skill_folder_is_installed(home / ".agents" / "skills" / "kimi", "claude-code", "codex")()
        assert f"- kimi: {DESCRIPTION} (file: " in codex_skills(home, checkout)

    lifecycle("test_install_npx_skills", checkout, home, listed, is_gone(home / ".agents" / "skills" / "kimi"))


def fresh_venv(path: Path) -> Path:
    venv.create(path, with_pip=True)
    return path / "bin"


def commands_work(bin_dir: Path, tmp_path: Path, emulator) -> None:  # type: ignore[no-untyped-def]
    """The installed commands, from a folder that is not the checkout."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    env = {k: v for k, v in base_env().items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")} | {"KIMI_SKILL_HOME": str(tmp_path / "state")}
    helped = subprocess.run([str(bin_dir / "kimi-skill-models"), "--help"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert helped.stdout.startswith("usage: kimi-skill-models"), helped.stderr
    chat = subprocess.run([str(bin_dir / "kimi-skill-chat"), "hello from pip"], cwd=elsewhere, capture_output=True, text=True,
                          env=env | {"RUNAPI_TOKEN": TEST_KEY, "OPENAI_BASE_URL": emulator.base_url})
    assert (chat.returncode, chat.stdout) == (0, "You said: hello from pip\n"), chat.stderr
    other = elsewhere / "skills" / "greet"
    other.mkdir(parents=True, exist_ok=True)
    (other / "SKILL.md").write_text("---\nname: greet\ndescription: Greets the user. Use it when someone says hello.\n---\n# Greet\n")
    checked = subprocess.run([str(bin_dir / "kimi-skill-validate"), str(other)], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
    served = subprocess.run([str(bin_dir / "kimi-skill-emulator"), "--help"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert served.returncode == 0, served.stderr


def commands_gone(bin_dir: Path):
    def check() -> None:
        assert not (bin_dir / "kimi-skill-chat").exists()
    return check


def test_install_pip(checkout, tmp_path, emulator):
    bin_dir = fresh_venv(tmp_path / "venv")
    for step in range(3):
        cmd = command("test_install_pip", step).replace("python3", str(bin_dir / "python"))
        result = shell(cmd + (" --quiet" if step < 2 else ""), checkout, tmp_path / "home", timeout=600)
        assert result.returncode == 0, result.stderr
        if step < 2:
            assert not list((tmp_path / "venv").glob("lib/python3*/site-packages/__editable__*"))
            commands_work(bin_dir, tmp_path, emulator)
    commands_gone(bin_dir)()


def test_install_pipx(checkout, tmp_path, emulator):
    pipx_home, pipx_bin = tmp_path / "pipx", tmp_path / "pipx-bin"
    extra = {"PIPX_HOME": str(pipx_home), "PIPX_BIN_DIR": str(pipx_bin), "PIPX_MAN_DIR": str(tmp_path / "man"), "PIPX_DEFAULT_PYTHON": sys.executable}
    lifecycle("test_install_pipx", checkout, tmp_path / "home", lambda: commands_work(pipx_bin, tmp_path, emulator), commands_gone(pipx_bin), **extra)


def test_install_uv_tool(checkout, tmp_path, emulator):
    tools, tool_bin = tmp_path / "uv-tools", tmp_path / "uv-bin"
    extra = {"UV_TOOL_DIR": str(tools), "UV_TOOL_BIN_DIR": str(tool_bin), "UV_CACHE_DIR": str(HOSTS / "uv-cache"), "UV_PYTHON": sys.executable}
    lifecycle("test_install_uv_tool", checkout, tmp_path / "home", lambda: commands_work(tool_bin, tmp_path, emulator), commands_gone(tool_bin), **extra)


def test_install_uv_run(checkout, tmp_path, emulator):
    result = shell(command("test_install_uv_run"), checkout, tmp_path / "home", timeout=600,
                   UV_CACHE_DIR=str(HOSTS / "uv-cache"), RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url, KIMI_SKILL_HOME=str(tmp_path / "state"))
    assert (result.returncode, result.stdout) == (0, "You said: Say hello.\n"), result.stderr


def test_the_sdist_and_wheel_build_and_pass_twine_check(checkout, tmp_path):
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(tmp_path / "dist"), str(checkout)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    names = sorted(p.name for p in (tmp_path / "dist").iterdir())
    assert names == ["kimi_skill-0.2.0-py3-none-any.whl", "kimi_skill-0.2.0.tar.gz"]
    checked = subprocess.run([str(VENV_BIN / "twine"), "check", "--strict", *map(str, (tmp_path / "dist").iterdir())], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def run_action(checkout: Path, tmp_path: Path, bin_dir: Path, **inputs: str) -> tuple[int, Path]:
    """action.yml's shell steps, in order, as the runner would run them (setup-python is the venv)."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    values = {name: spec.get("default", "") for name, spec in action["inputs"].items()} | inputs
    output = tmp_path / "github_output"
    env = {k: v for k, v in base_env().items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {"PATH": f"{bin_dir}:{env['PATH']}", "GITHUB_ACTION_PATH": str(checkout), "GITHUB_OUTPUT": str(output)}
    code = 0
    for step in action["runs"]["steps"]:
        if "run" not in step:
            assert step["uses"].startswith("actions/setup-python@")
            continue
        step_env = {key: re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: values[m.group(1)], value) for key, value in step.get("env", {}).items()}
        code = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env | step_env, capture_output=True, text=True, timeout=600).returncode
        if code:
            break
    return code, tmp_path / values["sarif"]


def test_install_github_action(checkout, tmp_path):
    assert "uses: OWNER/kimi-skill@v0.2.0" in (GUIDE.read_text())
    action = (ROOT / "action.yml").read_text()
    assert all(dep in action for dep in VALIDATOR_DEPS)
    bin_dir = fresh_venv(tmp_path / "venv")
    good = tmp_path / "skills" / "greet"
    good.mkdir(parents=True)
    (good / "SKILL.md").write_text("---\nname: greet\ndescription: Greets the user. Use it when someone says hello.\n---\n# Greet\n")
    code, sarif = run_action(checkout, tmp_path, bin_dir, path="skills/greet")
    assert code == 0
    report = json.loads(sarif.read_text())
    assert (report["version"], report["runs"][0]["results"]) == ("2.1.0", [])
    (good / "notes.md").write_text(f'api_key = "{FAKE_KEY}"\n')
    code, sarif = run_action(checkout, tmp_path, bin_dir, path="skills/greet", scan="true")
    assert code == 1
    assert [r["ruleId"] for r in json.loads(sarif.read_text())["runs"][0]["results"]] == ["no-inlined-key"]


def fenced(after: str, lang: str) -> str:
    text = GUIDE.read_text()
    start = text.index(f"```{lang}\n", text.index(after)) + len(lang) + 4
    return text[start : text.index("```", start)]


def test_install_gitlab_ci(checkout, tmp_path):
    job = yaml.safe_load(fenced("GitLab CI (", "yaml"))["skill-validate"]
    bin_dir = fresh_venv(tmp_path / "venv")
    skill = tmp_path / "skills" / "my-skill"
    skill.mkdir(parents=True)
    (skill / "SKILL.md").write_text("---\nname: my-skill\ndescription: Does one thing. Use it when asked.\n---\n# My skill\n")
    script = "\n".join(job["script"]).replace("git+https://github.com/OWNER/kimi-skill@v0.2.0", f"file://{checkout}")
    env = {k: v for k, v in base_env().items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=tmp_path, env=env | {"PATH": f"{bin_dir}:{env['PATH']}"}, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / job["artifacts"]["paths"][0]).read_text())["version"] == "2.1.0"


def test_install_pre_commit_hooks(checkout, tmp_path):
    """Each hook's entry, as pre-commit runs it: the skill hook on the repository, the scan hook
    with the staged file names appended."""
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    bin_dir = Path(sys.executable).parent
    staged = tmp_path / "config.py"
    staged.write_text(f'SERVICE_TOKEN = "{FAKE_KEY}"\n')
    clean = tmp_path / "readme.md"
    clean.write_text("Set SERVICE_TOKEN in your environment.\n")
    scan = subprocess.run([*shlex.split(hooks["skill-secret-scan"]["entry"].replace("kimi-skill-validate", str(bin_dir / "kimi-skill-validate"))), str(staged), str(clean)],
                          capture_output=True, text=True)
    assert (hooks["skill-secret-scan"]["pass_filenames"], scan.returncode) == (True, 1)
    assert scan.stdout.startswith(f"{staged}:1:18: ERROR no-inlined-key")
    validate = subprocess.run(shlex.split(hooks["skill-validate"]["entry"].replace("kimi-skill-validate", str(bin_dir / "kimi-skill-validate"))), cwd=checkout, capture_output=True, text=True)
    assert validate.returncode == 0, validate.stdout
