"""Small skills, one construct each, and what the real hosts did with them.

The verdicts were recorded offline with skills-ref 0.1.1 (``agentskills validate``), Claude Code
2.1.331 (``claude plugin validate --json``: no error, and the skill is provided), Codex 0.169.0
(the skill is listed by ``codex debug prompt-input``; a skill with ``disable-model-invocation:
true`` is loaded but not listed, and counts as accepted) and OpenClaw 2026.9.6 (not "Skipping
invalid skill" in ``openclaw skills list``). tests/test_host_cases.py checks that the
validator's per-host verdict agrees with each, case by case. The cases are written here; no
third-party file is copied.
"""

from __future__ import annotations

D = "Reads things. Use it when the user asks for things."


def fm(*lines: str) -> str:
    return "---\n" + "\n".join(lines) + "\n---\n\n# Body\n\nText.\n"


CASES: dict[str, str | None] = {
    "valid": fm("name: valid", f"description: {D}"),
    "no-frontmatter": "# Title\n\nJust text.\n",
    "unclosed": "---\nname: unclosed\ndescription: x\n\n# Body\n",
    "bom": "\ufeff" + fm("name: bom", f"description: {D}"),
    "empty-frontmatter": "---\n---\n# Body\n",
    "list-frontmatter": fm("- a", "- b"),
    "missing-name": fm(f"description: {D}"),
    "missing-description": fm("name: missing-description"),
    "empty-description": fm("name: empty-description", "description: ''"),
    "long-description": fm("name: long-description", "description: " + "a" * 1100),
    "desc-1600": fm("name: desc-1600", "description: " + "b" * 1600),
    "uppercase-name": fm("name: Upper Name", f"description: {D}"),
    "unicode-name": fm("name: 技能", f"description: {D}"),
    "long-name": fm("name: " + "n" * 70, f"description: {D}"),
    "name-mismatch": fm("name: other-name", f"description: {D}"),
    "colon-in-description": fm("name: colon-in-description", "description: Use this skill when: the user asks"),
    "angle-brackets": fm("name: angle-brackets", "description: Converts <html> to text. Use it when asked."),
    "flow-metadata": fm("name: flow-metadata", f"description: {D}", 'metadata: {"openclaw": {"requires": {"env": ["X_KEY"]}}}'),
    "flow-list": fm("name: flow-list", f"description: {D}", "metadata:", "  tags: [a, b]"),
    "metadata-string": fm("name: metadata-string", f"description: {D}", "metadata: 'just text'"),
    "metadata-json-string": fm("name: metadata-json-string", f"description: {D}", 'metadata: \'{"openclaw": {"primaryEnv": "X_KEY"}}\''),
    "metadata-list": fm("name: metadata-list", f"description: {D}", "metadata:", "  - a"),
    "duplicate-key": fm("name: duplicate-key", f"description: {D}", "description: again"),
    "alias": fm("name: alias", "description: &d Reads things. Use it when asked.", "metadata:", "  copy: *d"),
    "undefined-alias": fm("name: undefined-alias", f"description: {D}", "metadata:", "  copy: *nothing"),
    "extra-key-version": fm("name: extra-key-version", f"description: {D}", "version: 1.0.0"),
    "compatibility": fm("name: compatibility", f"description: {D}", "compatibility: Needs Python 3.11"),
    "disable-model-invocation": fm("name: disable-model-invocation", f"description: {D}", "disable-model-invocation: true"),
    "allowed-tools-list": fm("name: allowed-tools-list", f"description: {D}", "allowed-tools:", "  - Read", "  - Bash"),
    "allowed-tools-number": fm("name: allowed-tools-number", f"description: {D}", "allowed-tools: 3"),
    "description-number": fm("name: description-number", "description: 42"),
    "description-list": fm("name: description-list", "description:", "  - one", "  - two"),
    "name-number": fm("name: 123", f"description: {D}"),
    "name-bool": fm("name: yes", f"description: {D}"),
    "multiline-quoted-unindented": fm("name: multiline-quoted-unindented", 'description: "First line.  ', 'Second line at column one."'),
    "multiline-quoted-indented": fm("name: multiline-quoted-indented", 'description: "First line.', '  Second line indented."'),
    "multiline-plain": fm("name: multiline-plain", "description: First line", "  second line."),
    "block-scalar": fm("name: block-scalar", "description: |", "  Reads things.", "  Use it when asked."),
    "tab-indent": fm("name: tab-indent", f"description: {D}", "metadata:", "\tkey: value"),
    "dashes-in-description": fm("name: dashes-in-description", "description: Splits a---b strings. Use it when asked."),
    "short-description-long": fm("name: short-description-long", f"description: {D}", "metadata:", "  short-description: " + "s" * 600),
    "short-description-number": fm("name: short-description-number", f"description: {D}", "metadata:", "  short-description: 5"),
    "openclaw-primaryenv-list": fm("name: openclaw-primaryenv-list", f"description: {D}", "metadata:", "  openclaw:", "    primaryEnv:", "      - A_KEY"),
    "openclaw-requires-env-number": fm("name: openclaw-requires-env-number", f"description: {D}", "metadata:", "  openclaw:", "    requires:", "      env: 5"),
    "openclaw-envvars-bool": fm("name: openclaw-envvars-bool", f"description: {D}", "metadata:", "  openclaw:", "    envVars: true"),
    "openclaw-string-block": fm("name: openclaw-string-block", f"description: {D}", "metadata:", "  openclaw: 'requires env'"),
    "crlf": fm("name: crlf", f"description: {D}").replace("\n", "\r\n"),
    "trailing-spaces-delim": "--- \nname: trailing-spaces-delim\ndescription: x y. Use it when asked.\n---  \n# B\n",
    "yaml-tag": fm("name: yaml-tag", f"description: !!str {D}"),
    "null-description": fm("name: null-description", "description:"),
    "quoted-colon": fm("name: quoted-colon", 'description: "Use this skill when: the user asks"'),
    "hash-in-description": fm("name: hash-in-description", "description: Handles C# code. Use it when asked #fast"),
    "lowercase-file": None,  # skill.md instead of SKILL.md, written by the runner
    "leading-blank-line": "\n" + fm("name: leading-blank-line", f"description: {D}"),
    "yes-no-values": fm("name: yes-no-values", f"description: {D}", "metadata:", "  enabled: yes"),
    "date-value": fm("name: date-value", f"description: {D}", "metadata:", "  since: 2024-01-01"),
    "description-with-newline-only": fm("name: description-with-newline-only", "description: >", "  "),
}


# case -> accepted by (agentskills, claude-code, codex, openclaw)
VERDICTS = {
    "valid": (True, True, True, True),
    "no-frontmatter": (False, True, False, False),
    "unclosed": (False, True, False, False),
    "bom": (False, True, False, True),
    "empty-frontmatter": (False, True, False, False),
    "list-frontmatter": (False, False, False, False),
    "missing-name": (False, True, True, True),
    "missing-description": (False, True, False, False),
    "empty-description": (False, True, False, False),
    "long-description": (False, True, True, True),
    "desc-1600": (False, True, True, True),
    "uppercase-name": (False, True, True, True),
    "unicode-name": (False, True, True, True),
    "long-name": (False, True, False, True),
    "name-mismatch": (False, True, True, True),
    "colon-in-description": (False, True, True, True),
    "angle-brackets": (True, True, True, True),
    "flow-metadata": (False, True, True, True),
    "flow-list": (False, True, True, True),
    "metadata-string": (True, True, False, True),
    "metadata-json-string": (True, True, False, True),
    "metadata-list": (True, True, False, True),
    "duplicate-key": (False, True, False, False),
    "alias": (False, True, True, True),
    "undefined-alias": (False, False, False, False),
    "extra-key-version": (False, True, True, True),
    "compatibility": (True, True, True, True),
    "disable-model-invocation": (False, True, True, True),
    "allowed-tools-list": (True, True, True, True),
    "allowed-tools-number": (True, False, True, True),
    "description-number": (True, True, True, True),
    "description-list": (False, False, False, True),
    "name-number": (False, False, True, True),
    "name-bool": (False, True, True, True),
    "multiline-quoted-unindented": (True, False, True, False),
    "multiline-quoted-indented": (True, True, True, True),
    "multiline-plain": (True, True, True, True),
    "block-scalar": (True, True, True, True),
    "tab-indent": (False, True, False, False),
    "dashes-in-description": (True, True, True, True),
    "short-description-long": (True, True, True, True),
    "short-description-number": (True, True, True, True),
    "openclaw-primaryenv-list": (True, True, True, True),
    "openclaw-requires-env-number": (True, True, True, True),
    "openclaw-envvars-bool": (True, True, True, True),
    "openclaw-string-block": (True, True, True, True),
    "crlf": (True, True, True, True),
    "trailing-spaces-delim": (True, True, True, True),
    "yaml-tag": (False, True, True, True),
    "null-description": (False, True, False, False),
    "quoted-colon": (True, True, True, True),
    "hash-in-description": (True, True, True, True),
    "lowercase-file": (True, False, False, True),
    "leading-blank-line": (False, True, False, False),
    "yes-no-values": (True, True, True, True),
    "date-value": (True, True, True, True),
    "description-with-newline-only": (False, True, False, False),
}
