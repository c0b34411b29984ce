"""``models.py``: the model IDs a key can use, from ``GET /v1/models`` (httpx only: fast)."""

from __future__ import annotations

import argparse
import os
import sys

from ..args import OneLineParser
from ..debug import DebugLog
from ..errors import KimiError, exit_codes_epilog
from ..untrusted import dumps, for_line
from .common import ENVIRONMENT, fail, internal, network_options, silence_stdout, warn


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="models.py",
        description="List the model IDs your RunAPI key can use (Kimi models unless --all).",
        epilog=f"{ENVIRONMENT}\n{exit_codes_epilog()}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--all", action="store_true", help="list every model, not only Kimi models")
    p.add_argument("--json", action="store_true", help="print the model objects as a JSON array, each with its known capabilities (null when unknown)")
    network_options(p)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        from ..config import load_settings
        from ..protocols.guard import Limits
        from ..protocols.listing import fetch_models, is_kimi
        from ..protocols.retry import policy_from

        policy = policy_from(args.max_retries, os.environ)
        settings = load_settings()
        for note in settings.warnings:
            warn(note)
        models = fetch_models(settings, policy, Limits(idle_timeout=args.timeout), DebugLog(sys.stderr) if args.debug else None)
        chosen = models if args.all else [m for m in models if is_kimi(m["id"])]
        if args.json:
            from .. import catalog

            default = catalog.default_model()[0]
            described = [
                {**m, "default": m["id"] == default, "capabilities": known.capabilities() if (known := catalog.find(m["id"])) else None}
                for m in chosen
            ]
            sys.stdout.write(dumps(described, indent=2) + "\n")
        else:
            # ids come from the server: never let one drive the terminal or forge a line
            sys.stdout.write("".join(f"{for_line(m['id'])}\n" for m in chosen))
        sys.stdout.flush()
        if not chosen:
            sys.stderr.write("note: the API lists no Kimi models for this key; --all shows every model\n")
        return 0
    except KimiError as exc:
        if args.json:
            sys.stdout.write(dumps({"error": exc.message, "exit_code": exc.exit_code}) + "\n")
        return fail(exc.message, exc.exit_code)
    except BrokenPipeError:
        silence_stdout()
        return 0
    except OSError as exc:
        return fail(f"could not write to stdout ({exc.strerror or type(exc).__name__})", 12)
    except ModuleNotFoundError as exc:
        from ..deps import missing

        return fail(missing(exc, "models.py"), 3)
    except Exception as exc:
        return internal(exc, args.debug)
