"""``python3 -m kimi_skill.emulator``: serve until interrupted, printing the base URL first."""

from __future__ import annotations

import argparse
import sys

from .server import EMULATOR_KEY, Emulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m kimi_skill.emulator",
        description=f"Serve an emulated RunAPI on loopback. It accepts the key {EMULATOR_KEY!r} only.",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    parser.add_argument("--fault", action="append", default=[], metavar="SPEC", help="inject a fault into every request, e.g. 429:retry-after=1, drop:3 (repeatable)")
    parser.add_argument("--chunks", type=int, help="answer every stream with this many one-word chunks (benchmarks)")
    parser.add_argument("--rpm", type=float, help="refuse (429, with Retry-After) what goes over this many requests a minute")
    parser.add_argument("--no-record", action="store_true", help="keep no copy of each request (long benchmarks)")
    args = parser.parse_args(argv)
    emulator = Emulator(port=args.port, chunks=args.chunks, rpm=args.rpm, record=not args.no_record)
    for spec in args.fault:
        try:
            emulator.inject(spec, times=None)
        except ValueError as exc:
            parser.error(str(exc))
    print(emulator.base_url, flush=True)
    try:
        emulator.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
