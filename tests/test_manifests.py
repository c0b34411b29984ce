"""SKILL.md and skill.yaml: accepted by the strict hosts, and in agreement with each other and the code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT, SCRIPTS

sys.path.insert(0, str(SCRIPTS))
from kimi_skill.bundle import parser as package_parser
from kimi_skill.commands.batch import parser as batch_parser
from kimi_skill.commands.chat import parser as chat_parser
from kimi_skill.commands.doctor import parser as doctor_parser
from kimi_skill.commands.history import parser as history_parser
from kimi_skill.commands.jobs import parser as jobs_parser
from kimi_skill.commands.mcp_server import parser as mcp_parser
from kimi_skill.commands.models import parser as models_parser
from kimi_skill.commands.review import parser as review_parser
from kimi_skill.validator.cli import parser as validate_parser


def frontmatter() -> dict:
    text = (ROOT / "SKILL.md").read_text()
    return yaml.safe_load(text.split("---", 2)[1])


def manifest() -> dict:
    return yaml.safe_load((ROOT / "skill.yaml").read_text())


def test_skills_ref_accepts_the_package(tmp_path):
    folder = tmp_path / "kimi"
    folder.mkdir()
    for name in ("SKILL.md", "skill.yaml"):
        shutil.copy(ROOT / name, folder / name)
    shutil.copytree(ROOT / "references", folder / "references")
    agentskills = Path(sys.executable).with_name("agentskills")
    result = subprocess.run([str(agentskills), "validate", str(folder)], capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip()) == (0, f"Valid skill: {folder}")


def test_frontmatter_uses_only_the_keys_every_host_accepts():
    assert list(frontmatter()) == ["name", "description", "license", "metadata"]


def test_frontmatter_has_no_flow_collections():
    block = (ROOT / "SKILL.md").read_text().split("---", 2)[1]
    for line in block.splitlines():
        value = line.split(":", 1)[-1].strip()
        assert not value.startswith(("{", "[")), line


def test_description_fits_the_strictest_hosts():
    description = frontmatter()["description"]
    assert 0 < len(description) <= 1024
    assert "<" not in description and ">" not in description
    assert "Use it when" in description


def test_skill_md_stays_short():
    assert len((ROOT / "SKILL.md").read_text().splitlines()) < 300


def test_openclaw_block_declares_the_key_and_base_url():
    openclaw = frontmatter()["metadata"]["openclaw"]
    assert openclaw["primaryEnv"] == "OPENAI_API_KEY"
    assert openclaw["requires"] == {"env": ["OPENAI_API_KEY", "OPENAI_BASE_URL"], "bins": ["python3"]}
    assert isinstance(frontmatter()["metadata"]["version"], str)


def test_manifest_agrees_with_the_frontmatter():
    fm, mf = frontmatter(), manifest()
    assert (mf["name"], mf["description"], mf["version"]) == (fm["name"], fm["description"], fm["metadata"]["version"])
    assert mf["links"] == {k: fm["metadata"][k] for k in ("documentation", "provider_page", "catalog")}
    assert mf["homepage"] == fm["metadata"]["openclaw"]["homepage"]
    assert mf["primary_env"] == fm["metadata"]["openclaw"]["primaryEnv"]
    declared = {e["name"]: e["required"] for e in fm["metadata"]["openclaw"]["envVars"]}
    assert {e["name"]: e["required"] for e in mf["env"]} == declared


def test_manifest_lists_every_argument_each_script_defines():
    parsers = {
        "scripts/chat.py": chat_parser(False),
        "scripts/stream.py": chat_parser(True),
        "scripts/models.py": models_parser(),
        "scripts/validate.py": validate_parser(),
        "scripts/package.py": package_parser(),
        "scripts/history.py": history_parser(),
        "scripts/jobs.py": jobs_parser(),
        "scripts/doctor.py": doctor_parser(),
        "scripts/review.py": review_parser(),
        "scripts/batch.py": batch_parser(),
        "scripts/mcp_server.py": mcp_parser(),
    }
    for script in manifest()["scripts"]:
        assert (ROOT / script["path"]).is_file()
        parser = parsers[script["path"]]
        defined = {a.option_strings[0] if a.option_strings else a.dest for a in parser._actions if a.dest not in ("help", "version")}
        assert {a["name"] for a in script["arguments"]} == defined


def test_manifest_default_base_url_is_the_configured_one():
    from kimi_skill.catalog import MODELS
    from kimi_skill.config import DEFAULT_BASE_URL

    assert manifest()["api"]["base_url"] == DEFAULT_BASE_URL
    assert [m["id"] for m in manifest()["models"]] == [m.id for m in MODELS]


def test_every_entry_script_carries_inline_dependencies():
    for name in ("chat", "stream", "models"):
        text = (SCRIPTS / f"{name}.py").read_text()
        assert "# /// script" in text and '#   "httpx>=' in text


def test_manifest_lists_every_entry_script():
    listed = {script["path"] for script in manifest()["scripts"]}
    assert listed == {f"scripts/{p.name}" for p in SCRIPTS.glob("*.py")}


def test_the_model_facts_agree_with_skill_yaml_and_skill_md():
    from kimi_skill.catalog import MODELS

    listed = {m["id"]: m for m in manifest()["models"]}
    skill_md = (ROOT / "SKILL.md").read_text()
    for model in MODELS:
        entry = listed[model.id]
        assert (entry["default"], entry["reasoning"], entry["thinking_off"]) == (model.recommended, model.reasons_by_default, model.can_disable_thinking)
        assert (entry["context_tokens"], entry["default_max_tokens"]) == (model.context_tokens, model.default_max_tokens)
        assert {k: v for k, v in entry.items() if k in model.capabilities()} == model.capabilities()
        row = next(line for line in skill_md.splitlines() if line.startswith(f"| `{model.id}` |"))
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        reasoning = "always; text not returned" if not model.thinking_control else "on unless switched off"
        assert cells[2:] == [reasoning, "yes" if model.thinking_control else "refused", "JSON mode" if model.json_mode else "the prompt", str(model.max_output_tokens)]


def test_every_documented_model_table_names_the_default():
    from kimi_skill.catalog import DEFAULT_ENV, RECOMMENDED

    for name in ("SKILL.md", "README.md", "references/cli.md"):
        text = (ROOT / name).read_text()
        assert RECOMMENDED in text and DEFAULT_ENV in text, name


def test_every_exit_code_is_documented_in_all_four_places():
    from kimi_skill.errors import EXIT_CODES

    assert {int(k): v for k, v in manifest()["exit_codes"].items()} == EXIT_CODES
    skill_md = (ROOT / "SKILL.md").read_text()
    cli_md = (ROOT / "references" / "cli.md").read_text()
    for code in EXIT_CODES:
        assert f"\n| {code} |" in skill_md, code
        assert f"\n| {code} |" in cli_md, code
