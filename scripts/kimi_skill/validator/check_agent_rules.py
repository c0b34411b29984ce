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
# Streaming from an LLM API, not any stream: Java's .stream(), a server sending text/event-stream
# and file streams are not what the rule is about. A stream flag counts beside an LLM call.
STREAMS_LLM_CALL = re.compile(r"""stream_options|streamGenerateContent|messages\.stream\(|responses\.stream\(|astream\(|stream_chat\(""")
STREAM_FLAG = re.compile(r"""stream\s*=\s*True|["']stream["']\s*:\s*true|\bstream:\s*true""")
LLM_CALL = re.compile(r"""chat\.completions|completions\.create|messages\.create|generate_content|responses\.create|/v1/chat/completions|/v1/messages|/v1/responses|ChatCompletion""")
URL_CREDENTIALS = re.compile(r"\bhttps?://[^\s/@:\"'`]+:[^\s/@\"'`]+@[^\s\"'`]+")


def key_variable(skill: Skill | None) -> str | None:
    """The env var the skill already declares for its key, if any (advice names it)."""
    if skill is not None:
        primary = skill.openclaw.get("primaryEnv")
        if isinstance(primary, str) and primary:
            return primary
        for name in [*frontmatter_env(skill), *manifest_env(skill)]:
            if CREDENTIAL.search(name):
                return name
    return None


# The variable each vendor's own tools read, for advice that fits the key found.
VENDOR_VARS = {
    "OpenAI key": "OPENAI_API_KEY", "Anthropic key": "ANTHROPIC_API_KEY", "GitHub token": "GITHUB_TOKEN", "GitLab token": "GITLAB_TOKEN",
    "Google API key": "GOOGLE_API_KEY", "Hugging Face token": "HF_TOKEN", "AWS access key": "AWS_ACCESS_KEY_ID", "AWS secret key": "AWS_SECRET_ACCESS_KEY",
    "Slack token": "SLACK_BOT_TOKEN", "Stripe key": "STRIPE_SECRET_KEY", "npm token": "NPM_TOKEN", "PyPI token": "TWINE_PASSWORD",
    "Docker Hub token": "DOCKER_TOKEN", "Groq key": "GROQ_API_KEY", "OpenRouter key": "OPENROUTER_API_KEY", "Mistral key": "MISTRAL_API_KEY",
    "Cohere key": "COHERE_API_KEY", "SendGrid key": "SENDGRID_API_KEY", "Twilio key": "TWILIO_API_KEY", "Telegram bot token": "TELEGRAM_BOT_TOKEN",
    "Discord bot token": "DISCORD_TOKEN", "Databricks token": "DATABRICKS_TOKEN", "Linear key": "LINEAR_API_KEY", "Notion token": "NOTION_TOKEN",
    "Vercel token": "VERCEL_TOKEN", "Figma token": "FIGMA_TOKEN", "Tailscale key": "TS_AUTHKEY", "Doppler token": "DOPPLER_TOKEN",
    "Django secret key": "DJANGO_SECRET_KEY", "Azure Storage account key": "AZURE_STORAGE_KEY", "Okta API token": "OKTA_API_TOKEN",
}
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")


def advice(kind: str, rel: str, variable: str | None) -> str:
    """What to do instead, for this kind of key in this kind of file: the variable its vendor's
    tools read (or the one the line already names, or the skill's own), never a generic one."""
    name = rel.rsplit("/", 1)[-1]
    if name.startswith(".env") and not name.endswith((".example", ".sample", ".template", ".dist")):
        return f"{name} files hold local secrets: keep this one out of the skill and out of git (ship a {name}.example with placeholders instead)"
    if kind == "private key":
        return "a private key never ships in a skill: read it at run time from a file or secret store the user names (its path in an environment variable)"
    named = kind.removeprefix("value of ").removeprefix("$") if kind.startswith("value of ") else ""
    chosen = VENDOR_VARS.get(kind) or (named if ENV_NAME.match(named) else None) or variable
    if chosen:
        return f"read it from ${chosen} at run time and write a placeholder such as YOUR_{chosen} here"
    return "read it from an environment variable at run time and write a placeholder here"


KEY_STORE_SUFFIXES = (".p12", ".pfx")


def key_store(rel: str, data: bytes) -> bool:
    """A PKCS#12 store (.p12, .pfx) holds a private key, whatever its password. It is one DER
    SEQUENCE that spans the whole file: a truncated or random file under that name is not one."""
    if not rel.lower().endswith(KEY_STORE_SUFFIXES):
        return False
    from .secrets_scan import der_element  # the scanner's rules load only where a key store is

    element = der_element(data, 0, 0x30)
    return element is not None and sum(element) == len(data)


def scan_keys(folder: Folder, add, variable: str | None = None) -> None:
    """no-inlined-key and key-in-argv over every text file of ``folder``."""
    from .memo import MISSING, digest, memo

    for rel in folder.files:
        if rel.lower().endswith(KEY_STORE_SUFFIXES):
            data = folder.raw(rel)
            if data and key_store(rel, data):
                add("no-inlined-key", rel, 1, 1, f"private key store (PKCS#12, {len(data)} bytes) shipped: {advice('private key', rel, variable)}, and revoke the key if it was real")
            continue
        text = folder.text(rel)
        if text is None:
            continue
        key = digest(text)
        stored = memo().get("keys2", key)
        if stored is MISSING:  # the masked form and the length only: the cache holds no secret
            from .secrets_scan import scan_text  # its rules take milliseconds to load: only on a cache miss

            stored = [[f.kind, f.masked, len(f.value), f.line, f.col, f.argv] for f in scan_text(text)]
            memo().put("keys2", key, stored)
        for kind, masked, length, line, col, argv in stored:
            rule = "key-in-argv" if argv else "no-inlined-key"
            where = "in a command, so it lands in argv and shell history" if argv else "inlined"
            add(rule, rel, line, col, f"{kind} {masked} ({length} chars) {where}: {advice(kind, rel, variable)}, and revoke the key if it was real")


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


def _llm_stream(text: str) -> bool:
    return bool(STREAMS_LLM_CALL.search(text) or (STREAM_FLAG.search(text) and LLM_CALL.search(text)))


def _streams_llm(skill: Skill) -> bool:
    if _llm_stream(skill.body):
        return True
    for rel in skill.folder.files:
        if rel.endswith((".py", ".js", ".ts", ".mjs", ".sh")) and not rel.startswith("tests/"):
            text = skill.folder.text(rel)
            if text and "stream" in text and _llm_stream(text):
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
