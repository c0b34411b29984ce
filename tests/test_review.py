"""review.py: a change read out of real git repositories, reviewed by the emulator, findings checked."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import PROTOCOLS, ROOT, TEST_KEY, assert_clean

SARIF_SCHEMA = ROOT / ".hosts" / "sarif" / "sarif-2.1.0.json"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with one commit: app.py and lib/util.py."""
    folder = tmp_path / "project"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    git(folder, "config", "user.email", "dev@example.org")
    git(folder, "config", "user.name", "Dev")
    (folder / "app.py").write_text("def total(items):\n    return sum(items)\n")
    (folder / "lib").mkdir()
    (folder / "lib" / "util.py").write_text("def first(xs):\n    return xs[0]\n")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "start")
    return folder


def review(run, repo: Path, *args: str, **env: str):
    result = run("review", *args, cwd=repo, **env)
    assert_clean(result)
    return result


def report(run, repo: Path, *args: str) -> dict:
    result = review(run, repo, "--format", "json", *args)
    assert result.code in (0, 13), result.err
    return json.loads(result.out)


def test_uncommitted_changes_are_reviewed_as_file_line_severity_title_lines_and_a_verdict(run, repo):
    (repo / "app.py").write_text("def total(items):\n    return sum(items) + 1  # high risk\n")
    result = review(run, repo)
    assert result.code == 0
    assert result.out == (
        "app.py:2: high: Check the new code in app.py\n"
        "verdict: request_changes: 1 finding (1 high); 1 dropped (cited lines outside the change: --format json lists them); 1 files, +1 -1\n"
    )


def test_a_finding_on_a_file_outside_the_change_is_dropped_with_its_reason(run, repo):
    (repo / "app.py").write_text("def total(items):\n    return sum(items) + 1\n")
    doc = report(run, repo)
    assert [f["file"] for f in doc["findings"]] == ["app.py"]
    assert [(d["file"], d["reason"]) for d in doc["dropped"]] == [("docs/not-in-this-change.md", "the file is not in the change")]


def test_untracked_files_are_part_of_the_default_review_and_ignored_ones_are_not(run, repo):
    (repo / ".gitignore").write_text("secret.txt\n")
    (repo / "new.py").write_text("print('hello')  # medium\n")
    (repo / "secret.txt").write_text("not for review\n")
    doc = report(run, repo)
    assert sorted(f["file"] for f in doc["findings"]) == [".gitignore", "new.py"]
    assert doc["change"]["files"] == 2


def test_staged_reviews_only_what_is_staged(run, repo):
    (repo / "app.py").write_text("def total(items):\n    return sum(items) * 2  # medium\n")
    git(repo, "add", "app.py")
    (repo / "lib" / "util.py").write_text("def first(xs):\n    return xs[-1]\n")
    doc = report(run, repo, "--staged")
    assert [(f["file"], f["line_start"], f["severity"]) for f in doc["findings"]] == [("app.py", 2, "medium")]
    assert doc["change"]["mode"] == "staged"


def test_base_reviews_the_branch_since_it_left_the_base(run, repo):
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "lib" / "util.py").write_text("def first(xs):\n    return xs[0] if xs else None  # low\n")
    git(repo, "commit", "-qam", "guard")
    (repo / "app.py").write_text("uncommitted, not part of --base\n")
    doc = report(run, repo, "--base", "main")
    assert [f["file"] for f in doc["findings"]] == ["lib/util.py"]
    assert doc["change"]["label"] == "main...HEAD"


def test_commit_reviews_the_change_one_commit_made(run, repo):
    (repo / "app.py").write_text("def total(items):\n    return sum(items)\n\n\ndef mean(items):\n    return total(items) / len(items)  # critical\n")
    git(repo, "commit", "-qam", "mean")
    sha = git(repo, "rev-parse", "HEAD").strip()
    doc = report(run, repo, "--commit", sha, "--fail-on", "critical")
    assert [(f["file"], f["line_start"], f["severity"]) for f in doc["findings"]] == [("app.py", 3, "low")]
    assert doc["change"]["label"] == f"commit {sha[:12]}"


def test_a_renamed_file_is_reviewed_under_its_new_name(run, repo):
    git(repo, "mv", "lib/util.py", "lib/helpers.py")
    (repo / "lib" / "helpers.py").write_text("def first(xs):\n    return xs[0]\n# medium: renamed\n")
    git(repo, "add", "-A")
    doc = report(run, repo, "--staged")
    assert [f["file"] for f in doc["findings"]] == ["lib/helpers.py"]
    assert "lib/helpers.py (renamed, from lib/util.py" in run_prompt(run, repo, "--staged")


def test_binary_and_generated_files_are_summarised_not_sent(run, repo):
    (repo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0" + bytes(range(256)))
    (repo / "package-lock.json").write_text('{"lockfileVersion": 3}\n')
    (repo / "app.py").write_text("def total(items):\n    return sum(items) + 0  # low\n")
    doc = report(run, repo)
    assert sorted((s["file"], s["kind"]) for s in doc["change"]["summarised"]) == [("logo.png", "binary"), ("package-lock.json", "generated")]
    prompt = run_prompt(run, repo)
    assert "lockfileVersion" not in prompt and "PNG" not in prompt
    assert "- logo.png (binary, 267 bytes)" in prompt


def test_a_huge_change_is_split_across_calls_and_the_findings_merged(run, repo):
    for index in range(6):
        (repo / f"mod{index}.py").write_text("".join(f"value_{n} = {n}  # low\n" for n in range(400)))
    doc = report(run, repo, "--chunk-bytes", "20000")
    assert doc["calls"] > 1
    assert sorted(f["file"] for f in doc["findings"]) == [f"mod{index}.py" for index in range(6)]
    assert len(doc["dropped"]) == 1  # the invented finding, the same in every call, kept once


def test_keys_in_the_diff_are_masked_before_sending(run, repo, emulator):
    key = "sk-proj-" + "Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7n"  # skill-validate: allow no-inlined-key (made up)
    (repo / "settings.py").write_text(f'OPENAI_API_KEY = "{key}"\n')
    doc = report(run, repo)
    assert doc["change"]["keys_masked"] == 1
    assert key not in json.dumps(emulator.state.requests[-1].body)


def test_repository_guidance_goes_along(run, repo):
    (repo / "AGENTS.md").write_text("Always use tabs.\n")
    git(repo, "add", "AGENTS.md")
    git(repo, "commit", "-qm", "guidance")
    (repo / "app.py").write_text("x = 1\n")
    doc = report(run, repo)
    assert doc["change"]["guidance"] == ["AGENTS.md"]
    assert '<guidance path="AGENTS.md">\nAlways use tabs.' in run_prompt(run, repo)


def test_fail_on_exits_13_when_a_finding_reaches_the_threshold(run, repo):
    (repo / "app.py").write_text("def total(items):\n    return 0  # medium\n")
    assert review(run, repo, "--fail-on", "medium").code == 13
    assert review(run, repo, "--fail-on", "high").code == 0


def test_no_change_is_a_clean_approve_without_a_call(run, repo, emulator):
    result = review(run, repo)
    assert (result.code, result.out) == (0, "verdict: approve: 0 findings; 0 files, +0 -0\n")
    assert emulator.state.requests == []


def test_outside_a_repository_is_one_line_and_exit_2(run, tmp_path):
    result = run("review", cwd=tmp_path)
    assert (result.code, result.err) == (2, f"error: {tmp_path} is not inside a git repository; run review.py in one (or pass --repo PATH)\n")


def test_a_bad_revision_is_one_line_and_exit_2(run, repo):
    result = run("review", "--base", "no-such-branch", cwd=repo)
    assert (result.code, result.err) == (2, "error: --base 'no-such-branch' is not a commit in this repository\n")


def test_repository_config_cannot_run_programs_during_the_review(run, repo, tmp_path):
    marker = tmp_path / "ran"
    git(repo, "config", "core.fsmonitor", f"touch {marker}; false")
    git(repo, "config", "diff.external", f"sh -c 'touch {marker}'")
    git(repo, "config", "diff.evil.textconv", f"sh -c 'touch {marker}; cat'")
    (repo / ".gitattributes").write_text("*.py diff=evil\n")
    (repo / "app.py").write_text("changed = True\n")
    report(run, repo)
    assert not marker.exists()


@pytest.mark.parametrize("model", ["kimi-k3", "kimi-k2.7-code", "kimi-k2.6"])
def test_every_model_gets_the_findings_schema_and_answers_it(run, repo, model):
    (repo / "app.py").write_text("def total(items):\n    return 1  # high\n")
    doc = report(run, repo, "--model", model)
    assert [f["severity"] for f in doc["findings"]] == ["high"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_every_protocol_carries_the_review(run, repo, protocol):
    (repo / "app.py").write_text("y = 2  # low\n")
    doc = report(run, repo, "--protocol", protocol)
    assert [f["file"] for f in doc["findings"]] == ["app.py"]


def test_adversarial_sends_the_adversarial_prompt_with_the_same_schema(run, repo, emulator):
    (repo / "app.py").write_text("y = 2\n")
    doc = report(run, repo, "--adversarial")
    assert doc["findings"]
    system = json.dumps(emulator.state.requests[-1].body)
    assert "adversarial reviewer" in system and "line_start" in system


def test_the_review_is_a_conversation_a_follow_up_can_continue(run, repo, emulator):
    (repo / "app.py").write_text("y = 2  # medium\n")
    doc = report(run, repo)
    follow = run("chat", "--conversation", doc["conversation"], "explain finding 1", cwd=repo)
    assert follow.code == 0
    assert "[turn 2] You said: explain finding 1" in follow.out and "Here is the JSON" not in follow.out


def test_background_review_returns_a_job_whose_result_is_the_json_report(run, repo):
    (repo / "app.py").write_text("y = 2  # high\n")
    started = review(run, repo, "--background")
    job = started.out.strip()
    assert started.code == 0 and job.startswith("j-")
    result = run("jobs", "result", job, "--wait", "30", cwd=repo)
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert [f["severity"] for f in doc["findings"]] == ["high"] and doc["dropped"]


def test_sarif_output_validates_against_the_sarif_2_1_0_schema(run, repo):
    if not SARIF_SCHEMA.exists():
        pytest.skip("the SARIF schema is fetched by .ci/install-hosts")
    import jsonschema

    (repo / "app.py").write_text("y = 2  # critical\n")
    result = review(run, repo, "--format", "sarif")
    doc = json.loads(result.out)
    jsonschema.validate(doc, json.loads(SARIF_SCHEMA.read_text()))
    [finding] = doc["runs"][0]["results"]
    assert (finding["ruleId"], finding["level"], finding["locations"][0]["physicalLocation"]["region"]) == ("review/critical", "error", {"startLine": 1, "endLine": 1})


def test_the_key_never_reaches_argv_or_output(run, repo):
    (repo / "app.py").write_text("y = 2\n")
    result = review(run, repo, "--format", "json")
    assert TEST_KEY not in result.out + result.err


def run_prompt(run, repo: Path, *args: str) -> str:
    """The prompt review.py would send, as recorded in the store (history.py show --json)."""
    result = run("review", "--format", "json", *args, cwd=repo)
    conversation = json.loads(result.out)["conversation"]
    shown = run("history", "show", conversation, "--json", cwd=repo)
    return json.loads(shown.out)["turns"][0]["sent"]


def test_assembling_a_5000_line_change_is_quick_enough_to_measure(repo):
    """Not a timing assertion (bench/review.py measures it): the path runs on a large change."""
    from kimi_skill.review.assemble import assemble
    from kimi_skill.review.change import collect

    (repo / "big.py").write_text("".join(f"line_{n} = {n}\n" for n in range(5000)))
    start = time.perf_counter()
    built = assemble(collect(str(repo), "uncommitted"), "", False, "kimi-k3", None)
    assert built.prompts and time.perf_counter() - start >= 0
    assert os.path.exists(repo / "big.py")
