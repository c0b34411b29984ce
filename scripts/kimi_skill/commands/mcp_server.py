"""``kimi-skill-mcp``: the skill's commands as MCP tools, over stdio, on the official ``mcp`` SDK.

One resident process answers tool calls without paying interpreter and SDK start-up each time.
Every tool is a thin layer over the same code the scripts run: ``ask`` is
:func:`kimi_skill.commands.chat.answer` (the call core, the store, the error wording), ``review``
is :func:`kimi_skill.commands.review.run_review`, the job tools read the same job rows as
``jobs.py``. stdout carries protocol messages only; logs go to stderr; the key is read from the
environment, as by every script, and never logged. A failure comes back as a tool error
(``isError``) whose text is the one line the script would print; a cancel from the client stops
the call at the next piece of the answer and records the turn as incomplete.
"""

# no "from __future__ import annotations": the tools' annotations must be objects when they are
# defined inside build(), where the SDK's Context and pydantic's Field are imported (lazily)

import argparse
import json
import logging
import os
import sys
import threading
from typing import Annotated, Any, Literal

from .. import __version__, catalog
from ..args import OneLineParser
from ..errors import KimiError, UsageError, exit_codes_epilog
from .common import ENVIRONMENT

INSTRUCTIONS = (
    "Tools that delegate work to the Kimi models (kimi-k3 by default) through RunAPI. Use ask for one answer "
    "(continue a conversation by passing the conversation id it returned), review for a second opinion on the "
    "uncommitted git change of a repository, and background=true for anything that may run past your tool-call "
    "time limit: it returns a job id at once; poll it with job_result (wait up to 60 s per call)."
)


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="mcp_server.py", description="Serve the skill's commands as MCP tools over stdio (for Claude Code, Codex, Gemini CLI, Claude Desktop, ...).",
        epilog=f"{ENVIRONMENT}\n{exit_codes_epilog()}", formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--log-level", choices=("debug", "info", "warning", "error"), default="warning", help="log level of the stderr log (default warning)")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def ToolFailure(text: str) -> Exception:
    """A tool's one-line error, returned to the client as an isError result (the SDK's own
    ToolError, so the server logs one line, not a traceback)."""
    from mcp.server.mcpserver.exceptions import ToolError

    return ToolError(text)


def _error(result: dict[str, Any]) -> None:
    if result.get("error"):
        code = result.get("exit_code")
        raise ToolFailure(str(result["error"]) + (f" (exit code {code})" if code is not None else ""))


def build() -> Any:
    import anyio
    from mcp.server.mcpserver import Context, MCPServer
    from pydantic import Field

    server: Any = MCPServer(name="kimi", title="Kimi through RunAPI", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")

    async def in_thread(ctx: Context | None, work: Any) -> Any:
        """Run blocking work off the event loop; a cancel from the client sets the flag it polls."""
        flag = threading.Event()
        try:
            return await anyio.to_thread.run_sync(work, flag.is_set, abandon_on_cancel=True)
        finally:
            flag.set()  # the client cancelled, or the call ended: a thread still running stops at its next piece

    @server.tool(description=(
        "Ask a Kimi model once and get the whole answer. Returns answer text (content), the conversation id to continue "
        "it, usage, finish_reason and truncated. Pass conversation to follow up on an earlier answer; files are read "
        "from disk and sent in <file path=...> blocks; schema makes the answer JSON valid for a JSON Schema (inline "
        "JSON or a field list like 'title, year int'), returned in data. background=true returns a job id at once "
        "(poll with job_result) for answers that may take minutes."
    ))
    async def ask(
        prompt: Annotated[str, Field(description="the prompt")],
        ctx: Context,
        files: Annotated[list[str] | None, Field(description="absolute paths of UTF-8 text files to attach (the server's folder may not be your project)")] = None,
        system: Annotated[str | None, Field(description="system prompt")] = None,
        conversation: Annotated[str | None, Field(description="continue this conversation (an id from an earlier ask)")] = None,
        model: Annotated[str | None, Field(description=f"model id (default {catalog.DEFAULT_MODEL})")] = None,
        schema: Annotated[str | None, Field(description="JSON Schema (inline JSON) or field list; the answer comes back parsed in data")] = None,
        thinking: Annotated[Literal["on", "off"] | None, Field(description="reasoning on or off (kimi-k2.6/k2.5 only)")] = None,
        max_tokens: Annotated[int | None, Field(description="answer budget, reasoning included")] = None,
        background: Annotated[bool, Field(description="start a job and return its id at once")] = False,
        protocol: Annotated[Literal["openai", "responses", "anthropic", "gemini"], Field(description="wire protocol")] = "openai",
    ) -> dict[str, Any]:
        from .chat import answer

        options = {
            "prompt": prompt, "file": list(files or []), "system": system, "conversation": conversation, "model": model, "schema": schema,
            "thinking": thinking, "max_tokens": max_tokens, "background": background, "protocol": protocol,
        }
        portal = _Progress(ctx)
        result = await in_thread(ctx, lambda cancelled: answer(options, cancelled, portal.report))
        _error(result)
        return result

    @server.tool(description=(
        "Review a change in a git repository and return findings checked against the diff: verdict, findings "
        "(severity, file, line_start, line_end, title, body, recommendation), dropped (findings citing lines outside "
        "the change) and the conversation id for follow-up questions through ask. mode: uncommitted (default, untracked "
        "files included), staged, base (with ref: the branch since it left ref) or commit (with ref)."
    ))
    async def review(
        ctx: Context,
        repo: Annotated[str, Field(description="absolute path of the repository (the server's folder may not be your project)")] = ".",
        mode: Annotated[Literal["uncommitted", "staged", "base", "commit"], Field(description="what to review")] = "uncommitted",
        ref: Annotated[str | None, Field(description="the base branch (mode base) or the commit (mode commit)")] = None,
        focus: Annotated[str, Field(description="what to look at most closely")] = "",
        paths: Annotated[list[str] | None, Field(description="only files matching these git glob pathspecs")] = None,
        adversarial: Annotated[bool, Field(description="argue against the change")] = False,
        model: Annotated[str | None, Field(description="model id")] = None,
        background: Annotated[bool, Field(description="start a job and return its id at once")] = False,
    ) -> dict[str, Any]:
        argv = ["--repo", repo, "--format", "json", *(["--adversarial"] if adversarial else []), *(["--model", model] if model else [])]
        if mode != "uncommitted":
            if mode in ("base", "commit") and not ref:
                raise ToolFailure(f"mode {mode} needs ref (exit code 2)")
            argv += [f"--{mode}", *([ref] if mode != "staged" and ref else [])]
        argv += [*(["--paths", *paths] if paths else []), *(["--background"] if background else []), *([focus] if focus else [])]
        result = await in_thread(ctx, lambda cancelled: _review(argv))
        _error(result)
        return result

    @server.tool(description="The state of a background job: status (running, done, failed, cancelled, died), characters received so far, its conversation.")
    async def job_status(job: Annotated[str, Field(description="the job id (j-...)")]) -> dict[str, Any]:
        return await in_thread(None, lambda cancelled: _job(job, "status", 0))

    @server.tool(description="A background job's result: waits up to wait seconds (at most 60) for it to end; status running means poll again.")
    async def job_result(job: Annotated[str, Field(description="the job id (j-...)")], wait: Annotated[float, Field(description="seconds to wait for the end, 0 to 60")] = 0) -> dict[str, Any]:
        return await in_thread(None, lambda cancelled: _job(job, "result", min(max(wait, 0.0), 60.0)))

    @server.tool(description="Cancel a background job; what it received so far is kept.")
    async def job_cancel(job: Annotated[str, Field(description="the job id (j-...)")]) -> dict[str, Any]:
        return await in_thread(None, lambda cancelled: _job(job, "cancel", 0))

    @server.tool(description="The local conversation history: action list (recent conversations) or show (one conversation's turns).")
    async def history(
        action: Annotated[Literal["list", "show"], Field(description="list or show")] = "list",
        conversation: Annotated[str | None, Field(description="the conversation id (show)")] = None,
        limit: Annotated[int, Field(description="how many conversations (list)")] = 20,
    ) -> dict[str, Any]:
        return await in_thread(None, lambda cancelled: _history(action, conversation, limit))

    @server.tool(description="The Kimi models the key can use, with each known model's capabilities (reasoning, JSON mode, output cap, context).")
    async def models(all_models: Annotated[bool, Field(description="every model the key sees, not only Kimi's")] = False) -> dict[str, Any]:
        return await in_thread(None, lambda cancelled: _models(all_models))

    return server


class _Progress:
    """Progress notifications from the worker thread back to the client, at most one a second."""

    def __init__(self, ctx: Any) -> None:
        import time

        self.ctx, self.last, self.clock = ctx, 0.0, time.monotonic

    def report(self, chars: int) -> None:
        import anyio.from_thread

        now = self.clock()
        if now - self.last < 1.0:
            return
        self.last = now
        try:
            anyio.from_thread.run(self.ctx.report_progress, chars, None, f"{chars} characters of the answer so far")
        except Exception:  # progress is best effort: a client that asked for none, or has gone
            pass


def _review(argv: list[str]) -> dict[str, Any]:
    """review.py in-process, its JSON captured (a worker thread: nothing reaches our stdout)."""
    from .review import parser as review_parser
    from .review import prepare, run_review

    try:
        args = review_parser().parse_args(argv)
    except SystemExit:
        return {"error": "the review options are not valid", "exit_code": 2}
    try:
        prepared = prepare(args)
        if not prepared.change.files:
            from .review import _empty

            return _empty(prepared)
        if args.background:
            from ..background import launch
            from ..review.change import dump
            from ..store import Store

            spec = {
                "kind": "review", "requests": [r.as_json() for r in prepared.requests], "protocol": prepared.protocol,
                "max_retries": prepared.policy.max_retries, "timeout": prepared.limits.idle_timeout, "max_time": None,
                "change": dump(prepared.change), "output": None,
                "meta": {"summarised": prepared.assembled.summarised, "masked": prepared.assembled.masked, "guidance": prepared.assembled.guidance},
            }
            job_id, conversation = launch(Store.open(), prepared.settings, spec, f"review of {prepared.change.label}", "\n\n".join(prepared.assembled.prompts),
                                          prepared.plain_system, prepared.model, prepared.protocol)
            return {"job": job_id, "conversation": conversation, "status": "running"}
        from ..store import Store, conversations, disabled
        from .review import _document, _end_turn

        store = turn = None
        if not disabled():
            store = Store.open()
            turn = store.run(conversations.begin, None, f"review of {prepared.change.label}", "\n\n".join(prepared.assembled.prompts),
                             prepared.plain_system, prepared.model, prepared.protocol, [])
        try:
            result, facts = run_review(prepared.settings, prepared.requests, prepared.protocol, prepared.policy, prepared.limits, prepared.change)
        except KimiError as exc:
            from .review import _explain

            message = _explain(exc, prepared)
            _end_turn(store, turn, "incomplete", None, message, exc.exit_code)
            return {"error": message, "exit_code": exc.exit_code, "conversation": turn.conversation_id if turn else None}
        doc = _document(prepared, result, facts, turn.conversation_id if turn else None)
        _end_turn(store, turn, "complete", doc, None, 0)
        return doc
    except KimiError as exc:
        return {"error": exc.message, "exit_code": exc.exit_code}


def _job(job_id: str, action: str, wait: float) -> dict[str, Any]:
    from ..store import Store, conversations
    from .jobs import _as_json, _cancel, _wait

    try:
        store = Store.open()
        resolved = store.run(conversations.resolve, "jobs", job_id, "job")
        job = _cancel(store, resolved) if action == "cancel" else _wait(store, resolved, wait)
        view = _as_json(store, job, action == "result")
        if action == "result" and view["content"] is None and job.get("result") and job["status"] == "done":
            view["content"] = job["result"]
        return view
    except KimiError as exc:
        raise ToolFailure(f"{exc.message} (exit code {exc.exit_code})") from None


def _history(action: str, conversation: str | None, limit: int) -> dict[str, Any]:
    from ..store import Store, conversations

    try:
        store = Store.open()
        if action == "list":
            return {"conversations": store.run(conversations.listing, max(1, min(limit, 200)))}
        if not conversation:
            raise UsageError("show needs conversation (an id from ask or history list)")
        resolved = store.run(conversations.resolve, "conversations", conversation, "conversation")
        return {"id": resolved, "turns": store.run(conversations.turns, resolved)}
    except KimiError as exc:
        raise ToolFailure(f"{exc.message} (exit code {exc.exit_code})") from None


def _models(every: bool) -> dict[str, Any]:
    from ..config import load_settings
    from ..protocols.guard import Limits
    from ..protocols.listing import fetch_models, is_kimi
    from ..protocols.retry import policy_from

    try:
        listed = fetch_models(load_settings(), policy_from(None, os.environ), Limits(idle_timeout=30.0), None)
    except KimiError as exc:
        raise ToolFailure(f"{exc.message} (exit code {exc.exit_code})") from None
    default = catalog.default_model()[0]
    chosen = listed if every else [m for m in listed if is_kimi(m["id"])]
    return {"models": [{**m, "default": m["id"] == default, "capabilities": known.capabilities() if (known := catalog.find(m["id"])) else None} for m in chosen]}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=args.log_level.upper(), format="kimi-skill-mcp: %(levelname)s %(message)s")
    try:
        server = build()
    except ModuleNotFoundError as exc:
        from ..deps import missing

        sys.stderr.write(f"error: {missing(exc, 'mcp_server.py')}\n")
        return 3
    server.run("stdio")
    return 0


__all__ = ["build", "json", "main"]
