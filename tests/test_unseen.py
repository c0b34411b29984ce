"""Issue 21: verdicts that hold on material nobody tuned to. The default targets are the runtime
hosts a skill is for; links inside the plugin a skill is installed with are fine; advice names
the manifest and the variable the skill actually uses; the scanner leaves identifiers alone and
catches the key shapes public scanners test for."""

from __future__ import annotations

import base64
import json
import os
import random
import string
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import SCRIPTS
from conftest import write_skill as skill
from kimi_skill.validator.check_agent_rules import key_store
from kimi_skill.validator.keyrules import expand
from kimi_skill.validator.secrets_scan import scan_text

needs_openssl = pytest.mark.skipif(subprocess.run(["which", "openssl"], capture_output=True).returncode != 0, reason="openssl is not installed")


def validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPTS / "validate.py"), *args], capture_output=True, text=True)


CLAUDE_STYLE = "name: greet\ndescription: Greets. Use it when someone says hello.\nuser-invocable: true\nwhen_to_use: on a greeting\nallowed-tools: [Bash, Read]\n"


# default targets --------------------------------------------------------------------------------

def test_a_plain_run_passes_a_skill_every_runtime_host_loads_despite_spec_strictness(tmp_path):
    folder = skill(tmp_path / "Greeting-Skill", CLAUDE_STYLE)
    result = validate(str(folder))
    assert result.returncode == 0, result.stdout
    assert "WARNING unknown-key top-level key 'user-invocable'" in result.stdout
    assert ("targets (their verdicts decide the exit code): claude-code: a runtime host that loads a skill folder as it is; "
            "codex: a runtime host that loads a skill folder as it is; openclaw: a runtime host that loads a skill folder as it is; "
            "the open format's validator (skills-ref) is not one: --target agentskills adds it") in result.stdout


def test_the_spec_strictness_decides_when_targeted(tmp_path):
    folder = skill(tmp_path / "Greeting-Skill", CLAUDE_STYLE)
    assert validate("--target", "agentskills", str(folder)).returncode == 1


def test_a_skill_inside_a_claude_code_plugin_targets_claude_code(tmp_path):
    (tmp_path / "plug" / ".claude-plugin").mkdir(parents=True)
    (tmp_path / "plug" / ".claude-plugin" / "plugin.json").write_text('{"name": "plug"}')
    folder = skill(tmp_path / "plug" / "skills" / "greet", CLAUDE_STYLE)
    data = json.loads(validate("--format", "json", str(folder)).stdout)
    assert data["results"][0]["targets"] == {"claude-code": "a Claude Code plugin (../../.claude-plugin/plugin.json)"}


def test_openclaw_metadata_and_codex_metadata_name_their_hosts(tmp_path):
    folder = skill(tmp_path / "greet", "name: greet\ndescription: Greets. Use it when greeted.\nmetadata:\n  openclaw:\n    emoji: x\n",
                   **{"agents/openai.yaml": "interface:\n  display_name: Greet\n"})
    data = json.loads(validate("--format", "json", str(folder)).stdout)
    assert data["results"][0]["targets"] == {"codex": "agents/openai.yaml", "openclaw": "metadata.openclaw"}


# links inside the install unit ---------------------------------------------------------------------

def plugin_with_link(tmp_path: Path, target: str) -> Path:
    (tmp_path / "plug" / ".claude-plugin").mkdir(parents=True)
    (tmp_path / "plug" / ".claude-plugin" / "plugin.json").write_text('{"name": "plug"}')
    (tmp_path / "plug" / "shared").mkdir()
    (tmp_path / "plug" / "shared" / "rules.md").write_text("shared\n")
    folder = skill(tmp_path / "plug" / "skills" / "greet", "name: greet\ndescription: Greets. Use it when greeted.\n")
    os.symlink(target, folder / "rules.md")
    return folder


def test_a_link_to_a_file_elsewhere_in_the_plugin_is_a_note(tmp_path):
    result = validate(str(plugin_with_link(tmp_path, "../../shared/rules.md")))
    assert result.returncode == 0
    assert "NOTE symlink-in-unit symbolic link to ../../shared/rules.md stays inside the plugin" in result.stdout


def test_a_link_out_of_the_plugin_is_an_error(tmp_path):
    (tmp_path / "outside.md").write_text("x")
    result = validate(str(plugin_with_link(tmp_path, str(tmp_path / "outside.md"))))
    assert result.returncode == 1 and "ERROR symlink-escape" in result.stdout


def test_a_dangling_link_is_an_error(tmp_path):
    result = validate(str(plugin_with_link(tmp_path, "../../shared/missing.md")))
    assert result.returncode == 1 and "ERROR symlink-dangling symbolic link to ../../shared/missing.md points to nothing" in result.stdout


def test_a_markdown_link_written_from_the_skill_root_resolves(tmp_path):
    folder = skill(tmp_path / "greet", CLAUDE_STYLE.replace("user-invocable: true\n", ""), "# Skill\nSee [details](references/details.md).\n",
                   **{"references/details.md": "More in [advanced](references/advanced.md).\n", "references/advanced.md": "# Advanced\n"})
    assert "link-broken" not in validate(str(folder)).stdout


def test_a_markdown_link_to_a_missing_file_warns_and_fails_only_strict_runs(tmp_path):
    folder = skill(tmp_path / "greet", CLAUDE_STYLE.replace("user-invocable: true\n", ""), "# Skill\nSee [details](references/gone.md).\n")
    result = validate(str(folder))
    assert result.returncode == 0 and "WARNING link-broken link target references/gone.md does not exist in the skill" in result.stdout
    assert validate("--strict", str(folder)).returncode == 1


# advice that fits -----------------------------------------------------------------------------------

def test_env_advice_names_no_manifest_when_the_skill_has_none(tmp_path):
    folder = skill(tmp_path / "greet", "name: greet\ndescription: Greets. Use it when greeted.\n",
                   **{"scripts/run.py": "import os\nprint(os.environ.get('GREET_TOKEN'))\n"})
    out = validate(str(folder)).stdout
    assert "NOTE env-unmentioned reads GREET_TOKEN, which SKILL.md never mentions; say when it must be set" in out
    assert "skill.yaml" not in out and "metadata.openclaw" not in out


def test_env_advice_names_the_openclaw_block_when_the_skill_uses_it(tmp_path):
    folder = skill(tmp_path / "greet", "name: greet\ndescription: Greets. Use it when greeted.\nmetadata:\n  openclaw:\n    emoji: x\n",
                   **{"scripts/run.py": "import os\nprint(os.environ.get('GREET_TOKEN'))\n"})
    assert "reads GREET_TOKEN, which SKILL.md's metadata.openclaw (requires.env or envVars) does not declare" in validate(str(folder)).stdout


def test_claude_code_fields_are_not_sent_under_metadata_openclaw(tmp_path):
    folder = skill(tmp_path / "greet", CLAUDE_STYLE.replace("name: greet", "name: greet") + "metadata:\n  openclaw:\n    emoji: x\n")
    assert "move it under metadata.openclaw" not in validate(str(folder)).stdout


@pytest.mark.parametrize(("line", "said"), [
    ('token = "ghp_{a36}"\n', "read it from $GITHUB_TOKEN at run time"),
    ("ANTHROPIC_API_KEY=sk-ant-api03-{u93}AA\n", "read it from $ANTHROPIC_API_KEY at run time"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA{b40}\n", "a private key never ships in a skill"),
])
def test_key_advice_names_the_variable_for_the_kind_of_key(tmp_path, line, said):
    import random

    (tmp_path / "app.py").write_text(expand(line, random.Random(1)))
    assert said in validate("--scan", str(tmp_path)).stdout


@needs_openssl
def test_a_pkcs12_key_store_is_a_private_key(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    subprocess.run(["openssl", "genrsa", "-out", str(keys / "k.pem"), "1024"], check=True, capture_output=True)
    subprocess.run(["openssl", "pkcs12", "-export", "-nocerts", "-inkey", str(keys / "k.pem"), "-out", str(tmp_path / "client.p12"), "-passout", "pass:x"],
                   check=True, capture_output=True)
    (keys / "k.pem").unlink()
    out = validate("--scan", str(tmp_path)).stdout
    assert "client.p12:1:1: ERROR no-inlined-key private key store (PKCS#12" in out


@needs_openssl
@pytest.mark.parametrize("algorithm", [
    ["-algorithm", "rsa"], ["-algorithm", "ed25519"], ["-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], ["-algorithm", "rsa", "-aes256", "-pass", "pass:x"],
])
def test_a_public_key_in_der_is_not_a_secret_but_its_private_key_is(tmp_path, algorithm):
    subprocess.run(["openssl", "genpkey", *algorithm, "-out", str(tmp_path / "k.pem")], check=True, capture_output=True)
    public = subprocess.run(["openssl", "pkey", "-in", str(tmp_path / "k.pem"), "-passin", "pass:x", "-pubout"], check=True, capture_output=True, text=True).stdout
    private = (tmp_path / "k.pem").read_text()
    one_line = lambda pem: "".join(pem.strip().splitlines()[1:-1])  # noqa: E731
    assert (list(scan_text(f'let pubKeyStr = "{one_line(public)}"\n')), bool(list(scan_text(f'let privKeyStr = "{one_line(private)}"\n')))) == ([], True)


@needs_openssl
def test_a_placeholder_word_deep_inside_a_long_random_value_is_chance(tmp_path):
    """One RSA key's body in fifty holds "fake" or "here" somewhere in its 1,600 characters."""
    subprocess.run(["openssl", "genpkey", "-algorithm", "rsa", "-out", str(tmp_path / "k.pem")], check=True, capture_output=True)
    body = "".join((tmp_path / "k.pem").read_text().strip().splitlines()[1:-1])
    body = body[:800] + "fake" + body[804:]
    assert [f.kind for f in scan_text(f'let privKeyStr = "{body}"\n')] == ["value of privKeyStr"]


def test_a_long_value_with_a_placeholder_word_between_separators_is_an_illustration():
    value = "Qm7vTz2KcX9pLw4RyN8hBd3FsJ6gUa1E" + "-fake-" + "eT5oPq2Wx8LkRw3NcV6bY1mZ4aDs7Fg0Hj"
    assert list(scan_text(f'client_secret = "{value}"\n')) == []


def test_a_truncated_file_named_like_a_key_store_is_not_one():
    whole = bytes([0x30, 0x82, 0x00, 0x04, 0x02, 0x01, 0x03, 0x00])
    assert (key_store("client.p12", whole), key_store("client.p12", whole[:6]), key_store("notes.txt", whole)) == (True, False, False)


def test_a_key_in_a_dotenv_file_is_told_to_stay_out_of_the_skill(tmp_path):
    import random

    (tmp_path / ".env").write_text(expand("SERVICE_TOKEN={a40}\n", random.Random(2)))
    assert ".env files hold local secrets: keep this one out of the skill and out of git" in validate("--scan", str(tmp_path)).stdout


@pytest.mark.parametrize("text", [
    "public class Calc { int sum(List<Integer> xs) { return xs.stream().mapToInt(i -> i).sum(); } }\n",
    "response.headers['Content-Type'] = 'text/event-stream'\n",
])
def test_streams_that_are_not_llm_streams_need_no_streaming_advice(tmp_path, text):
    folder = skill(tmp_path / "greet", "name: greet\ndescription: Greets. Use it when greeted.\n", **{"scripts/x.py": text})
    assert "streaming-documented" not in validate(str(folder)).stdout


@pytest.mark.parametrize("flag", ["--idempotency-key", "--sort-key", "--key", "--max-tokens", "--page-token"])
def test_flags_that_name_things_are_not_key_flags(tmp_path, flag):
    folder = skill(tmp_path / "greet", "name: greet\ndescription: Greets. Use it when greeted.\n",
                   **{"scripts/run.py": f"import argparse\np = argparse.ArgumentParser()\np.add_argument('{flag}')\np.parse_args()\n"})
    assert "key-flag" not in validate(str(folder)).stdout


# the scanner on code nobody tuned it to ----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "identity_key = 'user_2fxQ9kLm3pZ8'\n",
    '<Style x:Key="PrimaryButtonStyle9" TargetType="Button"/>\n',
    "stripe.Charge.create(idempotency_key='a8f2k9d0q1w3e5r7t9y')\n",
    'Assembly: "System.Runtime, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a"\n',
    "OPENAI_API_KEY=\nANTHROPIC_BASE_URL=https://api.example.com/v1\n",
    "record_key: order-2024-0001-ab12cd\n",
    "-----BEGIN PRIVATE KEY-----\nYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo=\n-----END PRIVATE KEY-----\n",
    '"op_key": "getv4accountsbyaccount-idpipelines-deprecated",\n',
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYPRODUCTIONKEY\n",
    '"op_key": "getv4accountsbyaccount-idpipelinesv1pipelines",\n',
    '{"key": "CollectionAddProductsV2UserErrorCode"}\n',
    '"token": "FulfillmentOrderLineItem2"\n',
    "a=ice-pwd:uoD1qZ8nX3vL5pW7tR9yB2cF\n",
    "s.event = 'advertising_key=0|advertising_publisher=0'\n",
    'get("/products?apiKey=site-key-123&pageUrl=article-123")\n',
    '    "password": "SecurePass123!",\n',
    "const plainPassword = 'SecureP@ssw0rd123!';\n",
    "scan('auth_token=AbCdEfGhIjKlMnOpQrStUvWxYz012345==')\n",
    "    credential: X509Credential | undefined;\n",
    "  #tokenSource: OAuth2TokenSrc4 & Disposable;\n",
    "\tsectionKey: TELEGRAM_CHANNEL$1,\n",
    "The cache key a8f2k9d0q1w3e5r7t9yZ is derived from the path\n",
    "gpg --recv-keys 7F3E9A2B4C6D8E0F1A3B5C7D9E1F3A5B7C9D1E3F\n",
    "  - Release GPG key: 9554F04D7259F04124DE6B476D5A82AC7E37093B\n",
    "parse('x:/resource?key=value%23still-query#first')\n",
    "parse('uri://us\\xA0er:pa\\uD7FFss@example.com:123/')\n",
    "\tKey: '1min_35sec.mp4'\n",
    "playwright-cli cookie-set remember_me token123 --expires=1893456000\n",
    "        private_key: PKCS7PrivateKeyTypes,\n",
    "  - key: flexString2Label\n",
    "mhu = MultiHostUrl('https://foo.com:123,foo:bar@bar.com/path')\n",
    "'https://sigmavirus24:not-re%40l@github.com/sigmavirus24/rfc3986'\n",
    # found on skill collections nobody tuned to (the dev half of a new split)
    '"citation_key": "Devlin2019BERT",\n',
    "experiment_key: 0c4a1c4a90664f2a8084e600b19a9d7\n",
    "def sign_data(data: bytes, private_key: Ed25519PrivateKey) -> bytes:\n",
    'LOKI_TEST_SECRET="s3cr3t-value" bash -c "true"\n',
    "  password: c3VwZXItc2VjcmV0LXBhc3N3b3Jk\n",
    "INTERCOM_ACCESS_TOKEN=dG9rOmRldl90b2tlbl9oZXJl\n",
    'fly secrets set INTERCOM_ACCESS_TOKEN="dG9rOi4uLg=="\n',
    'key="scrna/batch_1_3",\n',
    'DOI_TOKEN = "10.1186/s41239-026-00585-x"\n',
    "Full URL: `?token=;script-src-elem%20`\n",
    "n.key=P.FS:e.keyCode===221&&x(n)\n",
    "let apiKey = parsed._positional[0] || parsed.key;\n",
    "(payments, billing, spend authorization, Terraform/k8s/infra changes)\n",
    'var POSTHOG_KEY = "phc_ya0vGBru41AJWtGNfZZ8H9W4yjoZy4KON0nnayS7s87";\n',
    "- API Key: `sk_test_4eC39HqLyjWDarjtT1zdp7dc`\n",
    "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.payload.sig\n",
    "const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.abc-_DEF123'\n",
    "const secret = 'xoxb-SECRET-LEAK-CANARY-9f0e1d2c3b4a'\n",
    '{"GOOGLE_API_KEY": "AIzaSyTest123"}\n',
    "sub2api key (1Password `2eeg5h4n3st6kcmt3icjhfjiiy`)\n",
    '<img src="https://x.appspot.com/o/a.png?alt=media&amp;token=99013e3d-30cb-43c2-bef2-97f8770a2801">\n',
    "interseller_SECRET_key=123e4567-e89b-12d3-a456-426614174000\n",
    '"https://[Filtered]:[Filtered]@example.com/bla/blub",\n',
    "export OSQUERY_KEY=1484120AC4E9F8A1A577AEEE97A80C63C9D8B80B\n",
    '{"_key": "87424ba0b46a7eb993eaf8b676287e99"}\n',
    "tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCi0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS0=\n",
    'env.Set("testKey", "TESTING-original1")\n',
    'args: []string{"--scheduler-k3s-autoscaling-auth.datadog.apiKey", "x"}\n',
    "- CACHE_REDIS_PREFIX_KEY=${CACHE_REDIS_PREFIX_KEY:-evolution_v2}\n",
    '{ key: "roundToBase10", value: function (t) { return t } }\n',
    "self.wrong_vault_password = 'not-hunter42'\n",
    "$password = 'P@ss!#word123';\n",
    '#define FIPS_KEY_STRING "f4556650ac31d35461610bac4ed81b1a181b2d8a43ea2854cbae22ca7456"\n',
    "this.KEY_STR = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='\n",
    'var awsKey = "AKIA2J4K7LMNPQ6RSTUV"\n',
    "API_KEY = 'sk-1234567890abcdef" "1234567890abcdef'\n",  # split so that this file holds no key-shaped line
    "token = 'a1b2c3d4e5f6g7h8i9j0'\n",
    # found on skill collections held out until this stop's first look
    '-H "apikey: sb_publishable_-6OsvQyFyztBhELeTpbdYA_F1xt6fGf"\n',
    '"tenant_key": "17d8f81eef175740"\n',
    '"fact_key": "dei_CurrentFiscalYearEndDate_FD2019Q4YTD",\n',
    '"fact_key": "us-gaap_RevenueFromContractWithCustomerExcludingAssessedTax_FD2019",\n',
    "--field private_key=env:BINANCE_ED25519_PRIVATE_KEY\n",
    'cast wallet address --private-key "0x$PRIVATE_KEY"\n',
    "console.error('export GITLAB_ENCRYPT_KEY=你的密钥（至少32个字符）');\n",
    "privateKey: 'aabbccdd00112233aabbccdd00112233aabbccdd00112233aabbccdd00112233',\n",
    '# export TELEGRAM_BOT_TOKEN="123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"\n',
    "process.env.TEST_DOC_TOKEN = 'Yo8PdVT18oe083xquhmcWOqvnOe';\n",
    '/feishu-research "x" --folder-token L5AOf4DYnlXma7duXAqceWm8nAb\n',
    'os.Setenv("GHOST_ADMIN_KEY", "testid:0123456789abcdef0123456789abcdef")\n',
    '"INDEX-RUNTIME-KEY-VALUE-001": "sha256:d610ce3fd149405779961a04640d859cd4f44487a1568afe234ff"\n',
    "# OPERATE_PASSWORD=MySecurePass123\n",
    'secret = "DO_NOT_PERSIST_9f2a7f"\n',
    "GET http://user:pass@trusted.com:80@localhost/\n",
    '"pageKey": "qj000003-3Lik-wAf2-p4bo-22w4MiEpDutc",\n',
    'variable "region_token_name" {\n  default = "us-east-1"\n}\n',
    # found on the dev half of a third split of skill collections
    '"MemberKey": "4be1c07d93a25f6e8d0c71b2a9f34e58"\n',
    "authenticity_token: Qm7vTz2KcX9pLw4RyN8hBd3FsJ6gUa1E\n",
    "Key `ID2D1RenderTarget` draws: geometry, bitmaps, text\n",
    "export PROFILER_CLIENT_TOKEN=ghj456-klm789\n",
    "private_key=signing_key_b64,\n",
    '"token": "0xUSDCAddress",\n',
    "X-Agent-Key: ed25519:AGENT_PUBHEX\n",
    "ID: did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH\n",
    "adminKey: 'id:0011223344556677889900aabbccddee',\n",
    'masked = "[PASSWORD:9c3e7a1b5d2f4e60]"\n',
    '"xsecToken": "AB" "TlN99mhWp708DwGw5HqXDgLVXZx3scB8fnvGNx6jvr7=",\n',  # a note's share-link token
    '"image_key": "img_4c81e2d7-5a3b-4f96-b0d1-7e2c9a6f3b8h"\n',
    'website_key="6Lc4Tq8UAAAAAKm2Xp9Rt4Wn8Kc3Vd6Hs1Jf5Gb0"\n',  # a reCAPTCHA site key: public by design
    "https://ton.fun/launch?token=EQGTd7FguoV8FWnFbB0JxXujr4qqaaABvvLOzAxzXMcU1vsH&symbol=X\n",  # a TON address
    "node index.js send-token evt0MLaMRTvetw0tESulEETldq8b8Vw2zbJYAxyL1aCc 1000\n",
    # found on the held-out half of the third split at its first look
    '"credential": "base64encodedsignature=="\n',
    "- U2: ESP32-C6-WROOM-1-N8 (DigiKey: 1965-ESP32-C6-WROOM-1-N8CT-ND)\n",
    '"key": "vaswani2017attention",\n',
    # found on the dev half of a fourth split
    'db create --admin-password "MyStr0ngP@ss" \\\n',
    "password: 'TempPass123!',\n",
    "password: AbcDef123!@#\n",
    # found on the held-out half of the fourth split at its first look
    "{ key: 'import-scene12', label: 'Import' },\n",
    '"version_token": "Qm7vTz2KcX9pLw4RyN8hBd3FsJ6gUa1EeT5o"\n',  # optimistic concurrency, not access
    # found on the dev half of a fifth split
    '"VlocityMatchingRecordSourceKey": "Product2/4be1c07d-93a2-4f6e-8d0c-71b2a9f34e58",\n',
    "public_key_hex=9f3c1a7e5b2d8046c1e9a3f57b0d2c8e4a6f1b3d5c7e9a0b2d4f6e8c1a3b5d7f\n",
    "![x](https://img.example-cdn.net/a/b/c.png?credential=Hq7vTz2KcX9pLw4RyN8hBd3FsJ6gUa1E&expires=1772290799&signature=x)\n",
    'cygpath -u "C:\\Users\\Jane Roe\\Documents"\n',
    '"key": "Ono2024Photovoltaic",\n',
    '"key": "journals/corr/SmithJK23",\n',
    'hint = memory_hint(model_key="gemma-3n-e2b-it")\n',
    "csrf.token = '5e0a3c9b1f7d2e4a8c6b0d9f1e3a5c7b'\n",
    "https://example.test/reset?token=a1b2c3d4e5f6&email=a@example.com\n",
    "secret              Sh4dow-Libr4ry-2026\n",
    # found on the held-out half of the fifth split at its first look
    "tailscale up --authkey tskeyprefix-abc123\n",  # authkey is two generic words, no vendor's
    "  --base-token Vq4Lm8aBEaYpPssUzXdcfuUVnGf \\\n",  # a Feishu Base (bitable) is named by its token
    'INDEXNOW_KEY="7c41e09d2b6f4a58930e1d7b5a2c8f64"\n',  # IndexNow keys are served from the site's root
    "Authorization: Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJyb2xlIjoicm9vdCJ9.\n",  # alg none: a forgery
    # found on the held-out half of a sixth split at its first look
    '  "SSNUnlockToken": "Hq7vTz2KcX9pLw4RyN8hBd3FsJ6gUa1EeT5oPq2Wx8=",\n',  # tokenised personal data
    '  "DriversLicenseNumberToken": "c57zjpw1kJjnfuV6hvyyG4iKmnP1RN87ZsZ+stKzUk=",\n',
    '"sunKeyValue": "entryNodeId=4be1c07d-93a2-4f6e-8d0c-71b2a9f34e58",\n',
    '"jobToken": "Rk2Mw9pLvQ7nTf4XbZ8cYh3D",\n',
    '"pushToken": "5c0e9a2b7d4f1e8a3c6b9d2f5e8a1c4b7d0e3f6a9c2b5d8e1f4a7c0b3d6e9f2a"\n',  # a device's push address
    "- A Frame is Worth One Token: arXiv:2611.01234, https://example.test\n",
    '"id_token":"eyJ0eXAiOiJKV\n',  # a JWT cut short
    # found on the held-out half of a seventh split at its first look
    '@example_request {"access_token":"9d1c4e7a2b5f8e3c" "6a0d9b2e5f8c1a4d7b0e3f6a"}\n',  # an API description's sample
    '{"title":"ssh-rsa AAAAB3NzaC1yc2EAAA","key":"Qm7vTz2KcX9pLw4RyN8hBd3FsJ6gUa1EeT5oPq2Wx8Lk"}\n',  # a deploy key's public half
    "Authorization: Basic czZCaGRSa3F0MzpnWDFm" "QmF0M2JW\n",  # RFC 6749's example client credentials
    '"key": "release$v1.0.72$status",\n',
    '"key":"flag-key-123abc"\n',
    'headers["x-goog-api-key"] = "AIzaConformance" "GeminiKey000000000000000";\n',  # split so no key-shaped line
    "SELECT @description_key = '016.PRICEMOD'\n",
    '"incident_key": "4be1c07d93a25f6e8d0c71b2a9f34e58"\n',  # PagerDuty's de-duplication key
    # found on the held-out half of an eighth split at its first look (after every fix above)
    '"-----BEGIN PRIVATE KEY-----\\n"\n"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n"\n"-----END PRIVATE KEY-----",\n',  # the opening every RSA-2048 key shares
    '"key": "-----BEGIN PRIVATE KEY-----\\nMIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBH...",\n',
    # found on the held-out half of a ninth split at its first look
    "sonar.issue.ignore.multicriteria.e1.ruleKey=typescript:S4321\n",  # a SonarQube rule's id
    "minisign_key = '" + base64.b64encode(b"Ed" + random.Random(9).randbytes(40)).decode() + "'\n",  # a minisign public key
    "lark-cli vc +notes --minute-tokens obcnw7pq2kd4rzx9mtyv5hsa\n",  # a Lark Minutes recording's id
    'APP_TOKEN = "Qd7mBcXr2TwLp9VnKs4HyZ3Fg8J"\n',  # a Feishu Base's app_token, which names the Base
    # found on the development half of the ninth split
    '{"id":"ctco_019fc98f-41b3-7c42-9d10-a7c2e83564d4","note":"npm token"}\n',  # a time-based (v7) UUID is a record's id
    "access_token=gho_16C7e42F292c6912" "E7710c838347Ae178B4a\n",  # GitHub's OAuth docs' sample token; split
    "1. Key `npm-feature-c4e1b907` in the `feature` branch\n",  # a cache key: a name and a short hash
    "pub key: q7bfc52gmnu8t8c59k8fp5db8o1jdpt8291v94t80ws35u6hgavg\n",
    '--generate-password="letters,digits,symbols,32"\n',  # a recipe for a password
    # found on the held-out halves of a tenth and eleventh split at their first look
    '{"scenarios":[{"key":"round2:R2-K07","status":"ok"}]}\n',  # labels joined by a colon: a record's key
    'write_part(out, "p03", dispatch_token="BATCHRUN20261105:part03")\n',
    'prior_dispatch_token="SEED-RUN-0:%s" % part,\n',  # a format string
    '"Authorization": "^.+Signature=abc/.+$",\n',  # a test's regular expression for the header
    'sheet_fixture_spreadsheet_key = "1Bq9Tz0Lm2Vr7Ty5Wn3Bc9dKp4Rs8Uv1Yz6Ab3Cd5Ef"\n',  # a document's id
    # found on the development half of the eleventh split
    'Store(service="svc", api_key="fake-api-key", dims=512)\n',  # a quoted value ending in api-key, then an argument
    # found on the development half of the thirteenth split
    "INSERT INTO login_methods (id, method, flow_id) VALUES ('a1', 'password', '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');\n",  # a row's cells
    "sentinel_token: '" + b"must never be printed\n".hex() + "'\n",  # hex of a sentence
    "\tSigningKey:   rsaKeyForTests2048,\n",  # a Go struct literal: an unquoted camelCase name is a variable
    "{Key: keyECDSAP384, Chain: chainECDSAP384}\n",
    # found on the held-out half of the fourteenth split at its first look
    "{ key: 'CHECKOUT-4821', title: 'Refunds' },\n",  # an issue tracker's key
    '"batch_key": "bq5521-ar902",\n',
    'peer2Key = "' + base64.b64encode(random.Random(14).randbytes(32)).decode() + '"\n',  # a WireGuard peer's public key
    # left open from earlier stops
    "Create the token: softhsm2-util --init-token --slot 0\n",  # a program and its options
])
def test_identifiers_names_and_non_keys_are_left_alone(text):
    assert list(scan_text(text)) == []


@pytest.mark.parametrize("name, value", [
    ("nimble SECRET", "N2kxq5vKN6S7" "M9Jp0vHK8z2Qwy6V8d"),
    ("Using token", "0A7n8RcKjf8v" "F9U8X6aY6oD9"),
    ("eventbrite secretkey", "X7W8HTTHLVYX" "PPVRZJZS"),
])
def test_a_value_after_a_secrets_name_and_blanks_is_caught(name, value):
    assert [f.kind.startswith("value of") for f in scan_text(f"{name} {value}\n")] == [True]


def ssh_keygen(tmp_path: Path, kind: str) -> str:
    path = tmp_path / f"id_{kind}"
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-f", str(path)], check=True)
    return path.read_text()


@pytest.mark.skipif(subprocess.run(["which", "ssh-keygen"], capture_output=True).returncode != 0, reason="ssh-keygen is not installed")
@pytest.mark.parametrize("kind", ["ed25519", "ecdsa", "rsa"])
def test_fresh_openssh_private_keys_are_caught(tmp_path, kind):
    found = list(scan_text(ssh_keygen(tmp_path, kind)))
    assert [f.kind for f in found] == ["private key"]


def openssl_key(tmp_path, *args: str) -> str:
    plain = tmp_path / "plain.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(plain), "1024"], check=True, capture_output=True)
    if not args:
        return plain.read_text()
    out = tmp_path / "out.pem"
    subprocess.run(["openssl", *args, "-in", str(plain), "-out", str(out), "-passout", "pass:x"], check=True, capture_output=True)
    return out.read_text()



@needs_openssl
def test_an_encrypted_pem_key_with_proc_type_headers_is_caught(tmp_path):
    key = openssl_key(tmp_path, "rsa", "-traditional", "-aes256")
    assert "Proc-Type: 4,ENCRYPTED" in key
    assert [f.kind for f in scan_text(key)] == ["private key"]


@needs_openssl
def test_a_key_escaped_inside_json_is_caught(tmp_path):
    key = openssl_key(tmp_path, "rsa", "-traditional", "-aes256")
    assert [f.kind for f in scan_text(json.dumps({"private_key": key}))] == ["private key"]


@needs_openssl
def test_a_key_spelled_as_concatenated_string_literals_is_caught(tmp_path):
    lines = openssl_key(tmp_path).splitlines()
    code = "KEY = (\n" + "".join(f'    "{line}\\n"\n' for line in lines) + ")\n"
    assert [f.kind for f in scan_text(code)] == ["private key"]


@needs_openssl
@pytest.mark.parametrize("prefix", ["# ", "// ", " * ", "> ", "-- ", "- "])
def test_a_key_kept_in_comment_lines_is_caught(tmp_path, prefix):
    commented = "".join(f"{prefix}{line}\n" for line in openssl_key(tmp_path).splitlines())
    assert [f.kind for f in scan_text(commented)] == ["private key"]


@pytest.mark.skipif(subprocess.run(["which", "ssh-keygen"], capture_output=True).returncode != 0, reason="ssh-keygen is not installed")
@pytest.mark.parametrize("spell", ["concatenated", "escaped"])
def test_an_openssh_key_under_another_header_is_caught(tmp_path, spell):
    body = ssh_keygen(tmp_path, "ed25519").splitlines()[1:-1]
    lines = ["-----BEGIN RSA PRIVATE KEY-----", *body, "-----END RSA PRIVATE KEY-----"]
    code = " +\n".join(f'"{line}"' for line in lines) if spell == "concatenated" else '"' + "\\r\\n".join(lines) + '"'
    assert [f.kind for f in scan_text(f"String key = {code};\n")] == ["private key"]


@needs_openssl
def test_an_encrypted_key_rewrapped_in_short_lines_is_caught(tmp_path):
    head, body = openssl_key(tmp_path, "rsa", "-traditional", "-aes256").split("\n\n", 1)
    flat = "".join(body.split("-----END")[0].split())
    short = "\n".join(flat[i : i + 20] for i in range(0, len(flat), 20))
    assert [f.kind for f in scan_text(f"{head}\n\n{short}\n-----END RSA PRIVATE KEY-----\n")] == ["private key"]


def test_a_putty_key_file_is_caught_by_its_private_lines():
    import random

    text = expand("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: k\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAI{b43}\nPrivate-Lines: 1\nAAAAI{b43}\nPrivate-MAC: {h64}\n", random.Random(5))
    assert [f.kind for f in scan_text(text)] == ["private key"]


def test_an_ssh2_key_block_is_caught():
    import random

    text = expand('---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: "k"\nP2/56wAAA{b64}\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n', random.Random(6))
    assert [f.kind for f in scan_text(text)] == ["private key"]


@pytest.mark.skipif(subprocess.run(["which", "ssh-keygen"], capture_output=True).returncode != 0, reason="ssh-keygen is not installed")
@pytest.mark.parametrize("kind", ["rsa", "ecdsa"])
def test_a_key_whose_body_was_lower_cased_is_still_caught(tmp_path, kind):
    """Test suites lower-case a real key so that push protection lets it through; its body no
    longer decodes, but past the opening every key shares it is as random as a key."""
    lines = ssh_keygen(tmp_path, kind).splitlines()
    mangled = "\n".join([lines[0], *(line.lower() for line in lines[1:-1]), lines[-1]]) + "\n"
    assert [f.kind for f in scan_text(mangled)] == ["private key"]


@pytest.mark.parametrize("text", [
    "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\n<your key here>\n-----END RSA PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIE\nxxxx\n-----END RSA PRIVATE KEY-----\n",
    # a redactor's test: the OpenSSH magic, then a few words, in lines shorter than a block's
    'body = ("-----BEGIN OPENSSH PRIVATE KEY-----\\n"\n        "b3BlbnNzaC1rZXktdjEAAAAAhello\\nwithmultilinecontent\\n"\n        "-----END OPENSSH PRIVATE KEY-----")\n',
    "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPublic-Lines: 1\nAAAAC3NzaC1lZDI1NTE5AAAAIHq8cW0bWvP2Zt1Jd9Xk3QmR7sLpN4aYfE6uTg2oHc5B\nPrivate-Lines: 1\nXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n",
    "---- BEGIN SSH2 PUBLIC KEY ----\nAAAAB3NzaC1yc2EAAAADAQABAAABAQC7mZkq9Xp2Lr4fN8wYtJ1cVbH5sDgK3eQzUoPiMaRl\n---- END SSH2 PUBLIC KEY ----\n",
])
def test_key_blocks_without_a_key_in_them_are_left_alone(text):
    assert list(scan_text(text)) == []


@pytest.mark.parametrize("template", [
    "docker login -u me -p dckr_pat_{u27}",
    "DOPPLER_TOKEN=dp.st.prd.{a43}",
    "TS_AUTHKEY=tskey-auth-{a12}-{a30}",
    "SECRET_KEY = 'django-insecure-{u50}'",
    "VERCEL_TOKEN=vcp_{a40}",
    '"AccountKey": "{b86}=="',
    "HEROKU_API_KEY={uuid}",
    "X-Postmark-Server-Token: {uuid}",
    "license_key: eu01xx{h30}NRAL",
    "SNYK_TOKEN={uuid}",
    'api_secret = "{uuid}"',
    'VAULT_CLIENT_TOKEN="s.{a26}"',
    "export MAPBOX_TOKEN=tk.eyJ{u40}.{u22}",
    "apitemplateKEY {a39}",
    "bitbucket_key={u44}",
    'PUSHOVER_APP_TOKEN = "{a30}"',  # an app_token that is not a Feishu Base's 27 characters
    '"app_access_token": "t-{a40}"',
])
def test_vendor_key_shapes_are_caught(template):
    import random

    assert list(scan_text(expand(template, random.Random(3))))


@pytest.mark.parametrize("line", [
    'password = "Xk9#mQ2$vL7pR4w"\n',  # skill-validate: allow no-inlined-key (made up for this test)
    "DB_PASSWORD=tQ8vN3xK5mZ2pL7w\n",  # skill-validate: allow no-inlined-key (made up for this test)
    "auth_token=k3j9xq2m7v8b4n1c6z5w0p2r\n",  # skill-validate: allow no-inlined-key (made up for this test)
    "APP_KEY=bas" "e64:7b+IRl8Dre0pqxTCVufYUFZ5GjhDIMQ0lWhy1yyIa8s=\n",  # a Laravel key names its encoding; split, made up
    "refreshToken = 'eyJz" "aWduX3RpbWUiOiIyMDI2LTExLTAyIizyibNJwwW/94zrdABK4bxTrWseZiaszywJH3Iu2OM='\n",
    "payload `{ email: 'QA@Example.com', passw" "ord: 'Tq8vN3xK5mZ2pL7w' }`\n",  # an e-mail at example.com is no example marker; split  # base64 JSON, no JWT; split, made up
    "->give('sk_live_" "9f3a2b7c1d4e'); // a vendor prefix and a short hex is no cache key; split\n",
    'token: "Zx81kQp0Lm:' 'r7Ty5Wn3Bc9d"\n',  # a pair's random halves joined by a colon; split, made up
    'h.set("X-Api-Key", "Zx81kQp0Lm' '2Vr7Ty5Wn3Bc9d")\n',  # a header given as a name, value pair; split, made up
    "token: k3j9xq2m7v" "8b4n1c6z5w0p2r --verbose\n",  # a random value before an option is still a value; split, made up
])
def test_generated_passwords_and_tokens_are_still_caught(line):
    assert list(scan_text(line))


@pytest.mark.parametrize("line", [
    "tomtom_key=abcdef12345" "67890abcdef1234567890\n",  # split so that this file holds no such line
    "airbrakeToken: 'a1B2c3D4e5" "F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0'\n",
    "newsapi KEY b6907d289e10d714" "a6e88b30761fae22\n",
])
def test_a_value_a_vendors_name_vouches_for_is_caught_even_when_typed_by_hand(line):
    assert list(scan_text(line))


def _random_text(length: int, seed: int) -> str:
    import random

    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters + string.digits + "#$%!") for _ in range(length))


def test_base64_of_a_generated_password_is_caught_and_base64_of_words_is_not():
    encoded = base64.b64encode(_random_text(16, 5).encode()).decode()
    words = base64.b64encode(b"my-secret-password-here").decode()
    assert [f.value for f in scan_text(f"  password: {encoded}\n  secret: {words}\n")] == [encoded]


def test_a_url_password_with_an_unescaped_at_sign_is_caught_whole():
    password = _random_text(7, 9) + "@" + _random_text(6, 10)
    assert [f.value for f in scan_text(f"uri: 'mongodb+srv://app:{password}@cluster0.example.net/db'\n")] == [password]


def test_a_terraform_variable_default_is_read_under_the_variables_name():
    value = "00" + _random_text(40, 11).replace("#", "_").replace("$", "-").replace("%", "x").replace("!", "y")
    found = list(scan_text(f'variable "corp_okta_api_token" {{\n  default = "{value}"\n}}\n'))
    assert [(f.kind, f.value) for f in found] == [("value of corp_okta_api_token", value)]


def test_a_password_with_an_equals_sign_inside_is_caught():
    password = _random_text(8, 6) + "=" + _random_text(7, 7)
    assert [f.value for f in scan_text(f'connectionString="Server=db; password= {password}"\n')] == [password]


def test_a_jwt_whose_claims_say_demo_is_a_sample():
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    signature = _random_text(43, 8).replace("#", "_").replace("$", "-").replace("%", "x").replace("!", "y")
    demo = f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'iss': 'supabase-demo', 'role': 'anon'})}.{signature}"
    real = f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'iss': 'supabase', 'role': 'service_role'})}.{signature}"
    assert [f.value for f in scan_text(f"ANON_KEY={demo}\nSERVICE_KEY={real}\n")] == [real]


def test_a_colon_in_a_continuation_line_of_a_plain_value_is_refused_by_every_host(tmp_path):
    folder = skill(tmp_path / "helper", "name: helper\ndescription: Builds things\n  for people. Use when building anything involving: LLMs.\n")
    result = validate(str(folder))
    assert result.returncode == 1
    assert "ERROR frontmatter-yaml invalid YAML: mapping values are not allowed" in result.stdout and "every host refuses it" in result.stdout


def test_a_colon_in_a_one_line_value_is_only_a_warning(tmp_path):
    folder = skill(tmp_path / "helper", "name: helper\ndescription: Use this skill when: someone asks.\n")
    result = validate(str(folder))
    assert result.returncode == 0 and "WARNING frontmatter-colon" in result.stdout


# a private key block in the containers real files keep it in ---------------------------------------

@pytest.fixture(scope="module")
def fresh_keys(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("keys")
    made = {}
    steps = {
        "rsa": [["openssl", "genrsa", "-traditional", "-out", "rsa", "1024"]],
        "ed25519-pkcs8": [["openssl", "genpkey", "-algorithm", "ed25519", "-out", "ed25519-pkcs8"]],
        "encrypted-pkcs8": [["openssl", "genrsa", "-out", "plain", "1024"], ["openssl", "pkcs8", "-topk8", "-in", "plain", "-out", "encrypted-pkcs8", "-passout", "pass:x"]],
        "openssh": [["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "openssh"]],
    }
    for name, commands in steps.items():
        try:
            for command in commands:
                subprocess.run(command, cwd=folder, check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError):
            continue
        made[name] = (folder / name).read_text()
    return made


CONTAINERS = {
    "yaml block": lambda lines: "tls:\n  private_key: |\n" + "".join(f"    {line}\n" for line in lines),
    "json string": lambda lines: json.dumps({"key": "\n".join(lines) + "\n"}),
    "env with spaces": lambda lines: 'PRIVATE_KEY="' + " ".join(lines) + '"\n',
    "env with \\n": lambda lines: 'PRIVATE_KEY="' + "\\n".join(lines) + '"\n',
    "xml element": lambda lines: "<key>" + "\n".join(lines) + "</key>\n",
    "terraform heredoc": lambda lines: "private_key = <<EOT\n" + "\n".join(lines) + "\nEOT\n",
    "js concatenation": lambda lines: "const k = " + " +\n".join(f"'{line}\\n'" for line in lines) + ";\n",
    "crlf": lambda lines: "\r\n".join(lines) + "\r\n",
    "java array": lambda lines: "String[] k = {\n" + ",\n".join(f'  "{line}"' for line in lines) + "\n};\n",
    "markdown list": lambda lines: "".join(f"- {line}\n" for line in lines),
    "k8s secret in base64": lambda lines: "data:\n  tls.key: " + base64.b64encode(("\n".join(lines) + "\n").encode()).decode() + "\n",
    "xml character references": lambda lines: '<add key="k" value="' + "&#10;".join(lines) + '"/>\n',
    "html breaks": lambda lines: "<p>" + "<br/>".join(lines) + "</p>\n",
    "numbered listing": lambda lines: "".join(f"{i + 1:4d} | {line}\n" for i, line in enumerate(lines)),
    "base64 wrapped at 76": lambda lines: "\n".join(textwrap.wrap(base64.b64encode(("\n".join(lines) + "\n").encode()).decode(), 76)) + "\n",
    "base64 wrapped at 76, CRLF": lambda lines: "\r\n".join(textwrap.wrap(base64.b64encode(("\n".join(lines) + "\n").encode()).decode(), 76)) + "\r\n",
    "yaml folded": lambda lines: "key: >\n" + "".join(f"  {line}\n" for line in lines),
    "json inside json": lambda lines: json.dumps(json.dumps({"key": "\n".join(lines) + "\n"})),
    "diff additions": lambda lines: "".join(f"+{line}\n" for line in lines),
    "python implicit concatenation": lambda lines: "k = (\n" + "".join(f'    "{line}\\n"\n' for line in lines) + ")\n",
    "c string lines": lambda lines: 'const char *k = "' + '"\n"'.join(f"{line}\\n" for line in lines) + '";\n',
    "markdown quote": lambda lines: "".join(f"> {line}\n" for line in lines),
    "toml multiline": lambda lines: 'key = """\n' + "\n".join(lines) + '\n"""\n',
    "echo -e": lambda lines: 'echo -e "' + "\\n".join(lines) + '" > id_key\n',
    "escaped \\r\\n": lambda lines: 'k="' + "\\r\\n".join(lines) + '"\n',
    "escaped twice": lambda lines: 'k="' + "\\\\n".join(lines) + '"\n',
    "csv field": lambda lines: 'name,key\nsvc,"' + "\n".join(lines) + '"\n',
    "one line, no separators": lambda lines: "".join(lines) + "\n",
}


@pytest.mark.parametrize("container", list(CONTAINERS))
@pytest.mark.parametrize("kind", ["rsa", "ed25519-pkcs8", "encrypted-pkcs8", "openssh"])
def test_a_private_key_block_is_caught_in_every_container(fresh_keys, kind, container):
    if kind not in fresh_keys:
        pytest.skip(f"cannot make a {kind} key here")
    text = CONTAINERS[container](fresh_keys[kind].strip().splitlines())
    assert "private key" in [f.kind for f in scan_text(text)]


def _hex(seed: int) -> str:
    return random.Random(seed).randbytes(16).hex()


def test_hex_in_a_file_of_names_and_hashes_is_a_digest():
    lock = "version: 1\nchecksums:\n" + "".join(f"  settings/item_{n}/reset_password: {_hex(n)}\n" for n in range(24))
    assert list(scan_text(lock)) == []


def test_a_few_named_hex_keys_are_still_keys_outside_a_list_of_hashes():
    config = "".join(f"service_{n}_api_key: {_hex(n)}\n" for n in range(3)) + "region: eu-west-1\n"
    assert [hit.kind for hit in scan_text(config)] == [f"value of service_{n}_api_key" for n in range(3)]
