"""When the next request of a batch may start: an ``--rpm`` cap, and slowing down on 429.

Every worker asks :meth:`Gate.wait` before it sends; starts are spaced ``1 / rate`` seconds apart
(no spacing until the gateway first refuses; ``--rpm N`` caps the rate at N/60). A 429 pauses
every worker until the time the server asked for, and cuts the rate to a fifth below what was
getting through in the last second (once per burst of 429s: the requests in flight answer
together; a 429 with nothing getting through only pauses). Then the rate creeps back up, 1 % a second, so the batch settles just under the
gateway's limit, meeting it rarely, instead of bursting into it over and over.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW = 1.0  # seconds of successes that say what rate gets through
BACKOFF = 1.0  # pause after a 429 that names no wait
CUT = 0.8  # after a 429: this share of the rate that was getting through
GROWTH = 0.01  # then the rate grows by this share a second
SETTLE = 0.5  # 429s this soon after a cut belong to the same burst
FLOOR = 0.2  # requests a second, whatever happens


class Gate:
    def __init__(self, rpm: float | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.cap = rpm / 60.0 if rpm else math.inf
        self.rate = self.cap  # math.inf: no spacing
        self.clock = clock
        self.next_start = 0.0
        self.paused_until = 0.0
        self.last_cut = -math.inf
        self.last_growth = clock()
        self.successes: deque[float] = deque()
        self.lock = threading.Lock()
        self.limited = 0  # 429 answers seen

    def wait(self, stop: threading.Event) -> bool:
        """Block until this request may start; False when ``stop`` was set meanwhile."""
        with self.lock:
            now = self.clock()
            self._grow(now)
            start = max(now, self.next_start, self.paused_until)
            self.next_start = start + (1.0 / self.rate if self.rate != math.inf else 0.0)
        left = start - self.clock()
        if left > 0 and stop.wait(left):
            return False
        return not stop.is_set()

    def _grow(self, now: float) -> None:
        if self.rate < self.cap and now - self.last_cut > 1.0:
            self.rate = min(self.cap, self.rate * (1.0 + GROWTH * (now - self.last_growth)))
        self.last_growth = now

    def success(self) -> None:
        with self.lock:
            now = self.clock()
            self.successes.append(now)
            while self.successes and self.successes[0] < now - WINDOW:
                self.successes.popleft()

    def rate_limited(self, wait: float | None) -> None:
        with self.lock:
            now = self.clock()
            self.limited += 1
            self.paused_until = max(self.paused_until, now + (wait if wait is not None else BACKOFF))
            self.next_start = max(self.next_start, self.paused_until)
            if now - self.last_cut < SETTLE:
                return
            while self.successes and self.successes[0] < now - WINDOW:
                self.successes.popleft()
            through = len(self.successes) / WINDOW
            if through <= 0:
                return  # nothing got through lately, so there is no rate to learn from: the pause is all
            self.rate = max(FLOOR, min(self.rate, through) * CUT)
            self.last_cut = now
