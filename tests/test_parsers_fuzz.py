"""Property tests: random bytes and random JSON never escape the parsers as anything but our errors."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from kimi_skill.errors import KimiError
from kimi_skill.failures import server_message
from kimi_skill.gemini_path import _Reader, json_array_items

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
