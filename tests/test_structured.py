"""--schema answers, --thinking, honest truncation, sampling refusals, and the exit codes an
agent acts on (6 rate limited, 7 schema failed, 8 no answer), on every protocol."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import PROTOCOLS, assert_clean
from kimi_skill.errors import UsageError
from kimi_skill.structured import Invalid, Schema, check, fields, load

PERSON = '{"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}, "required": ["name", "age"]}'


def system_sent(request) -> str:
    body = request.body
    if "systemInstruction" in body:
        return body["systemInstruction"]["parts"][0]["text"]
    if "system" in body:
        return body["system"]
    if "instructions" in body:
        return body["instructions"]
    return body["messages"][0]["content"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_schema_answer_prints_only_the_validated_json(run, emulator, protocol):
    result = run("chat", "--protocol", protocol, "--schema", PERSON, "Who wrote Hamlet?")
    assert (result.code, result.out, result.err) == (0, '{"name":"xxxx","age":1}\n', "")
    assert "It must validate against this JSON Schema:" in system_sent(emulator.state.requests[-1])


def test_a_model_with_json_mode_is_asked_for_it_on_each_protocol(run, emulator):
    run("chat", "--model", "kimi-k2.6", "--schema", PERSON, "x")
    assert emulator.state.requests[-1].body["response_format"] == {"type": "json_object"}
    run("chat", "--model", "kimi-k2.6", "--protocol", "responses", "--schema", PERSON, "x")
    assert emulator.state.requests[-1].body["text"] == {"format": {"type": "json_object"}}
    run("chat", "--model", "kimi-k2.6", "--protocol", "gemini", "--schema", PERSON, "x")
    assert emulator.state.requests[-1].body["generationConfig"]["responseMimeType"] == "application/json"


def test_stream_with_a_schema_also_prints_only_the_json(run):
    assert run("stream", "--schema", "title, pages int", "A book?").out == '{"title":"xxxx","pages":1}\n'


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_an_invalid_answer_is_asked_again_then_passes(run, emulator, protocol):
    emulator.inject("wrongjson")
    result = run("chat", "--protocol", protocol, "--json", "--schema", PERSON, "Who?")
    data = json.loads(result.out)
    assert (result.code, data["data"], data["attempts"]) == (0, {"name": "xxxx", "age": 1}, 2)
    last = emulator.state.requests[-1].body
    followup = last["contents"][-1]["parts"][0]["text"] if "contents" in last else last["input" if "input" in last else "messages"][-1]["content"]
    assert followup.startswith("That answer does not validate:\n- at (root): \"name\" is a required property")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_schema_failure_after_the_re_asks_exits_7_naming_the_first_violation(run, emulator, protocol):
    emulator.inject("wrongjson", times=None)
    result = run("chat", "--protocol", protocol, "--schema", PERSON, "Who?")
    assert (result.code, result.out) == (7, "")
    assert result.err == (
        "error: the answer does not match --schema after 2 attempts: at (root): \"name\" is a required property; "
        "the raw answer is in --json's content (and in history.py show); simplify the schema or raise --schema-retries\n"
    )
    assert len(emulator.state.requests) == 2


def test_schema_failure_keeps_the_last_raw_answer_in_json(run, emulator):
    emulator.inject("badjson", times=None)
    result = run("chat", "--json", "--schema-retries", "0", "--schema", PERSON, "Who?")
    data = json.loads(result.out)
    assert (result.code, data["content"], data["exit_code"]) == (7, '{"answer": "not closed', 7)
    assert data["error"].startswith("the answer does not match --schema after 1 attempt: the answer is not valid JSON (")


def test_schema_retries_is_bounded(run, emulator):
    result = run("chat", "--schema-retries", "4", "--schema", PERSON, "x")
    assert (result.code, result.err) == (2, "error: --schema-retries must be between 0 and 3, not 4\n")
    assert emulator.state.requests == []


def test_an_array_schema_is_wrapped_for_json_mode_and_unwrapped(run, emulator):
    schema = '{"type": "array", "items": {"type": "string"}, "minItems": 2}'
    result = run("chat", "--schema", schema, "Three colours?")
    assert result.out == '["xxxx","xxxx"]\n'
    assert '{"type": "object", "properties": {"items": {"type": "array"' in system_sent(emulator.state.requests[-1])


@pytest.mark.parametrize(
    ("schema", "error"),
    [
        ('{"type": "strnig"}', "error: --schema (inline JSON) is not a valid JSON Schema: at type: \"strnig\" is not valid under any of the schemas listed in the 'anyOf' keyword"),
        ('{"type": ', "error: --schema (inline JSON) is not valid JSON: Expecting value: line 1 column 9 (char 8)"),
        ("missing.json", "error: --schema missing.json: no such file, and not inline JSON or a field list"),
        ("name, age integr", "error: --schema field 'age' has unknown type 'integr'; use one of array, bool, boolean, dict, float, int, integer, list, number, object, str, string, text"),
        ("[1, 2]", "error: --schema (inline JSON) must be a JSON Schema object, not list"),
    ],
)
def test_an_invalid_schema_is_exit_2_before_any_request(run, emulator, schema, error):
    result = run("chat", "--schema", schema, "x")
    assert (result.code, result.out, result.err) == (2, "", error + "\n")
    assert emulator.state.requests == []


def test_a_schema_file_is_read(run, tmp_path):
    (tmp_path / "person.json").write_text(PERSON)
    assert run("chat", "--schema", "person.json", "x", cwd=tmp_path).out == '{"name":"xxxx","age":1}\n'


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_truncated_json_answer_is_never_accepted(run, emulator, protocol):
    result = run("chat", "--protocol", protocol, "--model", "kimi-k2.6", "--thinking", "off", "--max-tokens", "3", "--schema", PERSON, "x")
    assert (result.code, result.out) == (7, "")
    assert result.err == "error: the JSON answer was cut at 3 tokens (finish_reason length), so it is not accepted; raise --max-tokens\n"


def test_schema_with_jsonl_is_refused(run):
    result = run("chat", "--jsonl", "--schema", PERSON, "x")
    assert (result.code, result.err) == (2, "error: --schema prints one JSON value; use --json (not --jsonl) for the whole object\n")


# --thinking ----------------------------------------------------------------------------


def switch_sent(body: dict) -> object:
    """The reasoning switch a request carried, where its protocol puts it."""
    if "contents" in body:
        return body.get("generationConfig", {}).get("thinkingConfig")
    return body.get("thinking")


@pytest.mark.parametrize(("protocol", "on", "off"), [
    ("openai", {"type": "enabled"}, {"type": "disabled"}),
    ("anthropic", {"type": "enabled", "budget_tokens": 24576}, {"type": "disabled"}),
    ("gemini", {"includeThoughts": True}, {"thinkingBudget": 0}),
    ("responses", {"type": "enabled"}, {"type": "disabled"}),
])
def test_thinking_on_and_off_reach_the_wire(run, emulator, protocol, on, off):
    run("chat", "--protocol", protocol, "--model", "kimi-k2.6", "--thinking", "on", "x")
    assert switch_sent(emulator.state.requests[-1].body) == on
    result = run("chat", "--protocol", protocol, "--model", "kimi-k2.6", "--thinking", "off", "--reasoning", "x")
    assert switch_sent(emulator.state.requests[-1].body) == off
    assert (result.out, result.err) == ("You said: x\n", "")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_no_thinking_flag_sends_no_switch(run, emulator, protocol):
    run("chat", "--protocol", protocol, "x")
    assert switch_sent(emulator.state.requests[-1].body) is None


def test_thinking_off_is_refused_for_the_model_that_always_reasons(run, emulator):
    result = run("chat", "--model", "kimi-k2.7-code", "--thinking", "off", "x")
    assert (result.code, result.err) == (
        2,
        "error: kimi-k2.7-code always reasons, so --thinking off is refused (nothing was sent); "
        "kimi-k2.6 or kimi-k2.5 can answer without reasoning: pass --model kimi-k2.6\n",
    )
    assert emulator.state.requests == []


# truncation --------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("script", ["chat", "stream"])
def test_a_cut_answer_is_printed_with_one_warning(run, protocol, script):
    result = run(script, "--protocol", protocol, "--max-tokens", "11", "one two three four")
    assert (result.code, result.out) == (0, "You said:\n")
    assert result.err == (
        "warning: the answer was cut at 11 tokens (finish_reason length), so it is incomplete; "
        "raise --max-tokens (it always reasons, so reasoning shares the budget)\n"
    )


def test_a_cut_answer_of_a_model_that_can_stop_reasoning_suggests_thinking_off(run):
    result = run("chat", "--model", "kimi-k2.6", "--max-tokens", "11", "one two three four")
    assert result.err == "warning: the answer was cut at 11 tokens (finish_reason length), so it is incomplete; raise --max-tokens or pass --thinking off\n"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_json_says_truncated(run, protocol):
    data = json.loads(run("stream", "--protocol", protocol, "--json", "--max-tokens", "11", "one two").out)
    assert (data["truncated"], data["finish_reason"], data["content"]) == (True, "length", "You said:")


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("script", ["chat", "stream"])
def test_a_budget_spent_on_reasoning_is_exit_8_not_an_empty_success(run, protocol, script):
    result = run(script, "--protocol", protocol, "--max-tokens", "5", "x")
    assert (result.code, result.out) == (8, "")
    assert result.err == (
        "error: the token limit ran out during reasoning (cut at 5 tokens), so there is no answer; "
        "raise --max-tokens (it always reasons, so reasoning shares the budget)\n"
    )


def test_kimi_models_get_a_generous_default_max_tokens(run, emulator):
    run("chat", "x")
    assert emulator.state.requests[-1].body["max_completion_tokens"] == 32768


# sampling ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["-0.1", "2.5"])
def test_temperature_outside_0_to_2_is_refused(run, emulator, value):
    result = run("chat", "--model", "glm-4.6", "--temperature", value, "x")
    assert (result.code, result.err) == (2, f"error: --temperature must be between 0 and 2, not {float(value):g}\n")
    assert emulator.state.requests == []


def test_temperature_is_not_sent_to_a_model_that_fixes_it(run, emulator):
    result = run("chat", "--model", "kimi-k2.6", "--temperature", "0.3", "x")
    assert "temperature" not in emulator.state.requests[-1].body
    assert result.err == "warning: kimi-k2.6 fixes the temperature (1 with thinking, 0.6 without), so --temperature 0.3 is not sent\n"


def test_temperature_is_not_sent_to_the_default_model(run, emulator):
    result = run("chat", "--temperature", "0.3", "x")
    assert "temperature" not in emulator.state.requests[-1].body
    assert result.err == "warning: kimi-k3 fixes the temperature (1), so --temperature 0.3 is not sent\n"


# exit codes agents act on -----------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_rate_limit_that_persists_is_exit_6_with_the_wait_asked(run, emulator, protocol):
    emulator.inject("429:retry-after=2", times=None)
    result = run("chat", "--protocol", protocol, "--max-retries", "0", "x")
    assert (result.code, result.err) == (6, "error: rate limited (HTTP 429: emulated failure 429); the server asked to wait 2 s: wait that long, then try again\n")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_402_is_exit_4_saying_the_account_is_out_of_credit(run, emulator, protocol):
    emulator.inject("402")
    result = run("chat", "--protocol", protocol, "x")
    assert (result.code, result.err) == (4, "error: the account is out of credit (HTTP 402: emulated failure 402); top it up on https://runapi.ai, then try again\n")
    assert_clean(result)


# properties ---------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)
SCHEMA_KEYWORDS = st.fixed_dictionaries({}, optional={
    "type": st.sampled_from(["object", "array", "string", "integer", "number", "boolean", "null", "strnig", 3]),
    "properties": st.dictionaries(st.text(max_size=5), st.just({"type": "string"}), max_size=3) | JSON_VALUES,
    "required": st.lists(st.text(max_size=5), max_size=3) | JSON_VALUES,
    "items": st.just({"type": "integer"}) | JSON_VALUES,
    "minItems": st.integers(-2, 5) | JSON_VALUES,
    "enum": st.lists(JSON_VALUES, max_size=3) | JSON_VALUES,
    "pattern": st.text(max_size=6),
    "additionalProperties": st.booleans() | JSON_VALUES,
})


@given(schema=SCHEMA_KEYWORDS)
def test_any_schema_is_loaded_or_refused_with_a_usage_error(schema):
    try:
        loaded = load(json.dumps(schema))
    except UsageError:
        return
    assert isinstance(loaded, Schema)


@given(schema=SCHEMA_KEYWORDS, answer=st.text(max_size=40) | JSON_VALUES.map(json.dumps))
def test_any_answer_to_any_valid_schema_validates_or_is_invalid(schema, answer):
    try:
        loaded = load(json.dumps(schema))
    except UsageError:
        return
    try:
        check(answer, loaded)
    except Invalid as problem:
        assert problem.first and problem.all_errors


@given(text=st.text(max_size=30))
def test_any_field_list_is_a_schema_or_a_usage_error(text):
    try:
        fields(text)
    except UsageError:
        pass
