"""What we know about the Kimi models, in one table: flags, SKILL.md's model table and skill.yaml
read it (a test keeps the documents in step).

The live ``GET /v1/models`` list stays the authority for what exists: this table only describes
known models, and any other model id is passed through untouched. Facts are from Moonshot's
platform docs (models overview, chat reference) and RunAPI's published Kimi skill.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT_TOKENS = 262_144


@dataclass(frozen=True)
class Model:
    id: str
    use: str
    reasons_by_default: bool
    can_disable_thinking: bool
    # Sent when --max-tokens is not given: the API's own default is small (about 1024), and
    # reasoning and answer share it, so a thinking model would often end with no answer.
    default_max_tokens: int
    max_output_tokens: int = CONTEXT_TOKENS  # input + output must fit the context window
    context_tokens: int = CONTEXT_TOKENS
    # (temperature with thinking, temperature without): the API fixes them; None when free
    fixed_temperature: tuple[float, float] | None = (1.0, 0.6)
    default: bool = False


MODELS: tuple[Model, ...] = (
    Model("kimi-k2.6", "the default: current Kimi K2, reasons before answering", True, True, 32_768, default=True),
    Model("kimi-k2.5", "work tuned on K2.5; also reasons by default", True, True, 32_768),
    Model("kimi-k2.7-code", "coding: always reasons (--thinking off is refused)", True, False, 32_768, fixed_temperature=(1.0, 1.0)),
)
BY_ID = {model.id: model for model in MODELS}
DEFAULT_MODEL = next(model.id for model in MODELS if model.default)


def find(model_id: str) -> Model | None:
    return BY_ID.get(model_id)
