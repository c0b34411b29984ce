"""The key detector against its labelled corpus: every synthetic key caught, every placeholder
and look-alike left alone, and no report ever printing a whole secret."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import ROOT, SCRIPTS
from corpus.fake_keys import FAKE_KEY
from kimi_skill.validator.secrets_scan import WINDOW, mask, scan_line, scan_text

CORPUS = ROOT / "tests" / "corpus" / "secrets.tsv"
NL = "\u2424"  # joins the lines of a row that stands for several (make_secrets_corpus.py)


def text_of(line: str) -> str:
    return line.replace(NL, "\n")


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
            values += [hit.value for hit in scan_text(text_of(line))]
    return values


def test_the_corpus_is_large_enough_and_covers_every_context():
    data = rows()
    assert sum(1 for r in data if r[0] == "catch") >= 250
    assert sum(1 for r in data if r[0] == "pass") >= 250
    contexts = {r[2] for r in data if r[0] == "catch"}
    assert {"markdown", "python", "shell", "yaml", "json", "dotenv", "typescript", "go", "java", "http", "xml"} <= contexts


def test_the_corpus_has_every_class_issue_15_names():
    categories = {(r[0], r[1]) for r in rows()}
    wanted = {
        ("catch", "suffix-name"), ("catch", "short-secret"), ("catch", "escaped-json"), ("catch", "json-array"),
        ("catch", "query-string"), ("catch", "header-previous-line"), ("catch", "auth-scheme"), ("catch", "docs-table"),
        ("catch", "private-key"), ("pass", "code-expression"), ("pass", "public-address"), ("pass", "example-literal"),
        ("pass", "ellipsis"), ("pass", "placeholder-pem"),
    }
    assert wanted <= categories
    assert {c for _, c in categories if c.startswith("vendor-")} >= {"vendor-openai", "vendor-slack", "vendor-aws", "vendor-azure"}


def test_recall_is_total_and_there_are_no_false_positives(capsys):
    per_category: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    wrong = []
    for label, category, context, line in rows():
        caught = bool(list(scan_text(text_of(line))))
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
        (tree / f"sample.{suffix}").write_text("\n\n".join(text_of(r[3]) for r in rows()) + "\n")
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / "validate.py"), "--scan", "--format", fmt, str(tree)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stdout.count("no-inlined-key") + result.stdout.count("key-in-argv") >= 250
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


def test_the_same_key_twice_on_a_line_is_one_finding():
    line = f'api_key = "{FAKE_KEY}"  # was "{FAKE_KEY}" before the rotation'
    assert [hit.col for hit in scan_line(line, 1)] == [12]


def test_a_key_deep_in_a_minified_line_is_found_in_its_window():
    line = "x" * 10 + ";" + "var a=1;" * (3 * WINDOW // 8) + f'apiKey:"{FAKE_KEY}";' + "var b=2;" * 100
    [hit] = scan_text("first line\n" + line + "\n")
    assert (hit.line, hit.col, hit.value) == (2, line.index(FAKE_KEY) + 1, FAKE_KEY)


def test_a_key_across_a_window_edge_is_found_once():
    for shift in range(-40, 41, 8):
        pad = "a=1;" * ((WINDOW + shift) // 4)
        line = pad + f'token="{FAKE_KEY}";' * 1
        assert [hit.value for hit in scan_text(line)] == [FAKE_KEY], shift


def test_without_pyahocorasick_the_regex_prefilter_finds_the_same(monkeypatch):
    from kimi_skill.validator import secrets_scan

    texts = [text_of(r[3]) for r in rows()]
    with_automaton = [[(h.col, h.value) for h in scan_text(t)] for t in texts]
    monkeypatch.setattr(secrets_scan, "AUTOMATON", None)
    assert [[(h.col, h.value) for h in scan_text(t)] for t in texts] == with_automaton


def scan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPTS / "validate.py"), *args], capture_output=True, text=True)


def test_scan_mode_reads_build_output_and_counts_what_it_leaves_out(tmp_path):
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "bundle.js").write_text(f'const apiKey = "{FAKE_KEY}";\n')
    (tmp_path / "node_modules" / "lib").mkdir(parents=True)
    (tmp_path / "node_modules" / "lib" / "index.js").write_text(f'const apiKey = "{FAKE_KEY}";\n')
    result = scan("--scan", "--format", "json", str(tmp_path))
    report = json.loads(result.stdout)["results"][0]
    assert [f["path"] for f in report["findings"]] == [f"{tmp_path}/dist/bundle.js"]
    assert report["skipped"] == [{"path": "node_modules/", "reason": "skipped folder"}]


def pip_target(root: Path) -> Path:
    """A Lambda build as pip --target lays it out: the function's own file beside installed packages."""
    build = root / "build" / "Function"
    (build / "vendorlib" / "data").mkdir(parents=True)
    (build / "vendorlib" / "data" / "examples.json").write_text(f'{{"api_key": "{FAKE_KEY}"}}\n')
    (build / "vendorlib-1.2.3.dist-info").mkdir()
    (build / "vendorlib-1.2.3.dist-info" / "RECORD").write_text("vendorlib/__init__.py,sha256=x,1\nvendorlib/data/examples.json,,\nsixlike.py,,\n")
    (build / "sixlike.py").write_text(f'token = "{FAKE_KEY}"\n')
    (build / "handler.py").write_text(f'api_key = "{FAKE_KEY}"\n')
    return build


def test_scan_mode_leaves_out_what_a_dist_info_record_lists_as_installed(tmp_path):
    pip_target(tmp_path)
    report = json.loads(scan("--scan", "--format", "json", str(tmp_path)).stdout)["results"][0]
    assert [f["path"] for f in report["findings"]] == [f"{tmp_path}/build/Function/handler.py"]
    assert report["skipped"] == [
        {"path": "build/Function/vendorlib/", "reason": "installed package"},
        {"path": "build/Function/vendorlib-1.2.3.dist-info/", "reason": "installed package"},
        {"path": "build/Function/sixlike.py", "reason": "installed package"},
    ]


def test_an_audit_still_reads_what_a_dist_info_record_lists(tmp_path):
    from kimi_skill.validator.folder import Folder

    pip_target(tmp_path)
    folder = Folder.load(str(tmp_path), skip_dirs=frozenset({".git"}), trust_skill=False)
    assert "build/Function/vendorlib/data/examples.json" in folder.files and folder.skipped == []


def test_a_utf16_file_is_decoded_and_scanned(tmp_path):
    (tmp_path / "settings.ini").write_bytes(f'api_key = "{FAKE_KEY}"\r\n'.encode("utf-16"))
    result = scan("--scan", str(tmp_path))
    assert result.stdout.startswith(f"{tmp_path}/settings.ini:1:12: ERROR no-inlined-key value of api_key q8Zr… (32 chars)")


def test_a_text_file_with_a_stray_nul_is_still_scanned(tmp_path):
    (tmp_path / "notes.txt").write_bytes(b"header\x00\n" + f'token = "{FAKE_KEY}"\n'.encode())
    assert ":2:10: ERROR no-inlined-key" in scan("--scan", str(tmp_path)).stdout


def test_a_binary_file_is_counted_not_scanned(tmp_path):
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 8 + FAKE_KEY.encode())
    result = scan("--scan", "--format", "json", str(tmp_path))
    assert json.loads(result.stdout)["results"][0]["skipped"] == [{"path": "blob.bin", "reason": "binary"}]


def test_scan_takes_single_files(tmp_path):
    target = tmp_path / "a.env"
    target.write_text(f"SERVICE_TOKEN={FAKE_KEY}\n")
    result = scan("--scan", str(target))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{target}:1:15: ERROR key-in-argv") or result.stdout.startswith(f"{target}:1:15: ERROR no-inlined-key")


def test_other_scanners_inline_allow_comments_are_honoured(tmp_path):
    (tmp_path / "a.py").write_text(f'TOKEN = "{FAKE_KEY}"  # gitleaks:allow\nSECRET = "{FAKE_KEY}"  # pragma: allowlist secret\n')
    result = scan("--scan", str(tmp_path))
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1].startswith("0 errors, 0 warnings, 0 notes, 2 allowed by skill-validate: allow")
