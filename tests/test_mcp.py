"""The MCP server, driven by the official SDK's own stdio client against the emulator."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import SCRIPTS, TEST_KEY, base_env

mcp = pytest.importorskip("mcp")


def server_env(emulator, home: Path) -> dict[str, str]:
    return base_env(RUNAPI_TOKEN=TEST_KEY, OPENAI_BASE_URL=emulator.base_url, KIMI_SKILL_HOME=str(home))


def with_session(emulator, home: Path, body: Callable[[Any], Awaitable[Any]], errlog: Path | None = None) -> Any:
    from mcp import ClientSession, StdioServerParameters, stdio_client

    params = StdioServerParameters(command=sys.executable, args=[str(SCRIPTS / "mcp_server.py")], env=server_env(emulator, home))

    async def main() -> Any:
        with open(errlog or home.parent / "server-stderr.log", "w") as err:
            async with stdio_client(params, errlog=err) as (read, write), ClientSession(read, write) as session:
                await session.initialize()
                return await body(session)

    return asyncio.run(main())


def payload(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    return json.loads(result.content[0].text)


def test_every_tool_is_listed_with_a_description_and_a_typed_schema(emulator, home):
    async def body(session):
        return (await session.list_tools()).tools

    tools = {tool.name: tool for tool in with_session(emulator, home, body)}
    assert sorted(tools) == ["ask", "history", "job_cancel", "job_result", "job_status", "models", "review"]
    assert all(tool.description for tool in tools.values())
    ask = tools["ask"].input_schema
    assert ask["required"] == ["prompt"] and ask["properties"]["max_tokens"]["anyOf"][0]["type"] == "integer"


def test_ask_answers_and_a_conversation_continues_across_calls(emulator, home):
    async def body(session):
        first = payload(await session.call_tool("ask", {"prompt": "hello"}))
        second = payload(await session.call_tool("ask", {"prompt": "and again", "conversation": first["conversation"]}))
        return first, second

    first, second = with_session(emulator, home, body)
    assert (first["content"], first["finish_reason"], first["truncated"]) == ("You said: hello", "stop", False)
    assert second["content"] == "[turn 2] You said: and again" and second["conversation"] == first["conversation"]


def test_an_error_is_a_tool_error_with_the_scripts_one_line_and_no_traceback(emulator, home, tmp_path):
    async def body(session):
        return await session.call_tool("ask", {"prompt": "x", "model": "kimi-nope"})

    errlog = tmp_path / "stderr.log"
    result = with_session(emulator, home, body, errlog)
    assert result.is_error
    text = result.content[0].text
    assert "unknown model 'kimi-nope'" in text and "available Kimi models: kimi-k2.5, kimi-k2.6, kimi-k2.7-code, kimi-k3" in text and text.endswith("(exit code 4)")
    assert "\n" not in text and "Traceback" not in errlog.read_text() and TEST_KEY not in errlog.read_text() + text


def test_schema_answers_come_back_parsed_in_data(emulator, home):
    async def body(session):
        return payload(await session.call_tool("ask", {"prompt": "film", "schema": "title, year int"}))

    assert with_session(emulator, home, body)["data"] == {"title": "xxxx", "year": 1}


def test_a_background_ask_returns_a_job_and_job_result_waits_for_it(emulator, home):
    async def body(session):
        started = payload(await session.call_tool("ask", {"prompt": "long one", "background": True}))
        result = payload(await session.call_tool("job_result", {"job": started["job"], "wait": 30}))
        status = payload(await session.call_tool("job_status", {"job": started["job"]}))
        return started, result, status

    started, result, status = with_session(emulator, home, body)
    assert started["status"] == "running" and started["job"].startswith("j-")
    assert (result["status"], result["content"], result["exit_code"]) == ("done", "You said: long one", 0)
    assert status["status"] == "done"


def test_job_cancel_stops_a_running_job(emulator, home):
    emulator.inject("slow:20")

    async def body(session):
        started = payload(await session.call_tool("ask", {"prompt": "slow", "background": True}))
        await asyncio.sleep(0.5)
        return payload(await session.call_tool("job_cancel", {"job": started["job"]}))

    assert with_session(emulator, home, body)["status"] == "cancelled"


def test_a_client_cancel_stops_the_call_and_the_server_keeps_serving(emulator, home):
    emulator.inject("slow:20")

    async def body(session):
        with pytest.raises(Exception):  # noqa: B017 (the SDK raises its own timeout error)
            await session.call_tool("ask", {"prompt": "slow"}, read_timeout_seconds=1.0)
        await asyncio.sleep(1.5)
        after = payload(await session.call_tool("ask", {"prompt": "next"}))
        listed = payload(await session.call_tool("history", {"action": "list"}))
        return after, listed

    after, listed = with_session(emulator, home, body)
    assert after["content"] == "You said: next"
    assert len(listed["conversations"]) == 2


def test_twenty_concurrent_asks_each_get_their_own_answer(emulator, home):
    async def body(session):
        results = await asyncio.gather(*(session.call_tool("ask", {"prompt": f"number {n}"}) for n in range(20)))
        return [payload(r)["content"] for r in results]

    assert with_session(emulator, home, body) == [f"You said: number {n}" for n in range(20)]


def test_review_tool_returns_the_checked_findings(emulator, home, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    for args in (["init", "-q"], ["config", "user.email", "a@b.c"], ["config", "user.name", "A"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True)
    (repo / "a.py").write_text("x = 1\n")
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", "a"], check=True)
    (repo / "a.py").write_text("x = 2  # high\n")

    async def body(session):
        return payload(await session.call_tool("review", {"repo": str(repo)}))

    doc = with_session(emulator, home, body)
    assert [(f["file"], f["severity"]) for f in doc["findings"]] == [("a.py", "high")] and len(doc["dropped"]) == 1


def test_history_show_and_models(emulator, home):
    async def body(session):
        first = payload(await session.call_tool("ask", {"prompt": "remember me"}))
        shown = payload(await session.call_tool("history", {"action": "show", "conversation": first["conversation"]}))
        models = payload(await session.call_tool("models", {}))
        return shown, models

    shown, models = with_session(emulator, home, body)
    assert [t["prompt"] for t in shown["turns"]] == ["remember me"]
    assert [m["id"] for m in models["models"] if m["default"]] == ["kimi-k3"]


def test_stdout_carries_only_protocol_messages(emulator, home):
    """A raw client: every line the server writes on stdout is a JSON-RPC message."""
    proc = subprocess.Popen([sys.executable, str(SCRIPTS / "mcp_server.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=server_env(emulator, home), text=True)
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "ask", "arguments": {"prompt": "hi"}}},
    ]
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("".join(json.dumps(m) + "\n" for m in messages))
    proc.stdin.flush()
    lines = []
    while not any(line.get("id") == 2 for line in lines):
        raw = proc.stdout.readline()
        assert raw, "the server closed stdout before answering"
        lines.append(json.loads(raw))
    proc.stdin.close()
    proc.wait(timeout=30)
    assert all(line.get("jsonrpc") == "2.0" for line in lines)
    assert "You said: hi" in json.dumps(lines[-1])
