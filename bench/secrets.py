#!/usr/bin/env python3
"""The key detector beside detect-secrets: accuracy on the labelled corpus, throughput on a
generated tree of mixed files. Prints figures; asserts nothing.

    python3 bench/secrets.py                 # 50 MB tree, detect-secrets on the same tree (minutes)
    python3 bench/secrets.py --ds-mb 5       # detect-secrets on the first 5 MB only
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from kimi_skill.validator.check_agent_rules import scan_keys  # noqa: E402
from kimi_skill.validator.folder import Folder  # noqa: E402
from kimi_skill.validator.secrets_scan import scan_line  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "secrets.tsv"
WORDS = "the model answers each request with a short reply and streams long ones so the agent sees text as it arrives".split()


EXTENSIONS = {"markdown": "md", "python": "py", "shell": "sh", "yaml": "yaml", "json": "json", "dotenv": "env", "typescript": "ts"}


def corpus_rows() -> list[tuple[str, str, str, str]]:
    out = []
    for row in CORPUS.read_text().splitlines():
        if row and not row.startswith("#"):
            label, category, context, line = row.split("\t", 3)
            out.append((label, category, line, EXTENSIONS.get(context, "txt")))
    return out


def detect_secrets_lines(folder: Path) -> dict[str, set[int]]:
    exe = Path(sys.executable).with_name("detect-secrets")
    out = subprocess.run([str(exe), "scan", "--all-files", str(folder)], capture_output=True, text=True, check=True, cwd=folder)
    results = json.loads(out.stdout)["results"]
    return {name: {item["line_number"] for item in items} for name, items in results.items()}


def accuracy() -> None:
    rows = corpus_rows()
    with tempfile.TemporaryDirectory() as tmp:
        # one file per line, named for its context, so each tool sees the file type it expects
        for n, (_, _, line, ext) in enumerate(rows):
            (Path(tmp) / f"line{n:04d}.{ext}").write_text(line + "\n")
        ds = detect_secrets_lines(Path(tmp))
    ours = [bool(list(scan_line(line, 1))) for _, _, line, _ in rows]
    theirs = [bool(ds.get(f"line{n:04d}.{ext}")) for n, (_, _, _, ext) in enumerate(rows)]
    catch = [i for i, r in enumerate(rows) if r[0] == "catch"]
    passing = [i for i, r in enumerate(rows) if r[0] == "pass"]
    print(f"labelled corpus: {len(catch)} lines to catch, {len(passing)} to pass (tests/corpus/secrets.tsv)")
    print(f"{'':24}{'ours':>22}{'detect-secrets 1.5':>24}")
    print(f"{'recall':24}{_pct(sum(ours[i] for i in catch), len(catch)):>22}{_pct(sum(theirs[i] for i in catch), len(catch)):>24}")
    print(f"{'false positives':24}{_count(sum(ours[i] for i in passing), len(passing)):>22}{_count(sum(theirs[i] for i in passing), len(passing)):>24}")
    categories = sorted({r[1] for r in rows})
    for category in categories:
        idx = [i for i, r in enumerate(rows) if r[1] == category]
        label = rows[idx[0]][0]
        what = "recall" if label == "catch" else "FP"
        ours_n, theirs_n = sum(ours[i] for i in idx), sum(theirs[i] for i in idx)
        print(f"  {what} {category:19}{f'{ours_n}/{len(idx)}':>18}{f'{theirs_n}/{len(idx)}':>24}")


def _pct(n: int, total: int) -> str:
    return f"{n}/{total} ({100 * n / total:.1f} %)"


def _count(n: int, total: int) -> str:
    return f"{n}/{total}"


def make_tree(root: Path, megabytes: int, seed: int = 7) -> int:
    """Mixed files: prose, code, YAML/JSON config, lockfile hashes, UUIDs, placeholders, a few keys."""
    rng = random.Random(seed)
    alnum = string.ascii_letters + string.digits

    def line() -> str:
        roll = rng.random()
        if roll < 0.45:
            return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16)))
        if roll < 0.60:
            return f"    result = client.{rng.choice(WORDS)}({rng.choice(WORDS)}={rng.randint(0, 999)})"
        if roll < 0.68:
            return f'  "{rng.choice(WORDS)}_id": "{uuid.UUID(int=rng.getrandbits(128))}",'
        if roll < 0.74:
            return f'sha256 = "{rng.getrandbits(256):064x}"'
        if roll < 0.80:
            return rng.choice(["OPENAI_API_KEY=YOUR_RUNAPI_TOKEN", 'api_key = os.environ["RUNAPI_TOKEN"]', "max_tokens: 1024", "Authorization: Bearer $RUNAPI_TOKEN"])
        if roll < 0.8005:
            return f'api_key = "{"".join(rng.choice(alnum) for _ in range(40))}"'
        return f"- {rng.choice(WORDS)}: {rng.choice(WORDS)} {rng.randint(0, 10**6)}"

    written, index = 0, 0
    target = megabytes * 1024 * 1024
    suffixes = [".md", ".py", ".yaml", ".json", ".txt", ".ts"]
    while written < target:
        folder = root / f"part{index // 50:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        text = "\n".join(line() for _ in range(rng.randint(500, 4000))) + "\n"
        (folder / f"file{index:05d}{suffixes[index % len(suffixes)]}").write_text(text)
        written += len(text.encode())
        index += 1
    return written


def throughput(megabytes: int, ds_megabytes: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        size = make_tree(tree, megabytes)
        best = float("inf")
        found: list[object] = []
        for _ in range(3):
            found.clear()
            start = time.perf_counter()
            scan_keys(Folder.load(str(tree)), lambda *a: found.append(a))
            best = min(best, time.perf_counter() - start)
        ours = size / best / 1e6
        print(f"\ntree: {size / 1e6:.1f} MB in {sum(1 for _ in tree.rglob('*.*'))} files; one process, one thread")
        print(f"ours (walk, read, prefilter, scan)   {ours:7.1f} MB/s   {best:6.2f} s   {len(found)} findings   budget >= 30 MB/s: {'within budget' if ours >= 30 else 'OVER BUDGET'}")
        subset = tree
        if ds_megabytes < megabytes:
            subset = Path(tmp) / "subset"
            subset.mkdir()
            taken = 0
            for path in sorted(tree.rglob("*.*")):
                if taken >= ds_megabytes * 1024 * 1024:
                    break
                shutil.copy(path, subset / path.name)
                taken += path.stat().st_size
        subset_size = sum(p.stat().st_size for p in subset.rglob("*.*"))
        exe = Path(sys.executable).with_name("detect-secrets")
        pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
        start = time.perf_counter()
        subprocess.run([*pin, str(exe), "scan", "--all-files", "."], cwd=subset, capture_output=True, check=True)
        took = time.perf_counter() - start
        print(f"detect-secrets 1.5 {'(pinned to one core)' if pin else ''}  {subset_size / took / 1e6:7.2f} MB/s   {took:6.2f} s on {subset_size / 1e6:.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=50, help="size of the generated tree (default 50)")
    parser.add_argument("--ds-mb", type=int, default=50, help="how much of it detect-secrets scans (default all of it)")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    accuracy()
    throughput(args.mb, args.ds_mb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
