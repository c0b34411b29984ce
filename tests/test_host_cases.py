"""The validator's verdict for each host agrees with what that host itself did, case by case
(tests/corpus/host_cases.py records the hosts' verdicts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.host_cases import CASES, VERDICTS, D
from kimi_skill.validator.runner import Options, validate

HOSTS = ("agentskills", "claude-code", "codex", "openclaw")


def materialise(base: Path, name: str) -> Path:
    root = base / "skills" / name
    root.mkdir(parents=True)
    text = CASES[name]
    if text is None:  # the lowercase-file case
        (root / "skill.md").write_text(f"---\nname: {name}\ndescription: {D}\n---\n# B\n")
    else:
        (root / "SKILL.md").write_bytes(text.encode("utf-8"))
    return root


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_hosts_verdict_is_mirrored(tmp_path, name):
    root = materialise(tmp_path, name)
    ours = tuple(not validate(str(root), Options(targets=[host])).hosts[host] for host in HOSTS)
    assert dict(zip(HOSTS, ours, strict=True)) == dict(zip(HOSTS, VERDICTS[name], strict=True))


def test_every_case_has_a_verdict():
    assert set(CASES) == set(VERDICTS) and len(CASES) >= 50
