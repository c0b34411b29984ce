"""What each Kimi model accepts at RunAPI, in one table: the flags, the request guard
(:mod:`kimi_skill.boundary`), ``models.py --json``, SKILL.md's model table and skill.yaml all
read it (tests keep the documents in step).

The live ``GET /v1/models`` list stays the authority for what exists: this table only describes
known models, and any other model id is passed through untouched. Each fact names its source in
:data:`SOURCES`; where no source states a fact, the table says what we assumed and why.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

CONTEXT_TOKENS = 262_144
DEFAULT_ENV = "KIMI_SKILL_MODEL"  # the user's own default model

SOURCES: dict[str, str] = {
    "runapi-skill": "RunAPI's Kimi skill v0.2.1 (github.com/runapi-ai/kimi, skills/kimi/SKILL.md: models, 'K3 and K2.7 Code capability boundary')",
    "moonshot-models": "Moonshot platform docs, models overview (thinking default, fixed sampling, 256K context)",
    "moonshot-json": "Moonshot platform docs, 'use json mode feature of kimi api' (json_object only)",
    "moonshot-chat": "Moonshot platform docs, chat reference (max_completion_tokens replaces max_tokens)",
    "live-api-catalog": "synaps-engine runtime/openai/catalog/kimi.rs, checked against the live Moonshot API (k2.7-code refuses thinking disabled)",
    "assumed": "not published: assumed equal to the K2 models' context window",
}

Thinking = Literal["always", "default-on"]


@dataclass(frozen=True)
class Model:
    """One model's capabilities at the gateway. ``thinking_control`` False means the request may
    carry no reasoning switch at all (the model always reasons and refuses the field); the same
    holds for ``json_mode`` (``response_format`` and the other protocols' equivalents), ``tools``
    and ``images``. ``sampling_fixed`` means sampling fields may be omitted or sent only with the
    fixed values in ``fixed_sampling``."""

    id: str
    use: str
    thinking: Thinking
    thinking_control: bool
    json_mode: bool
    tools: bool
    images: bool
    returns_reasoning: bool  # raw reasoning text comes back (reasoning_content and the like)
    max_output_tokens: int
    context_tokens: int
    # Sent when --max-tokens is not given: the API's own default is small (about 1024), and
    # reasoning and answer share it, so a reasoning model would often end with no answer.
    default_max_tokens: int
    max_tokens_field: str  # the Chat Completions field we send (never both)
    # (temperature with thinking, temperature without): the API fixes them
    fixed_temperature: tuple[float, float]
    sampling_fixed: bool  # any sampling field other than the fixed values fails the call
    sources: Mapping[str, str]  # fact -> key of SOURCES
    recommended: bool = False  # the upstream skill's primary recommendation: our default

    @property
    def reasons_by_default(self) -> bool:
        return True

    @property
    def can_disable_thinking(self) -> bool:
        return self.thinking_control

    @property
    def boundary(self) -> bool:
        """The 'basic text only' boundary: no reasoning switch, JSON mode, tools or images."""
        return not (self.thinking_control or self.json_mode or self.tools or self.images)

    def capabilities(self) -> dict[str, object]:
        """The table row as JSON (``models.py --json``, skill.yaml)."""
        return {
            "thinking": self.thinking, "thinking_control": self.thinking_control, "json_mode": self.json_mode,
            "tools": self.tools, "images": self.images, "returns_reasoning": self.returns_reasoning,
            "sampling": "fixed", "fixed_temperature": list(self.fixed_temperature),
            "max_output_tokens": self.max_output_tokens, "context_tokens": self.context_tokens,
            "default_max_tokens": self.default_max_tokens, "max_tokens_field": self.max_tokens_field,
            "schema_via": "json_mode" if self.json_mode else "prompt",
        }


FIXED_SAMPLING: dict[str, float] = {"top_p": 0.95, "n": 1, "presence_penalty": 0.0, "frequency_penalty": 0.0}
_BOUNDARY_SOURCES = {fact: "runapi-skill" for fact in ("thinking", "thinking_control", "json_mode", "tools", "images", "returns_reasoning", "sampling", "max_output_tokens", "max_tokens_field")}
_K2_SOURCES = {
    "thinking": "moonshot-models", "thinking_control": "moonshot-models", "json_mode": "moonshot-json", "tools": "moonshot-models",
    "images": "runapi-skill", "returns_reasoning": "moonshot-models", "sampling": "moonshot-models", "max_output_tokens": "moonshot-models",
    "context_tokens": "moonshot-models", "max_tokens_field": "moonshot-chat",
}

MODELS: tuple[Model, ...] = (
    Model(
        "kimi-k3", "the default: RunAPI's flagship for text, always reasons", "always", False, False, False, False, False,
        131_072, CONTEXT_TOKENS, 32_768, "max_completion_tokens", (1.0, 1.0), True,
        {**_BOUNDARY_SOURCES, "context_tokens": "assumed"}, recommended=True,
    ),
    Model(
        "kimi-k2.7-code", "coding: always reasons", "always", False, False, False, False, False,
        32_768, CONTEXT_TOKENS, 32_768, "max_completion_tokens", (1.0, 1.0), True,
        {**_BOUNDARY_SOURCES, "thinking": "live-api-catalog", "context_tokens": "moonshot-models"},
    ),
    Model(
        # RunAPI lists the K2 models' modality as text: images through RunAPI are unverified, so refused
        "kimi-k2.6", "current Kimi K2: reasoning can be switched off, JSON mode", "default-on", True, True, True, False, True,
        CONTEXT_TOKENS, CONTEXT_TOKENS, 32_768, "max_completion_tokens", (1.0, 0.6), True, _K2_SOURCES,
    ),
    Model(
        "kimi-k2.5", "work tuned on K2.5; like kimi-k2.6", "default-on", True, True, True, False, True,
        CONTEXT_TOKENS, CONTEXT_TOKENS, 32_768, "max_completion_tokens", (1.0, 0.6), True, _K2_SOURCES,
    ),
)
BY_ID = {model.id: model for model in MODELS}
RECOMMENDED = next(model.id for model in MODELS if model.recommended)
DEFAULT_MODEL = RECOMMENDED  # what --help and the docs name; default_model() adds the user's own


def find(model_id: str) -> Model | None:
    return BY_ID.get(model_id)


def default_model(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The model used when none is given, and where it came from (``KIMI_SKILL_MODEL`` or the
    catalog's recommendation)."""
    chosen = ((os.environ if environ is None else environ).get("KIMI_SKILL_MODEL") or "").strip()  # DEFAULT_ENV
    return (chosen, DEFAULT_ENV) if chosen else (RECOMMENDED, "default")


def able(capability: str) -> list[str]:
    """Known models that have ``capability`` (a boolean field), for 'use X instead' hints."""
    return [model.id for model in MODELS if getattr(model, capability)]
