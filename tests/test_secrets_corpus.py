"""The key detector against its labelled corpus: every synthetic key caught, every placeholder
and look-alike left alone, and no report ever printing a whole secret."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import ROOT, SCRIPTS
from corpus.fake_keys import FAKE_KEY
from kimi_skill.validator.secrets_scan import mask, scan_line

CORPUS = ROOT / "tests" / "corpus" / "secrets.tsv"


def rows() -> list[tuple[str, str, str, str]]:
    out = []
    for row in CORPUS.read_text().splitlines():
        if row and not row.startswith("#"):
            label, category, context, line = row.split("\t", 3)
            out.append((label, category, context, line))
    return out


def secrets_in_corpus() -> list[str]:
    values = []
    for label, _, _, line in rows():
        if label == "catch":
            values += [hit.value for hit in scan_line(line, 1)]
    return values


def test_the_corpus_is_large_enough_and_covers_every_context():
    data = rows()
    assert sum(1 for r in data if r[0] == "catch") >= 150
    assert sum(1 for r in data if r[0] == "pass") >= 150
    contexts = {r[2] for r in data if r[0] == "catch"}
    assert {"markdown", "python", "shell", "yaml", "json", "dotenv", "typescript"} <= contexts


def test_recall_is_total_and_there_are_no_false_positives(capsys):
    per_category: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    wrong = []
    for label, category, context, line in rows():
        caught = bool(list(scan_line(line, 1)))
        tally = per_category[(label, category)]
        tally[0] += 1
        tally[1] += caught
        if caught != (label == "catch"):
            wrong.append(f"{label} {category} {context}: {mask(line)}")
    with capsys.disabled():
        print("\nkey detector on tests/corpus/secrets.tsv")
        for (label, category), (total, caught) in sorted(per_category.items()):
            figure = f"recall {caught}/{total}" if label == "catch" else f"false positives {caught}/{total}"
            print(f"  {label:5} {category:22} {figure}")
    assert wrong == []


def test_the_corpus_file_is_reproducible(tmp_path):
    script = ROOT / "tests" / "corpus" / "make_secrets_corpus.py"
    before = CORPUS.read_bytes()
    subprocess.run([sys.executable, str(script)], check=True, capture_output=True)
    assert CORPUS.read_bytes() == before


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_no_report_contains_a_whole_corpus_secret(tmp_path, fmt):
    tree = tmp_path / "tree"
    tree.mkdir()
    for suffix in ("md", "py", "sh", "yaml", "json", "env", "ts"):
        (tree / f"sample.{suffix}").write_text("\n".join(r[3] for r in rows()) + "\n")
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / "validate.py"), "--scan", "--format", fmt, str(tree)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stdout.count("no-inlined-key") + result.stdout.count("key-in-argv") >= 150
    leaked = [value for value in secrets_in_corpus() if value in result.stdout or value in result.stderr]
    assert leaked == []


def test_a_finding_shows_four_characters_and_the_length():
    [hit] = scan_line(f'api_key = "{FAKE_KEY}"', 7)
    assert (hit.line, hit.col, hit.masked, len(hit.value)) == (7, 12, "q8Zr…", 32)


def test_keys_in_commands_are_reported_as_argv():
    [hit] = scan_line(f"export RUNAPI_TOKEN={FAKE_KEY}", 1)
    assert hit.argv
    [hit] = scan_line(f'  RUNAPI_TOKEN: "{FAKE_KEY}"', 1)
    assert not hit.argv


def test_corpus_stays_out_of_the_package_scan():
    assert "tests/corpus/" in Path(ROOT / ".skill-validate-ignore").read_text()
