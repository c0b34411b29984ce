#!/usr/bin/env python3
"""Write secrets.tsv: labelled lines for the key detector (synthetic random keys, never real ones).

Columns: label (catch or pass), category, context, line. Deterministic (seeded), so the file
is reproducible: ``python3 tests/corpus/make_secrets_corpus.py`` rewrites it identically.
"""

from __future__ import annotations

import base64
import random
import string
import uuid
from pathlib import Path

R = random.Random(20261125)
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"


def rand(n: int, alphabet: str = ALNUM) -> str:
    while True:
        value = "".join(R.choice(alphabet) for _ in range(n))
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value


SHAPES = {
    "openai-project": lambda: f"sk-proj-{rand(74, URLSAFE)}T3BlbkFJ{rand(74, URLSAFE)}",
    "openai-legacy": lambda: f"sk-{rand(20)}T3BlbkFJ{rand(20)}",
    "openai-service": lambda: f"sk-svcacct-{rand(58, URLSAFE)}T3BlbkFJ{rand(58, URLSAFE)}",
    "anthropic": lambda: f"sk-ant-api03-{rand(93, URLSAFE)}AA",
    "google": lambda: f"AIza{rand(35, URLSAFE)}",
    "github": lambda: f"ghp_{rand(36)}",
    "github-fine-grained": lambda: f"github_pat_{rand(22)}_{rand(59)}",
    "slack": lambda: f"xoxb-{R.randint(10**11, 10**12)}-{R.randint(10**11, 10**12)}-{rand(24)}",
    "aws": lambda: "AKIA" + "".join(R.choice(string.ascii_uppercase + string.digits) for _ in range(16)),
    "stripe": lambda: f"sk_live_{rand(24)}",
    "huggingface": lambda: f"hf_{rand(34)}",
    "moonshot": lambda: f"sk-{rand(48)}",
    "kimi-code": lambda: f"sk-kimi-{rand(48)}",
    "jwt": lambda: "eyJ" + rand(30, URLSAFE) + ".eyJ" + rand(60, URLSAFE) + "." + rand(43, URLSAFE),
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
    rows.append(("private-key", "pem", "-----BEGIN RSA PRIVATE KEY-----"))
    rows.append(("private-key", "pem", "-----BEGIN OPENSSH PRIVATE KEY-----"))
    rows.append(("private-key", "yaml", "  key: \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\""))
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
