"""The vendor key rules: each an id, the lower-case keywords one of which must be on the line,
a pattern whose first group is the key, and its own examples.

Examples are templates, so no key-shaped string is written here: ``{a36}`` stands for 36 random
letters and digits, ``{h32}`` for 32 hex digits, ``{u40}`` for 40 URL-safe characters (letters,
digits, ``-``, ``_``), ``{U16}`` for 16 upper-case letters and digits, ``{b40}`` for 40 base64
characters, ``{d12}`` for 12 digits and ``{l34}`` for 34 letters; placeholders use ``{X28}`` (28
times ``X``), ``{x48}`` and ``{seq36}`` (``abc...xyz0...9``). tests/test_key_rules.py expands
them with a seeded generator: every ``catch`` example must be found by its rule, every ``pass``
example by no rule. Shapes follow the vendors' documented formats and gitleaks' rule set
(gitleaks/gitleaks ``cmd/generate/config/rules``), written anew here.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

EDGE = r"(?<![A-Za-z0-9_+/.-])"
END = r"(?![A-Za-z0-9_+/=-])"


@dataclass
class KeyRule:
    """Patterns are compiled on first use: most runs meet a handful of vendors, and compiling all
    of them up front would add tens of milliseconds to every validator start."""

    id: str
    kind: str
    keywords: tuple[str, ...]
    source: str
    entropy: float = 3.0
    context_source: str | None = None  # must also match the line (or the line before)
    catch: tuple[str, ...] = field(default=())
    passes: tuple[str, ...] = field(default=())
    check: Callable[[str], bool] | None = None  # a structural test the value must also pass

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.source)

    @cached_property
    def context(self) -> re.Pattern[str] | None:
        return re.compile(self.context_source, re.I) if self.context_source else None


def _rule(
    id: str, kind: str, keywords: str, pattern: str, catch: tuple[str, ...], passes: tuple[str, ...] = (), entropy: float = 3.0,
    context: str | None = None, check: Callable[[str], bool] | None = None,
) -> KeyRule:
    return KeyRule(id, kind, tuple(keywords.split()), pattern, entropy, context, catch, passes, check)


def random_uuid(value: str) -> bool:
    """Keys issued as UUIDs are random (version 4). One of the sortable time-based versions (6
    and 7 of RFC 9562, with its variant) is a record's id: a log line, a message, a row. Version 1
    stays a candidate: older services issued keys so, and scanners' suites use RFC 4122's
    example (123e4567-e89b-12d3-...) as a key."""
    return not (value[14] in "67" and value[19].lower() in "89ab")


def _b64json(part: str) -> object:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (binascii.Error, ValueError):
        return None


JWT_SAMPLES = ("1234567890", "John Doe", "1516239022")  # the claims of the jwt.io sample token
SAMPLE_CLAIM = re.compile(r"(?i)demo|example|sample|placeholder|dummy|fake")


def real_jwt(value: str) -> bool:
    """A signed JWT whose header and claims decode, and not a sample: the jwt.io token that
    documentation everywhere copies, or one whose claims say demo (Supabase's local keys)."""
    header, payload, signature = [*value.split("."), "", ""][:3]
    decoded_header = _b64json(header)
    if not isinstance(decoded_header, dict) or "alg" not in decoded_header:
        return False
    if not payload.startswith("eyJ"):
        return False  # eyJhbGciOi....payload.sig: an illustration of the shape
    if len(signature.rstrip("=")) < 32:
        return False  # HS256 signs in 43 characters, RS256 in 342: a stub signature is hand-written; alg none is a forgery, no secret
    claims = _b64json(payload)
    if not isinstance(claims, dict):
        return True  # claims that do not decode: a test suite's random token, still shaped as a key
    if claims.get("role") == "anon":
        return False  # a Supabase anon key: public by design, shipped to every browser
    return not any(str(v) in JWT_SAMPLES or SAMPLE_CLAIM.search(str(v)) for v in claims.values())


RULES: tuple[KeyRule, ...] = (
    # AI and developer platforms
    _rule("openai", "OpenAI key", "sk- t3blbkfj", EDGE + r"(sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}|sk-[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,})" + END,
          ('OPENAI_API_KEY="sk-proj-{u74}T3BlbkFJ{u74}"', "key: sk-{a20}T3BlbkFJ{a20}", "sk-svcacct-{u58}T3BlbkFJ{u58}"),
          ("sk-proj-...", "sk-proj-{X28}")),
    _rule("anthropic", "Anthropic key", "sk-ant-", EDGE + r"(sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,})" + END,
          ("ANTHROPIC_API_KEY=sk-ant-api03-{u93}AA", "x = 'sk-ant-admin01-{u93}AA'"), ("sk-ant-api03-...",)),
    _rule("openrouter", "OpenRouter key", "sk-or-", EDGE + r"(sk-or-v1-[a-f0-9]{64})" + END,
          ("OPENROUTER_API_KEY=sk-or-v1-{h64}",), ("sk-or-v1-project1-key", "sk-or-v1-abc123def456")),
    _rule("groq", "Groq key", "gsk_", EDGE + r"(gsk_[A-Za-z0-9]{52})" + END, ("GROQ_API_KEY=gsk_{a52}",), ("gsk_...",)),
    _rule("xai", "xAI key", "xai-", EDGE + r"(xai-[A-Za-z0-9]{80})" + END, ('XAI_API_KEY="xai-{a80}"',)),
    _rule("perplexity", "Perplexity key", "pplx-", EDGE + r"(pplx-[A-Za-z0-9]{48})" + END, ("PERPLEXITY_API_KEY=pplx-{a48}",)),
    _rule("replicate", "Replicate token", "r8_", EDGE + r"(r8_[A-Za-z0-9]{37})" + END, ("REPLICATE_API_TOKEN=r8_{a37}",)),
    _rule("huggingface", "Hugging Face token", "hf_ api_org_", EDGE + r"((?:hf_|api_org_)[A-Za-z0-9]{30,40})" + END,
          ("HF_TOKEN=hf_{l34}", "token = 'api_org_{l34}'"), ("hf_{x34}",)),
    _rule("google", "Google API key", "aiza", EDGE + r"(AIza[0-9A-Za-z_-]{35})" + END,
          ("GEMINI_API_KEY=AIza{u35}", "key=AIza{u35}&q=1"), ("AIza{X35}",)),
    _rule("sk", "sk- key", "sk-", EDGE + r"(sk-(?:kimi-)?[A-Za-z0-9]{32,64})" + END,
          ("MOONSHOT_API_KEY=sk-{a48}", "DEEPSEEK_API_KEY=sk-{h32}", "api_key: sk-kimi-{a48}"),
          ("sk-{x48}", "sk-{seq36}")),
    _rule("cohere", "Cohere key", "cohere co_api_key", EDGE + r"([A-Za-z0-9]{40})" + END,
          ("COHERE_API_KEY={a40}", 'co = cohere.Client("{a40}")'), ("cohere_model = 'command-r-plus-08-2024'",), 3.5, r"cohere|co_api_key"),
    _rule("mistral", "Mistral key", "mistral", EDGE + r"([A-Za-z0-9]{32})" + END,
          ("MISTRAL_API_KEY={a32}",), ("mistral_model = 'mistral-large-latest'",), 3.5, r"mistral[\w.-]{0,20}(key|token|secret)"),
    # code hosts and registries
    _rule("github", "GitHub token", "ghp_ gho_ ghu_ ghs_ ghr_ github_pat_", EDGE + r"(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})" + END,
          ("GITHUB_TOKEN=ghp_{a36}", "token: github_pat_{a22}_{a59}"), ("ghp_{x36}",)),
    _rule("gitlab", "GitLab token", "glpat- glptt- gldt- glrt- glcbt- glft- glimt- glagent- gloas- glsoat- gr1348941",
          EDGE + r"((?:glpat|gldt|glrt|glft|glsoat|glimt|glagent|gloas)-[A-Za-z0-9_-]{20,}|glptt-[0-9a-f]{40}|glcbt-[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_-]{20}|GR1348941[\w-]{20})" + END,
          ("GITLAB_TOKEN=glpat-{u20}", "runner_token: glrt-{u20}"), ("glpat-{x20}",)),
    _rule("npm", "npm token", "npm_", EDGE + r"(npm_[A-Za-z0-9]{36})" + END, ("//registry.npmjs.org/:_authToken=npm_{a36}",)),
    _rule("pypi", "PyPI token", "pypi-ageichlwas5vcmc", EDGE + r"(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})" + END, ("password = pypi-AgEIcHlwaS5vcmc{u70}",)),
    _rule("rubygems", "RubyGems key", "rubygems_", EDGE + r"(rubygems_[a-f0-9]{48})" + END, ("GEM_HOST_API_KEY=rubygems_{h48}",)),
    # chat and mail
    _rule("slack", "Slack token", "xox xapp",
          EDGE + r"(xox[abposre]-[A-Za-z0-9-]{10,}|xoxe\.xox[bp]-\d-[A-Za-z0-9]{100,}|xapp-\d-[A-Za-z0-9]+-\d+-[A-Za-z0-9]+)" + END,
          ("SLACK_BOT_TOKEN=xoxb-{d12}-{d12}-{a24}", "token: xapp-1-{U11}-{d13}-{h64}", "xoxe-1-{U146}", "xoxp-{d12}-{d12}-{d12}-{h32}"),
          ("xoxb-your-token", "xoxb-{X12}-{X13}-{X24}")),
    _rule("slack-webhook", "Slack webhook URL", "hooks.slack.com", r"(hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{30,})" + END,
          ("url: https://hooks.slack.com/services/T{U8}/B{U10}/{a24}",), ("https://hooks.slack.com/services/T00000000/B00000000/{X24}",)),
    _rule("sendgrid", "SendGrid key", "sg.", EDGE + r"(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})" + END, ("SENDGRID_API_KEY=SG.{u22}.{u43}",)),
    _rule("mailgun", "Mailgun key", "key- mailgun", EDGE + r"((?:key|pubkey)-[a-f0-9]{32})" + END, ("MAILGUN_API_KEY=key-{h32}",), ("key-value store",)),
    _rule("twilio", "Twilio key", "twilio", r"(?<![A-Za-z0-9])(SK[0-9a-f]{32})" + END, ("TWILIO_API_KEY=SK{h32}",), ("twilio sku SKU12345",)),
    # pairs: an identifier that is public on its own, then the secret that goes with it
    _rule("twilio-pair", "Twilio auth token", "twilio", r"(?<![A-Za-z0-9])AC[0-9a-f]{32}[\"'`]?\s*[,:]\s*[\"'`]?([0-9a-f]{32})" + END,
          ("client = Twilio('AC{h32}', '{h32}')", "TWILIO=AC{h32}:{h32}"), ("twilio AC{h32}",)),
    _rule("aws-pair", "AWS secret key", "akia asia", r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}[\"'`]?\s*[,:]\s*[\"'`]?([A-Za-z0-9/+]{40})" + END,
          ("AKIA{B16}:{b40}", "Credentials('AKIA{B16}', '{b40}')"), (), 4.0),
    _rule("telegram", "Telegram bot token", ":aa", r"(?<![0-9])(\d{8,10}:AA[A-Za-z0-9_-]{33})" + END, ("TELEGRAM_BOT_TOKEN={d10}:AA{u33}",)),
    _rule("discord", "Discord bot token", "discord", EDGE + r"([MN][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})" + END, ("DISCORD_TOKEN=M{a23}.{a6}.{u27}",)),
    # payments
    _rule("stripe", "Stripe key", "_live_ _test_ _prod_", EDGE + r"((?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,99})" + END,
          ("STRIPE_SECRET_KEY=sk_live_{a24}", "stripe.api_key = 'sk_test_{a24}'", "rk_live_{a99}", "sk_live_{a15}"), ("sk_live_{x24}", "pk_live_{a24}")),
    _rule("square", "Square token", "sq0atp- sq0csp- eaaa", EDGE + r"(sq0(?:atp|csp)-[A-Za-z0-9_-]{22,60}|EAAA[A-Za-z0-9_-]{60})" + END, ("SQUARE_ACCESS_TOKEN=sq0atp-{u22}",)),
    # clouds
    _rule("aws", "AWS access key", "akia asia abia acca a3t", r"(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})(?![A-Za-z0-9])",
          ("aws_access_key_id = AKIA{B16}", "aws_access_key_id=AKIA{B16}\n"), ("AKIAIOSFODNN7EXAMPLE", "AKIA{X16}", "data:application/wasm;base64,xyzQ{a8}ABIA{B16}q{a8}")),
    _rule("aws-secret", "AWS secret key", "aws secret_access", EDGE + r"([A-Za-z0-9/+]{40})" + END,
          ("aws_secret_access_key = {b40}", 'AWS_SECRET_ACCESS_KEY: "{b40}"'), ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",), 4.0,
          r"aws.{0,20}secret|secret.{0,20}access"),
    _rule("azure", "Azure secret", "q~ sharedaccesskey= sig=",
          r"(?:(?<![A-Za-z0-9_~.])([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])|SharedAccessKey=([A-Za-z0-9+/]{40,88}={0,2}))",
          ("client_secret = 'abc8Q~{u34}'", "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=r;SharedAccessKey={b43}="), ("AccountKey=<your-key>",)),
    _rule("gcp-service-account", "Google service account key", "private_key_id", r'"private_key_id"\s*:\s*"([a-f0-9]{40})"', ('"private_key_id": "{h40}",',)),
    _rule("digitalocean", "DigitalOcean token", "dop_v1_ doo_v1_ dor_v1_", EDGE + r"(do[por]_v1_[a-f0-9]{64})" + END, ("DIGITALOCEAN_TOKEN=dop_v1_{h64}",)),
    _rule("databricks", "Databricks token", "dapi", EDGE + r"(dapi[a-fA-F0-9]{32}(?:-\d)?)" + END, ("DATABRICKS_TOKEN=dapi{h32}",)),
    _rule("heroku", "Heroku key", "hrku-", EDGE + r"(HRKU-[A-Za-z0-9_-]{60,})" + END, ("HEROKU_API_KEY=HRKU-AA{u58}",)),
    # services that issue UUIDs as keys: a UUID is a key only where the vendor is named
    _rule("uuid-key", "API key (a UUID)", "heroku snyk postmark _authtoken npm atlas",
          r"(?<![A-Za-z0-9-])([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9-])",
          ("HEROKU_API_KEY={uuid}", "snyk_token: {uuid}", "X-Postmark-Server-Token: {uuid}", "//registry.npmjs.org/:_authToken={uuid}",
           "MONGODB_ATLAS_PRIVATE_KEY={uuid}"),
          ("heroku_app_id: {uuid}", "snyk org id {uuid}", "postmark template_id = {uuid}", "ATLAS_PROJECT_ID={uuid}",
           '{"id":"msg_01963b2e-7a4c-7d21-9f3e-5b8c0a2d4e6f","note":"npm token"}'), 3.0,
          r"(heroku|snyk|postmark|npm).{0,30}(key|token|secret|auth)|_authtoken|atlas.{0,12}private.?(api.?)?key", random_uuid),
    _rule("airtable", "Airtable token", "airtable", EDGE + r"(pat[A-Za-z0-9]{14}\.[a-f0-9]{64})" + END,
          ("AIRTABLE_TOKEN=pat{a14}.{h64}", "const airtable = new Airtable({ apiKey: 'pat{a14}.{h64}' })"), ("airtable: pat{X14}.{x64}",)),
    _rule("beamer", "Beamer key", "beamer", EDGE + r"(b_[A-Za-z0-9=_-]{44})" + END, ("BEAMER_API_KEY=b_{u44}", "beamer = 'b_{l44}'"), ("beamer: b_{X44}",)),
    _rule("frameio", "Frame.io token", "fio-u-", EDGE + r"(fio-u-[A-Za-z0-9_=-]{64})" + END, ("FRAMEIO_TOKEN=fio-u-{u64}",), ("fio-u-{X64}",)),
    _rule("grafana", "Grafana token", "glc_ glsa_ eyjrijoi", EDGE + r"(glc_[A-Za-z0-9+/]{32,400}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9]{70,400}={0,3})" + END,
          ("GRAFANA_TOKEN=glsa_{a32}_{h8}", "token: glc_{b60}"), ("glc_...",)),
    # developer tools
    _rule("linear", "Linear key", "lin_api_", EDGE + r"(lin_api_[A-Za-z0-9]{40})" + END, ("LINEAR_API_KEY=lin_api_{a40}",)),
    _rule("notion", "Notion token", "ntn_ secret_", EDGE + r"(ntn_\d{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})" + END, ("NOTION_TOKEN=ntn_{d11}{a35}",)),
    _rule("postman", "Postman key", "pmak-", EDGE + r"(PMAK-[a-f0-9]{24}-[a-f0-9]{34})" + END, ("POSTMAN_API_KEY=PMAK-{h24}-{h34}",)),
    _rule("pulumi", "Pulumi token", "pul-", EDGE + r"(pul-[a-f0-9]{40})" + END, ("PULUMI_ACCESS_TOKEN=pul-{h40}",)),
    _rule("shopify", "Shopify token", "shpat_ shpca_ shppa_ shpss_", EDGE + r"(shp(?:at|ca|pa|ss)_[a-zA-Z0-9]{32,})" + END, ("SHOPIFY_TOKEN=shpat_{h32}", "shpss_{a32}")),
    _rule("sentry", "Sentry token", "sntryu_ sntrys_", EDGE + r"(sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=_]{50,})" + END, ("SENTRY_AUTH_TOKEN=sntryu_{h64}",)),
    _rule("doppler", "Doppler token", "dp.pt. dp.st. dp.sa. dp.ct. dp.scim. dp.audit.",
          EDGE + r"(dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9_-]{1,40}\.)?[A-Za-z0-9]{40,44})" + END,
          ("DOPPLER_TOKEN=dp.pt.{a43}", "token: dp.st.dev.{a43}", "dp.scim.{a43}"), ("dp.st.{X43}",)),
    _rule("docker", "Docker Hub token", "dckr_pat_ dckr_oat_", EDGE + r"(dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,})" + END,
          ("docker login -u me -p dckr_pat_{u27}", "DOCKER_TOKEN=dckr_pat_{u36}"), ("dckr_pat_{X27}",)),
    _rule("tailscale", "Tailscale key", "tskey-", EDGE + r"(tskey-[a-z]+-[A-Za-z0-9]{6,20}-[A-Za-z0-9]{20,64})" + END,
          ("TS_AUTHKEY=tskey-auth-{a12}-{a30}", "tskey-api-{a12}-{a32}"), ("tskey-auth-{X12}-{X30}",)),
    _rule("figma", "Figma token", "figd_", EDGE + r"(figd_[A-Za-z0-9_-]{40,})" + END, ("FIGMA_TOKEN=figd_{u43}",), ("figd_{X40}",)),
    _rule("vercel", "Vercel token", "vcp_ vci_ vca_ vcr_ vck_", EDGE + r"(vc[pickar]_[A-Za-z0-9]{24,})" + END, ("VERCEL_TOKEN=vcp_{a40}",), ("vcp_{X24}",)),
    _rule("django", "Django secret key", "django-insecure-", r"(django-insecure-[^\s\"'`]{30,})", ("SECRET_KEY = 'django-insecure-{u50}'",), ("django-insecure-{X30}",), 3.0),
    _rule("okta", "Okta API token", "okta", EDGE + r"(00[A-Za-z0-9_-]{40})" + END, ("OKTA_API_TOKEN=00{u40}", "okta_token: 00{a40}"),
          ("okta_org = 'dev-123456'",), 3.5, r"okta"),
    _rule("twitch", "Twitch secret", "twitch", EDGE + r"([a-z0-9]{30})" + END, ("TWITCH_CLIENT_SECRET={z30}",), ("twitch_channel = 'some_channel'",), 3.5,
          r"twitch.{0,20}(secret|token|key)"),
    _rule("azure-storage", "Azure Storage account key", "accountkey account_key storage", r"(?<![A-Za-z0-9+/])([A-Za-z0-9+/]{86}==)",
          ('"AccountKey": "{b86}=="', "AZURE_STORAGE_KEY={b86}==", "DefaultEndpointsProtocol=https;AccountName=x;AccountKey={b86}==;"),
          ("AccountKey=<key>",), 4.0, r"account.?key|storage.?(access.?)?key"),
    _rule("azure-devops", "Azure DevOps token", "azdo azure devops", EDGE + r"([A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}|[a-z0-9]{52})" + END,
          ("AZURE_DEVOPS_PAT={a76}AZDO{a4}", "azure_devops_pat = '{z52}'"), ("azure_devops_url = 'https://dev.azure.com/x'",), 3.5,
          r"azdo|azure.{0,15}(devops|pat)|devops.{0,15}(pat|token)"),
    _rule("atlassian", "Atlassian token", "atatt3", EDGE + r"(ATATT3[A-Za-z0-9_=-]{150,})" + END, ("JIRA_API_TOKEN=ATATT3{u186}",)),
    _rule("planetscale", "PlanetScale token", "pscale_", EDGE + r"(pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_.=-]{32,64})" + END, ("PLANETSCALE_TOKEN=pscale_tkn_{u43}",)),
    _rule("age", "age secret key", "age-secret-key-1", r"(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})", ("AGE-SECRET-KEY-1{age58}",)),
    # more AI and data services
    _rule("tavily", "Tavily key", "tvly-", EDGE + r"(tvly-(?:dev-|prod-)?[A-Za-z0-9]{32})" + END, ("TAVILY_API_KEY=tvly-{a32}",)),
    _rule("langsmith", "LangSmith key", "lsv2_", EDGE + r"(lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})" + END, ("LANGSMITH_API_KEY=lsv2_pt_{h32}_{h10}",)),
    _rule("langfuse", "Langfuse secret key", "sk-lf-", EDGE + r"(sk-lf-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})" + END, ("LANGFUSE_SECRET_KEY=sk-lf-{h8}-{h4}-{h4}-{h4}-{h12}",)),
    _rule("pinecone", "Pinecone key", "pcsk_", EDGE + r"(pcsk_[A-Za-z0-9_]{50,})" + END, ("PINECONE_API_KEY=pcsk_{a6}_{a60}",)),
    _rule("firecrawl", "Firecrawl key", "fc-", EDGE + r"(fc-[a-f0-9]{32})" + END, ("FIRECRAWL_API_KEY=fc-{h32}",)),
    _rule("fireworks", "Fireworks key", "fw_", EDGE + r"(fw_[A-Za-z0-9]{24})" + END, ("FIREWORKS_API_KEY=fw_{a24}",)),
    _rule("elevenlabs", "ElevenLabs key", "sk_", EDGE + r"(sk_[a-f0-9]{48})" + END, ("ELEVENLABS_API_KEY=sk_{h48}",)),
    _rule("supabase", "Supabase key", "sbp_ sb_secret_", EDGE + r"(sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{31,})" + END, ("SUPABASE_ACCESS_TOKEN=sbp_{h40}", "key: sb_secret_{u31}")),
    _rule("google-oauth", "Google OAuth secret", "gocspx- ya29.", EDGE + r"(GOCSPX-[A-Za-z0-9_-]{28}|ya29\.[A-Za-z0-9_-]{30,})" + END, ("client_secret: GOCSPX-{u28}", "token = 'ya29.{u60}'")),
    _rule("facebook", "Facebook token", "eaa facebook", r"(?:(?<![A-Za-z0-9])(EAA[MC][A-Za-z0-9]{100,})|facebook.{0,20}?(?<!\d)(\d{15,16}\|[A-Za-z0-9_-]{27,40}))" + END,
          ("FB_ACCESS_TOKEN=EAAM{a120}", "facebook {d16}|{u27}")),
    _rule("sourcegraph", "Sourcegraph token", "sgp_", EDGE + r"(sgp_(?:local_|[a-fA-F0-9]{16}_)?[a-fA-F0-9]{40})" + END, ("SRC_ACCESS_TOKEN=sgp_{h16}_{h40}", "token: sgp_local_{h40}")),
    _rule("vault", "HashiCorp Vault token", "hvs. hvb. vault", EDGE + r"((?:hvs|hvb)\.[A-Za-z0-9_-]{90,}|s\.[A-Za-z0-9]{24,30})" + END,
          ("VAULT_TOKEN=hvs.{u94}", "vault token: s.{a24}", 'VAULT_CLIENT_TOKEN="s.{a26}"'), ("os.path",), 3.0, r"vault|hvs\.|hvb\.|token"),
    _rule("onepassword", "1Password service account token", "ops_eyj", EDGE + r"(ops_eyJ[A-Za-z0-9+/]{250,}={0,3})" + END, ("OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ{b260}",)),
    _rule("artifactory", "Artifactory key", "akcp cmvmdgtu", EDGE + r"(AKCp[A-Za-z0-9]{69}|cmVmdGtu[A-Za-z0-9]{56})" + END, ("ARTIFACTORY_API_KEY=AKCp{a69}",)),
    _rule("alibaba", "Alibaba Cloud key", "ltai", r"(?<![A-Za-z0-9])(LTAI[A-Za-z0-9]{20})(?![A-Za-z0-9])", ("ALIBABA_ACCESS_KEY_ID=LTAI{a20}",)),
    _rule("adobe", "Adobe client secret", "p8e-", EDGE + r"(p8e-[A-Za-z0-9]{32})" + END, ("ADOBE_CLIENT_SECRET=p8e-{a32}",)),
    _rule("intra42", "42 Intra secret", "s-s4t2", EDGE + r"(s-s4t2(?:ud|af)-[a-f0-9]{64})" + END, ("secret: s-s4t2ud-{h64}",)),
    _rule("sidekiq", "Sidekiq credentials", "contribsys", r"((?:BUNDLE_ENTERPRISE__CONTRIBSYS__COM|BUNDLE_GEMS__CONTRIBSYS__COM)\s*[:=]\s*[a-f0-9]{8}:[a-f0-9]{8}|[a-f0-9]{8}:[a-f0-9]{8}@(?:gems|enterprise)\.contribsys\.com)",
          ("source 'https://{h8}:{h8}@gems.contribsys.com/'",)),
    _rule("teams-webhook", "Microsoft Teams webhook", "webhook.office.com", r"(webhook\.office\.com/webhookb2/[a-z0-9-]{36}@[a-z0-9-]{36}/IncomingWebhook/[a-f0-9]{32}/[a-z0-9-]{36})",
          ("url: https://acme.webhook.office.com/webhookb2/{h8}-{h4}-{h4}-{h4}-{h12}@{h8}-{h4}-{h4}-{h4}-{h12}/IncomingWebhook/{h32}/{h8}-{h4}-{h4}-{h4}-{h12}",)),
    _rule("cloudflare-origin", "Cloudflare origin CA key", "v1.0-", EDGE + r"(v1\.0-[a-f0-9]{24}-[a-f0-9]{146})" + END, ("CF_ORIGIN_CA_KEY=v1.0-{h24}-{h146}",)),
    _rule("dynatrace", "Dynatrace token", "dt0c01.", EDGE + r"(dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64})" + END, ("DT_API_TOKEN=dt0c01.{U24}.{a64}",)),
    _rule("easypost", "EasyPost key", "ezak eztk", EDGE + r"(EZ[AT]K[A-Za-z0-9]{54})" + END, ("EASYPOST_API_KEY=EZAK{a54}",)),
    _rule("flutterwave", "Flutterwave secret", "flwseck", EDGE + r"(FLWSECK(?:_TEST)?-[a-h0-9]{12,32}(?:-X)?)" + END, ("FLW_SECRET_KEY=FLWSECK_TEST-{h32}-X",)),
    _rule("flyio", "Fly.io token", "fo1_ fm1 fm2_", EDGE + r"(fo1_[A-Za-z0-9_-]{43}|fm1[ar]_[A-Za-z0-9+/]{100,}={0,3}|fm2_[A-Za-z0-9+/]{100,}={0,3})" + END, ("FLY_API_TOKEN=fm2_{b120}",)),
    _rule("harness", "Harness token", "pat. sat.", EDGE + r"((?:pat|sat)\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20})" + END, ("HARNESS_API_KEY=pat.{u22}.{a24}.{a20}",)),
    _rule("terraform", "Terraform Cloud token", "atlasv1", EDGE + r"([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})" + END, ("TF_TOKEN=\"{a14}.atlasv1.{u67}\"",)),
    _rule("newrelic", "New Relic key", "nrak- nrjs- nrii- nral", EDGE + r"(NRAK-[A-Z0-9]{27}|NRJS-[a-f0-9]{19}|NRII-[A-Za-z0-9-]{32}|[A-Za-z0-9]{36}NRAL)" + END,
          ("NEW_RELIC_API_KEY=NRAK-{U27}", "license_key: eu01xx{h30}NRAL"), ("license_key: {X36}NRAL",)),
    _rule("nuget", "NuGet key", "oy2", EDGE + r"(oy2[a-z0-9]{43})" + END, ("NUGET_API_KEY=oy2{h43}",)),
    _rule("openshift", "OpenShift token", "sha256~", EDGE + r"(sha256~[A-Za-z0-9_-]{43})" + END, ("oc login --token=sha256~{u43}",)),
    _rule("prefect", "Prefect key", "pnu_", EDGE + r"(pnu_[A-Za-z0-9]{36})" + END, ("PREFECT_API_KEY=pnu_{a36}",)),
    _rule("readme", "ReadMe key", "rdme_", EDGE + r"(rdme_[a-z0-9]{70})" + END, ("README_API_KEY=rdme_{h70}",)),
    _rule("sendinblue", "Brevo key", "xkeysib-", EDGE + r"(xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})" + END, ("BREVO_API_KEY=xkeysib-{h64}-{a16}",)),
    _rule("shippo", "Shippo token", "shippo_", EDGE + r"(shippo_(?:live|test)_[a-fA-F0-9]{40})" + END, ("SHIPPO_TOKEN=shippo_live_{h40}",)),
    _rule("sonar", "SonarQube token", "squ_ sqp_ sqa_", EDGE + r"(sq[upa]_[a-f0-9]{40})" + END, ("SONAR_TOKEN=squ_{h40}",)),
    _rule("typeform", "Typeform token", "tfp_", EDGE + r"(tfp_[A-Za-z0-9_.=-]{59})" + END, ("TYPEFORM_TOKEN=tfp_{u59}",)),
    _rule("octopus", "Octopus Deploy key", "api-", r"(?<![A-Za-z0-9])(API-[A-Z0-9]{26})(?![A-Za-z0-9])", ("OCTOPUS_API_KEY=API-{U26}",), ("API-VERSION-HEADER-NAME-IS-HERE",)),
    _rule("mailchimp", "Mailchimp key", "-us", EDGE + r"([a-f0-9]{32}-us\d{1,2})" + END, ("MAILCHIMP_API_KEY={h32}-us18",)),
    _rule("maxmind", "MaxMind license key", "_mmk", EDGE + r"([A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk)" + END, ("MAXMIND_LICENSE_KEY={a6}_{a29}_mmk",)),
    # secret (sk.) and temporary (tk.) tokens; the middle part grows with the account's name
    _rule("mapbox", "Mapbox secret token", "sk.eyj tk.eyj", EDGE + r"((?:sk|tk)\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{22})" + END,
          ("MAPBOX_TOKEN=sk.eyJ{u60}.{u22}", "export MAPBOX_SECRET_TOKEN=sk.eyJ{u40}.{u22}", "accessToken = 'tk.eyJ{u70}.{u22}'")),
    _rule("yandex", "Yandex Cloud key", "aqvn ycaj t1.", EDGE + r"(AQVN[A-Za-z0-9_-]{35,38}|YC[A-Za-z0-9_-]{38}|t1\.[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]{86}={0,2})" + END, ("YC_API_KEY=AQVN{u36}",), ("YCSB-BENCHMARK",), 3.0, r"yandex|yc_|aqvn|t1\."),
    _rule("duffel", "Duffel token", "duffel_", EDGE + r"(duffel_(?:test|live)_[A-Za-z0-9_=-]{43})" + END, ("DUFFEL_TOKEN=duffel_live_{u43}",)),
    _rule("definednetworking", "Defined Networking key", "dnkey-", EDGE + r"(dnkey-[a-z0-9=_-]{26}-[a-z0-9=_-]{52})" + END, ("DN_API_KEY=dnkey-{h26}-{h52}",)),
    _rule("infracost", "Infracost key", "ico-", EDGE + r"(ico-[A-Za-z0-9]{32})" + END, ("INFRACOST_API_KEY=ico-{a32}",)),
    _rule("scalingo", "Scalingo token", "tk-us-", EDGE + r"(tk-us-[A-Za-z0-9_-]{48})" + END, ("SCALINGO_API_TOKEN=tk-us-{u48}",)),
    _rule("clojars", "Clojars token", "clojars_", r"(?i)(?<![A-Za-z0-9])(CLOJARS_[a-z0-9]{60})" + END, ("CLOJARS_TOKEN=CLOJARS_{h60}",)),
    _rule("settlemint", "SettleMint token", "sm_pat_ sm_aat_ sm_sat_", EDGE + r"(sm_(?:pat|aat|sat)_[A-Za-z0-9]{16})" + END, ("token: sm_pat_{a16}",)),
    _rule("asana", "Asana token", "asana", r"(?<![\w/])([0-2]/(?:\d{10,20}/)?\d{10,20}:[a-f0-9]{32}|0/[a-f0-9]{32})" + END,
          ("ASANA_PAT = 1/{d16}:{h32}", "asana token: 2/{d16}/{d16}:{h32}", "asana token = 0/{h32}"), ("asana id 1/{d16}",), 3.0, r"asana"),
    _rule("circleci", "CircleCI token", "ccipat_ cciprj_", EDGE + r"(CCI(?:PAT|PRJ)_[A-Za-z0-9]{22}_[A-Za-z0-9]{40})" + END, ("CIRCLE_TOKEN=CCIPAT_{a22}_{h40}",)),
    _rule("dropbox", "Dropbox token", "sl.", EDGE + r"(sl\.(?:u\.)?[A-Za-z0-9_-]{130,})" + END, ("DROPBOX_TOKEN=sl.{u140}",), ("ssl.{u140}",), 4.0),
    _rule("mongodb-atlas", "MongoDB Atlas service account secret", "mdb_sa_sk_", EDGE + r"(mdb_sa_sk_[A-Za-z0-9_-]{40})" + END, ("MDB_CLIENT_SECRET=mdb_sa_sk_{u40}",)),
    _rule("posthog", "PostHog personal key", "phx_", EDGE + r"(phx_[A-Za-z0-9_]{40,50})" + END, ("POSTHOG_PERSONAL_API_KEY=phx_{a43}",), ("phc_{a43}",)),
    _rule("teamwork", "Teamwork token", "tkn.v1_", EDGE + r"(tkn\.v1_[A-Za-z0-9+/_-]{40,}={0,2})" + END, ("TEAMWORK_TOKEN=tkn.v1_{b72}=",)),
    _rule("telnyx", "Telnyx key", "telnyx", EDGE + r"(KEY[A-Za-z0-9_-]{50,60})" + END, ("TELNYX_API_KEY=KEY{u56}",), (), 3.0, r"telnyx"),
    _rule("jwt", "JWT", "eyj", EDGE + r"(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})" + END,
          ("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJ{u60}.{u43}",),
          ("eyJhbGciOiJIUzI1NiJ9...", "trace eyJ{u30}.eyJ{u60}.{u43}"), check=real_jwt),
)


ALPHABETS = {
    "a": string.ascii_letters + string.digits,
    "h": "0123456789abcdef",
    "u": string.ascii_letters + string.digits + "-_",
    "U": string.ascii_uppercase + string.digits,
    "B": string.ascii_uppercase + "234567",
    "b": string.ascii_letters + string.digits + "+/",
    "d": string.digits,
    "l": string.ascii_letters,
    "z": string.ascii_lowercase + string.digits,
    "age": "qpzry9x8gf2tvdw0s3jn54khce6mua7l".upper(),
    "X": "X",  # placeholders: a run of one character
    "x": "x",
    "seq": string.ascii_lowercase + string.digits,  # placeholders: the alphabet typed in order
}
TEMPLATE = re.compile(r"\{(age|seq|[ahuUBbdlzXx])(\d+)\}|\{uuid\}")


def expand(template: str, rng: random.Random) -> str:
    """An example with its ``{a36}``-style slots filled by ``rng``: random, so never a real key."""

    def fill(match: re.Match[str]) -> str:
        if match.group(0) == "{uuid}":
            digits = "".join(rng.choice(ALPHABETS["h"]) for _ in range(32))
            return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-a{digits[17:20]}-{digits[20:]}"
        alphabet, size = ALPHABETS[match.group(1)], int(match.group(2))
        if match.group(1) == "seq":
            return alphabet[:size]
        while True:
            value = "".join(rng.choice(alphabet) for _ in range(size))
            mixed = size < 8 or len(set(alphabet) & set(string.digits)) == 0 or any(c.isdigit() for c in value)
            if mixed and (size < 8 or any(c.isalpha() for c in value) or alphabet == string.digits):
                return value

    return TEMPLATE.sub(fill, template)
