"""The skill's agent rules as checks: no inlined keys, no keys in argv, no insecure base URL,
no copied prices, and streaming explained."""

from __future__ import annotations

import re

from .check_docs import BASE_ASSIGN, LOOPBACK, documents
from .folder import Folder
from .secrets_scan import ALLOW, is_placeholder, scan_text
from .skill import Skill

PRICE = re.compile(
    r"(?i)(?:[$€£¥]\s?\d+(?:[.,]\d+)?|\b\d+(?:[.,]\d+)?\s?(?:usd|eur|dollars?|cents?|元))"
    r"[^\n|]{0,40}?(?:/|\bper\b|\bfor\b|\bevery\b)\s*(?:1\s?[km]\b|1,?000(?:,000)?\b|a? ?(?:million|thousand)\b|m\b|k\b)?[^\n|]{0,20}?\btokens?\b"
)
PRICE_TABLE = re.compile(r"(?i)\b(?:per|/)\s*(?:1\s?[km]|million|thousand|1,?000(?:,000)?)\s*(?:input |output )?tokens?\b")
MONEY = re.compile(r"[$€£¥]\s?\d+(?:[.,]\d+)?")
STREAMING = re.compile(r"(?i)(when to stream|stream\w*\s+(?:whenever|when|for|if)\b|\blong\b[^.\n]{0,80}\bstream|stream[^.\n]{0,80}\blong\b)")
URL_CREDENTIALS = re.compile(r"\bhttps?://[^\s/@:\"'`]+:[^\s/@\"'`]+@[^\s\"'`]+")


def scan_keys(folder: Folder, add) -> None:
    """no-inlined-key and key-in-argv over every text file of ``folder``."""
    for rel in folder.files:
        text = folder.text(rel)
        if text is None:
            continue
        for found in scan_text(text):
            rule = "key-in-argv" if found.argv else "no-inlined-key"
            where = "in a command, so it lands in argv and shell history" if found.argv else "inlined"
            add(
                rule, rel, found.line, found.col,
                f"{found.kind} {found.masked} ({len(found.value)} chars) {where}: use $RUNAPI_TOKEN or a placeholder such as YOUR_RUNAPI_TOKEN, and revoke the key if it was real",
            )


def check(skill: Skill) -> None:
    scan_keys(skill.folder, lambda rule, rel, line, col, msg: skill.add(rule, rel, line, msg, col))
    _base_urls(skill)
    for rel in documents(skill):
        text = skill.folder.text(rel)
        if text is None:
            continue
        table_header = False
        for number, line in enumerate(text.split("\n"), 1):
            if ALLOW in line:
                continue
            if line.lstrip().startswith("|"):
                table_header = table_header or bool(PRICE_TABLE.search(line))
            else:
                table_header = False
            if PRICE.search(line) or (table_header and MONEY.search(line)):
                skill.add("pricing-copied", rel, number, "prices per token belong on the provider's pricing page: link it (https://runapi.ai/models/kimi.md) instead of copying figures that go stale")
    streams = "stream" in skill.body.lower() or any("stream" in rel for rel in skill.folder.files if rel.startswith("scripts/"))
    if skill.skill_md is not None and streams and not STREAMING.search(skill.body):
        skill.add("streaming-documented", "SKILL.md", skill.body_first_line, "SKILL.md does not say when to stream; add a line such as 'stream answers longer than a few hundred tokens'")


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
            if "http" not in line or ALLOW in line:
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
    return all(is_placeholder(part) for part in userinfo.split(":", 1))


def _insecure(url: str) -> str | None:
    if URL_CREDENTIALS.match(url) and not _placeholder_userinfo(url):
        return "carries credentials in the URL"
    if url.startswith("http://") and not LOOPBACK.match(url):
        return "uses plain http:// to a remote host, which would send the key unencrypted"
    return None


def _hide(url: str) -> str:
    return re.sub(r"//[^/@\s]+@", "//****@", url)
