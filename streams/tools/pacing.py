"""Pacing for `streams replay --rate`: a token bucket on an injectable clock (pure, no I/O).

Sleeping a fixed 1/rate after each message drifts: every send and every oversleep adds up. The
bucket instead refills at `rate` tokens per second of *clock* time, so time lost to a slow send or
a late wake-up is paid back by the next messages going out at once (up to `burst` of them).
"""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    """`delay()` takes one token and says how long to wait before sending it.

    rate: tokens per second (> 0). burst: the most tokens that can be saved up, i.e. how many
    messages may go out back to back after a stall. The bucket starts full. Tokens may go
    negative: a reserved message is due when its token has been earned.
    """

    def __init__(self, rate: float, burst: float = 1.0,
                 clock: Callable[[], float] = time.monotonic):
        if rate <= 0:
            raise ValueError(f"the rate must be positive, got {rate}")
        self.rate = float(rate)
        self.burst = max(1.0, float(burst))
        self.clock = clock
        self.tokens = self.burst
        self.updated = clock()

    def delay(self, n: float = 1.0) -> float:
        """Reserve `n` tokens; returns the seconds to wait (0.0 when they are already there)."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        self.tokens -= n
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


def default_burst(rate: float) -> float:
    """A burst of a tenth of a second's worth (at least one message)."""
    return max(1.0, rate / 10.0)
