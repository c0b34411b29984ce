"""A signal ends a running call even when it lands just before a blocking read.

CPython runs a signal's handler only between bytecodes, so a Ctrl-C that arrives after the last
check and before a ``recv`` left a stalled stream blocked until its idle timeout. Delivering the
signal to another thread gives the same state on purpose: the handler is pending and the main
thread sits in a read nothing will ever answer.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from conftest import ROOT, SCRIPTS

PROGRAM = textwrap.dedent(
    """
    import os, signal, sys, threading, time
    sys.path.insert(0, {scripts!r})
    from kimi_skill.interrupts import abort_on_signals

    def abort(message, code):
        os.write(1, f"{{message}}\\n".encode())
        os._exit(code)

    read_end, _ = os.pipe()
    with abort_on_signals({{signal.SIGINT: lambda: ("interrupted", 130)}}, abort):
        def elsewhere():
            time.sleep(0.5)  # the main thread is in its read by now
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)

        threading.Thread(target=elsewhere).start()
        os.read(read_end, 1)
    print("the read returned")
    """
)


def test_a_signal_taken_by_another_thread_still_ends_a_blocked_read() -> None:
    program = PROGRAM.format(scripts=str(SCRIPTS))
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, timeout=20, cwd=ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (130, b"interrupted\n", b"")


def test_a_second_signal_while_the_first_is_handled_is_ignored() -> None:
    program = textwrap.dedent(
        """
        import os, signal, sys
        sys.path.insert(0, {scripts!r})
        from kimi_skill.interrupts import abort_on_signals

        def abort(message, code):
            os.kill(os.getpid(), signal.SIGINT)  # a second Ctrl-C while the first one's record is written
            for _ in range(1000):
                pass
            os.write(1, f"{{message}}\\n".encode())
            os._exit(code)

        with abort_on_signals({{signal.SIGINT: lambda: ("interrupted", 130)}}, abort):
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):
                pass
        """
    ).format(scripts=str(SCRIPTS))
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, timeout=20, cwd=ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (130, b"interrupted\n", b"")


def test_after_the_call_the_previous_handlers_and_wakeup_fd_are_back() -> None:
    program = textwrap.dedent(
        """
        import signal, sys, threading
        sys.path.insert(0, {scripts!r})
        from kimi_skill.interrupts import abort_on_signals

        before = signal.getsignal(signal.SIGINT)
        with abort_on_signals({{signal.SIGINT: lambda: ("interrupted", 130)}}, lambda message, code: None):
            pass
        print(signal.getsignal(signal.SIGINT) is before, signal.set_wakeup_fd(-1), threading.active_count())
        """
    ).format(scripts=str(SCRIPTS))
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, timeout=20, cwd=ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (0, b"True -1 1\n", b"")
