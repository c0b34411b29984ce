"""A rate limit like a gateway's: requests per minute as a token bucket, 429 beyond it.

The bucket holds one second's worth of requests (``rpm / 60``, at least one) and refills
continuously, so a client pacing itself at the limit is never refused, and one that bursts is
told, in ``Retry-After`` and ``retry-after-ms``, when the next token arrives.
"""

from __future__ import annotations

import math
import threading
import time


class Bucket:
    def __init__(self, rpm: float) -> None:
        self.rate = rpm / 60.0
        self.capacity = max(1.0, self.rate)
        self.tokens = self.capacity
        self.stamp = time.monotonic()
        self.lock = threading.Lock()
        self.accepted = 0
        self.refused = 0

    def take(self) -> float | None:
        """None when the request may go; otherwise the seconds until a token is there."""
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                self.accepted += 1
                return None
            self.refused += 1
            return (1.0 - self.tokens) / self.rate


def headers(wait: float) -> dict[str, str]:
    return {"Retry-After": str(max(1, math.ceil(wait))), "retry-after-ms": str(max(1, math.ceil(wait * 1000)))}
