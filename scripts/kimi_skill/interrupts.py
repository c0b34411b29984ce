"""Ending a running call from a signal: Ctrl-C, ``--max-time`` (SIGALRM), a job's cancel (SIGTERM).

The handler runs in the main thread, where the call's state lives, so the answer so far is kept
and recorded by the same code that would have printed the rest. Unwinding an exception through the
HTTP stack instead can stop inside a pool lock, so the handler exits the process itself.

CPython runs a Python-level handler only between bytecodes. A signal that lands after the last
check and before a blocking read starts (a socket ``recv``, a lock wait) leaves the read blocked
until data comes, which for a stalled stream means until the idle timeout: Ctrl-C seemed to do
nothing about once in thirty tries. So while a call runs, a small watcher thread learns of every
signal through :func:`signal.set_wakeup_fd` and, until the handler has started, sends the signal
again straight to the main thread every 0.1 s; the resent signal breaks the blocked read with
EINTR, and CPython then runs the handler.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator

Abort = Callable[[str, int], None]

RESEND_AFTER = 0.1  # seconds the handler gets to start on its own before the signal is sent again


class _Resender:
    """The watcher thread: owns the read end of the wakeup pipe while a call runs."""

    def __init__(self, signums: set[int], handled: threading.Event) -> None:
        self.signums = signums
        self.handled = handled
        self.main = threading.main_thread().ident
        self.read_end, self.write_end = os.pipe()
        os.set_blocking(self.write_end, False)  # the C handler must never block on a full pipe
        self.previous = signal.set_wakeup_fd(self.write_end, warn_on_full_buffer=False)
        self.thread = threading.Thread(target=self._watch, name="signal-resend", daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while True:
            try:
                data = os.read(self.read_end, 64)
            except OSError:
                return
            if not data:  # the write end is closed: the call is over
                return
            for signum in set(data) & self.signums:
                if not self.handled.wait(RESEND_AFTER) and self.main is not None:
                    signal.pthread_kill(self.main, signum)  # its wakeup byte brings us back here

    def close(self) -> None:
        signal.set_wakeup_fd(self.previous)
        os.close(self.write_end)
        self.thread.join(timeout=1)
        if not self.thread.is_alive():
            os.close(self.read_end)


@contextlib.contextmanager
def abort_on_signals(handlers: dict[signal.Signals, Callable[[], tuple[str, int]]], abort: Abort, max_time: float | None = None) -> Iterator[None]:
    """While the call runs, each signal in ``handlers`` ends it: the handler gives the message
    and exit code, ``abort`` keeps what arrived and exits. ``max_time`` arms SIGALRM. Only the
    first signal is acted on: a second Ctrl-C while the first one's record is written waits."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handled = threading.Event()

    def make(describe: Callable[[], tuple[str, int]]) -> Callable[[int, object], None]:
        def on_signal(signum: int, frame: object) -> None:
            if handled.is_set():
                return
            handled.set()
            message, code = describe()
            abort(message, code)

        return on_signal

    previous = {signum: signal.signal(signum, make(describe)) for signum, describe in handlers.items()}
    resender = _Resender({int(s) for s in handlers}, handled)
    if max_time:
        signal.setitimer(signal.ITIMER_REAL, max_time)
    try:
        yield
    finally:
        if max_time:
            signal.setitimer(signal.ITIMER_REAL, 0)
        resender.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
