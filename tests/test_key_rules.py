"""Each vendor rule against its own examples, as gitleaks keeps them: every ``catch`` example
is found by that rule, every ``pass`` example by nothing. Examples are templates filled with
seeded random characters (keyrules.expand), so no key-shaped string lives in the repository."""

from __future__ import annotations

import random

import pytest

from kimi_skill.validator.keyrules import RULES, expand
from kimi_skill.validator.secrets_scan import scan_text

ISSUE_VENDORS = {
    "openai", "anthropic", "google", "huggingface", "groq", "openrouter", "mistral", "cohere", "replicate", "perplexity",
    "xai", "sk", "github", "gitlab", "slack", "stripe", "twilio", "sendgrid", "mailgun", "grafana", "npm", "pypi", "aws",
    "aws-secret", "azure",
}


def examples(kind: str) -> list[tuple[str, str]]:
    rng = random.Random(15)
    out = []
    for rule in RULES:
        for template in getattr(rule, kind):
            for _ in range(5):
                out.append((rule.id, expand(template, rng)))
    return out


def test_every_vendor_the_issue_names_has_a_rule():
    assert ISSUE_VENDORS <= {rule.id for rule in RULES}


def test_every_rule_has_an_example_and_lower_case_keywords():
    for rule in RULES:
        assert rule.catch, rule.id
        assert all(k == k.lower() for k in rule.keywords), rule.id


def test_rule_ids_are_unique():
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("rule_id", "line"), examples("catch"), ids=lambda v: v if len(v) < 30 else "")
def test_the_rule_finds_its_catch_example(rule_id, line):
    kind = next(rule.kind for rule in RULES if rule.id == rule_id)
    assert kind in [hit.kind for hit in scan_text(line)]


@pytest.mark.parametrize(("rule_id", "line"), examples("passes"), ids=lambda v: v if len(v) < 30 else "")
def test_nothing_finds_a_pass_example(rule_id, line):
    assert [hit.kind for hit in scan_text(line)] == []


def test_templates_expand_reproducibly_and_fully():
    first = expand("x{a10}{h4}{age58}", random.Random(1))
    assert first == expand("x{a10}{h4}{age58}", random.Random(1))
    assert "{" not in first and len(first) == 1 + 10 + 4 + 58
