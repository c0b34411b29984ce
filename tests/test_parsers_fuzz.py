"""Property tests: random bytes and random JSON never escape the parsers as anything but our errors."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from kimi_skill.errors import KimiError
from kimi_skill.protocols.failures import server_message
from kimi_skill.protocols.gemini import _Reader, json_array_items

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
GEMINI_LIKE = st.fixed_dictionaries(
    {"candidates": st.lists(st.fixed_dictionaries({"content": st.fixed_dictionaries({"parts": st.lists(JSON, max_size=3)}), "finishReason": JSON}), max_size=2)},
    optional={"usageMetadata": JSON, "error": JSON, "modelVersion": JSON},
)


@given(st.binary(max_size=300), st.text(max_size=30))
def test_error_bodies_always_give_a_message(body, content_type):
    assert isinstance(server_message(body, content_type), str)


@given(JSON)
def test_error_json_of_any_shape_gives_a_message(data):
    assert isinstance(server_message(json.dumps(data).encode(), "application/json"), str)


@settings(max_examples=300)
@given(JSON | GEMINI_LIKE)
def test_gemini_reader_accepts_or_raises_our_error(data):
    reader = _Reader()
    try:
        list(reader.read(data))
        list(reader.end())
    except KimiError:
        pass


@given(st.lists(st.binary(max_size=40), max_size=6))
def test_json_array_reader_on_random_bytes(chunks):
    try:
        for _ in json_array_items(chunks):
            pass
    except KimiError:
        pass


@given(st.lists(JSON, max_size=5), st.integers(min_value=1, max_value=7))
def test_json_array_reader_recovers_every_element_however_it_is_cut(items, step):
    raw = json.dumps(items).encode()
    chunks = [raw[i : i + step] for i in range(0, len(raw), step)]
    assert list(json_array_items(chunks)) == items


EVENT_NAMES = st.sampled_from(
    ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop", "ping", "error", "mystery"]
)
EVENT_DATA = st.one_of(JSON.map(json.dumps), st.text(max_size=40))


@settings(max_examples=300)
@given(st.lists(st.tuples(EVENT_NAMES, EVENT_DATA), max_size=8))
def test_anthropic_event_reader_accepts_or_raises_our_error(stream):
    from kimi_skill.protocols.anthropic import events_from

    try:
        for _ in events_from(stream):
            pass
    except KimiError:
        pass


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(["id", "model", "choices", "usage", "object"]), JSON, max_size=5))
def test_openai_completion_reader_accepts_or_raises_our_error(data):
    from openai.types.chat import ChatCompletion

    from kimi_skill.protocols.openai import events_from_completion

    try:
        for _ in events_from_completion(ChatCompletion.construct(**data)):
            pass
    except KimiError:
        pass


@settings(max_examples=300)
@given(st.lists(st.dictionaries(st.sampled_from(["id", "model", "choices", "usage", "object"]), JSON, max_size=5), max_size=5), st.booleans())
def test_openai_chunk_reader_accepts_or_raises_our_error(chunks, saw_done):
    from openai.types.chat import ChatCompletionChunk

    from kimi_skill.protocols.openai import ChunkReader

    reader = ChunkReader()
    try:
        for data in chunks:
            for _ in reader.read(ChatCompletionChunk.construct(**data)):
                pass
        for _ in reader.end(saw_done):
            pass
    except KimiError:
        pass


ANY_YAML = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12,
)
OPENCLAW = st.fixed_dictionaries({}, optional={
    key: ANY_YAML for key in ("homepage", "primaryEnv", "emoji", "always", "os", "requires", "envVars", "install", "skillKey")
} | {"requires": st.fixed_dictionaries({}, optional={k: ANY_YAML for k in ("env", "bins", "anyBins", "config")}) | ANY_YAML})
FRONTMATTER = st.fixed_dictionaries({}, optional={
    "name": ANY_YAML, "description": ANY_YAML, "license": ANY_YAML, "compatibility": ANY_YAML, "allowed-tools": ANY_YAML,
    "metadata": st.fixed_dictionaries({}, optional={"openclaw": OPENCLAW | ANY_YAML, "clawdbot": OPENCLAW, "version": ANY_YAML}) | ANY_YAML,
    "homepage": ANY_YAML, "version": ANY_YAML,
})


@given(frontmatter=FRONTMATTER)
def test_any_types_in_any_frontmatter_field_are_findings_never_crashes(tmp_path_factory, frontmatter):
    import yaml

    from kimi_skill.validator.runner import Options, validate

    root = tmp_path_factory.mktemp("fuzz") / "skills" / "demo"
    root.mkdir(parents=True)
    (root / "SKILL.md").write_text("---\n" + yaml.safe_dump(frontmatter, allow_unicode=True) + "---\n\n# Body\n")
    result = validate(str(root), Options(targets=["agentskills", "claude-code", "codex", "openclaw", "claude-ai", "clawhub"]))
    assert result.failure is None
