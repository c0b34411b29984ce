"""The skill validator: one broken folder per rule, valid folders stay silent, reports are exact."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SCRIPTS
from corpus.fake_keys import FAKE_KEY
from corpus.validator_cases import BASE, CASES, Case, Files
from kimi_skill.validator.rules import RULES
from kimi_skill.validator.runner import Options, validate


def materialise(base: Path, files: Files, folder: str = "demo-skill") -> Path:
    root = base / "skills" / folder
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def line_of(content: str | bytes, marker: str | int) -> int:
    if isinstance(marker, int):
        return marker
    text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content
    for number, line in enumerate(text.split("\n"), 1):
        if marker in line or (marker.endswith("\n") and line == marker[:-1]):
            return number
    raise AssertionError(f"marker {marker!r} not found")


def run_validator(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPTS / "validate.py"), *args], capture_output=True, text=True, cwd=cwd)


def test_the_corpus_covers_forty_rules_or_more():
    assert len(CASES) >= 40
    assert len({case.rule for case in CASES}) >= 40


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_broken_folder_reports_its_rule_at_its_line(tmp_path, case: Case):
    if case.rule == "python-newer-syntax" and sys.version_info >= (3, 12):
        pytest.skip("this interpreter reads the newer syntax")
    files = dict(BASE)
    case.change(files)
    root = materialise(tmp_path, files, case.folder)
    result = validate(str(root), Options(targets=case.targets))
    expected = (case.rule, f"{root}/{case.path}", line_of(files.get(case.path, ""), case.marker))
    found = [(f.rule, f.path, f.line) for f in result.findings]
    assert expected in found, "\n".join(f"{f.path}:{f.line} {f.rule} {f.message}" for f in result.findings)


def test_the_base_folder_is_clean(tmp_path):
    result = validate(str(materialise(tmp_path, dict(BASE))), Options())
    assert result.findings == []
    assert all(not blocking for blocking in result.hosts.values())


def test_a_minimal_skill_is_clean(tmp_path):
    root = materialise(tmp_path, {"SKILL.md": "---\nname: demo-skill\ndescription: Says hello. Use it when the user wants a greeting.\n---\n\n# Hello\n"})
    assert validate(str(root), Options()).findings == []


def test_a_skill_with_every_optional_field_is_clean_for_the_open_format(tmp_path):
    files = dict(BASE)
    files["SKILL.md"] = BASE["SKILL.md"].replace(
        "license: MIT-0\n",
        "license: MIT-0\ncompatibility: Needs Python 3.11 and network access.\nallowed-tools: Bash(python3:*) Read\n",
    ).replace("    homepage:", "    emoji: \"⛅\"\n    always: false\n    os:\n      - linux\n      - darwin\n    install:\n      - kind: uv\n        package: demo\n    homepage:")
    result = validate(str(materialise(tmp_path, files)), Options(targets=["agentskills", "claude-code", "codex", "openclaw"]))
    assert result.findings == []


def test_our_own_package_is_clean_and_strict():
    result = run_validator("--strict", ".")
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1].startswith("0 errors, 0 warnings, 0 notes, 9 allowed by skill-validate: allow, ")


def test_text_output_is_one_finding_per_line_then_the_matrix(tmp_path):
    files = dict(BASE)
    files["SKILL.md"] = BASE["SKILL.md"].replace("name: demo-skill", "name: Demo-Skill")
    root = materialise(tmp_path, files)
    targets = ["--target", "agentskills", "--target", "claude-code", "--target", "codex", "--target", "openclaw"]
    result = run_validator(*targets, str(root))
    assert result.returncode == 1
    mismatch = "name 'Demo-Skill' differs from the folder name 'demo-skill': skills-ref refuses the skill; rename one of them"
    assert result.stdout.replace(str(root), "ROOT").splitlines() == [
        f"ROOT/SKILL.md:2:1: ERROR name-folder-mismatch {mismatch}",
        "ROOT/SKILL.md:2:1: ERROR name-format name 'Demo-Skill' has capital letters: skills-ref refuses it; use lowercase words joined by hyphens",
        "ROOT/skill.yaml:2:1: ERROR manifest-mismatch name differs from SKILL.md: 'demo-skill' vs 'Demo-Skill'",
        f"host agentskills  FAIL (2): {mismatch}",
        "host claude-code  pass",
        "host codex        pass",
        "host openclaw     pass",
        "targets (their verdicts decide the exit code): agentskills: --target; claude-code: --target; codex: --target; openclaw: --target",
        "3 errors, 0 warnings, 0 notes, 0 allowed by skill-validate: allow, 0 files or folders not scanned (4 files in 1 path; --verbose lists what was left out)",
    ]


def test_target_decides_the_exit_code(tmp_path):
    files = dict(BASE)
    files["SKILL.md"] = BASE["SKILL.md"].replace("license: MIT-0\n", "license: MIT-0\nuser-invocable: true\n")
    root = materialise(tmp_path, files)
    claude = run_validator("--target", "claude-code", str(root))
    assert claude.returncode == 0 and "host claude-code  pass" in claude.stdout
    assert "WARNING unknown-key" in claude.stdout
    assert run_validator("--target", "agentskills", str(root)).returncode == 1


def test_json_output_has_the_documented_shape(tmp_path):
    files = dict(BASE)
    files["SKILL.md"] = BASE["SKILL.md"].replace("Use it when the user asks for the weather.", "Weather.")
    files["skill.yaml"] = BASE["skill.yaml"].replace("Use it when the user asks for the weather.", "Weather.")
    root = materialise(tmp_path, files)
    result = run_validator("--format", "json", "--target", "codex", str(root))
    doc = json.loads(result.stdout)
    assert result.returncode == 0
    assert doc["version"] == 2 and doc["tool"]["name"] == "kimi-skill-validate"
    assert doc["summary"] == {"errors": 0, "warnings": 0, "notes": 1, "suppressed": 0, "skipped": 0, "failures": 0}
    [entry] = doc["results"]
    assert entry["hosts"] == {"codex": {"ok": True, "errors": 0}}
    assert entry["findings"] == [
        {"rule": "description-when", "level": "note", "path": f"{root}/SKILL.md", "line": 3, "col": 1, "hosts": [],
         "message": "description does not say when to use the skill (for example 'Use it when the user asks for ...')"}
    ]
    assert (entry["suppressed"], entry["skipped"], entry["failure"]) == ([], [], None)


def test_strict_fails_on_warnings(tmp_path):
    files = dict(BASE)
    files["SKILL.md"] = BASE["SKILL.md"].replace("license: MIT-0\n", "license: MIT-0\nversion: 1.0.0\n")
    root = materialise(tmp_path, files)
    assert run_validator("--target", "claude-code", str(root)).returncode == 0
    assert run_validator("--target", "claude-code", "--strict", str(root)).returncode == 1


def test_sarif_output_is_sarif_2_1_0(tmp_path):
    files = dict(BASE)
    files["SKILL.md"] = BASE["SKILL.md"].replace("--city Paris", "--town Paris")
    root = materialise(tmp_path, files)
    doc = json.loads(run_validator("--format", "sarif", str(root)).stdout)
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    assert run["tool"]["driver"]["rules"] == [
        {"id": "command-unknown-flag", "shortDescription": {"text": RULES["command-unknown-flag"].summary}, "defaultConfiguration": {"level": "warning"}}
    ]
    [result] = run["results"]
    assert result["ruleId"] == "command-unknown-flag" and result["level"] == "warning"
    schema = ROOT / ".hosts" / "sarif" / "sarif-2.1.0.json"
    if schema.exists():  # fetched by .ci/install-hosts
        import jsonschema

        jsonschema.validate(doc, json.loads(schema.read_text()))
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 26, "startColumn": 1}


def test_a_missing_path_exits_2(tmp_path):
    result = run_validator(str(tmp_path / "nowhere"))
    assert (result.returncode, result.stderr) == (2, f"error: {tmp_path / 'nowhere'} is not a folder (pass a skill folder, or files and trees with --scan)\n")


def test_a_folder_without_skill_md_exits_2(tmp_path):
    result = run_validator(str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == f"error: {tmp_path} holds no SKILL.md; pass a skill folder, or use --scan for any tree\n"


def test_every_rule_is_documented():
    doc = (ROOT / "references" / "validator.md").read_text()
    missing = [rule for rule in RULES if f"`{rule}`" not in doc]
    assert missing == []


def test_the_validator_never_imports_the_openai_sdk():
    code = "import sys; from kimi_skill.validator.cli import main; main(['.']); print('openai' in sys.modules, 'httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=SCRIPTS).stdout
    assert out.strip().splitlines()[-1] == "False False"


def test_run_scripts_passes_on_our_package():
    result = run_validator("--run-scripts", "--strict", ".")
    assert result.returncode == 0, result.stdout


def test_run_scripts_catches_a_script_that_echoes_its_key(tmp_path):
    files = dict(BASE)
    files["scripts/run.py"] = RUN = 'import os, sys\nprint("key is", os.environ.get("DEMO_API_KEY"))\nsys.exit(3)\n'
    assert RUN
    root = materialise(tmp_path, files)
    rules = {f.rule for f in validate(str(root), Options(run_scripts=True)).findings}
    assert {"script-canary-leak", "script-help"} <= rules


def test_run_scripts_catches_a_traceback(tmp_path):
    files = dict(BASE)
    files["scripts/run.py"] = 'import argparse, os\nargparse.ArgumentParser().parse_args()\nraise RuntimeError(os.environ.get("DEMO_API_KEY") and "boom")\n'
    rules = {f.rule for f in validate(str(materialise(tmp_path, files)), Options(run_scripts=True)).findings}
    assert "script-traceback" in rules


def test_pre_commit_hook_is_declared():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {hook["id"] for hook in hooks} == {"skill-validate", "skill-secret-scan"}


def test_allow_comment_suppresses_a_finding_and_verbose_lists_it(tmp_path):
    files = dict(BASE)
    files["references/guide.md"] = f'api_key = "{FAKE_KEY}"  <!-- skill-validate: allow -->\n'
    root = materialise(tmp_path, files)
    result = run_validator("--verbose", str(root))
    assert result.returncode == 0
    assert f"{root}/references/guide.md:1:12: allowed no-inlined-key (skill-validate: allow)" in result.stdout


def test_scan_runs_only_the_key_rules_on_any_tree(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "settings.py").write_text(f'TOKEN = "x"\nOPENAI_API_KEY = "{FAKE_KEY}"\n')
    result = run_validator("--scan", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"{tmp_path}/app/settings.py:2:19: ERROR no-inlined-key value of OPENAI_API_KEY q8Zr… (32 chars) inlined: "
        "read it from $OPENAI_API_KEY at run time and write a placeholder such as YOUR_OPENAI_API_KEY here, and revoke the key if it was real"
    )
    assert FAKE_KEY not in result.stdout


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty", b""),
        ("only-dashes", b"---\n"),
        ("binary", bytes(range(256)) * 4),
        ("yaml-list", b"---\n- a\n- b\n---\n"),
        ("yaml-scalar", b"---\n42\n---\n"),
        ("yaml-bomb", b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nname: x\n---\n"),
        ("invalid-utf8", b"---\nname: \xff\xfe\n---\n"),
        ("deep-nesting", b"---\nname: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n"),
        ("huge", b"---\nname: big\ndescription: Use it when testing.\n---\n" + b"A long line of text. " * 500_000),
    ],
)
def test_hostile_input_never_crashes(tmp_path, name, content):
    root = tmp_path / "skills" / "big"
    root.mkdir(parents=True)
    (root / "SKILL.md").write_bytes(content)
    result = run_validator(str(root))
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines()[-1].endswith("(1 files in 1 path; --verbose lists what was left out)")


def test_a_symlink_leaving_the_folder_is_reported_not_followed(tmp_path):
    root = materialise(tmp_path, dict(BASE))
    secret = tmp_path / "outside.txt"
    secret.write_text(f'api_key = "{FAKE_KEY}"\n')
    os.symlink(secret, root / "references" / "linked.md")
    findings = validate(str(root), Options()).findings
    assert [(f.rule, f.path) for f in findings] == [("symlink-escape", f"{root}/references/linked.md")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file, so an unreadable file cannot be made")
def test_an_unreadable_file_is_a_finding(tmp_path):
    root = materialise(tmp_path, dict(BASE))
    (root / "references" / "guide.md").chmod(0)
    assert "file-unreadable" in {f.rule for f in validate(str(root), Options()).findings}


def test_a_read_error_is_a_finding_even_as_root(tmp_path, monkeypatch):
    root = materialise(tmp_path, dict(BASE))
    original = open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("guide.md"):
            raise PermissionError(13, "Permission denied")
        return original(path, *args, **kwargs)

    monkeypatch.setattr("kimi_skill.validator.folder.open", refuse, raising=False)
    findings = validate(str(root), Options()).findings
    assert [(f.rule, f.path, f.message) for f in findings] == [
        ("file-unreadable", f"{root}/references/guide.md", "cannot read: Permission denied")
    ]


def test_a_flattened_block_is_explained_as_broken_nesting(tmp_path):
    flattened = "---\nname: demo-skill\ndescription: Use it when testing.\nmetadata:\nopenclaw:\nrequires:\nenv:\n- OPENAI_API_KEY\nenvVars:\n- name: OPENAI_API_KEY\nrequired: true\n- name: OPENAI_BASE_URL\n---\n"
    root = materialise(tmp_path, {"SKILL.md": flattened})
    [finding] = [f for f in validate(str(root), Options()).findings if f.rule == "frontmatter-yaml"]
    assert (finding.line, finding.message) == (
        12,
        "invalid YAML: did not find expected key; the nesting is broken: '- name: OPENAI_BASE_URL' starts at "
        "column 1 but belongs under the key above it (was the block flattened?): indent nested keys and list items under their parent; "
        "skills-ref and Codex refuse it",
    )


def package_root(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    root.mkdir()
    (root / "SKILL.md").write_text("---\nname: kimi\ndescription: Says hello. Use it when the user wants a greeting.\nlicense: MIT-0\n---\n\n# Hello\n")
    (root / "references").mkdir()
    (root / "references" / "guide.md").write_text("# Guide\n")
    return root


def test_package_never_follows_a_symlink_out_of_the_skill(tmp_path):
    from kimi_skill.bundle import BundleError, build

    root = package_root(tmp_path)
    (tmp_path / "secret.txt").write_text("outside")
    os.symlink(tmp_path / "secret.txt", root / "references" / "leak.md")
    with pytest.raises(BundleError, match=r"references/leak\.md is a symbolic link; bundles ship regular files only"):
        build(root, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_package_refuses_a_fifo_and_odd_names(tmp_path):
    from kimi_skill.bundle import BundleError, build

    root = package_root(tmp_path)
    os.mkfifo(root / "references" / "pipe")
    with pytest.raises(BundleError, match="references/pipe is not a regular file"):
        build(root, tmp_path / "out")
    (root / "references" / "pipe").unlink()
    (root / "references" / "a\\b.md").write_text("x")
    with pytest.raises(BundleError, match="backslash or a control character"):
        build(root, tmp_path / "out")


def test_package_ships_the_validated_copy(tmp_path):
    import zipfile

    from kimi_skill.bundle import build

    root = package_root(tmp_path)
    bundle, count = build(root, tmp_path / "out")
    with zipfile.ZipFile(bundle) as archive:
        assert sorted(archive.namelist()) == ["kimi/SKILL.md", "kimi/references/guide.md"] and count == 2


def test_a_fifo_in_a_skill_is_a_finding_and_never_opened(tmp_path):
    root = materialise(tmp_path, dict(BASE))
    os.mkfifo(root / "references" / "pipe")
    findings = validate(str(root), Options()).findings
    assert [(f.rule, f.path) for f in findings] == [("file-special", f"{root}/references/pipe")]


def test_a_big_ignore_file_is_not_read_and_says_so(tmp_path):
    root = materialise(tmp_path, dict(BASE))
    (root / ".skill-validate-ignore").write_text("*\n" + "#" * 100_000)
    result = validate(str(root), Options())
    assert ("file-special", f"{root}/.skill-validate-ignore") in [(f.rule, f.path) for f in result.findings]
    assert result.files == 5  # nothing was excluded by it


def test_exclusions_are_counted_and_listed(tmp_path):
    root = materialise(tmp_path, dict(BASE))
    (root / ".skill-validate-ignore").write_text("references/\n")
    (root / "node_modules").mkdir()
    doc = json.loads(run_validator("--format", "json", str(root)).stdout)
    assert doc["summary"]["skipped"] == 2
    assert sorted(s["path"] for s in doc["results"][0]["skipped"]) == ["node_modules/", "references/"]


def test_one_failing_folder_does_not_hide_the_others(tmp_path, monkeypatch):
    from kimi_skill.validator import check_docs, cli

    good = materialise(tmp_path / "a", dict(BASE))
    bad = materialise(tmp_path / "b", dict(BASE))
    original = check_docs.check

    def explode(skill):
        if str(bad) in str(skill.folder.root):
            raise RuntimeError("boom")
        return original(skill)

    monkeypatch.setattr(check_docs, "check", explode)
    code = cli.main(["--format", "json", str(good), str(bad)])
    assert code == 2


@pytest.mark.parametrize(
    "metadata",
    [
        "  openclaw:\n    primaryEnv:\n      - A_KEY\n",
        "  openclaw:\n    requires:\n      env: 5\n",
        "  openclaw:\n    envVars: true\n",
        "  openclaw:\n    envVars:\n      - 3\n      - name: [1]\n",
        "  openclaw:\n    requires: [1, 2]\n",
        "  openclaw: 7\n",
    ],
)
def test_wrongly_typed_openclaw_fields_are_findings_not_crashes(tmp_path, metadata):
    files = {"SKILL.md": f"---\nname: demo-skill\ndescription: Use it when testing.\nmetadata:\n{metadata}---\n# B\n"}
    result = validate(str(materialise(tmp_path, files)), Options(targets=["openclaw"]))
    assert any(f.rule == "frontmatter-schema" for f in result.findings)


def test_another_authors_plugin_may_bundle_the_skill_under_its_own_name(tmp_path):
    files = {k: v for k, v in BASE.items() if k != "skill.yaml"}
    files[".claude-plugin/plugin.json"] = '{"name": "weather-tools", "version": "2.0.0", "description": "Tools for weather."}\n'
    rules = {f.rule for f in validate(str(materialise(tmp_path, files)), Options()).findings}
    assert "plugin-mismatch" not in rules


def test_plugin_manifests_of_one_folder_must_agree_on_the_version(tmp_path):
    files = {k: v for k, v in BASE.items() if k != "skill.yaml"}
    files[".claude-plugin/plugin.json"] = '{"name": "weather-tools", "version": "2.0.0"}\n'
    files[".codex-plugin/plugin.json"] = '{"name": "weather-tools", "version": "1.9.0"}\n'
    found = [(f.rule, f.path.rsplit("/", 2)[-2:], f.line) for f in validate(str(materialise(tmp_path, files)), Options()).findings if f.rule == "plugin-mismatch"]
    assert found == [("plugin-mismatch", [".codex-plugin", "plugin.json"], 1)]
