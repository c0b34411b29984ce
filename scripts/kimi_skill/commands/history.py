"""``history.py``: the conversations in the local store, their turns, token totals, and
deleting them. Token counts only: prices change, so they are linked, never copied."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from typing import Any

from ..args import OneLineParser
from ..errors import KimiError, UsageError, exit_codes_epilog
from ..untrusted import dumps, for_line, for_terminal
from .common import fail, silence_stdout

PRICES = "https://runapi.ai/models/kimi.md"


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="history.py", description="Conversations kept by chat.py and stream.py (see references/cli.md, 'Conversations').", epilog=exit_codes_epilog())
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser)
    listing = sub.add_parser("list", help="recent conversations: id, time, model, turns, tokens, first line")
    listing.add_argument("--limit", type=int, default=20, metavar="N", help="how many (default 20)")
    show = sub.add_parser("show", help="every turn of one conversation")
    show.add_argument("id", metavar="ID", help="conversation id (a unique prefix is enough)")
    usage = sub.add_parser("usage", help="token totals by day and model")
    usage.add_argument("--days", type=int, default=30, metavar="N", help="how many days back (default 30)")
    delete = sub.add_parser("delete", help="delete one conversation")
    delete.add_argument("id", metavar="ID", help="conversation id")
    purge = sub.add_parser("purge", help="delete conversations last used before a date")
    purge.add_argument("--before", required=True, metavar="YYYY-MM-DD", help="the date (local time)")
    sub.add_parser("path", help="print where the store is")
    for each in sub.choices.values():
        each.add_argument("--json", action="store_true", help="print JSON")
    return p


def _when(stamp: float | None) -> str:
    try:
        return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M") if stamp else "-"
    except (OverflowError, OSError, ValueError):
        return "-"


def _write(text: str) -> None:
    sys.stdout.write(text)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        from ..store import Store, conversations

        store = Store.open()
        if args.command == "path":
            _write(dumps({"path": str(store.path)}) + "\n" if args.json else f"{store.path}\n")
        elif args.command == "list":
            rows = store.run(conversations.listing, args.limit)
            if args.json:
                _write(dumps(rows, indent=2) + "\n")
            for row in [] if args.json else rows:
                _write(for_line(f"{row['id']}  {_when(row['updated'])}  {row['model']}  {row['turns']} turns  {row['tokens']} tokens  {(row['title'] or '')[:60]}") + "\n")
        elif args.command == "show":
            conversation_id = store.run(conversations.resolve, "conversations", args.id, "conversation")
            turns = store.run(conversations.turns, conversation_id)
            if args.json:
                _write(dumps({"id": conversation_id, "turns": turns}, indent=2) + "\n")
            else:
                _write("".join(_turn(t) for t in turns))
        elif args.command == "usage":
            rows = store.run(conversations.usage, time.time() - args.days * 86400)
            if args.json:
                _write(dumps({"days": rows, "prices": PRICES}, indent=2) + "\n")
            else:
                for row in rows:
                    _write(for_line(f"{row['day']}  {row['model']}  {row['turns']} turns  prompt {row['prompt_tokens']}  completion {row['completion_tokens']}  total {row['total_tokens']}") + "\n")
                _write(f"prices: {PRICES}\n")
        elif args.command == "delete":
            conversation_id = store.run(conversations.resolve, "conversations", args.id, "conversation")
            count = store.run(conversations.delete, conversation_id)
            _write(dumps({"deleted": conversation_id, "turns": count}) + "\n" if args.json else f"deleted {conversation_id} ({count} turns)\n")
        elif args.command == "purge":
            try:
                before = datetime.strptime(args.before, "%Y-%m-%d").timestamp()
            except ValueError:
                raise UsageError(f"--before {args.before!r} is not a date like 2026-01-31") from None
            count = store.run(conversations.purge, before)
            _write(dumps({"deleted": count}) + "\n" if args.json else f"deleted {count} conversations last used before {args.before}\n")
        sys.stdout.flush()
        return 0
    except KimiError as exc:
        return fail(exc.message, exc.exit_code)
    except BrokenPipeError:
        silence_stdout()
        return 0


def _turn(turn: dict[str, Any]) -> str:
    files = "".join(f"  file {f['path']} ({f['bytes']} bytes, sha256 {(f['sha256'] or '')[:12]})\n" for f in turn["files"])
    head = f"## turn {turn['seq']} ({_when(turn['started'])}, {turn['model']}, {turn['status']}, {turn['total_tokens'] or 0} tokens)\n"
    system = f"  system: {turn['system']}\n" if turn["system"] else ""
    error = f"error: {turn['error']}\n" if turn["error"] else ""
    body = f"> {turn['prompt']}\n{system}{files}\n{turn['answer'] or ''}\n{error}\n"
    text = head + body
    return for_terminal(text) if sys.stdout.isatty() else text
