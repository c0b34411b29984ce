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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from urllib.parse import unquote

from .keyrules import RULES, KeyRule, random_uuid, real_jwt

GENERIC_WORDS = ("key", "token", "secret", "passw", "credential", "bearer", "pwd", "creds")
HEADER_WORDS = ("authoriz", "api-key", "apikey", "api-token", "auth-token", "x-token", "private-token", "access-token")
ENCODED_BLOCK_WORD = "ls0tls1crudjti"  # ENCODED_BLOCK_START lower-cased, as keywords are
BLOCK_WORDS = ("-----begin", "---- begin ssh2", "putty-user-key-file-", ENCODED_BLOCK_WORD)
KEYWORDS = sorted({*GENERIC_WORDS, *HEADER_WORDS, *BLOCK_WORDS, " -u ", "--user", "://", *(k for rule in RULES for k in rule.keywords)}, key=len, reverse=True)


def _trie(words: list[str]) -> str:
    """One regex for many literals, factored by shared prefixes: the engine then tries a few
    branches per position instead of every keyword (five times faster than a flat alternation)."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)




@cache
def _fallback() -> tuple[re.Pattern[str], dict[str, list[str]]]:
    """The prefilter without pyahocorasick: the keyword trie as a regex, and for each keyword the
    keywords inside it (``sk_`` and ``_live_`` in ``sk_live_``), since a match is the longest
    keyword at its place. Built only when needed."""
    contained = {k: [inner for inner in KEYWORDS if inner != k and inner in k] for k in KEYWORDS}
    return re.compile(_trie(KEYWORDS)), contained


def _automaton() -> object | None:
    """Aho-Corasick when pyahocorasick is installed: one pass in C finds every keyword, about
    three times faster than the regex trie, with the same result."""
    try:
        import ahocorasick
    except ImportError:
        return None
    automaton = ahocorasick.Automaton()
    for keyword in KEYWORDS:
        automaton.add_word(keyword, keyword)
    automaton.make_automaton()
    return automaton


AUTOMATON = _automaton()
RULES_BY_KEYWORD: dict[str, list[KeyRule]] = {}
for _rule in RULES:
    for _keyword in _rule.keywords:
        RULES_BY_KEYWORD.setdefault(_keyword, []).append(_rule)

AFTER_NAME = "\n"  # the pseudo-keyword of a line whose name is on the line before
NEEDS_PREVIOUS = frozenset({AFTER_NAME, *(k for rule in RULES if rule.context_source is not None for k in rule.keywords)})
ASSIGNMENT_WORDS = frozenset({*GENERIC_WORDS, " -u ", "--user", "://"})
WINDOW = 4000
OVERLAP = 400
PRIVATE_KEY = re.compile(r"-----BEGIN ?([A-Z0-9_ -]{0,60}PRIVATE KEY)(?: BLOCK)?-----|---- BEGIN (SSH2 (?:ENCRYPTED )?PRIVATE KEY) ----|(PuTTY-User-Key-File)-\d+: *[a-z]")
ENCODED_BLOCK_START = "LS0tLS1CRUdJTi"  # base64 of "-----BEGIN"
ENCODED_BLOCK = re.compile(ENCODED_BLOCK_START + r"[A-Za-z0-9+/]{40,}={0,2}")  # a whole PEM file in base64 (a k8s Secret's tls.key)
BLOCK_HEADER = re.compile(r"^[A-Za-z][A-Za-z0-9-]*: ")  # Proc-Type:, DEK-Info:, Comment:, Encryption:, ...
BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{24,}={0,2}")
BLOCK_LINES = 12  # lines after a block's first line that may hold headers before the body
# A key kept in a comment, a Markdown quote or list, or a C string: the body line starts after these.
COMMENT_LEAD = re.compile(r"^\s*(?:#+|//+|/?\*+|>+|;+|--|-(?=[ \t])|%|\bREM\b|\d{1,5}[ \t]*\|)[ \t]*")  # 12 | : a numbered listing
# a line break as markup spells it inside one line: XML character references, HTML breaks
MARKUP_BREAK = re.compile(r"&#(?:10|13|[xX]0*[aAdD]);|<br\s*/?>", re.I)
BASE64_BODY = re.compile(r"^[A-Za-z0-9+/=]{24,}$")
BASE64_LINE = re.compile(r"^[A-Za-z0-9+/=]+$")
HEADER = re.compile(
    r"""(?i)(?<![\w-])((?:proxy-)?authorization|x-goog-api-key|(?:x-)?[\w-]*api-?(?:key|token)|x-auth-token|x-access-token|private-token|x-token)"""
    r"""(?:["'`]\s*[:=,]|\s*[:=])\s*["'`]?\s*(?:(bearer|token|basic|bot|apikey|api-key|api-token|apitoken|key|sso-key|ssws|splunk|otoken|oauth|digest|hmac|jwt)\s+)?"""
    r"""([^\s"'`\\,;)}\]<>&]+)"""
)
QUOTES = ("\"", "'", "`")
QUOTED_VALUE_BEFORE = re.compile(r"""[=:]\s*["'`]$""")
HEADER_NAMES = re.compile(r"(?i)^(?:proxy-)?authorization$|api-?(?:key|token)$|auth-token$|access-token$|private-token$|^x-token$")
# the password runs to the last @ before the host: an unescaped @ inside one (pa@ss123)@host) is common
EMBEDDED_HOST = re.compile(r"@[\w-]+\.[A-Za-z]")
URL_USERINFO = re.compile(r"""(?i)\b[a-z][a-z0-9+.-]{1,20}://([^\s/:@"'`<>{}]*):([^\s/"'`<>{}]+)@[\w.-]""")
KEYISH = r"[A-Za-z0-9_.-]*?(?:secret|passw(?:or)?d|pwd|credential|creds|token|key)[A-Za-z0-9_-]*"
# ``name = value`` in every language, matched from each secret word of the line outwards (the name
# then extends left over NAME_CHARS): a regex that began with the name would be tried at every
# character of the line, the costliest step of the scan.
SECRET_WORD = re.compile(r"secret|passw|pwd|cred|token|key")
ASSIGN_TAIL = re.compile(
    r"""(?i)((?:secret|passw(?:or)?d|pwd|credential|creds|token|key)[A-Za-z0-9_-]*)(?:\\?["'])?\]?\s*(?:=|:=|=>|:|\|\|=|\?=)\s*(?:\[\s*)?(?:\\?["'])?([^\s"'`,;)}\]\\<&]+)"""
)
# ``nimble SECRET N2kx...``, ``Using token 0A7n...``: a secret's name, blanks, then the value, as
# documents, logs and pasted notes write it. Tried only where no ``=``/``:`` form matched.
SPACED_TAIL = re.compile(
    r"""(?i)((?:secret|passw(?:or)?d|token|key|apikey|credential)[A-Za-z0-9_-]*)[ \t]+["'`]?([A-Za-z0-9][A-Za-z0-9+/_.=-]{15,199})["'`]?(?=[\s,;.)]|$)"""
)
PREVIOUS_WORD = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)[ \t]+$")
SAYS_SECRET = re.compile(r"(?i)secret|token|passw")
NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
XAML_KEY = re.compile(r"\bx:Key\s*=")
PUBLIC_WORD_BEFORE = re.compile(r"(?i)(?<![a-z])pub(?:lic)?[ _-]key\W{0,3}$")  # pub key: ..., Public key = ...
PUBLIC_KEY_LINE = re.compile(r"\bssh-(?:rsa|ed25519|dss) AAAA|ecdsa-sha2-nistp\d+ AAAA|BEGIN PUBLIC KEY")
EXAMPLE_MARKER = re.compile(r"""(?i)(?<![\w.])@example\w*|["']?\b(?:x-)?examples?["']?\s*:|<example>""")
SIGNED_LINK = re.compile(r"(?i)[?&](?:x-amz-)?(?:expires|signature)=")
WINDOWS_PATH = re.compile(r"^(?:[A-Za-z]:)?\\[A-Za-z]")  # -u "C:\Users\John Doe": cygpath's flag, not a password
PROSE_AFTER = re.compile(r" +[A-Za-z]{2,}[ ,.]+[A-Za-z]{2,}")
XML = re.compile(r"""(?i)<(""" + KEYISH + r""")>([^\s<>"']+)</""")  # <apiKey>...</apiKey>
PROGRAM_PART = re.compile(r"^[a-z][a-z0-9]*$")
OPTION_AFTER = re.compile(r"[ \t]+--?[a-z]")
SQL_ROW = re.compile(r"(?i)\bvalues\s*\(")
PAIR = re.compile(r"""(?i)["'](""" + KEYISH + r""")["']\s*,\s*["']([^\s"'`\\]+)["']""")  # setenv("API_KEY", "...")
TABLE = re.compile(r"""(?i)^\s*\|\s*`?(""" + KEYISH + r""")`?\s*\|\s*`?([^\s|`]+)`?\s*\|""")  # | api_key | value |
CURL_USER = re.compile(r"""(?:\s-u\s*|--user[\s=])\s*["']?([^\s:"']*)["']?:["']?([^\s"']*)""")
# A line that is only a name (``Authorization:``, ``api_keys: [``): its value is on the next line.
# ``KEY=`` with nothing after it is an empty value (a .env line), never a name whose value follows.
NAME_LINE = re.compile(
    r"""^\s*(?:-\s*)?["']?(""" + KEYISH + r"""|(?:proxy-)?authorization|x-[a-z-]*(?:key|token))["']?\s*(?::\s*\[?|=\s*\[)\s*$"""
    r"""|^\s*variable\s+"(""" + KEYISH + r""")"\s*\{\s*$""",  # Terraform: variable "okta_api_token" {, then default = "..."
    re.I,
)
VALUE_LINE = re.compile(r"""^\s*(?:-\s*|default\s*=\s*)?["'`]?(?:(bearer|token|basic|bot|apikey)\s+)?([^\s"'`\\,;)}\]]+)["'`]?\s*,?\s*$""", re.I)
QUERY = re.compile(r"""(?i)[?&](access_token|token|api_key|apikey|key|secret|client_secret|auth|password|sig)=([^\s&"'`#<>]+)""")
ARGV = re.compile(r"""(?i)(--(?:[a-z0-9]+-)*(?:api-?key|key|token|secret|password|passwd|credentials?|bearer|auth))(?:=|\s+)["']?([^\s"'`;|&)]+)""")
EXPORT = re.compile(r"""(?i)^\s*(?:export\s+|set\s+|setx\s+|\$env:)?(""" + KEYISH + r""")\s*=\s*["']?([^\s"'`;|&]+)""")
COMMAND_HINT = re.compile(r"(?i)(^\s*(export|set|setx)\s|\$env:|\bcurl\b|\bwget\b|\bhttp\b\s|--[a-z-]+|^\s*[\w./-]+\.py\b|\bpython3?\b|\buv run\b|\bnpx?\b)")

PLACEHOLDER_WORDS = (
    "your", "example", "placeholder", "changeme", "change-me", "change_me", "redacted", "dummy", "sample", "xxxx", "****", "...",
    "…", "replace", "insert", "<", ">", "{", "}", "${", "$(", "os.environ", "process.env", "getenv", "secretref", "token_here",
    "key_here", "not-a-real", "not-real", "notreal", "fake", "demo", "invalid", "bogus", "test-key", "testkey", "mykey", "my-key", "my_key", "abc123",
    "123456", "project1", "secret1", "password1", "foobar", "lorem", "todo", "fixme", "here", "test123", "testing", "wrong", "encoded", "123abc",
)
CAMEL_VARIABLE = re.compile(r"[a-z]{2,}[A-Z]|[a-z]+\d*[A-Z][a-z]{2,}")  # keyECDSAP224, x509PrivateKey: a camelCase variable's start
CAMEL_WORD = re.compile(r"[A-Z][a-z]+")  # the words of a type's name: PKCS7PrivateKeyTypes, Ed25519PrivateKey
BUNDLER_SUFFIX = re.compile(r"\$\d+$")
VARIABLE_REFERENCE = re.compile(r"\$\{?[A-Z_][A-Z0-9_]{2,}")
PADDED_END = re.compile(r"(.)\1{7,}$")
REPEATED_UNIT = re.compile(r"(.{2,16}?)\1{2,}.{0,16}")
ILLUSTRATIVE_START = re.compile(r"(?i)(?:value|string|text)(?![a-z])")
# a word starts here: not after a letter, or at a camelCase hump (cacheKey, bitbucket_key is not bucket_key)
WORD_START = r"(?-i:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]))"  # SSNUnlock: after an acronym too
HASHY_NAMES = ("sha", "checksum", "integrity", "hash", "digest", "rev", "commit", "etag", "fingerprint", "nonce", "salt", "signature", "uuid", "guid")
NOT_SECRET_NAMES = re.compile(
    r"(?i)(max[_-]?tokens?|tokens?[_-]?(count|limit|usage|id|type|url|uri|endpoint|file|path|name|len|length|size|budget|estimate|ids|usd)|" + WORD_START + r"(num|total|prompt|completion|input|output|cached|reasoning|context|thinking|response|generated|new|min|used|remaining|special|stop|added|vocab|image|audio|text)[_-]?tokens?$|"
    r"tokeni[sz]er|tokens?_per|" + WORD_START + r"key[_-]?(id|name|file|path|alias|type|word|code|board|press|event|stroke|frame|map|set|pair|ring|store|tab|value|len|length|size|prefix)$|"
    + WORD_START
    + r"(public|pub|primary|foreign|sort|partition|hash|range|cache|object|row|dict|map|index|idx|lookup|shortcut|hot|composite|unique|store|storage|state|"
    r"query|route|event|metric|feature|flag|settings?|prefs?|preference|translation|i18n|component|redis|idempotency|dedup|group|column|field|"
    r"identity|entity|record|natural|surrogate|business|resource|registry|message|locale|label|template|config|conversation|session|user|"
    r"item|node|table|join|attribute|attr|s3|bucket|blob|file|cursor|sequence|version|order|schema|namespace|request|correlation|op|operation|"
    r"citation|cite|bib|bibtex|reference|ref|experiment|run|trace|dataset|sample|page|member|image|media|attachment|asset|site|website|source|model|description|incident|rule|sheet|spreadsheet|doc|document|folder|batch)[_-]?keys?$|(?<![a-z0-9])1password|^_key$|"
    r"(?<![a-z])x:key$|publickeytoken|ice[_-]?(pwd|ufrag)|"
    r"secret[_-]?(name|ref|id|arn|path|key[_-]?ref|manager|store|version)|password[_-]?(policy|length|hint|field|prompt|reset|label|rule|min|max|file)|"
    r"(?<![a-z])auth(or|entication|ori[sz]ation)?[_-]?(type|method|mode|url|uri|endpoint|header|scheme|provider|flow|domain|server|state|code)$|"
    r"(csrf|xsrf|authenticity|public|next|page|continuation|cancel|refresh[_-]?url|sync|pagination|cursor|version|idempotency|concurrency)[_.-]?token|"
    + WORD_START
    + r"(doc|docs|docx|folder|file|obj|sheet|spreadsheet|node|wiki|table|block|bitable|base|image|media|attachment|xsec|job|minute)[_-]?tokens?|"
    + WORD_START
    + r"(number|unlock|ssn|dob|push|notification|fcm|apns)[_-]?tokens?$|"  # tokenised personal data, a device's push address
    + WORD_START
    + r"(send|transfer|swap|buy|sell|mint|burn|approve|bridge|stake)[_-]?tokens?$|"
    + WORD_START
    + r"(tenant|fact|concept|element|taxonomy)[_-]?keys?$|"
    + WORD_START
    + r"peer\d*[_-]?keys?$|"  # a WireGuard peer is known by its public key
    r"token[_-]?(endpoint|url)|keyword|monkey|turkey|donkey|whiskey|hockey|jockey|digikey|indexnow[_-]?key|keyboard|keychain|keystore|keyframe|websocket-key|account[_-]?keys$)"
)
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# a name that leaves no doubt: a UUID behind it is a key (Heroku, Snyk, Postmark issue UUIDs);
# behind a bare ``key`` or ``id`` a UUID is far more often a record's identifier
UUID_NAME = re.compile(r"(?i)(api[_-]?key|apikey|secret|passw(?:or)?d|token|access[_-]?key|license[_-]?key|auth[_-]?key)$")
# the UUIDs of RFC 9562's and Wikipedia's examples, which documentation copies
DOCUMENTED_UUIDS = ("123e4567-e89b-12d3-a456-42661417400", "550e8400-e29b-41d4-a716-44665544000")
# xoxb-SECRET-LEAK-CANARY-...: words among a vendor key's segments say it was written by hand
# (one word alone may be the vendor's own prefix: AGE-SECRET-KEY-1, sb_secret_)
ILLUSTRATIVE_SEGMENT = re.compile(
    r"(?i:[-_.](?:canary|leak|fake|sample)(?=[-_.]|$))|[-_.](?:SECRET|PASSWORD|TOKEN)[-_.](?!KEY)[A-Z]{4,}[-_.]|[-_.](?:secret|password|token)[-_.](?!key)[a-z]{4,}[-_.]"
)
HEX = re.compile(r"^[0-9a-fA-F]+$")
LOWER_WORD = re.compile(r"[a-z]{3,}")
BASE64_ANY = re.compile(r"^[A-Za-z0-9+/_-]+={0,2}$")
# not a key's texture: a DOI (10.1186/...), an encoded space, a comparison or assignment inside the
# value (e.keyCode===221; a single = can be part of a password), or punctuation first (;script-src)
NOT_A_KEY = re.compile(r"^\^.*\$$|\.[*+]|%[sd](?![A-Za-z0-9])|^10\.\d{4,9}/|(?i:^(?:arxiv|doi|isbn|pmid|urn):)|%20|[=!]==?[^=]|^[;:,)(\]\[]|^--|^not-|^(?:sha(?:1|224|256|384|512)|md5)[:-]")
CITATION = re.compile(r"^[A-Za-z][a-z]+(?:19|20)\d\d[A-Za-z]?[a-z]*$")  # madaan2023selfrefine, Lee2025Photovoltaic: author, year, word
ISSUE_KEY = re.compile(r"^[A-Z][A-Z0-9]{1,15}-\d{1,7}$")
LABEL = re.compile(r"^(?:[a-z]{1,20}\d{0,8}|[A-Z]{1,20}\d{0,8}|[A-Z]?[a-z]+(?:[A-Z][a-z]+){1,4}\d{0,4}|\d{1,8})$")  # iter1, S00, RUN20260801, segNoFlag
FOLDER_WORD = re.compile(r"^[a-z]{2,}$")
JWT_HEADER = ("eyJhbGci", "eyJ0eXAi", "eyJraWQi")  # {"alg", {"typ", {"kid": how a JWT's header opens
RECORD_PATH = re.compile(r"^[A-Za-z][\w.-]*/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")  # Product2/<uuid>
ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$|^0x[0-9a-fA-F]{64}$|^[EU]Q[A-Za-z0-9_-]{46}$")  # Ethereum, and TON's user-friendly form
IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
DOTTED = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:\(|\[|$)")
TRAILING_PLACEHOLDER = re.compile(r"[#*]{3}|…|\.\.\.")
LIST_ITEM = re.compile(r"^\s*(?:[a-z]{2,}|[A-Z][a-z]+|\d{1,4})\s*$")
SHORT_HASH = re.compile(r"^(?=[a-f]*\d)(?=\d*[a-f])[0-9a-f]{6,12}$")
LOWER_PART = re.compile(r"^[a-z]{3,15}$")  # a vendor prefix (sk, rk, pk: two letters) keeps a short hex a key
SLUG_WORD = re.compile(r"^[a-z]*[aeiouy][a-z]*[a-z]{2}\d{0,3}$")
SLUG_PART = re.compile(r"^(?:[a-z]{1,15}\d{0,4}|[A-Z]{1,15}\d{0,4}|[A-Z]?[a-z]{1,14}(?:[A-Z][a-z]{1,14}){0,3}\d{0,4}|\d+|)$")
PACKAGE_OR_MAIL = re.compile(r"^[\w.+-]+@(?:\d|[\w-]+\.[a-z]{2,}$)")
PATH_WITH_EXTENSION = re.compile(r"^[\w./-]*/[\w.-]+\.[A-Za-z][A-Za-z0-9]{0,7}$")
FILE_NAME = re.compile(  # 1min_35sec.mp4: a file's name, even without a folder
    r"(?i)^[\w.-]+\.(?:mp[34]|m4a|wav|ogg|webm|mov|avi|mkv|png|jpe?g|gif|webp|svg|ico|bmp|tiff?|pdf|docx?|xlsx?|pptx?|csv|tsv|txt|md|json|ya?ml|toml|xml|html?|zip|tar|gz|tgz|7z|rar|exe|dll|so|dylib|bin|iso|dmg|apk|jar|whl|py|js|ts|go|rs|rb|java|sh|log|db|sqlite|bak)$"
)
BARE_SECRET_WORDS = ("key", "token", "secret", "apikey")
HEX_KEY_LENGTHS = (32, 64)  # the lengths vendors issue hex keys in (40, a SHA-1 fingerprint's, is left out)
# a hex value on a line about signatures or digests is a fingerprint or a digest, never a secret
HEX_CONTEXT = re.compile(r"(?i)\b(?:gpg|pgp|gnupg|fingerprint|signing|signed|checksum|sha-?\d*|md5|digest|hash)\b")
# keys published in vendors' documentation as examples (AWS's access key pair), with any ending
# AWS's pair, Stripe's docs key, the bot token of Telegram's Bot API manual
DOCUMENTED_EXAMPLES = (
    "AKIAIOSFODNN7", "wJalrXUtnFEMI/K7MDENG", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
    # RFC 6749's client credentials and tokens; GitHub's REST docs' token, client secret and PAT (and the same sample
    # token as an OAuth, user-to-server or installation token; not its refresh token, which scanners' suites reuse
    # with a changed character as a real one); the Cosmos DB emulator's key
    "czZCaGRSa3F0MzpnWDFm", "2YotnFZFEjr1zCsicMWpAA", "tGzv3JOkF0XG5Qx2TlKWIA", "e72e16c7e42f292c6912", "3ef4ad510c59ad37bac6",
    "ghp_16C7e42F292c6912", "gho_16C7e42F292c6912", "ghu_16C7e42F292c6912", "ghs_16C7e42F292c6912",
    "C2y6yDjf5/R+ob0N8A7C",
)
SELF_DESCRIBING = ("password", "secret", "token", "apikey", "api_key", "api-key")
NAME_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
SECRET_TAILS = frozenset(
    "key keys apikey apikeys secret secrets token tokens password passwords passwd pwd pass passphrase credential credentials "
    "creds pat auth sig dsn sk".split()
)
COMPOUND_TAIL = re.compile(
    r"^(?:app|client|user|master|secret|service|access|auth|private|signing|sign|license|project|account|admin|consumer|api|"
    r"session|encryption|enc|hmac|jwt|bot|bearer|refresh|webhook|id|dev|sdk|server|root)(?:key|token|secret|password|pass|pwd)$"
)
QUALIFIERS = frozenset(
    "prod production dev development test testing live staging stage local default value val str string b64 base64 hex raw "
    "env old new main primary secondary backup encoded enc base".split()
)
# publishable and public keys, and PostHog's project keys (phc_), which browsers send with every event
LARK_BASE_NAME = re.compile(r"(?i)(?<![a-z])app[_-]?token$")
LARK_BASE_ID = re.compile(r"^[A-Za-z0-9]{27}$")  # bascn..., VyekbdajOaDq...: how Feishu/Lark name a Base, a doc or a wiki node
PUBLIC_PREFIXES = ("pk_live_", "pk_test_", "ssh-", "ecdsa-", "npub1", "AAAAC3", "AAAAB3", "AAAAE2", "phc_", "sb_publishable_")
GENERIC_NAME_WORDS = frozenset(
    "api key keys apikey token tokens secret secrets access auth password passwords passwd pwd pass passphrase credential "
    "credentials creds private public client app application my your our the test tests testing demo example sample fake "
    "dummy mock user admin service account bearer value var const let env config conf settings setting personal project bot "
    "oauth refresh session master signing sign encryption encrypt data db database server web site url webhook hook "
    "integration internal external global shared common real temp tmp cli sdk http https rest this self".split()
)
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
VENDOR_PREFIXED = re.compile(r"^[A-Za-z]{1,8}[-_.]")  # sk-, pk_, ghp_, sl.: the prefix's rule decides
NAME_QUALIFIER = re.compile(r"(?i)(?:[_-]?(?:hex|b64|base64|str|string|raw|pem|der|bytes|encoded|text))+$")
UPPER_NAME = re.compile(r"(?:^|:)[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")  # after a scheme too: ed25519:PUBKEY_HEX
SNAKE_NAME = re.compile(r"^(?:[A-Z][A-Z0-9]{0,11}(?:_[A-Z0-9]{1,12})+|[a-z][a-z0-9]{0,11}(?:_[a-z0-9]{1,12})+|[a-z]+(?:-[a-z0-9]+)+)$")
CERTAIN_NAME = re.compile(r"(?i)(api[_-]?key|apikey|secret|passw(?:or)?d|pwd|token|credential|private[_-]?key|access[_-]?key|(?<![a-z])key)$")
from .findings import ALLOW, FOREIGN_ALLOW, KEY_RULES  # noqa: E402,F401  (kept importable from here)

HitMaker = Callable[..., "Hit | None"]  # scan_line's hit(): records a finding once per line


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


SEPARATED = re.compile(r"[-_.:\s]+")
MASK_RUN = re.compile(r"[^a-z0-9+/=]+|x{4,}")
PLACEHOLDER_RE = re.compile(_trie(list(PLACEHOLDER_WORDS)))
TYPED_WORDS = ("123456", "abc123", "123abc")  # runs typed by hand: see vouching_name
PLACEHOLDER_UNTYPED_RE = re.compile(_trie([w for w in PLACEHOLDER_WORDS if w not in TYPED_WORDS]))


def _sequential(value: str, fold: bool = False) -> bool:
    """abcdef123456, A1B2C3D4E5F6: a run typed by hand, also when letters and digits alternate.
    ``fold``: AbCdEfGh too (a generic value; behind a vendor prefix the case is left alone,
    as scanners' suites count glpat-aBcDeF... as a key)."""
    letters = [c for c in (value.lower() if fold else value) if c.isalpha()]
    doubled = [char for char, _ in itertools.groupby(value)]  # 00112233...: each step typed twice
    if len(value) >= 12 and all(_in_order(_steps(run), 0.8) for run in (value[::2], value[1::2])):
        return True  # a1b2c3d4e5f6: two runs in order, interleaved
    if any(len(run) >= 8 and _in_order(_steps(run), 0.6) for run in (value, letters, [c for c in value if c.isdigit()], doubled)):
        return True
    # ghj789-klm012: short runs in order, broken where letters turn to digits or a separator comes
    inside = [ord(b) - ord(a) for a, b in itertools.pairwise(value) if _kind(a) == _kind(b) != "other"]
    return len(value) >= 8 and len(inside) >= 6 and _in_order(inside, 0.75)


def _steps(run: Sequence[str]) -> list[int]:
    return [ord(b) - ord(a) for a, b in itertools.pairwise(run)]


def _in_order(steps: list[int], share: float) -> bool:
    """At least ``share`` of the steps go one up (or all one down): abcdef, 987654."""
    return bool(steps) and max(steps.count(1), steps.count(-1)) >= len(steps) * share


def _kind(char: str) -> str:
    return "digit" if char.isdigit() else "lower" if char.islower() else "upper" if char.isupper() else "other"


LONG_VALUE = 64


def _placeholder_sample(value: str) -> str:
    """Where a placeholder's word is looked for. In a long random value (a key's DER body runs to
    1,600 characters) "fake" or "here" turns up by chance in about one in fifty; a hand-made
    value puts its word at either end or between separators, so only those parts are read."""
    lowered = value.lower()
    if len(value) <= LONG_VALUE:
        return lowered
    words = " ".join(part for part in SEPARATED.split(lowered)[1:-1] if len(part) <= 16)
    masks = " ".join(MASK_RUN.findall(lowered))  # ***, <...>, ${...}, xxxx: never chance in a key's alphabet
    return f"{lowered[:32]} {words} {masks} {lowered[-32:]}"


def is_placeholder(value: str, prefixed: bool = False, vouched: bool = False) -> bool:
    """An illustration, not a key. ``prefixed``: a vendor prefix already says "key", so a value
    of letters only (Hugging Face tokens are) is not taken for a variable name. ``vouched``: a
    vendor's name holds the value, so a run typed by hand (abcdef123456...) is taken as meant."""
    if value.startswith(("$", "%", "@", "&", "*", "env.", "env[", "env:", "secrets.", "vars.", "#", "[")) or value.endswith(("...", "…")):
        return True
    if value.startswith(DOCUMENTED_EXAMPLES) or VARIABLE_REFERENCE.search(value):
        return True  # 0x$PRIVATE_KEY: the value names where the key lives
    if (value.startswith("0x") and not HEX.match(value[2:])) or UPPER_NAME.search(value):
        return True  # 0xNFTContractAddress, ed25519:PUBKEY_HEX: a description of the value, not the value
    if not value.isascii():
        return True  # 你的密钥（至少32个字符）, 40位Base64字符串: a description in words; keys are ASCII
    if not vouched and REPEATED_UNIT.fullmatch(value):
        return True  # aabbccdd00112233 four times over: a pattern typed to fill the length
    if PADDED_END.search(value):
        return True  # AIza + words + fifteen zeros: words, then padding to the key's length
    if (PLACEHOLDER_UNTYPED_RE if vouched else PLACEHOLDER_RE).search(_placeholder_sample(value)):
        return True
    if not prefixed and ILLUSTRATIVE_START.match(value):
        return True  # value%23still-query, string-1: a word that stands for any value
    named = BUNDLER_SUFFIX.sub("", value)  # TELEGRAM_CHANNEL$1: a bundler's renamed variable
    if not prefixed and IDENT.match(value) and (not any(c.isdigit() for c in named) or SNAKE_NAME.match(named)):
        return True  # YOUR_RUNAPI_TOKEN, OPENAI_API_KEY_V2, api_key_v2: names, not values
    if len(set(value)) <= 4 or max(Counter(value).values()) > len(value) * 0.4:
        return True  # sk-aaaaaaaa1aaaa...: padded
    return not vouched and _sequential(value)


def _code(value: str, rest: str) -> bool:
    """``value`` is an expression, not a literal: a call, an index, an attribute, an operator."""
    if "(" in value or "[" in value or DOTTED.match(value) or rest.startswith(("(", "[", ".", " +", " ?", " or ", " and ", " if ")):
        return True
    if not IDENT.match(value):
        return False
    # a call, an attribute or an index; or a type (``credential: X509Credential | undefined``,
    # ``private_key: PKCS7PrivateKeyTypes,``: an unquoted CamelCase name before "," or ")")
    # an unquoted name before "," ")" or "}": a type of capitalised words (PKCS7PrivateKeyTypes), or
    # a camelCase variable (IssuerPrivateKey: x509PrivateKeyRSA2048, {Key: keyECDSAP224})
    if rest[:1] in (",", ")", "}"):
        if value[:1].isupper():
            return rest[:1] != "}" and sum(map(len, CAMEL_WORD.findall(value))) >= sum(c.isalpha() for c in value) * 0.6
        return value[:1].islower() and bool(CAMEL_VARIABLE.match(value))
    return rest[:1] in ("(", ".", "[", "<") or rest.startswith((" (", " | ", " & "))


def vouching_name(name: str, value: str) -> bool:
    """``tomtom_key = abcdef1234567890...``: a name that carries a vendor's word (not only words
    every secret's name has) holding a bare value of a key's length. Such a value is taken as
    the key it is named for even when it looks typed by hand, as scanners' test suites and
    fixtures write keys; ``API_KEY = abcdef123456...`` and ``sk-1234...`` stay placeholders."""
    if len(value) < 16 or VENDOR_PREFIXED.match(value) or ALPHABET in value.lower() or "test" in value.lower():
        return False  # a vendor's prefix has its own rule; abc...xyz in full is a charset table
    words = [w.lower() for w in NAME_WORD.findall(name)]
    return any(len(w) >= 3 and not w.isdigit() and not _generic_word(w) and w not in QUALIFIERS for w in words)


def _generic_word(word: str) -> bool:
    """api, key, and the words run together (authkey, accesstoken, secretkey): no vendor in them."""
    return word in GENERIC_NAME_WORDS or any(word[:i] in GENERIC_NAME_WORDS and word[i:] in GENERIC_NAME_WORDS for i in range(2, len(word) - 1))


def not_secret_name(name: str) -> bool:
    """A name for something other than a secret (cache_key, page_token), also with a qualifier
    after it that says how the value is written (public_key_hex, pubKeyStr)."""
    return bool(NOT_SECRET_NAMES.search(name) or NOT_SECRET_NAMES.search(NAME_QUALIFIER.sub("", name)))


def secret_name(name: str) -> bool:
    """The name ends in a secret's word (``SEARCH_TOKEN``, ``apiKey``, ``client_secret_prod``),
    not in something about one (``token_address``, ``ACCESS_TOKEN_LIFETIME``, ``keyPrefix``)."""
    words = [w.lower() for w in NAME_WORD.findall(name)]
    while words and (words[-1] in QUALIFIERS or words[-1].isdigit() or (words[-1][:1] == "v" and words[-1][1:].isdigit())):
        words.pop()
    if not words:
        return False
    return words[-1] in SECRET_TAILS or bool(COMPOUND_TAIL.match(words[-1]))


def looks_random(value: str, name: str = "", short_ok: bool = False, vouched: bool = False) -> bool:
    """A generic candidate is a secret only when it has the texture of one."""
    if _private_key_der(value):
        return True  # a key block's body without its BEGIN line (String privateKey = "MIIEvQIBADAN...")
    floor = 12 if short_ok else 16
    if len(value) < floor or len(value) > 1000:
        return False
    if "://" in value or _pathlike(value) or value.count(".") >= 3 or value.startswith(("/", "./", "~/")):
        return False
    if UUID.match(value) or ADDRESS.match(value) or RECORD_PATH.match(value):
        return False
    if value.startswith(ENCODED_BLOCK_START):
        return False  # a PEM file in base64: the private-key check reads what is inside
    if value.startswith("eyJ") and value.count(".") == 2:
        return real_jwt(value)
    if value.startswith(JWT_HEADER) and value.count(".") < 2:
        return False  # a JWT cut short: its header (and claims) without a signature hold no secret
    if value.startswith(PUBLIC_PREFIXES) or _public_key_der(value) or _minisign_public(value):
        return False  # publishable keys and public keys are meant to be shared
    if LARK_BASE_NAME.search(name) and LARK_BASE_ID.match(value):
        return False  # a Feishu/Lark Base's app_token names the Base (it is in its URL); the app's secret is app_secret
    if _illustrative(value):
        return False  # my-secret-token-12345, xoxp-1234-1234-1234-...: words or a repeated group
    if PACKAGE_OR_MAIL.match(value) or PATH_WITH_EXTENSION.match(value) or FILE_NAME.match(value):
        return False  # path-key@3.1.1, someone@example.org, models/exp-42.pkl
    if _self_describing(value) or NOT_A_KEY.search(value) or CITATION.match(value):
        return False  # user_password_123!, s3cr3t-value: a value that names itself is an illustration
    if value.count(":") >= 2 or _encoded_words(value):
        return False  # agent:main:chat-42, or base64 of a sentence (RFC 6455's sample nonce)
    if ISSUE_KEY.match(value):
        return False  # PLATFORM-891: an issue tracker's key
    if ":" in value and all(LABEL.match(part) for part in re.split(r"[-_.:]", value)):
        return False  # iter1:I1-S00, RUN1:segNoFlag: labels joined by a colon, a record's key (a key pair's halves are random)
    if "/" in value and "+" not in value and not any(c.isupper() for c in value) and all(LOWER_WORD.search(part) or part.isdigit() for part in value.split("/") if part):
        return False  # scrna/batch_1_3: a lower-case path of words; base64 with a slash has upper case too
    if value.count("/") >= 2 and all(FOLDER_WORD.match(part) for part in value.split("/")[:-1]):
        return False  # conf/nips/VaswaniSPUJGKP17: folders named in words, then a name
    text = _encoded_text(value)
    if text is not None:
        return password_like(text)  # base64 of printable text: the text decides (api-key-here is not a key)
    if "," in value and all(LIST_ITEM.match(item) for item in value.split(",")):
        return False  # letters,digits,symbols,32: a list of words (a recipe for a password, not one)
    if "|" in value or _wordy(value) or _memorable(value) or (not vouched and _sequential(value, fold=True)) or _camel_identifier(value) or _word_identifier(value):
        return False  # 0|advertising_publisher=0, CustomerAccountsV2, SecureP@ssw0rd123!: structure and words
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
        return (classes >= 3 and entropy(value) >= 3.2) or (classes == 2 and entropy(value) >= 3.6)
    return entropy(value) >= 3.5


WORD_RUN = re.compile(r"[A-Z]?[a-z]{2,}")
MEMORABLE_WORD = re.compile(r"[A-Z][a-z]+|[a-z]{2,}")
SYLLABLE_BREAK = re.compile(r"[^aeiouy]{4,}|[aeiouy]{3,}")


def _reads_as_word(piece: str) -> bool:
    """A vowel, and no four consonants or three vowels in a row: Secure, Pass, export, but not Xkqz."""
    lowered = piece.lower()
    return any(c in "aeiouy" for c in lowered) and not SYLLABLE_BREAK.search(lowered)


def _wordy(value: str) -> bool:
    """CollectionAddProductsV2, getv4accountsbyaccount: nearly all of it runs of lower-case
    letters with real words' share of vowels. Random text of mixed case or with its share of
    digits never is; random lower-case letters alone have a fifth vowels, words two fifths."""
    runs = WORD_RUN.findall(value)
    covered = sum(len(run) for run in runs)
    camel = any(c.isupper() for c in value)
    if covered < len(value) * (0.8 if camel else 0.9):
        return False
    vowels = sum(run.lower().count(v) for run in runs for v in "aeiouy")
    # CamelCase words (flexString2Label) are already unlike random text by their coverage alone
    return vowels >= covered * (0.25 if camel else 0.3)


LEET = str.maketrans("@40315$7!", "aaoeissti")


def _memorable(value: str) -> bool:
    """SecurePass123!, MyP@ssw0rd2024: words (leet spelling undone) and a short tail of digits
    and symbols: the example password of a document or a test, not a generated secret."""
    core = re.sub(r"(?<=[A-Za-z0-9])[-_ ](?=[A-Za-z0-9])", "", re.sub(r"[\W\d_]{1,6}$", "", value))  # Priv4cy-Filt3r
    if len(core) < 6 or len(core) > 24:
        return False
    if sum(not c.isalpha() for c in core) > 2 or not any(c.isupper() for c in core):
        return False  # more than a leet letter or two inside the words: random
    spelled = core.translate(LEET)
    runs = [run for run in MEMORABLE_WORD.findall(spelled) if len(run) >= 4 or run[0].isupper()]  # My, Secure, Pass
    if len(runs) < 2 or sum(map(len, runs)) < len(spelled) * 0.9:
        return False
    # each piece reads as a word (a vowel, no four consonants or three vowels in a row): random
    # base62 of 12 to 24 characters passes 0.25 % of the time (StrongPass has too few vowels for _wordy)
    return all(_reads_as_word(run) for run in runs)


def _illustrative(value: str) -> bool:
    """xoxb-my-bot-token, xoxp-1234-1234-1234-...: a vendor prefix on words or a repeated group."""
    parts = [part for part in re.split(r"[-_.$]", value) if part]
    if len(parts) >= 3 and all(SLUG_PART.match(part) for part in parts):
        return True
    if len(parts) >= 3 and value.islower() and sum(c.isdigit() for c in value) * 10 < len(value):
        return True  # getv4accounts-idpipelines-deprecated: an operation slug of run-together words
    if len(parts) == 2 and all(SLUG_WORD.match(part) and _reads_as_word(part) for part in parts):
        return True  # export-base64: two words (a vowel each, no run of four consonants) and a number
    if len(parts) >= 3 and SHORT_HASH.match(parts[-1]) and all(LOWER_PART.match(part) for part in parts[:-1]):
        if any(SLUG_WORD.match(part) and _reads_as_word(part) for part in parts[:-1]):
            return True  # npm-feature-d5ea0750, web-api-7f9c4b6d8: a name and a short content hash
    return any(parts.count(part) >= 3 for part in set(parts) if len(part) >= 3)


def _pathlike(value: str) -> bool:
    """a/b/c/d.txt is a path; base64 has slashes too, but between random mixed-case runs."""
    if value.count("/") < 3 or "+" in value:
        return False
    segments = [part for part in value.split("/") if part]
    return sum(1 for part in segments if part.islower() or part.isdigit() or len(part) <= 3) * 2 >= len(segments)


def _self_describing(value: str) -> bool:
    """The value spells a secret's word, also in leet or broken by symbols (S3cretP4ssw0rd,
    s3cr3t-value, P@ss!#word123)."""
    lowered = value.lower()
    spelled = lowered.translate(LEET)
    letters = re.sub(r"[^a-z]", "", re.sub(r"[^\w@$]", "", lowered).translate(LEET))
    return any(word in lowered or word in spelled or word in letters for word in SELF_DESCRIBING)


CAMEL_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _word_identifier(value: str) -> bool:
    """dei_CurrentFiscalYearEndDate_FD2019Q4YTD, us-gaap_RevenueFromContract...: a name built of
    three or more words (by separators and case) that cover most of its letters. Random text
    has no run of three letters with a vowel often enough to cover seven tenths of it."""
    pieces: list[str] = []
    for segment in re.split(r"[-_.:/]", value):  # a word is a whole lower-case segment or a capitalised one
        whole = segment.isalpha() and (segment.islower() or segment.isupper())  # DO_NOT_PERSIST, us-gaap
        pieces += [segment] if whole else CAMEL_WORD.findall(segment)
    words = [w for w in pieces if len(w) >= (2 if w.isupper() else 3) and any(c in "aeiouy" for c in w.lower())]
    covered = sum(map(len, words))
    vowels = sum(w.lower().count(v) for w in words for v in "aeiouy")
    return len(words) >= 3 and covered >= sum(c.isalpha() for c in value) * 0.7 and vowels >= covered * 0.3


def _camel_identifier(value: str) -> bool:
    """roundToBase10, fixSvgStringForIe11: a camelCase name of words. Random text splits into
    one- and two-letter pieces without vowels; a name splits into words. A type's name
    (ID3D11DeviceContext) is capitalised words for three quarters of its letters: 0.015 % of
    random base62 strings that start in upper case are."""
    if not IDENT.match(value):
        return False
    if value[:1].isupper():
        capitalised = [w for w in CAMEL_WORD.findall(value) if len(w) >= 4 and any(c in "aeiou" for c in w)]
        covered = sum(map(len, capitalised))
        vowels = sum(w.lower().count(v) for w in capitalised for v in "aeiou")
        return len(capitalised) >= 2 and covered >= sum(c.isalpha() for c in value) * 0.75 and vowels >= covered * 0.3
    tokens = CAMEL_TOKEN.findall(value)
    words = [t for t in tokens if t.isalpha()]
    if len(words) < 2 or sum(len(t) for t in tokens if t.isdigit()) > 2 or any(len(w) > 5 for w in words if w.isupper()):
        return False
    # an acronym (SVG, IE) or a word without a vowel (Svg) may appear once; every other piece is a word
    odd = sum(1 for w in words if len(w) < 2 or w.isupper() or not any(c in "aeiouy" for c in w.lower()))
    letters = "".join(w for w in words if not w.isupper()).lower()
    vowels = sum(letters.count(v) for v in "aeiouy")
    return odd <= 1 and sum(map(len, words)) >= len(words) * 3 and vowels >= len(letters) * 0.25


def _encoded_text(value: str) -> str | None:
    """The text inside base64 that decodes to printable ASCII (k8s Secret values, Basic-style
    tokens); None for anything else. Random bytes almost never decode so: a 12-byte key would
    have to land in the printable range at every byte (about one chance in 150,000)."""
    if len(value) >= 32 and len(value) % 2 == 0 and HEX.match(value):
        raw = bytes.fromhex(value)  # 7468697320...: hex of a sentence, a test's sentinel
        return raw.decode("ascii").strip() if all(32 <= b < 127 or b in (9, 10, 13) for b in raw) else None
    if len(value) < 12 or len(value) % 4 == 1 or not BASE64_ANY.match(value):
        return None
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_" if ("-" in value or "_" in value) else None, validate=True)
    except (binascii.Error, ValueError):
        return None
    if (len(raw) < 8 and "=" not in value) or not all(32 <= b < 127 for b in raw):
        return None
    return raw.decode("ascii")


ENCRYPTED_KEY_OIDS = frozenset(bytes.fromhex(h) for h in ("2a864886f70d01050d", "2a864886f70d010c0103"))  # PBES2, PKCS#12 3DES
# the algorithms of a SubjectPublicKeyInfo: rsaEncryption, ecPublicKey, DSA, Ed25519, X25519, Ed448, X448
PUBLIC_KEY_OIDS = frozenset(bytes.fromhex(h) for h in ("2a864886f70d010101", "2a8648ce3d0201", "2a8648ce380401", "2b6570", "2b656e", "2b6571", "2b656f"))


def der_element(data: bytes, at: int, tag: int) -> tuple[int, int] | None:
    """(where the contents start, how long they are) of the DER element of ``tag`` at ``at``, or None."""
    if len(data) < at + 2 or data[at] != tag:
        return None
    size = data[at + 1]
    if not size & 0x80:
        return at + 2, size
    count = size & 0x7F  # the long form: the next ``count`` bytes hold the length
    return at + 2 + count, int.from_bytes(data[at + 2 : at + 2 + count], "big")


def _der_body(data: bytes, at: int, tag: int) -> int | None:
    element = der_element(data, at, tag)
    return element[0] if element else None


def _der_start(value: str) -> bytes:
    """The first 24 bytes of base64 that may be DER (a SEQUENCE starts MI, MH, MF, ...)."""
    if not value.startswith("M") or len(value) < 24 or not BASE64_ANY.match(value):
        return b""
    try:
        return base64.b64decode(value[:32])
    except (binascii.Error, ValueError):
        return b""


def _der_algorithm(data: bytes) -> bytes:
    """The OID of a SEQUENCE that opens with an algorithm's SEQUENCE (a public key, or an
    encrypted private key), or b""."""
    inner = _der_body(data, 0, 0x30)
    oid = None if inner is None else _der_body(data, inner, 0x30)
    if oid is None or _der_body(data, oid, 0x06) is None:
        return b""
    return data[oid + 2 : oid + 2 + data[oid + 1]]


def _minisign_public(value: str) -> bool:
    """RWQf6LRC...: a minisign public key (``Ed``, an 8-byte key id, 32 bytes of Ed25519 key),
    which is published so that downloads can be checked. A secret key file is far longer."""
    if len(value) != 56 or not value.startswith("RW"):
        return False
    try:
        return len(base64.b64decode(value, validate=True)) == 42
    except (binascii.Error, ValueError):
        return False


def _public_key_der(value: str) -> bool:
    """MIIBIjANBgkq..., MCowBQYDK2Vw...: a public key in DER (a SubjectPublicKeyInfo: the
    algorithm's SEQUENCE first, naming a public-key algorithm)."""
    return _der_algorithm(_der_start(value)) in PUBLIC_KEY_OIDS


def _private_key_der(value: str) -> bool:
    """MIIEvQIBADAN..., MHcCAQEE...: a private key in DER (PKCS#8, PKCS#1 or SEC1), which opens
    with a version INTEGER of 0 or 1 and then the algorithm, the RSA modulus or the EC key; or
    an encrypted one (PKCS#8 under PBES2 or PKCS#12's triple DES)."""
    data = _der_start(value) if len(value) >= 64 else b""
    version = _der_body(data, 0, 0x30)
    if version is None:
        return False
    if data[version : version + 3] in (b"\x02\x01\x00", b"\x02\x01\x01"):
        return data[version + 3 : version + 4] in (b"\x30", b"\x02", b"\x04")
    return _der_algorithm(data) in ENCRYPTED_KEY_OIDS


def _encoded_words(value: str) -> bool:
    """Base64 that decodes to plain words with spaces: text someone encoded, not random bytes."""
    if len(value) % 4 or not BASE64_BODY.match(value):
        return False
    try:
        decoded = base64.b64decode(value, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    return " " in decoded and all(c.isalnum() or c in " .,:;!?'-_" for c in decoded)


def _candidates(text: str) -> dict[int, set[str]]:
    """Line start offsets -> the keywords found on that line."""
    lowered = text.lower()
    lines: dict[int, set[str]] = {}
    if AUTOMATON is not None:
        line_end, words = -1, set()
        for end, keyword in AUTOMATON.iter(lowered):  # type: ignore[attr-defined]
            if end >= line_end:  # the first keyword of a line
                begin = end - len(keyword) + 1
                line_end = _line_end(lowered, begin)
                words = lines.setdefault(lowered.rfind("\n", 0, begin) + 1, set())
            words.add(keyword)
    else:
        keyword_re, contained = _fallback()
        search = keyword_re.search
        match = search(lowered)
        while match:
            start = lowered.rfind("\n", 0, match.start()) + 1
            words = lines.setdefault(start, set())
            words.add(match.group())
            words.update(contained[match.group()])
            match = search(lowered, match.start() + 1)  # not match.end(): keywords may overlap (sk_ and _live_)
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
    return text[start:end].rstrip().endswith((":", "[", "=", "{"))


CHECKSUM_LINE = re.compile(r"""(?m)^[ \t]*["']?[^\s:="']+["']?[ \t]*[:=][ \t]*["']?[0-9a-fA-F]{32,128}["']?,?[ \t]*$""")
CHECKSUM_LIST_LINES = 20


def checksum_list(text: str) -> bool:
    """An i18n.lock, a checksums.yaml, an integrity map: a file whose lines are mostly a name and a
    hash (``auth/reset_password: 9f3c...``). Hex in it is a digest of what the name points at,
    whatever the name says; a file of twenty named hex keys and little else is rare."""
    hashes = len(CHECKSUM_LINE.findall(text))
    return hashes >= CHECKSUM_LIST_LINES and hashes * 2 >= sum(1 for line in text.splitlines() if line.strip())


def scan_text(text: str) -> Iterator[Hit]:
    """Every real-looking credential in ``text`` (``skill-validate: allow`` is applied by the caller)."""
    digests: bool | None = None  # is the file a list of checksums? read only when a named hex value turns up
    for hit in _scan_text(text):
        if hit.kind.startswith("value of ") and HEX.match(hit.value):
            digests = checksum_list(text) if digests is None else digests
            if digests:
                continue
        yield hit


def _scan_text(text: str) -> Iterator[Hit]:
    line_no, last = 1, 0
    for start, words in sorted(_candidates(text).items()):
        line_no += text.count("\n", last, start)
        last = start
        end = text.find("\n", start)
        line = text[start : end if end != -1 else len(text)]
        previous = following = ""
        if start and not words.isdisjoint(NEEDS_PREVIOUS):
            previous = text[text.rfind("\n", 0, start - 1) + 1 : start - 1]
        if end != -1 and not words.isdisjoint(BLOCK_WORDS):
            following = "\n".join(text[end + 1 : end + 1 + 4096].split("\n")[:BLOCK_LINES])
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
        raw = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return looks_random(value, "password")  # not text: a random credential in its own right
    user, _, password = decoded.partition(":")
    return bool(user) and password_like(password) and not is_placeholder(decoded)


def password_like(password: str) -> bool:
    """An explicit password (``curl -u``, Basic, a URL's userinfo): shorter is fine when it is mixed."""
    # only the plain spelling here: an explicit password in leet (P4ssw0rd!) is someone's weak password
    if is_placeholder(password) or len(password) < 8 or any(word in password.lower() for word in SELF_DESCRIBING):
        return False
    if "\\u" in password or "\\x" in password or "," in password or WINDOWS_PATH.match(password):
        return False  # pa\uD7FFss: a string escape in a parser's test; host:1,user:pw@: a multi-host URL
    if "%" in password and PLACEHOLDER_RE.search(unquote(password).translate(LEET).lower()):
        return False  # not-re%40l: a placeholder, percent-encoded and spelled in leet
    if len(password) >= 12:
        mixed_letters = password.isalpha() and not password.islower() and not password.isupper() and entropy(password) >= 3.5
        return mixed_letters or looks_random(password, "password", short_ok=True)
    classes = sum((any(c.islower() for c in password), any(c.isupper() for c in password), any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))
    return classes >= 3 and entropy(password) >= 2.9


def scan_line(line: str, line_no: int, words: set[str] | None = None, previous: str = "", following: str = "") -> Iterator[Hit]:
    lowered = line.lower()
    if words is None:
        words = {k for k in KEYWORDS if k in lowered}
    seen: set[str] = set()
    command: list[bool] = []  # is the line a command? Asked only once something is found

    def hit(col: int, kind: str, value: str, argv: bool | None = None) -> Hit | None:
        """``argv`` None: in argv when the line is a command."""
        for known in seen:
            if value in known or known in value:
                return None  # the same secret, or part of one already reported on this line
        seen.add(value)
        if argv is None:
            if not command:
                command.append(bool(COMMAND_HINT.search(line)))
            argv = command[0]
        return Hit(line_no, col + 1, kind, value, argv)

    rules: dict[str, KeyRule] = {}
    for word in words:
        for rule in RULES_BY_KEYWORD.get(word, ()):
            rules[rule.id] = rule
    judged: list[str] = []  # what a vendor's rule already ruled on: the generic paths do not overrule it
    for rule in rules.values():
        if rule.context is not None and not (rule.context.search(line) or rule.context.search(previous)):
            continue
        for match in rule.pattern.finditer(line):
            group = next(i for i in range(1, (match.lastindex or 0) + 1) if match.group(i)) if match.lastindex else 0
            value = match.group(group)
            judged.append(value)
            if is_placeholder(value, prefixed=rule.context_source is None) or entropy(value) < rule.entropy:
                continue
            if rule.check is not None and not rule.check(value):
                continue
            if _illustrative(value) or ILLUSTRATIVE_SEGMENT.search(value) or TRAILING_PLACEHOLDER.match(line, match.end(group)):
                continue
            found = hit(match.start(group), rule.kind, value)
            if found:
                yield found
    if not words.isdisjoint(BLOCK_WORDS):
        pem = PRIVATE_KEY.search(line)
        if pem and _pem_body(line[pem.end() :], following, pem.group(pem.lastindex or 0)):
            found = hit(pem.start(), "private key", pem.group(0), False)
            if found:
                yield found
        if ENCODED_BLOCK_WORD in words:
            for match in ENCODED_BLOCK.finditer(line):
                run = match.group()
                if not line[match.end() :].strip().strip("\"'`,;"):  # wrapped (base64 -w 76): the lines below go on
                    bare = (part.strip().strip("\"'`,;") for part in following.split("\n"))
                    run += "".join(itertools.takewhile(lambda part: bool(BASE64_LINE.match(part)), bare))
                if _encoded_private_key(run):
                    found = hit(match.start(), "private key", match.group(), False)
                    if found:
                        yield found
    if not words.isdisjoint(HEADER_WORDS):
        yield from _headers(line, hit)
    if previous and AFTER_NAME in words:
        yield from _after_name(line, previous, hit)
    if words.isdisjoint(ASSIGNMENT_WORDS) and "?" not in line and "&" not in line:
        return
    yield from _assignments(line, hit, judged)


def _prose(line: str, start: int, end: int) -> bool:
    """``Key: Base58-encoded Solana key``: an unquoted value followed by more words describes."""
    quoted = line[start - 1 : start] in ("'", '"', "`")
    return not quoted and bool(PROSE_AFTER.match(line, end))


BODY_SAMPLE = 160  # characters of a key block's body read: the shared opening and 128 past it


def _pem_body(rest: str, following: str, kind: str = "PRIVATE KEY") -> bool:
    """A key block, not a placeholder: base64 follows (escaped on the same line, or on the lines
    after any ``Proc-Type:``/``Comment:`` headers) and decodes to what a key of that kind starts
    with (an OpenSSH key's ``openssh-key-v1`` magic, a DER ``SEQUENCE``, an OpenPGP packet).
    Real keys are full of runs of ``A`` (zero bytes), so the decoding, not the look of the text,
    decides. An encrypted body is random bytes: there, being base64 of some length is enough."""
    if "&#" in rest or "<br" in rest.lower():
        rest = MARKUP_BREAK.sub("\\n", rest)
    inline = rest.replace("\\r", "").split("\\n") if "\\n" in rest else [rest]
    lines = [line.strip() for line in inline if line.strip().strip("\"'`+,;")]
    if kind == "PuTTY-User-Key-File" or not [line for line in lines if line.strip("\"'`+,; \\")]:  # the block goes on below
        lines = [line.strip() for line in following.replace("\\n", "\n").split("\n")]
    encrypted = "ENCRYPTED" in kind
    body = ""
    for line in lines:
        bare = COMMENT_LEAD.sub("", line).strip("\"'`+,; \\")
        if not bare or bare.startswith("-----END") or bare.startswith("---- END"):
            if body or bare:
                break
            continue
        if BLOCK_HEADER.match(bare):
            encrypted = encrypted or "ENCRYPTED" in bare.upper() or (bare.startswith("Encryption:") and "none" not in bare)
            if kind == "PuTTY-User-Key-File" and not bare.startswith("Private-Lines:"):
                continue  # the public lines come first: only the private ones are the secret
            if kind == "PuTTY-User-Key-File":
                kind = "PuTTY private"
            continue
        if kind == "PuTTY-User-Key-File":
            continue
        whole_line = BASE64_LINE.match(bare)
        if body and not whole_line:
            break
        if whole_line and len(bare) < 24:
            body += bare  # a body in short lines (hand-wrapped, or cut by a test's author): read on
            if len(body) >= 64:
                break
            continue
        found = BASE64_RUN.search(bare)
        body += found.group() if found and found.start() == 0 else ""
        if found and bare[found.end() :].startswith(("...", "…")) and len(body) < 64:
            return False  # MIGTAgEAMBMGByqGSM49AgEG...: the opening every key of a kind shares, then an ellipsis
        if not whole_line or len(bare) < 60 or len(body) >= BODY_SAMPLE:
            break  # a short line is the body's last: a block's lines are full width (64, 70 or 76) but for it
    if len(body) < 40 or TRAILING_PLACEHOLDER.search(body[:64]) or len(set(body[:64])) <= 10:
        return False
    if encrypted or kind in ("PuTTY private",) or kind.startswith("SSH2"):
        return entropy(body[:64]) >= 4.0
    chunk = body[: len(body[:64]) // 4 * 4]
    try:
        decoded = base64.b64decode(chunk)
    except (binascii.Error, ValueError):
        decoded = b""
    # an OpenSSH body under another header (an "RSA PRIVATE KEY" line pasted over a key from
    # ssh-keygen) is still that key: its magic decides, whatever the header says
    if "OPENSSH" in kind or decoded.startswith(b"openssh-key-v1"):
        starts = decoded.startswith(b"openssh-key-v1")
    elif "PGP" in kind:
        starts = len(decoded) >= 16 and decoded[0] & 0x80 == 0x80
    else:
        starts = len(decoded) >= 16 and decoded[0] == 0x30
    # a body that does not decode as its kind still counts when it is long and random: hand-made
    # test keys are shaped so, and a scanner cannot tell them from a key someone mangled (a test
    # suite's key lower-cased so that push protection lets it through). Past the opening that every
    # key of a kind shares, even a lower-cased OpenSSH body keeps 4 bits a character.
    past_opening = body[32:BODY_SAMPLE]
    return starts or (len(set(body[:64])) >= 24 and entropy(body[:64]) >= 4.8) or (
        len(past_opening) >= 64 and len(set(past_opening)) >= 24 and entropy(past_opening) >= 4.0
    )


def _encoded_private_key(run: str) -> bool:
    """A PEM file kept in base64 (Kubernetes Secrets, CI variables): the block inside decides."""
    try:
        decoded = base64.b64decode(run[: len(run) // 4 * 4]).decode("ascii", "replace")  # a damaged byte deep in the body
    except (binascii.Error, ValueError):
        return False
    return ENCODED_BLOCK_WORD not in decoded.lower() and any(h.kind == "private key" for h in scan_text(decoded))


def _headers(line: str, hit: HitMaker) -> Iterator[Hit]:
    for match in HEADER.finditer(line):
        if line[match.end(1) : match.end(1) + 1] in QUOTES and QUOTED_VALUE_BEFORE.search(line, 0, match.start(1)):
            continue  # api_key="test-api-key", dims=768: a quoted value that ends in api-key, then the next argument
        scheme, value = (match.group(2) or "").lower(), match.group(3).strip()
        if _header_secret(scheme, value):
            found = hit(match.start(3), f"{match.group(1)} header value", value)
            if found:
                yield found


def _after_name(line: str, previous: str, hit: HitMaker) -> Iterator[Hit]:
    """A value whose name is on the line before: recorded HTTP headers, YAML lists, JSON arrays."""
    named = NAME_LINE.match(previous)
    value = VALUE_LINE.match(line)
    if not named or not value:
        return
    name, scheme, secret = named.group(1) or named.group(2), (value.group(1) or "").lower(), value.group(2)
    header = bool(HEADER_NAMES.search(name))
    if not header and (not_secret_name(name) or not secret_name(name)):
        return
    if header or scheme:
        ok = _header_secret(scheme, secret)
    else:
        ok = not is_placeholder(secret) and not _code(secret, "") and looks_random(secret, name, short_ok=bool(CERTAIN_NAME.search(name)))
    if ok:
        found = hit(value.start(2), f"value of {name}", secret)
        if found:
            yield found


def _key_uuid(value: str) -> bool:
    """A UUID that could be a key: not typed by hand (12345678-...) and not a documented example."""
    return (
        bool(UUID.match(value)) and random_uuid(value) and not value.lower().startswith(DOCUMENTED_UUIDS)
        and not _sequential(value.replace("-", "")) and len(set(value)) > 8
    )


def _header_secret(scheme: str, value: str) -> bool:
    """A credential header's value: UUIDs count here (many services issue UUID keys)."""
    if is_placeholder(value) or "(" in value or "[" in value:  # parsed._positional[0]: an expression
        return False
    if scheme == "basic":
        return _basic_secret(value)
    if UUID.match(value):
        return _key_uuid(value)
    return looks_random(value, "token", short_ok=True)


def _named_values(line: str, lowered: str) -> Iterator[tuple[str, str, int, int, bool]]:
    """(name, value, value start, value end, lands in argv) for each way a line names a value."""
    if "--" in line:
        for match in ARGV.finditer(line):
            yield match.group(1), match.group(2), match.start(2), match.end(2), True
    if "=" in line:
        export = EXPORT.match(line)
        if export:
            yield export.group(1), export.group(2), export.start(2), export.end(2), True
    covered = 0
    for word in SECRET_WORD.finditer(lowered):
        if word.start() < covered:
            continue
        tail = ASSIGN_TAIL.match(line, word.start())
        spaced = tail is None
        tail = tail or SPACED_TAIL.match(line, word.start())
        if tail is None:
            continue
        covered = tail.end(1)
        start = word.start()
        while start and line[start - 1] in NAME_CHARS:
            start -= 1
        name = line[start : tail.end(1)]
        if spaced:
            if start and line[start - 1] not in " \t\"'`([{":
                continue  # inside another token: a path, a URL, an expression
            before = PREVIOUS_WORD.search(line, 0, start)
            # ``cache key``, ``public key``, ``signing key``: the word before says what the key is
            name = f"{before.group(1)}_{name}" if before else name
            if _public_hex(name, tail.group(1), tail.group(2), line):
                continue
        yield name, tail.group(2), tail.start(2), tail.end(2), False
    for pattern, needs in ((XML, "</"), (PAIR, ","), (TABLE, "|"), (QUERY, "=")):
        if needs in line:
            for match in pattern.finditer(line):
                if pattern is PAIR and SQL_ROW.search(line, 0, match.start()):
                    break  # VALUES ('id', 'password', '<uuid>'): a row's cells, not a name and its value
                yield match.group(1), match.group(2), match.start(2), match.end(2), False


def _fingerprint(value: str, name: str, line: str) -> bool:
    """Release GPG key: 9554F04D..., OSQUERY_KEY=1484120A...: hex on a line about signatures, or
    a key id or fingerprint's length in upper case under a key's name, as GnuPG prints them."""
    if not HEX.match(value):
        return False
    return bool(HEX_CONTEXT.search(line)) or (len(value) in (16, 40) and value.isupper() and name.lower().endswith("key"))


def _public_hex(name: str, word: str, value: str, line: str) -> bool:
    """Hex after a spaced name (``signing key 7F3E...``, ``gpg key <id>``) is a key id or a
    fingerprint, unless the name says secret or a vendor's word qualifies a bare key word and the
    value has a vendor key's length (``newsapi KEY <32 hex>``)."""
    if not HEX.match(value) or SAYS_SECRET.search(name):
        return False
    qualified = name.lower() != word.lower() and word.lower() in BARE_SECRET_WORDS
    return not qualified or len(value) not in HEX_KEY_LENGTHS or _fingerprint(value, name, line)


def _program_name(value: str) -> bool:
    """softhsm2-util, docker-compose: lower-case pieces joined by hyphens, one of them a word."""
    parts = value.split("-")
    return len(parts) >= 2 and all(PROGRAM_PART.match(part) for part in parts) and any(part.isalpha() and _reads_as_word(part) for part in parts)


def _assignments(line: str, hit: HitMaker, judged: Sequence[str] = ()) -> Iterator[Hit]:
    for name, raw, start, end, argv in _named_values(line, line.lower()):
        raw = raw.strip()
        value = raw.rstrip(".,")  # a sentence's full stop, or the comma after an argument
        if len(value) < 12 or raw.endswith(("...", "…")) or _code(value, line[end : end + 6]):
            continue  # shorter than any secret a name can vouch for, elided, or an expression
        if value.startswith("-") and line[start - 1 : start] == ":":
            continue  # ${CACHE_KEY:-default}: a shell default, named by the variable before it
        if not argv and OPTION_AFTER.match(line, end) and _program_name(value):
            continue  # token: softhsm2-util --init-token: a program and its options
        vouched = vouching_name(name, value) and not any(seen in value for seen in judged)
        if not_secret_name(name) or not secret_name(name) or is_placeholder(value, vouched=vouched) or _prose(line, start, end):
            continue
        if name.lower() == "key" and (XAML_KEY.search(line) or PUBLIC_KEY_LINE.search(line) or PUBLIC_WORD_BEFORE.search(line, 0, start)):
            continue  # x:Key="..." names a XAML resource; beside ssh-rsa AAAA... or after "pub" a key is a public key
        if EXAMPLE_MARKER.search(line):
            continue  # @example_request {...}, "example": "...": an API description's sample values
        if _fingerprint(value, name, line):
            continue
        # ...?alt=media&token=<uuid>: after a URL's start a UUID is a link's, not a key
        name_at = line.rfind(name, 0, start)
        before, after = line[:name_at], line[name_at + len(name) :]
        if (before[-2:-1].isalnum() and before.endswith(":") and after.startswith(":")) or (before.endswith("[") and line[end : end + 1] == "]"):
            continue  # did:key:z6Mk... is a public identifier; [PASSWORD:f2ae...] is a masker's tag
        in_link = "://" in line[:start] or line[name_at - 1 : name_at] in ("?", "&", ";")
        if in_link and SIGNED_LINK.search(line):
            continue  # ?credential=...&expires=...&signature=...: a signed link's parameters, which expire
        uuid_key = UUID_NAME.search(name) and not in_link and _key_uuid(value)
        if not (uuid_key or looks_random(value, name, short_ok=bool(CERTAIN_NAME.search(name)), vouched=vouched)):
            continue
        found = hit(start, f"value of {name}", value, None if argv else False)
        if found:
            yield found
    for match in CURL_USER.finditer(line):
        user, password = match.group(1).strip("{}"), match.group(2).strip("{}")
        if password and password_like(password):
            found = hit(match.start(2), "password in a user:password pair", password, True)
        elif not password and user and not is_placeholder(user) and looks_random(user, "token", short_ok=True):
            found = hit(match.start(1), "key given as the user of a user:password pair", user, True)  # Stripe-style -u KEY:
        else:
            found = None
        if found:
            yield found
    if "://" in line:
        for match in URL_USERINFO.finditer(line):
            if EMBEDDED_HOST.search(match.group(2)):
                continue  # user:pass@trusted.com:80@localhost: a URL-parser puzzle, the "password" holds a host
            if password_like(match.group(2)):
                found = hit(match.start(2), "password in a URL", match.group(2))
                if found:
                    yield found
