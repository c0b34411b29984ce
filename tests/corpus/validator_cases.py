"""Broken skill folders, one rule each: the corpus behind tests/test_validator.py.

Each case starts from a valid skill (BASE) and changes one thing. The expected line is given
by a marker: the first line of the file that contains it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

SKILL_MD = """---
name: demo-skill
description: Fetches weather reports. Use it when the user asks for the weather.
license: MIT-0
metadata:
  version: "1.0.0"
  openclaw:
    homepage: https://example.org/demo
    primaryEnv: DEMO_API_KEY
    requires:
      env:
        - DEMO_API_KEY
      bins:
        - python3
    envVars:
      - name: DEMO_API_KEY
        required: true
        description: Key for the demo service.
---

# Demo

Run it:

```bash
python3 scripts/run.py --city Paris
```

See [the guide](references/guide.md).
"""

SKILL_YAML = """$schema: https://runapi.ai/schemas/kimi-skill/skill-yaml.schema.json
name: demo-skill
version: "1.0.0"
description: Fetches weather reports. Use it when the user asks for the weather.
license: MIT-0
homepage: https://example.org/demo
primary_env: DEMO_API_KEY
api:
  base_url: https://api.example.org/v1
env:
  - name: DEMO_API_KEY
    required: true
    secret: true
    description: Key for the demo service.
scripts:
  - path: scripts/run.py
    purpose: Print the weather.
"""

RUN_PY = """import argparse
import os


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--city", required=True)
    args = parser.parse_args()
    key = os.environ.get("DEMO_API_KEY")
    print(args.city, bool(key))


if __name__ == "__main__":
    main()
"""

BASE = {
    "SKILL.md": SKILL_MD,
    "skill.yaml": SKILL_YAML,
    "scripts/run.py": RUN_PY,
    "references/guide.md": "# Guide\n\nNothing more to say.\n",
}

Files = dict[str, str | bytes]


@dataclass
class Case:
    name: str
    change: Callable[[Files], None]
    rule: str
    path: str
    marker: str | int
    folder: str = "demo-skill"
    targets: list[str] | None = None  # None: the default targets


def sub(path: str, old: str, new: str) -> Callable[[Files], None]:
    def change(files: Files) -> None:
        text = files[path]
        assert isinstance(text, str) and old in text, (path, old)
        files[path] = text.replace(old, new, 1)

    return change


def put(path: str, content: str | bytes) -> Callable[[Files], None]:
    def change(files: Files) -> None:
        files[path] = content

    return change


def both(*changes: Callable[[Files], None]) -> Callable[[Files], None]:
    def change(files: Files) -> None:
        for one in changes:
            one(files)

    return change


FLATTENED = """metadata:
version: "1.0.0"
openclaw:
primaryEnv: DEMO_API_KEY
requires:
env:
- DEMO_API_KEY
envVars:
- name: DEMO_API_KEY
required: true
description: Key for the demo service.
- name: DEMO_REGION
required: false
"""
DESCRIPTION = "description: Fetches weather reports. Use it when the user asks for the weather."
OPENCLAW_TAIL = """        description: Key for the demo service.
---"""
LONG_BODY = "\n".join(f"Line {i} of a long manual." for i in range(520))

CASES = [
    Case("no-frontmatter", sub("SKILL.md", "---\nname", "name"), "frontmatter-missing", "SKILL.md", 1),
    Case("byte-order-mark", lambda f: f.update({"SKILL.md": "\ufeff" + SKILL_MD}), "frontmatter-bom", "SKILL.md", 1),
    Case("unclosed-frontmatter", sub("SKILL.md", "description: Key for the demo service.\n---", "description: Key for the demo service."), "frontmatter-unclosed", "SKILL.md", 1),
    Case("flattened-nesting", sub("SKILL.md", SKILL_MD.split("license: MIT-0\n")[1].split("---")[0], FLATTENED), "frontmatter-yaml", "SKILL.md", "- name: DEMO_REGION"),
    Case("tab-indentation", sub("SKILL.md", "  version:", "\tversion:"), "frontmatter-yaml", "SKILL.md", "\tversion"),
    Case("unquoted-colon", sub("SKILL.md", DESCRIPTION, "description: Weather: Use it when: asked"), "frontmatter-colon", "SKILL.md", "description: Weather"),
    Case("frontmatter-is-a-list", sub("SKILL.md", SKILL_MD.split("---")[1], "\n- name\n- description\n"), "frontmatter-not-mapping", "SKILL.md", 2),
    Case("frontmatter-is-a-scalar", sub("SKILL.md", SKILL_MD.split("---")[1], "\njust words\n"), "frontmatter-not-mapping", "SKILL.md", 2),
    Case("duplicate-key", sub("SKILL.md", "license: MIT-0\n", "license: MIT-0\nlicense: MIT\n"), "frontmatter-duplicate-key", "SKILL.md", "license: MIT\n"),
    Case("yaml-alias", sub("SKILL.md", "license: MIT-0\n", "license: &l MIT-0\nx-copy: *l\n"), "frontmatter-alias", "SKILL.md", "license: &l"),
    Case("flow-style-list", sub("SKILL.md", "      bins:\n        - python3\n", "      bins: [python3]\n"), "frontmatter-flow-style", "SKILL.md", "bins: [python3]"),
    Case("name-uppercase", sub("SKILL.md", "name: demo-skill", "name: Demo-Skill"), "name-format", "SKILL.md", "name: Demo"),
    Case("name-double-hyphen", sub("SKILL.md", "name: demo-skill", "name: demo--skill"), "name-format", "SKILL.md", "name: demo--skill", folder="demo--skill"),
    Case("name-too-long", sub("SKILL.md", "name: demo-skill", "name: " + "a" * 65), "name-format", "SKILL.md", "name: aaa", folder="a" * 65),
    Case("name-not-folder", sub("SKILL.md", "name: demo-skill", "name: other-skill"), "name-folder-mismatch", "SKILL.md", "name: other"),
    Case("description-missing", sub("SKILL.md", DESCRIPTION + "\n", ""), "description-missing", "SKILL.md", 2),
    Case("description-too-long", sub("SKILL.md", DESCRIPTION, "description: Use it when asked. " + "x" * 1030), "description-length", "SKILL.md", "description:"),
    Case("description-without-when", sub("SKILL.md", DESCRIPTION, "description: Fetches weather reports."), "description-when", "SKILL.md", "description:"),
    Case("unknown-top-level-key", sub("SKILL.md", "license: MIT-0\n", "license: MIT-0\nhomepage: https://example.org/demo\n"), "unknown-key", "SKILL.md", "homepage: https://example.org/demo\n"),
    Case("requires-env-not-a-list", sub("SKILL.md", "      env:\n        - DEMO_API_KEY\n", "      env: DEMO_API_KEY\n"), "frontmatter-schema", "SKILL.md", "env: DEMO_API_KEY"),
    Case("env-required-not-boolean", sub("SKILL.md", "        required: true", '        required: "yes"'), "frontmatter-schema", "SKILL.md", 'required: "yes"'),
    Case("openclaw-os-unknown", sub("SKILL.md", "    primaryEnv", "    os:\n      - plan9\n    primaryEnv"), "frontmatter-schema", "SKILL.md", "- plan9"),
    Case("manifest-bad-yaml", sub("skill.yaml", "license: MIT-0", "license: [MIT-0"), "manifest-yaml", "skill.yaml", "homepage"),
    Case("manifest-missing-version", sub("skill.yaml", 'version: "1.0.0"\n', ""), "manifest-schema", "skill.yaml", 1),
    Case("manifest-name-differs", sub("skill.yaml", "name: demo-skill", "name: demo-skills"), "manifest-mismatch", "skill.yaml", "name:"),
    Case("manifest-description-differs", sub("skill.yaml", "asks for the weather", "asks about weather"), "manifest-mismatch", "skill.yaml", "description:"),
    Case("manifest-version-differs", sub("skill.yaml", '"1.0.0"', '"1.0.1"'), "manifest-mismatch", "skill.yaml", "version:"),
    Case("codex-plugin-version-differs", put(".codex-plugin/plugin.json", '{\n  "name": "demo-skill",\n  "version": "1.0.1",\n  "skills": "./."\n}\n'),
         "plugin-mismatch", ".codex-plugin/plugin.json", '"version"'),
    Case("gemini-extension-name-differs", put("gemini-extension.json", '{\n  "name": "weather",\n  "version": "1.0.0"\n}\n'),
         "plugin-mismatch", "gemini-extension.json", '"name"'),
    Case("claude-plugin-description-differs", put(".claude-plugin/plugin.json", '{\n  "name": "demo-skill",\n  "version": "1.0.0",\n  "description": "Weather."\n}\n'),
         "plugin-mismatch", ".claude-plugin/plugin.json", '"description"'),
    Case("manifest-env-missing", sub("skill.yaml", "env:\n  - name: DEMO_API_KEY\n    required: true\n    secret: true\n    description: Key for the demo service.\n", "env: []\n"), "env-mismatch", "SKILL.md", "- name: DEMO_API_KEY"),
    Case("manifest-env-required-differs", sub("skill.yaml", "    required: true", "    required: false"), "env-mismatch", "skill.yaml", "- name: DEMO_API_KEY"),
    Case("primary-env-optional", both(sub("SKILL.md", "      env:\n        - DEMO_API_KEY\n", ""), sub("SKILL.md", "        required: true", "        required: false"), sub("skill.yaml", "    required: true", "    required: false")), "primary-env-not-required", "SKILL.md", "primaryEnv"),
    Case("listed-script-missing", sub("skill.yaml", "path: scripts/run.py", "path: scripts/missing.py"), "script-missing", "skill.yaml", "path: scripts/missing.py"),
    Case("env-read-undeclared", sub("scripts/run.py", '    print(args.city', '    region = os.getenv("DEMO_REGION")\n    print(args.city'), "env-undeclared", "scripts/run.py", "DEMO_REGION"),
    Case("env-declared-unused", both(sub("SKILL.md", OPENCLAW_TAIL, OPENCLAW_TAIL.replace("---", "") + "      - name: DEMO_REGION\n        required: false\n        description: Region.\n---"), sub("skill.yaml", "scripts:", "  - name: DEMO_REGION\n    required: false\n    secret: false\n    description: Region.\nscripts:")), "env-unused", "SKILL.md", "- name: DEMO_REGION"),
    Case("credential-not-injectable", both(sub("SKILL.md", OPENCLAW_TAIL, OPENCLAW_TAIL.replace("---", "") + "      - name: DEMO_TOKEN\n        required: false\n        description: Token.\n---"), sub("skill.yaml", "scripts:", "  - name: DEMO_TOKEN\n    required: false\n    secret: true\n    description: Token.\nscripts:"), sub("scripts/run.py", "    print(args.city", '    token = os.environ["DEMO_TOKEN"]\n    print(args.city')), "env-not-injectable", "SKILL.md", "- name: DEMO_TOKEN"),
    Case("flag-takes-a-key", sub("scripts/run.py", '    args = parser', '    parser.add_argument("--api-key")\n    args = parser'), "key-flag", "scripts/run.py", "--api-key"),
    Case("python-does-not-parse", sub("scripts/run.py", "def main():", "def main(:"), "python-syntax", "scripts/run.py", "def main(:"),
    Case("command-names-missing-script", sub("SKILL.md", "python3 scripts/run.py --city Paris", "python3 scripts/fetch.py --city Paris"), "command-unknown-script", "SKILL.md", "scripts/fetch.py"),
    Case("command-uses-unknown-flag", sub("SKILL.md", "--city Paris", "--town Paris"), "command-unknown-flag", "SKILL.md", "--town"),
    Case("broken-link", sub("SKILL.md", "references/guide.md", "references/missing.md"), "link-broken", "SKILL.md", "references/missing.md"),
    Case("python-block-does-not-parse", sub("SKILL.md", "See [the guide]", "```python\nprint('hi'\n```\n\nSee [the guide]"), "code-python", "SKILL.md", "print('hi'"),
    Case("json-block-does-not-parse", sub("SKILL.md", "See [the guide]", '```json\n{"city": "Paris",}\n```\n\nSee [the guide]'), "code-json", "SKILL.md", '{"city"'),
    Case("curl-payload-not-json", sub("SKILL.md", "python3 scripts/run.py --city Paris", "curl https://api.example.org/v1/weather -d '{\"city\": Paris}'"), "code-json", "SKILL.md", "curl https"),
    Case("example-base-url-differs", sub("SKILL.md", "python3 scripts/run.py --city Paris", "OPENAI_BASE_URL=https://other.example.org/v1 python3 scripts/run.py --city Paris"), "base-url-mismatch", "SKILL.md", "other.example.org"),
    Case("body-too-long", sub("SKILL.md", "# Demo\n", "# Demo\n" + LONG_BODY + "\n"), "body-too-long", "SKILL.md", 20),
    Case("inlined-key", sub("references/guide.md", "Nothing more to say.", "api_key = \"q8Zr2LmX7vPd4TnB9wKe3YhC6uJs1FaG\""), "no-inlined-key", "references/guide.md", "api_key"),
    Case("key-in-argv", sub("SKILL.md", "python3 scripts/run.py --city Paris", "export DEMO_API_KEY=q8Zr2LmX7vPd4TnB9wKe3YhC6uJs1FaG"), "key-in-argv", "SKILL.md", "export DEMO_API_KEY"),
    Case("insecure-base-url", sub("references/guide.md", "Nothing more to say.", "Set `OPENAI_BASE_URL=http://api.example.org/v1`."), "insecure-base-url", "references/guide.md", "http://api"),
    Case("pricing-copied", sub("references/guide.md", "Nothing more to say.", "It costs $0.60 per 1M input tokens."), "pricing-copied", "references/guide.md", "$0.60"),
    Case("streaming-undocumented", both(put("scripts/stream.py", RUN_PY.replace("    print(args.city", "    reply = client.chat.completions.create(model='m', messages=[], stream=True)\n    print(args.city")), sub("skill.yaml", "    purpose: Print the weather.\n", "    purpose: Print the weather.\n  - path: scripts/stream.py\n    purpose: Stream it.\n")), "streaming-documented", "SKILL.md", 20),
    Case("reserved-word-in-name", sub("SKILL.md", "name: demo-skill", "name: claude-helper"), "host-claude-ai", "SKILL.md", "name: claude-helper", folder="claude-helper", targets=["claude-ai"]),
    Case("angle-brackets-in-description", sub("SKILL.md", "for the weather.", "for the <weather>."), "host-claude-ai", "SKILL.md", "description:", targets=["claude-ai"]),
    Case("compatibility-for-strict-hosts", sub("SKILL.md", "license: MIT-0\n", "license: MIT-0\ncompatibility: Needs network access.\n"), "host-claude-ai", "SKILL.md", "compatibility:", targets=["claude-ai"]),
    Case("openclaw-block-as-string", sub("SKILL.md", SKILL_MD[SKILL_MD.index("  openclaw:") : SKILL_MD.index("---\n\n#")], "  openclaw: '{\"homepage\": \"https://example.org/demo\"}'\n"), "frontmatter-schema", "SKILL.md", "  openclaw: '"),
    Case("generated-skill-card", put("skill-card.md", "# card\n"), "host-clawhub", "skill-card.md", 1, targets=["clawhub"]),
    Case("lowercase-skill-md", lambda f: f.update({"skill.md": f.pop("SKILL.md")}), "skill-md-name", "skill.md", 1),
    Case("quoted-value-over-unindented-lines", sub("SKILL.md", DESCRIPTION, 'description: "Fetches weather reports.\nUse it when the user asks for the weather."'), "frontmatter-js-yaml", "SKILL.md", 'description: "'),
    Case("metadata-as-text", sub("SKILL.md", SKILL_MD[SKILL_MD.index("metadata:") : SKILL_MD.index("---\n\n#")], "metadata: 'version 1'\n"), "frontmatter-type", "SKILL.md", "metadata:"),
    Case("description-as-a-list", sub("SKILL.md", DESCRIPTION, "description:\n  - Fetches weather.\n  - Use it when asked."), "frontmatter-type", "SKILL.md", "description:"),
    Case("undefined-alias", sub("SKILL.md", "license: MIT-0\n", "license: *nowhere\n"), "frontmatter-yaml", "SKILL.md", "license: *nowhere"),
    Case("yaml-tag", sub("SKILL.md", "license: MIT-0\n", "license: !!str MIT-0\n"), "frontmatter-tag", "SKILL.md", "license: !!str"),
    Case("name-missing", sub("SKILL.md", "name: demo-skill\n", ""), "name-missing", "SKILL.md", 2),
    Case("link-to-a-sibling-skill", sub("SKILL.md", "references/guide.md", "../other-skill/SKILL.md"), "link-outside", "SKILL.md", "../other-skill"),
    Case("python-newer-than-the-validator", sub("scripts/run.py", "    print(args.city, bool(key))", '    print(f"{args.__dict__["city"]}", bool(key))'), "python-newer-syntax", "scripts/run.py", "__dict__"),
    Case("invalid-utf8", lambda f: f.update({"SKILL.md": SKILL_MD.encode().replace(b"Run it:", b"Run \xff it:")}), "skill-md-encoding", "SKILL.md", "Run"),
]
