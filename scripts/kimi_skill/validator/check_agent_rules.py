"""The skill's agent rules as checks: no inlined keys, no keys in argv, no insecure base URL,
no copied prices, and streaming explained."""

from __future__ import annotations

import re

from .check_docs import BASE_ASSIGN, LOOPBACK, documents
from .check_manifest import frontmatter_env, manifest_env
from .check_scripts import CREDENTIAL
from .findings import ALLOW
from .folder import Folder
from .skill import Skill

PRICE = re.compile(
    r"(?i)(?:[$€£¥]\s?\d+(?:[.,]\d+)?|\b\d+(?:[.,]\d+)?\s?(?:usd|eur|dollars?|cents?|元))"
    r"[^\n|]{0,40}?(?:/|\bper\b|\bfor\b|\bevery\b)\s*(?:1\s?[km]\b|1,?000(?:,000)?\b|a? ?(?:million|thousand)\b|m\b|k\b)?[^\n|]{0,20}?\btokens?\b"
)
PRICE_TABLE = re.compile(r"(?i)\b(?:per|/)\s*(?:1\s?[km]|million|thousand|1,?000(?:,000)?)\s*(?:input |output )?tokens?\b")
MONEY = re.compile(r"[$€£¥]\s?\d+(?:[.,]\d+)?")
STREAMING = re.compile(r"(?i)(when to stream|stream\w*\s+(?:whenever|when|for|if)\b|\blong\b[^.\n]{0,80}\bstream|stream[^.\n]{0,80}\blong\b)")
# A skill that streams from an LLM API: what its code or docs send or read.
STREAMS_LLM = re.compile(r"""stream\s*=\s*True|["']?stream["']?\s*:\s*true|stream_options|streamGenerateContent|text/event-stream|\.stream\(|messages\.stream""")
URL_CREDENTIALS = re.compile(r"\bhttps?://[^\s/@:\"'`]+:[^\s/@\"'`]+@[^\s\"'`]+")


def key_variable(skill: Skill | None) -> str:
    """The env var to point an author to: the one their skill declares for its key, if any."""
    if skill is not None:
        primary = skill.openclaw.get("primaryEnv")
        if isinstance(primary, str) and primary:
            return primary
        for name in [*frontmatter_env(skill), *manifest_env(skill)]:
            if CREDENTIAL.search(name):
                return name
    return "API_KEY"


def scan_keys(folder: Folder, add, variable: str = "API_KEY") -> None:
    """no-inlined-key and key-in-argv over every text file of ``folder``."""
    from .memo import MISSING, digest, memo

    for rel in folder.files:
        text = folder.text(rel)
        if text is None:
            continue
        key = digest(text)
        stored = memo().get("keys", key)
        if stored is MISSING:  # the masked form and the length only: the cache holds no secret
            from .secrets_scan import scan_text  # its rules take milliseconds to load: only on a cache miss

            stored = [[f.kind, f.masked, len(f.value), f.line, f.col, f.argv] for f in scan_text(text)]
            memo().put("keys", key, stored)
        for kind, masked, length, line, col, argv in stored:
            rule = "key-in-argv" if argv else "no-inlined-key"
            where = "in a command, so it lands in argv and shell history" if argv else "inlined"
            add(
                rule, rel, line, col,
                f"{kind} {masked} ({length} chars) {where}: read it from ${variable} or write a placeholder such as YOUR_{variable}, and revoke the key if it was real",
            )


def check(skill: Skill) -> None:
    scan_keys(skill.folder, lambda rule, rel, line, col, msg: skill.add(rule, rel, line, msg, col), key_variable(skill))
    _base_urls(skill)
    for rel in documents(skill):
        text = skill.folder.text(rel)
        if text is None:
            continue
        table_header = False
        for number, line in enumerate(text.split("\n"), 1):
            if ALLOW in line and skill.folder.inline_allow:
                continue
            if line.lstrip().startswith("|"):
                table_header = table_header or bool(PRICE_TABLE.search(line))
            else:
                table_header = False
            if PRICE.search(line) or (table_header and MONEY.search(line)):
                skill.add("pricing-copied", rel, number, "prices per token change: link the provider's pricing page instead of copying figures that go stale")
    if skill.skill_md is not None and _streams_llm(skill) and not STREAMING.search(skill.body):
        skill.add("streaming-documented", "SKILL.md", skill.body_first_line, "SKILL.md does not say when to stream; add a line such as 'stream answers longer than a few hundred tokens'")


def _streams_llm(skill: Skill) -> bool:
    if STREAMS_LLM.search(skill.body):
        return True
    for rel in skill.folder.files:
        if rel.endswith((".py", ".js", ".ts", ".mjs", ".sh")) and not rel.startswith("tests/"):
            text = skill.folder.text(rel)
            if text and "stream" in text and STREAMS_LLM.search(text):
                return True
    return False


def _base_urls(skill: Skill) -> None:
    api = skill.mf.get("api")
    base = api.get("base_url") if isinstance(api, dict) else None
    if isinstance(base, str) and _insecure(base):
        skill.add("insecure-base-url", "skill.yaml", skill.manifest.line(("api", "base_url")) if skill.manifest else 1, f"declared base URL {_hide(base)} {_insecure(base)}")
    declared = [*documents(skill), *(r for r in ("skill.yaml", "pyproject.toml") if skill.folder.has(r))]
    declared += [r for r in skill.folder.files if r.rsplit("/", 1)[-1].startswith(".env")]
    for rel in declared:
        text = skill.folder.text(rel)
        if text is None or ("http" not in text):
            continue
        for number, line in enumerate(text.split("\n"), 1):
            if "http" not in line or (ALLOW in line and skill.folder.inline_allow):
                continue
            for match in BASE_ASSIGN.finditer(line):
                problem = _insecure(match.group(1))
                if problem:
                    skill.add("insecure-base-url", rel, number, f"base URL {_hide(match.group(1))} {problem}")
            for match in URL_CREDENTIALS.finditer(line):
                if _placeholder_userinfo(match.group(0)):
                    continue
                skill.add("insecure-base-url", rel, number, f"URL {_hide(match.group(0))} carries credentials; keep them in an env var")


def _placeholder_userinfo(url: str) -> bool:
    userinfo = url.split("//", 1)[1].split("@", 1)[0]
    from .secrets_scan import is_placeholder

    return all(is_placeholder(part) for part in userinfo.split(":", 1))


def _insecure(url: str) -> str | None:
    if URL_CREDENTIALS.match(url) and not _placeholder_userinfo(url):
        return "carries credentials in the URL"
    if url.startswith("http://") and not LOOPBACK.match(url):
        return "uses plain http:// to a remote host, which would send the key unencrypted"
    return None


def _hide(url: str) -> str:
    return re.sub(r"//[^/@\s]+@", "//****@", url)
