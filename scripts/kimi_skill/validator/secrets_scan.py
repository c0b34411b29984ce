"""A credential detector tuned for skill packages: every real-looking key, no placeholder.

Pipeline (as gitleaks and detect-secrets do it, in pure Python): a keyword prefilter on the
lower-cased text with ``str.find`` (C speed) picks the few lines worth a look; per line, vendor
shapes, header values and key-ish assignments are matched; each candidate value then passes a
placeholder filter, a look-alike filter (UUIDs, hashes, paths, identifiers) and a charset-aware
entropy floor. Findings carry only a masked value.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

# Lower-case literals; every detector below needs at least one of them on its line.
KEYWORDS = (
    "key", "token", "secret", "passw", "credential", "auth", "sk-", "aiza", "ghp_", "gho_", "ghu_", "ghs_", "ghr_",
    "github_pat_", "xox", "akia", "asia", "_live_", "hf_", "eyj", "-----begin",
)
EDGE = r"(?<![A-Za-z0-9_+/.-])"
VENDOR = [  # (kind, the literal each match must contain, pattern)
    ("Anthropic key", "sk-ant-", re.compile(EDGE + r"(sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,})")),
    ("OpenAI key", "sk-", re.compile(EDGE + r"(sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,})")),
    ("OpenAI key", "T3BlbkFJ", re.compile(EDGE + r"(sk-[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,})")),
    ("sk- key", "sk-", re.compile(EDGE + r"(sk-(?:kimi-)?[A-Za-z0-9]{32,})(?![A-Za-z0-9_-])")),
    ("Google API key", "AIza", re.compile(EDGE + r"(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])")),
    ("GitHub token", "gh", re.compile(EDGE + r"(gh[pousr]_[A-Za-z0-9]{36,})")),
    ("GitHub token", "github_pat_", re.compile(EDGE + r"(github_pat_[A-Za-z0-9_]{50,})")),
    ("Slack token", "xox", re.compile(EDGE + r"(xox[abprs]-[A-Za-z0-9-]{10,})")),
    ("AWS access key", "A", re.compile(r"(?<![A-Z0-9])((?:AKIA|ASIA)[0-9A-Z]{16})(?![A-Z0-9])")),
    ("Stripe key", "_live_", re.compile(EDGE + r"((?:sk|rk)_live_[0-9A-Za-z]{20,})")),
    ("Hugging Face token", "hf_", re.compile(EDGE + r"(hf_[A-Za-z0-9]{30,})")),
    ("JWT", "eyJ", re.compile(EDGE + r"(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})")),
]
PRIVATE_KEY = re.compile(r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY)(?: BLOCK)?-----")
HEADER = re.compile(
    r"""(?i)\b(authorization|x-api-key|x-goog-api-key|api-key|x-auth-token)["']?\s*[:=]\s*["']?\s*"""
    r"""(?:(?:bearer|token|basic)\s+)?([^\s"'`\\,;)}]+)"""
)
KEYISH_WORDS = ("key", "token", "secret", "passw", "credential", "auth", "bearer")
KEYISH = r"[A-Za-z0-9_.-]*(?:api[_-]?key|apikey|access[_-]?key|secret|passw(?:or)?d|credential|private[_-]?key|token)[A-Za-z0-9_-]*"
ASSIGN = re.compile(r"""(?i)(?<![A-Za-z0-9])(""" + KEYISH + r""")["']?\s*(?:=|:=|=>|:)\s*["']?([^\s"'`,;)}\]]+)""")
ARGV = re.compile(r"""(?i)(--(?:[a-z0-9]+-)*(?:api-?key|key|token|secret|password|passwd|credentials?|bearer|auth))(?:=|\s+)["']?([^\s"'`;|&)]+)""")
EXPORT = re.compile(r"""(?i)^\s*(?:export\s+|set\s+|setx\s+|\$env:)?(""" + KEYISH + r""")\s*=\s*["']?([^\s"'`;|&]+)""")
COMMAND_HINT = re.compile(r"(?i)(^\s*(export|set|setx)\s|\$env:|\bcurl\b|\bwget\b|\bhttp\b\s|--[a-z-]+|^\s*[\w./-]+\.py\b|\bpython3?\b|\buv run\b|\bnpx?\b)")

PLACEHOLDER_WORDS = (
    "your", "example", "placeholder", "changeme", "change-me", "change_me", "redacted", "dummy", "sample", "xxxx",
    "****", "...", "…", "replace", "insert", "<", ">", "{{", "}}", "${", "$(", "os.environ", "process.env", "getenv",
    "secretref", "token_here", "key_here", "not-a-real", "notreal", "fake", "wrong", "invalid", "bogus",
)
HASHY_NAMES = ("sha", "checksum", "integrity", "hash", "digest", "rev", "commit", "etag", "fingerprint", "nonce")
NOT_SECRET_NAMES = re.compile(r"(?i)(max[_-]?tokens?|tokens?[_-]?(count|limit|usage|id|type|url|uri|endpoint|file|path|name)|_tokens$|tokenizer|key[_-]?(id|name|file|path|alias|type)|public[_-]?key|primary[_-]?key|foreign[_-]?key|sort[_-]?key|secret[_-]?(name|ref|id)|password[_-]?(policy|length|hint))")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
HEX = re.compile(r"^[0-9a-fA-F]+$")
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SNAKE_NAME = re.compile(r"^(?:[A-Z][A-Z0-9]{0,11}(?:_[A-Z0-9]{1,12})+|[a-z][a-z0-9]{0,11}(?:_[a-z0-9]{1,12})+)$")
ALLOW = "skill-validate: allow"


@dataclass(frozen=True)
class Hit:
    line: int
    col: int
    kind: str
    value: str
    argv: bool  # the value sits in a command: it lands in argv or shell history

    @property
    def masked(self) -> str:
        return mask(self.value)


def mask(value: str) -> str:
    return value[:4] + "…"


def entropy(value: str) -> float:
    counts = Counter(value)
    total = len(value)
    return -sum(c / total * math.log2(c / total) for c in counts.values())


def _sequential(value: str) -> bool:
    steps = sum(1 for a, b in itertools.pairwise(value) if abs(ord(b) - ord(a)) == 1)
    return steps >= (len(value) - 1) * 0.5


def is_placeholder(value: str) -> bool:
    lowered = value.lower()
    if any(word in lowered for word in PLACEHOLDER_WORDS):
        return True
    if value.startswith(("$", "%", "@", "&", "*", "env.", "env[", "secrets.", "vars.")):
        return True
    if IDENT.match(value) and (not any(c.isdigit() for c in value) or SNAKE_NAME.match(value)):
        return True  # YOUR_RUNAPI_TOKEN, OPENAI_API_KEY_V2, api_key_v2: names, not values
    return len(set(value)) <= 4 or _sequential(value)


def looks_random(value: str, name: str = "") -> bool:
    """A generic candidate is a secret only when it has the texture of one."""
    if len(value) < 16 or len(value) > 1000:
        return False
    if "://" in value or value.count("/") >= 2 or value.count(".") >= 3:
        return False
    if not (any(c.isdigit() for c in value) and any(c.isalpha() for c in value)):
        return False
    if UUID.match(value):
        return False
    lowered = name.lower()
    if HEX.match(value):
        if any(word in lowered for word in HASHY_NAMES) or not name:
            return False
        return entropy(value) >= 3.0
    return entropy(value) >= 3.5


def _lines_to_scan(text: str, lowered: str) -> list[int]:
    """Start offsets of lines holding a keyword: the only lines any detector looks at."""
    starts: set[int] = set()
    for keyword in KEYWORDS:
        pos = lowered.find(keyword)
        while pos != -1:
            start = lowered.rfind("\n", 0, pos) + 1
            starts.add(start)
            end = lowered.find("\n", pos)
            pos = lowered.find(keyword, end if end != -1 else len(lowered))
    return sorted(starts)


def scan_text(text: str) -> Iterator[Hit]:
    """Every real-looking credential in ``text`` (``skill-validate: allow`` is applied by the caller)."""
    lowered = text.lower()
    line_no, last = 1, 0
    for start in _lines_to_scan(text, lowered):
        line_no += text.count("\n", last, start)
        last = start
        end = text.find("\n", start)
        line = text[start : end if end != -1 else len(text)]
        if len(line) > 4000:
            continue
        yield from scan_line(line, line_no)


def scan_line(line: str, line_no: int) -> Iterator[Hit]:
    command = bool(COMMAND_HINT.search(line))
    seen: set[str] = set()

    def hit(col: int, kind: str, value: str, argv: bool = False) -> Hit | None:
        if value in seen:
            return None
        seen.add(value)
        return Hit(line_no, col + 1, kind, value, argv)

    lowered = line.lower()
    for kind, literal, pattern in VENDOR:
        if literal not in line:
            continue
        for match in pattern.finditer(line):
            value = match.group(1)
            if is_placeholder(value) or entropy(value) < 3.0:
                continue
            found = hit(match.start(1), kind, value, command)
            if found:
                yield found
    pem = PRIVATE_KEY.search(line) if "-----BEGIN" in line else None
    if pem:
        found = hit(pem.start(), "private key", pem.group(0), False)
        if found:
            yield found
    headers = "authoriz" in lowered or "api-key" in lowered or "auth-token" in lowered
    for match in HEADER.finditer(line) if headers else ():
        value = match.group(2).strip()
        if not is_placeholder(value) and looks_random(value, "token"):
            found = hit(match.start(2), f"{match.group(1)} header value", value, command)
            if found:
                yield found
    if not any(word in lowered for word in KEYISH_WORDS):
        return
    for pattern, argv in ((ARGV, True), (EXPORT, True), (ASSIGN, False)):
        for match in pattern.finditer(line):
            name, value = match.group(1), match.group(2).strip().rstrip(".")
            if NOT_SECRET_NAMES.search(name) or is_placeholder(value) or not looks_random(value, name):
                continue
            found = hit(match.start(2), f"value of {name}", value, argv and command)
            if found:
                yield found
