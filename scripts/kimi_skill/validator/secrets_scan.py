"""A credential detector for real code: every real-looking key, no placeholder, no code.

Pipeline (as gitleaks and detect-secrets do it, in pure Python): one pass of a keyword regex
over the lower-cased text picks the few lines worth a look and says which rules each line
needs; per line, the vendor rules (keyrules.py), private-key blocks, header values (also with
the header name on the line before), key-ish assignments (quoted, bare, escaped JSON, JSON
arrays, query strings) run; each candidate value then passes a placeholder filter, a code
filter (a call, an attribute, a variable), a look-alike filter (UUIDs, hashes, public
addresses, paths, identifiers) and a charset-aware entropy floor. Long lines are scanned in
overlapping windows, never skipped. Findings carry only a masked value.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from .keyrules import RULES, KeyRule

GENERIC_WORDS = ("key", "token", "secret", "passw", "credential", "auth", "bearer", "pwd", "creds")
HEADER_WORDS = ("authoriz", "api-key", "apikey", "auth-token", "x-token", "private-token")
KEYWORDS = sorted({*GENERIC_WORDS, *HEADER_WORDS, "-----begin", " -u ", "--user", *(k for rule in RULES for k in rule.keywords)}, key=len, reverse=True)
KEYWORD_RE = re.compile("|".join(re.escape(k) for k in KEYWORDS))
RULES_BY_KEYWORD: dict[str, list[KeyRule]] = {}
for _rule in RULES:
    for _keyword in _rule.keywords:
        RULES_BY_KEYWORD.setdefault(_keyword, []).append(_rule)

AFTER_NAME = "\n"  # the pseudo-keyword of a line whose name is on the line before
WINDOW = 4000
OVERLAP = 400
PRIVATE_KEY = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)(?: BLOCK)?-----")
BASE64_BODY = re.compile(r"^[A-Za-z0-9+/=]{24,}$")
HEADER = re.compile(
    r"""(?i)(?<![\w-])(authorization|proxy-authorization|x-api-key|x-goog-api-key|api-key|apikey|x-auth-token|x-access-token|private-token|x-token)"""
    r"""["'`]?\s*[:=,]\s*["'`]?\s*(?:(bearer|token|basic|bot|apikey|api-key|key|sso-key)\s+)?([^\s"'`\\,;)}\]<>]+)"""
)
HEADER_NAMES = re.compile(r"(?i)^(?:proxy-)?authorization$|api-?key$|auth-token$|access-token$|private-token$|^x-token$")
KEYISH = r"[A-Za-z0-9_.-]*?(?:api[_-]?key|apikey|access[_-]?key|auth[_-]?key|secret|passw(?:or)?d|pwd|credential|creds|private[_-]?key|token|(?<![a-z])key)[A-Za-z0-9_-]*"
ASSIGN = re.compile(
    r"""(?i)(?<![A-Za-z0-9])(""" + KEYISH + r""")(?:\\?["'])?\]?\s*(?:=|:=|=>|:|\|\|=|\?=|>)\s*(?:\[\s*)?(?:\\?["'])?([^\s"'`,;)}\]\\<]+)"""
)
PAIR = re.compile(r"""(?i)["'](""" + KEYISH + r""")["']\s*,\s*["']([^\s"'`\\]+)["']""")  # setenv("API_KEY", "...")
TABLE = re.compile(r"""(?i)^\s*\|\s*`?(""" + KEYISH + r""")`?\s*\|\s*`?([^\s|`]+)`?\s*\|""")  # | api_key | value |
CURL_USER = re.compile(r"""(?:\s-u\s*|--user[\s=])\s*["']?([^\s:"'@]+):([^\s"'@]+)""")
# A line that is only a name (``Authorization:``, ``api_keys: [``): its value is on the next line.
NAME_LINE = re.compile(r"""^\s*(?:-\s*)?["']?(""" + KEYISH + r"""|(?:proxy-)?authorization|x-[a-z-]*(?:key|token))["']?\s*[:=]\s*\[?\s*$""", re.I)
VALUE_LINE = re.compile(r"""^\s*(?:-\s*)?["'`]?(?:(bearer|token|basic|bot|apikey)\s+)?([^\s"'`\\,;)}\]]+)["'`]?\s*,?\s*$""", re.I)
QUERY = re.compile(r"""(?i)[?&](access_token|token|api_key|apikey|key|secret|client_secret|auth|password|sig)=([^\s&"'`#<>]+)""")
ARGV = re.compile(r"""(?i)(--(?:[a-z0-9]+-)*(?:api-?key|key|token|secret|password|passwd|credentials?|bearer|auth))(?:=|\s+)["']?([^\s"'`;|&)]+)""")
EXPORT = re.compile(r"""(?i)^\s*(?:export\s+|set\s+|setx\s+|\$env:)?(""" + KEYISH + r""")\s*=\s*["']?([^\s"'`;|&]+)""")
COMMAND_HINT = re.compile(r"(?i)(^\s*(export|set|setx)\s|\$env:|\bcurl\b|\bwget\b|\bhttp\b\s|--[a-z-]+|^\s*[\w./-]+\.py\b|\bpython3?\b|\buv run\b|\bnpx?\b)")

PLACEHOLDER_WORDS = (
    "your", "example", "placeholder", "changeme", "change-me", "change_me", "redacted", "dummy", "sample", "xxxx", "****", "...",
    "…", "replace", "insert", "<", ">", "{", "}", "${", "$(", "os.environ", "process.env", "getenv", "secretref", "token_here",
    "key_here", "not-a-real", "notreal", "fake", "invalid", "bogus", "test-key", "testkey", "mykey", "my-key", "my_key", "abc123",
    "123456", "project1", "secret1", "password1", "foobar", "lorem", "todo", "fixme", "here",
)
HASHY_NAMES = ("sha", "checksum", "integrity", "hash", "digest", "rev", "commit", "etag", "fingerprint", "nonce", "salt", "signature", "uuid", "guid")
NOT_SECRET_NAMES = re.compile(
    r"(?i)(max[_-]?tokens?|tokens?[_-]?(count|limit|usage|id|type|url|uri|endpoint|file|path|name|len|length|size|budget|estimate|ids|usd)|(num|total|prompt|completion|input|output|cached|reasoning|context|thinking|response|generated|new|min|used|remaining|special|stop|added|vocab|image|audio|text)[_-]?tokens?$|"
    r"tokeni[sz]er|tokens?_per|(?<![a-z])key[_-]?(id|name|file|path|alias|type|word|code|board|press|event|stroke|frame|map|set|pair|ring|store|tab|value|len|length|size|prefix)$|"
    r"(public|primary|foreign|sort|partition|hash|range|cache|object|row|dict|map|index|idx|lookup|shortcut|hot|composite|unique)[_-]?keys?$|"
    r"secret[_-]?(name|ref|id|arn|path|key[_-]?ref|manager|store|version)|password[_-]?(policy|length|hint|field|prompt|reset|label|rule|min|max|file)|"
    r"(?<![a-z])auth(or|entication|ori[sz]ation)?[_-]?(type|method|mode|url|uri|endpoint|header|scheme|provider|flow|domain|server|state|code)$|"
    r"(csrf|xsrf|public|next|page|continuation|cancel|refresh[_-]?url|sync|pagination|cursor)[_-]?token|token[_-]?(endpoint|url)|keyword|monkey|turkey|donkey|keyboard|keychain|keystore|keyframe)"
)
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
HEX = re.compile(r"^[0-9a-fA-F]+$")
ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$|^0x[0-9a-fA-F]{64}$")
IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
DOTTED = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:\(|\[|$)")
SLUG_PART = re.compile(r"^(?:[a-z]{1,12}|\d+|)$")
PUBLIC_PREFIXES = ("pk_live_", "pk_test_", "ssh-", "ecdsa-", "npub1", "AAAAC3", "AAAAB3", "AAAAE2")
SNAKE_NAME = re.compile(r"^(?:[A-Z][A-Z0-9]{0,11}(?:_[A-Z0-9]{1,12})+|[a-z][a-z0-9]{0,11}(?:_[a-z0-9]{1,12})+|[a-z]+(?:-[a-z0-9]+)+)$")
CERTAIN_NAME = re.compile(r"(?i)(api[_-]?key|apikey|secret|passw(?:or)?d|pwd|token|credential|private[_-]?key|access[_-]?key|(?<![a-z])key)$")
ALLOW = "skill-validate: allow"
FOREIGN_ALLOW = ("gitleaks:allow", "pragma: allowlist secret", "trufflehog:ignore")


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


def is_placeholder(value: str, prefixed: bool = False) -> bool:
    """An illustration, not a key. ``prefixed``: a vendor prefix already says "key", so a value
    of letters only (Hugging Face tokens are) is not taken for a variable name."""
    lowered = value.lower()
    if any(word in lowered for word in PLACEHOLDER_WORDS):
        return True
    if value.startswith(("$", "%", "@", "&", "*", "env.", "env[", "secrets.", "vars.", "#")) or value.endswith(("...", "…")):
        return True
    if not prefixed and IDENT.match(value) and (not any(c.isdigit() for c in value) or SNAKE_NAME.match(value)):
        return True  # YOUR_RUNAPI_TOKEN, OPENAI_API_KEY_V2, api_key_v2: names, not values
    if len(set(value)) <= 4 or _sequential(value):
        return True
    return max(Counter(value).values()) > len(value) * 0.4  # sk-aaaaaaaa1aaaa...: padded


def _code(value: str, rest: str) -> bool:
    """``value`` is an expression, not a literal: a call, an attribute, an operator follows."""
    if DOTTED.match(value) or value.endswith(("(", "[")) or rest.startswith(("(", "[", ".", " +", " ?", " or ", " and ", " if ")):
        return True
    return bool(IDENT.match(value)) and (rest[:1] in ("(", ".", "[") or rest.startswith(" ("))


def looks_random(value: str, name: str = "", short_ok: bool = False) -> bool:
    """A generic candidate is a secret only when it has the texture of one."""
    floor = 12 if short_ok else 16
    if len(value) < floor or len(value) > 1000:
        return False
    if "://" in value or value.count("/") >= 3 or value.count(".") >= 3 or value.startswith(("/", "./", "~/")):
        return False
    if UUID.match(value) or ADDRESS.match(value):
        return False
    if value.startswith(PUBLIC_PREFIXES):
        return False  # publishable keys and public keys are meant to be shared
    parts = re.split(r"[-_.]", value)
    if len(parts) >= 3 and all(SLUG_PART.match(part) for part in parts):
        return False  # my-secret-token-12345: words, not randomness
    digits = any(c.isdigit() for c in value)
    letters = any(c.isalpha() for c in value)
    if not (digits and letters):
        return False
    lowered = name.lower()
    if HEX.match(value):
        if any(word in lowered for word in HASHY_NAMES) or not name:
            return False
        return entropy(value) >= (2.8 if len(value) < 20 else 3.0)
    if len(value) < 16:
        classes = sum((any(c.islower() for c in value), any(c.isupper() for c in value), digits, any(not c.isalnum() for c in value)))
        return classes >= 3 and entropy(value) >= 3.2
    return entropy(value) >= 3.5


def _candidates(text: str) -> dict[int, set[str]]:
    """Line start offsets -> the keywords found on that line."""
    lowered = text.lower()
    lines: dict[int, set[str]] = {}
    for match in KEYWORD_RE.finditer(lowered):
        start = lowered.rfind("\n", 0, match.start()) + 1
        lines.setdefault(start, set()).add(match.group())
    for start in [start for start in lines if _ends_open(lowered, start)]:
        end = _line_end(lowered, start)
        if end < len(lowered) and NAME_LINE.match(text[start:end]):
            lines.setdefault(end + 1, set()).add(AFTER_NAME)
    return lines


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end == -1 else end


def _ends_open(text: str, start: int) -> bool:
    """A name line may end in spaces or a carriage return after its ``:`` or ``[``."""
    end = _line_end(text, start)
    return text[start:end].rstrip().endswith((":", "[", "="))


def scan_text(text: str) -> Iterator[Hit]:
    """Every real-looking credential in ``text`` (``skill-validate: allow`` is applied by the caller)."""
    line_no, last = 1, 0
    for start, words in sorted(_candidates(text).items()):
        line_no += text.count("\n", last, start)
        last = start
        end = text.find("\n", start)
        line = text[start : end if end != -1 else len(text)]
        previous = text[text.rfind("\n", 0, max(0, start - 1)) + 1 : max(0, start - 1)] if start else ""
        following = text[end + 1 : text.find("\n", end + 1) if text.find("\n", end + 1) != -1 else len(text)] if end != -1 else ""
        if len(line) <= WINDOW:
            yield from scan_line(line, line_no, words, previous, following)
            continue
        seen: set[int] = set()
        for offset in range(0, len(line), WINDOW - OVERLAP):
            window = line[offset : offset + WINDOW]
            last_window = offset + WINDOW >= len(line)
            for hit in scan_line(window, line_no, None, previous if offset == 0 else "", following):
                if not last_window and hit.col - 1 + len(hit.value) >= len(window):
                    continue  # cut by the window's edge: the next window, which overlaps, sees it whole
                if hit.col + offset not in seen:
                    seen.add(hit.col + offset)
                    yield Hit(hit.line, hit.col + offset, hit.kind, hit.value, hit.argv)


def _basic_secret(value: str) -> bool:
    """``Basic`` credentials are user:password in base64: a secret when the password is one."""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    user, _, password = decoded.partition(":")
    return bool(user) and len(password) >= 8 and not is_placeholder(password) and not is_placeholder(decoded)


def scan_line(line: str, line_no: int, words: set[str] | None = None, previous: str = "", following: str = "") -> Iterator[Hit]:
    lowered = line.lower()
    if words is None:
        words = {k for k in KEYWORDS if k in lowered}
    command = bool(COMMAND_HINT.search(line))
    seen: set[str] = set()

    def hit(col: int, kind: str, value: str, argv: bool = False) -> Hit | None:
        for known in seen:
            if value in known or known in value:
                return None  # the same secret, or part of one already reported on this line
        seen.add(value)
        return Hit(line_no, col + 1, kind, value, argv)

    rules: dict[str, KeyRule] = {}
    for word in words:
        for rule in RULES_BY_KEYWORD.get(word, ()):
            rules[rule.id] = rule
    for rule in rules.values():
        if rule.context is not None and not (rule.context.search(line) or rule.context.search(previous)):
            continue
        for match in rule.pattern.finditer(line):
            group = next(i for i in range(1, (match.lastindex or 0) + 1) if match.group(i)) if match.lastindex else 0
            value = match.group(group)
            if is_placeholder(value, prefixed=rule.context is None) or entropy(value) < rule.entropy:
                continue
            found = hit(match.start(group), rule.kind, value, command)
            if found:
                yield found
    if "-----begin" in words:
        pem = PRIVATE_KEY.search(line)
        if pem and _pem_body(line[pem.end() :], following):
            found = hit(pem.start(), "private key", pem.group(0), False)
            if found:
                yield found
    yield from _headers(line, lowered, command, hit)
    if previous and AFTER_NAME in words:
        yield from _after_name(line, previous, command, hit)
    if not any(word in lowered for word in GENERIC_WORDS) and "?" not in line and "&" not in line and "-u" not in line:
        return
    yield from _assignments(line, command, hit)


def _pem_body(rest: str, following: str) -> bool:
    """A key block, not a placeholder: base64 follows on the line (escaped) or on the next."""
    body = rest.replace("\\n", "\n").replace("\\r", "").strip().strip("\"'").split("\n")[0].strip() or following.strip()
    return bool(BASE64_BODY.match(body[:64])) and not is_placeholder(body[:64])


def _headers(line: str, lowered: str, command: bool, hit) -> Iterator[Hit]:  # type: ignore[no-untyped-def]
    if any(word in lowered for word in HEADER_WORDS):
        for match in HEADER.finditer(line):
            scheme, value = (match.group(2) or "").lower(), match.group(3).strip()
            if _header_secret(scheme, value):
                found = hit(match.start(3), f"{match.group(1)} header value", value, command)
                if found:
                    yield found


def _after_name(line: str, previous: str, command: bool, hit) -> Iterator[Hit]:  # type: ignore[no-untyped-def]
    """A value whose name is on the line before: recorded HTTP headers, YAML lists, JSON arrays."""
    named = NAME_LINE.match(previous)
    value = VALUE_LINE.match(line)
    if not named or not value:
        return
    name, scheme, secret = named.group(1), (value.group(1) or "").lower(), value.group(2)
    header = bool(HEADER_NAMES.search(name))
    if not header and NOT_SECRET_NAMES.search(name):
        return
    if header or scheme:
        ok = _header_secret(scheme, secret)
    else:
        ok = not is_placeholder(secret) and not _code(secret, "") and looks_random(secret, name, short_ok=bool(CERTAIN_NAME.search(name)))
    if ok:
        found = hit(value.start(2), f"value of {name}", secret, command)
        if found:
            yield found


def _header_secret(scheme: str, value: str) -> bool:
    if is_placeholder(value):
        return False
    if scheme == "basic":
        return _basic_secret(value)
    return looks_random(value, "token", short_ok=bool(scheme))


def _assignments(line: str, command: bool, hit) -> Iterator[Hit]:  # type: ignore[no-untyped-def]
    for pattern, argv in ((ARGV, True), (EXPORT, True), (ASSIGN, False), (PAIR, False), (TABLE, False), (QUERY, False)):
        for match in pattern.finditer(line):
            name, raw = match.group(1), match.group(2).strip()
            value = raw.rstrip(".")
            if NOT_SECRET_NAMES.search(name) or is_placeholder(raw) or is_placeholder(value):
                continue
            rest = line[match.end(2) : match.end(2) + 6]
            if _code(value, rest):
                continue
            if not looks_random(value, name, short_ok=bool(CERTAIN_NAME.search(name))):
                continue
            found = hit(match.start(2), f"value of {name}", value, argv and command)
            if found:
                yield found
    for match in CURL_USER.finditer(line):
        password = match.group(2)
        if not is_placeholder(password) and looks_random(password, "password", short_ok=True):
            found = hit(match.start(2), "password in a user:password pair", password, True)
            if found:
                yield found
