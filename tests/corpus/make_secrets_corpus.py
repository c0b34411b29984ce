#!/usr/bin/env python3
"""Write secrets.tsv: labelled lines for the key detector (synthetic random keys, never real ones).

Columns: label (catch or pass), category, context, line. A row that stands for several lines
(a header name on the line before its value, a PEM block) joins them with U+2424 (SYMBOL FOR
NEWLINE). Deterministic (seeded), so the file is reproducible:
``python3 tests/corpus/make_secrets_corpus.py`` rewrites it identically.

The contexts are the shapes real repositories hold (recorded HTTP fixtures, escaped JSON,
query strings, Markdown tables, code in many languages), written here with random values; the
classes follow the issue that asked for them (15) and the kinds of cases gitleaks and
detect-secrets keep beside their rules.
"""

from __future__ import annotations

import base64
import json
import random
import string
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from kimi_skill.validator.keyrules import RULES, expand

R = random.Random(20261125)
NL = "\u2424"
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"


DER_START = "MII"  # base64 of 0x30 0x82: a DER SEQUENCE with a two-byte length
OPENSSH_START = "b3BlbnNzaC1rZXktdjEAAAAA"  # base64 of "openssh-key-v1", a NUL and the first zero bytes


def rand(n: int, alphabet: str = ALNUM) -> str:
    while True:
        value = "".join(R.choice(alphabet) for _ in range(n))
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value


def b64url(claims: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode()).decode().rstrip("=")


SHAPES = {
    "openai-project": lambda: f"sk-proj-{rand(74, URLSAFE)}T3BlbkFJ{rand(74, URLSAFE)}",
    "openai-legacy": lambda: f"sk-{rand(20)}T3BlbkFJ{rand(20)}",
    "openai-service": lambda: f"sk-svcacct-{rand(58, URLSAFE)}T3BlbkFJ{rand(58, URLSAFE)}",
    "anthropic": lambda: f"sk-ant-api03-{rand(93, URLSAFE)}AA",
    "google": lambda: f"AIza{rand(35, URLSAFE)}",
    "github": lambda: f"ghp_{rand(36)}",
    "github-fine-grained": lambda: f"github_pat_{rand(22)}_{rand(59)}",
    "slack": lambda: f"xoxb-{R.randint(10**11, 10**12)}-{R.randint(10**11, 10**12)}-{rand(24)}",
    "aws": lambda: "AKIA" + "".join(R.choice(string.ascii_uppercase + "234567") for _ in range(16)),
    "stripe": lambda: f"sk_live_{rand(24)}",
    "huggingface": lambda: f"hf_{rand(34)}",
    "moonshot": lambda: f"sk-{rand(48)}",
    "kimi-code": lambda: f"sk-kimi-{rand(48)}",
    "jwt": lambda: f"{b64url({'alg': 'HS256', 'typ': 'JWT'})}.{b64url({'sub': rand(12), 'exp': R.randint(1_700_000_000, 1_900_000_000)})}.{rand(43, URLSAFE)}",
    "generic-random": lambda: rand(R.choice([32, 40, 48])),
    "generic-hex": lambda: "".join(R.choice("0123456789abcdef") for _ in range(40)),
}

CONTEXTS = {
    "markdown": lambda k: f"Use the key `{k}` to call the API.",
    "python": lambda k: f'client = OpenAI(api_key="{k}", base_url="https://runapi.ai/v1")',
    "shell": lambda k: f"export OPENAI_API_KEY={k}",
    "yaml": lambda k: f"  api_key: {k}",
    "json": lambda k: f'  "apiKey": "{k}",',
    "dotenv": lambda k: f"RUNAPI_TOKEN={k}",
    "typescript": lambda k: f'const client = new OpenAI({{ apiKey: "{k}" }});',
}
HEADERS = {
    "curl-bearer": lambda k: f'curl https://runapi.ai/v1/models -H "Authorization: Bearer {k}"',
    "curl-x-api-key": lambda k: f'  -H "x-api-key: {k}" \\',
    "curl-goog": lambda k: f'  -H "x-goog-api-key: {k}" \\',
    "python-headers": lambda k: f'headers = {{"Authorization": "Bearer {k}"}}',
    "http-raw": lambda k: f"Authorization: Bearer {k}",
    "typescript-headers": lambda k: f'headers: {{ "x-api-key": "{k}" }},',
    "json-token": lambda k: f'{{"token": "{k}"}}',
    "argv-flag": lambda k: f"mytool --api-key {k} --model kimi-k2.6",
    "yaml-secret": lambda k: f"client_secret: {k}",
    "ts-assign": lambda k: f'export const API_TOKEN = "{k}";',
}

# Shapes whose bare value is a secret anywhere; the generic ones need a key-ish context.
BARE_OK = set(SHAPES) - {"generic-random", "generic-hex", "slack"}


def catch_lines() -> list[tuple[str, str, str]]:
    rows = []
    for shape, make in SHAPES.items():
        for context, wrap in CONTEXTS.items():
            if context == "markdown" and shape not in BARE_OK:
                continue
            rows.append((shape, context, wrap(make())))
    for context, wrap in HEADERS.items():
        for _ in range(4):
            rows.append(("header-or-field", context, wrap(rand(R.choice([24, 32, 40, 64]), URLSAFE))))
    # key bodies begin as real ones do (a DER SEQUENCE, the OpenSSH magic); the rest is random
    for kind in ("RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"):
        start = OPENSSH_START if kind.startswith("OPENSSH") else DER_START
        rows.append(("private-key", "pem", f"-----BEGIN {kind}-----{NL}{start}{rand(64, B64)[len(start):]}{NL}{rand(64, B64)}"))
    rows.append(("private-key", "yaml", f'  key: "-----BEGIN PRIVATE KEY-----\\n{DER_START}{rand(64, B64)[3:]}\\n{rand(20, B64)}"'))
    rows.append(("private-key", "json", f'  "private_key": "-----BEGIN RSA PRIVATE KEY-----\\n{DER_START}{rand(64, B64)[3:]}\\n",'))
    rows += new_catch_classes()
    return rows


B64 = ALNUM + "+/"


def mixed(n: int) -> str:
    """A short secret with upper, lower and digits, as a name-certain short value would be."""
    while True:
        value = rand(n)
        if any(c.isupper() for c in value) and any(c.islower() for c in value) and any(c.isdigit() for c in value):
            return value


def new_catch_classes() -> list[tuple[str, str, str]]:
    rows = []
    suffixed = [
        ("python", 'consumer_key = "{k}"'), ("python", "OAUTH_CONSUMER_SECRET = '{k}'"), ("yaml", "  key: {k}"),
        ("yaml", "  client_secret: {k}"), ("ruby", "config.app_secret = '{k}'"), ("go", 'refreshToken := "{k}"'),
        ("java", 'private static final String ACCESS_TOKEN = "{k}";'), ("php", "$api_secret = '{k}';"),
        ("typescript", "const webhookSecret = '{k}';"), ("toml", 'signing_key = "{k}"'), ("ini", "secret_key={k}"),
        ("csharp", 'var apiToken = "{k}";'), ("kotlin", 'val bearerToken = "{k}"'), ("xml", "<apiKey>{k}</apiKey>"),
        ("python", 'os.environ.setdefault("SERVICE_API_KEY", "{k}")'), ("ruby", "ENV['DEPLOY_TOKEN'] ||= '{k}'"),
    ]
    for context, template in suffixed:
        rows.append(("suffix-name", context, template.format(k=rand(R.choice([20, 32, 40]), URLSAFE))))
    short = [
        ("python", 'api_secret = "{k}"'), ("yaml", "password: {k}"), ("json", '"client_secret": "{k}",'),
        ("dotenv", "DB_PASSWORD={k}"), ("typescript", "const apiKey = '{k}';"), ("go", 'token := "{k}"'),
    ]
    for context, template in short:
        for size in (12, 15):
            rows.append(("short-secret", context, template.format(k=mixed(size))))
    for name in ("access_token", "api_key", "client_secret", "refresh_token"):
        rows.append(("escaped-json", "json", f'  "body": "{{\\"{name}\\":\\"{rand(40, URLSAFE)}\\",\\"token_type\\":\\"bearer\\"}}",'))
    rows.append(("escaped-json", "python", f"payload = '{{\\\"apiKey\\\": \\\"{rand(32)}\\\"}}'"))
    for context, template in (("json", '  "api_keys": ["{a}", "{b}"],'), ("yaml", "tokens: [{a}, {b}]"), ("python", 'API_KEYS = ["{a}",'), ("json", '  "api_keys": [{NL}    "{a}",'), ("yaml", "api_tokens:{NL}  - {a}")):
        rows.append(("json-array", context, template.format(a=rand(40), b=rand(40), NL=NL)))
    for context, template in (
        ("markdown", "GET https://api.weather.io/v2/forecast?city=Berlin&access_token={k}&units=metric"),
        ("python", 'url = f"https://maps.service.io/api/geocode?address={{q}}&key={k}"'),
        ("shell", "curl 'https://api.service.io/v1/items?api_key={k}'"),
        ("yaml", "    webhook: https://hooks.service.io/notify?token={k}"),
        ("json", '  "callback": "https://app.service.io/cb?client_secret={k}&state=1",'),
    ):
        rows.append(("query-string", context, template.format(k=rand(32, URLSAFE))))
    basic = lambda: base64.b64encode(f"{rand(8).lower()}:{rand(20)}".encode()).decode()  # noqa: E731
    for context, template in (
        ("yaml", "    headers:{NL}      Authorization:{NL}      - Bearer {k}"),
        ("yaml", "      authorization:{NL}      - Basic {b}"),
        ("json", '      "Authorization": [{NL}        "Bearer {k}"'),
        ("yaml", "  Authorization:{NL}    - Token {k}"),
        ("http", "x-api-key:{NL}  {k}"),
    ):
        rows.append(("header-previous-line", context, template.format(NL=NL, k=rand(40, URLSAFE), b=basic())))
    for context, template in (
        ("http", "Authorization: Token {k}"), ("http", "Authorization: Basic {b}"), ("python", 'headers = {{"Authorization": "Bot {k}"}}'),
        ("shell", "curl -H 'Authorization: ApiKey {k}' https://api.service.io"), ("typescript", "headers: {{ Authorization: `Token {k}` }},"),
        ("http", "Proxy-Authorization: Basic {b}"), ("http", "Authorization: sso-key {k}"), ("shell", 'curl -u "deploy:{k}" https://api.service.io'),
        ("shell", "curl --user ops:{p} https://registry.service.io/v2/"), ("shell", "curl -u {k}: https://api.payments.io/v1/charges"),
        ("shell", 'curl -H "X-Octopus-ApiKey: {u}" https://deploy.service.io'), ("http", "Authorization: {u}"),
        ("shell", "curl -H 'Authorization: Bearer {b64}' https://api.service.io"), ("http", "Api-Token: {k}"),
    ):
        rows.append(("auth-scheme", context, template.format(
            k=rand(40, URLSAFE), b=basic(), p=mixed(10) + "~", u=uuid.UUID(int=R.getrandbits(128)), b64=base64.b64encode(R.randbytes(90)).decode(),
        )))
    for context, template in (
        ("dotenv", "DATABASE_URL=postgres://app:{p}@db.internal:5432/app"), ("yaml", "  broker: amqp://worker:{p}@rabbit:5672//"),
        ("python", 'REDIS_URL = "redis://:{p}@cache.internal:6379/0"'), ("markdown", "Clone with `git clone https://bot:{p}@git.service.io/team/repo.git`."),
    ):
        rows.append(("url-credentials", context, template.format(p=mixed(R.choice([14, 20])))))
    for context, template in (
        ("markdown", "| `OPENAI_API_KEY` | `{v}` | the key for the proxy |"),
        ("markdown", "| api_key | {k} |"),
        ("markdown", "| Token | `{k}` | expires 2027 |"),
        ("markdown", "    api_key: {k}"),
        ("rst", "   :api_key: {k}"),
        ("html", '<code>{v}</code> is the key we use in staging.'),
        ("markdown", "> **Key:** `{v}`"),
    ):
        rows.append(("docs-table", context, template.format(k=rand(40), v=f"sk-proj-{rand(74, URLSAFE)}T3BlbkFJ{rand(74, URLSAFE)}")))
    for rule in RULES:
        for template in rule.catch:
            rows.append((f"vendor-{rule.id}", "mixed", expand(template, R)))
    return rows


def hexs(n: int) -> str:
    return "".join(R.choice("0123456789abcdef") for _ in range(n))


def pass_lines() -> list[tuple[str, str, str]]:
    placeholders = [
        "YOUR_RUNAPI_TOKEN", "<token>", "<your-api-key>", "$RUNAPI_TOKEN", "${OPENAI_API_KEY}", "xxxxxxxxxxxxxxxxxxxxxxxx",
        "sk-...", "***", "<redacted>", "changeme", "sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "your-api-key-here",
        "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "sk-your-moonshot-key", "REPLACE_ME", "${{ secrets.RUNAPI_TOKEN }}",
        "{{ runapi_token }}", "%RUNAPI_TOKEN%", "sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAA",
        "AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "AKIAIOSFODNN7EXAMPLE", "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789",
    ]
    rows = []
    for value in placeholders:
        for context, wrap in CONTEXTS.items():
            rows.append(("placeholder", context, wrap(value)))
    references = [
        ("env-reference", "python", 'client = OpenAI(api_key=os.environ["RUNAPI_TOKEN"])'),
        ("env-reference", "python", 'api_key = os.getenv("OPENAI_API_KEY")'),
        ("env-reference", "typescript", "const apiKey = process.env.RUNAPI_TOKEN;"),
        ("env-reference", "typescript", "apiKey: process.env.OPENAI_API_KEY,"),
        ("env-reference", "shell", 'curl https://runapi.ai/v1/models -H "Authorization: Bearer $RUNAPI_TOKEN"'),
        ("env-reference", "shell", '  -H "x-api-key: $RUNAPI_TOKEN" \\'),
        ("env-reference", "shell", '  -H "x-goog-api-key: ${RUNAPI_TOKEN}" \\'),
        ("env-reference", "yaml", "  apiKey: ${RUNAPI_TOKEN}"),
        ("env-reference", "shell", "read -rs RUNAPI_TOKEN && export RUNAPI_TOKEN"),
        ("env-reference", "markdown", "Set `RUNAPI_TOKEN` to your key; never paste the key itself."),
    ]
    rows += references
    for _ in range(12):
        rows.append(("uuid", R.choice(["json", "yaml", "python"]), R.choice(['"id": "{u}",', "request_id: {u}", 'trace_id = "{u}"', 'client_id = "{u}"']).format(u=uuid.UUID(int=R.getrandbits(128)))))
    for _ in range(12):
        rows.append(("git-sha", R.choice(["markdown", "yaml", "shell", "toml"]), R.choice(["commit {h}", "rev = \"{h}\"", "git checkout {h}", "  sha: {h}", "Fixed in {h}."]).format(h=hexs(40))))
    for _ in range(12):
        digest = base64.b64encode(R.randbytes(64)).decode()
        rows.append(("lockfile-hash", R.choice(["json", "toml", "yaml"]), R.choice(['"integrity": "sha512-{b}",', 'hash = "sha256:{h}"', "  checksum: {h}", 'sha256 = "{h}"', '"resolved": "https://registry.npmjs.org/tokenizer/-/tokenizer-1.2.3.tgz",']).format(b=digest, h=hexs(64))))
    for _ in range(8):
        image = base64.b64encode(R.randbytes(R.randint(300, 900))).decode()
        rows.append(("base64-image", "markdown", f"![diagram](data:image/png;base64,{image})"))
    for _ in range(10):
        path = "/".join(rand(R.randint(6, 14)).lower() for _ in range(R.randint(4, 7)))
        rows.append(("long-url", R.choice(["markdown", "yaml", "python"]), R.choice(["See https://docs.example.com/{p}?token_type=bearer", "homepage: https://runapi.ai/{p}", 'url = "https://api.example.com/{p}/key"']).format(p=path)))
    model_lines = [
        "python3 scripts/chat.py --model kimi-k2.6 \"hi\"", "model: kimi-k2.5", '"model": "kimi-k2.6",', "--model moonshot-v1-128k",
        "max_tokens: 1024", '"max_tokens": 4096,', "token_count = 12345", "completion_tokens=6 total_tokens=17",
        'version: "1.2.3"', "openai>=3.50,<4", "httpx-sse>=0.4,<1", "Token usage: prompt_tokens=11",
        "secret_name: runapi-token-v2", "api_key_id: key_2026_11_25", "password_policy: min-length-12",
        "public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG4rT3vTt99Ox5kndS4HmgTrKBT8SKzhK4rhGkEVGlCI user@host",
    ]
    rows += [("model-or-version", "mixed", line) for line in model_lines]
    rows += new_pass_classes()
    return rows


def new_pass_classes() -> list[tuple[str, str, str]]:
    code = [
        ("python", "token = tokenizer.convert_ids_to_tokens(100)"),
        ("python", "private_key = Ed25519PrivateKey.generate()"),
        ("python", "password_hash = hashlib.md5(password.encode()).hexdigest()"),
        ("typescript", "const secret = await randomBytesAsync(16);"),
        ("python", "api_key = get_api_key_from_vault(settings.vault_path)"),
        ("python", 'token = jwt.encode(payload, signing_key, algorithm="HS256")'),
        ("python", "secret_key = Fernet.generate_key()"),
        ("python", 'cache_key = f"{prefix}:{user_id}:{version2}"'),
        ("typescript", "apiKey: config.providers.openai.apiKey,"),
        ("typescript", 'const token = req.headers.authorization?.split(" ")[1];'),
        ("go", "token, err := auth.NewTokenFromRefresh(ctx, refreshToken2)"),
        ("java", "String apiKey = System.getenv(\"SERVICE_API_KEY\");"),
        ("python", "self.api_key = api_key or self._load_key_from_keyring2()"),
        ("typescript", "const accessToken = useAuthStore((s) => s.accessToken);"),
        ("python", "secret = secrets.token_urlsafe(32)"),
        ("ruby", "token = SecureRandom.hex(20)"),
        ("python", "key = base64.urlsafe_b64encode(kdf.derive(password2))"),
        ("shell", 'TOKEN=$(gh auth token)'),
        ("shell", 'export API_KEY="$(op read op://vault/item/credential)"'),
        ("python", "password = getpass.getpass(prompt2)"),
    ]
    rows = [("code-expression", context, line) for context, line in code]
    for _ in range(8):
        address = "0x" + hexs(40)
        rows.append(("public-address", R.choice(["json", "python", "yaml", "markdown"]), R.choice(['"token_address": "{a}",', "TOKEN_CONTRACT = '{a}'", "  key: {a}", "Send to `{a}`.", 'recipient_key = "{a}"']).format(a=address)))
    for _ in range(4):
        rows.append(("public-address", "json", f'"tx_hash_key": "0x{hexs(64)}",'))
    examples = [
        "sk-or-v1-project1-key", "sk-abc123def456ghi789jkl", "my-secret-token-12345", "test-api-key-2026", "sk-proj-abc123def456",
        "ghp_abc123def456ghi789", "secret-key-for-local-dev-1", "dev-token-0000000000001", "pk_test_TYooMQauvdEDq54NiTphI7jx",
    ]
    for value in examples:
        rows.append(("example-literal", R.choice(["python", "yaml", "markdown", "dotenv"]), R.choice(['api_key = "{v}"', "  token: {v}", "Set `OPENAI_API_KEY={v}`.", "SECRET_KEY={v}"]).format(v=value)))
    for _ in range(10):
        value = R.choice([f"sk-proj-{rand(6)}...", f"ghp_{rand(5)}…", "AKIA...", f"{rand(8)}...{rand(4)}", f"sk-ant-api03-{rand(4)}..."])
        rows.append(("ellipsis", R.choice(["markdown", "python", "yaml"]), R.choice(['api_key = "{v}"', "  token: {v}", "Your key looks like `{v}`.", "Authorization: Bearer {v}"]).format(v=value)))
    pem = [
        f"-----BEGIN PRIVATE KEY-----{NL}...{NL}-----END PRIVATE KEY-----",
        f"-----BEGIN RSA PRIVATE KEY-----{NL}<your private key here>{NL}-----END RSA PRIVATE KEY-----",
        f"-----BEGIN OPENSSH PRIVATE KEY-----{NL}-----END OPENSSH PRIVATE KEY-----",
        '  private_key: "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\\n"',
        'if line.startswith("-----BEGIN RSA PRIVATE KEY-----"):',
        f"-----BEGIN EC PRIVATE KEY-----{NL}MIHcAgEBBEIB...(truncated){NL}-----END EC PRIVATE KEY-----",
        'PEM_HEADER = "-----BEGIN PRIVATE KEY-----"',
        f"-----BEGIN PRIVATE KEY-----{NL}YOUR_PRIVATE_KEY_CONTENT_GOES_HERE_AS_BASE64{NL}-----END PRIVATE KEY-----",
    ]
    rows += [("placeholder-pem", "pem", line) for line in pem]
    names = [
        ("python", "tokens_per_minute = 90000"), ("yaml", "  key_prefix: skill-kimi-runapi"), ("json", '"token_type": "bearer",'),
        ("python", "keyword = 'authorization_code_flow_v2'"), ("yaml", "secret_ref: runapi-token-prod2"), ("markdown", "| `max_tokens` | 32768 |"),
        ("http", "Authorization: Bearer $(cat ~/.config/runapi/token2)"), ("yaml", "  Authorization:{NL}    - Bearer {{{{ token }}}}"),
        ("python", 'response = requests.get(url, params={{"key": api_key2}})'),
        ("javascript", 'var STORE_KEY = "autoNavWidth_universal_v2";'), ("typescript", "const QUERY_KEY = 'userProfileSettings_v3';"),
        ("http", "Idempotency-Key: order_2026_11_25_retry3"), ("markdown", "https://docs.service.io/auth?token_type=access&scope=read2"),
    ]
    rows += [("key-ish-name", context, line.format(NL=NL)) for context, line in names]
    urls = [
        "DATABASE_URL=postgres://user:password@localhost:5432/app", "redis://:changeme@localhost:6379", "amqp://guest:guest@localhost:5672/",
        "mongodb://admin:admin123@localhost:27017", "https://user:${GIT_TOKEN}@github.com/org/repo.git", "postgresql://postgres:postgres@db:5432/test",
        "curl -u elastic:$ELASTIC_PASSWORD https://localhost:9200", "curl -u user:pass https://httpbin.org/basic-auth/user/pass",
    ]
    rows += [("url-placeholder", "mixed", line) for line in urls]
    others = [
        ("json", '"sessionKey": "agent:main:subagent:{u}",'), ("javascript", "clientKey = 'dGhlIHNhbXBsZSBub25jZQ=='"),
        ("yaml", "accountKeys: ['{b58}']"), ("python", 'artifact = ln.Artifact.get(key="experiments/run_2025_10.parquet")'),
        ("json", '"registry-auth-token": ["registry-auth-token@5.1.0", "", {{}}, ""],'), ("python", 'NEXTAUTH_SECRET = "generate-with-openssl-rand-base64-32"'),
        ("markdown", "- SOLANA_PRIVATE_KEY: Base58-encoded Solana private key"), ("shell", "export API_KEY=sk-or-v1-project2-key"),
        ("json", '"Authorization": "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.{s}"'),
        ("yaml", "token: xoxb-xoxb-my-bot-token"), ("json", '"token3": "xoxp-1234-1234-1234-{h}"'),
    ]
    b58 = "".join(R.choice("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz") for _ in range(44))
    rows += [("not-a-credential", context, line.format(u=uuid.UUID(int=R.getrandbits(128)), b58=b58, s=rand(43, URLSAFE), h=hexs(32))) for context, line in others]
    return rows


def main() -> None:
    out = Path(__file__).with_name("secrets.tsv")
    lines = ["# label\tcategory\tcontext\tline  (generated by make_secrets_corpus.py; synthetic keys, never real)"]
    lines += [f"catch\t{c}\t{x}\t{line}" for c, x, line in catch_lines()]
    lines += [f"pass\t{c}\t{x}\t{line}" for c, x, line in pass_lines()]
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}: {sum(1 for row in lines if row.startswith('catch'))} catch, {sum(1 for row in lines if row.startswith('pass'))} pass")


if __name__ == "__main__":
    main()
