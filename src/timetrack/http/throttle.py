"""The request gate: bounds concurrent requests and their rate, backs off on 429."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

__all__ = ["RequestGate"]

logger = logging.getLogger(__name__)


class RequestGate:
    """Admit HTTP requests under a concurrency limit and a requests-per-second limit.

    Every attempt, retries included, passes through `acquire` and `release`.
    On a 429 the concurrency limit halves (down to 1) and, when the response
    carries `Retry-After`, no other request starts before that delay has passed.
    The thread that got the 429 is exempt once, because its retry already waits
    at least `Retry-After` (see `RetryPolicy.wait`).
    After `limit` successful responses in a row the limit grows by one again, up
    to `max_concurrency`. A pause lasts at most `max_pause` seconds, because a
    server may send any `Retry-After`.
    """

    def __init__(
        self,
        max_concurrency: int,
        max_requests_per_second: float | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        max_pause: float = 120.0,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError(
                f"max_concurrency must be at least 1, got {max_concurrency}"
            )
        if max_requests_per_second is not None and not max_requests_per_second > 0:
            raise ValueError(
                "max_requests_per_second must be > 0 or None, "
                f"got {max_requests_per_second}"
            )
        self.max_concurrency = max_concurrency
        self.max_requests_per_second = max_requests_per_second
        self.max_pause = max_pause
        self.limit = max_concurrency
        self._sleep = sleep
        self._clock = clock
        self._condition = threading.Condition()
        self._in_flight = 0
        self._next_start = 0.0
        self._paused_until = 0.0
        self._successes = 0
        # The thread that saw the 429 already waits Retry-After in its retry.
        self._local = threading.local()

    def acquire(self) -> None:
        """Wait for a free slot and for the rate limit, then count the request."""
        with self._condition:
            while self._in_flight >= self.limit:
                self._condition.wait()
            self._in_flight += 1
            now = self._clock()
            paused_until = self._paused_until
            if getattr(self._local, "skip_pause", False):
                self._local.skip_pause = False
                paused_until = 0.0
            start = max(now, self._next_start, paused_until)
            if self.max_requests_per_second is not None:
                self._next_start = start + 1.0 / self.max_requests_per_second
        delay = start - now
        if delay > 0:
            self._sleep(delay)

    def release(self) -> None:
        """Free the slot of a finished request."""
        with self._condition:
            self._in_flight -= 1
            self._condition.notify()

    def record_success(self) -> None:
        """Count a successful response; raise the limit again after a streak."""
        with self._condition:
            if self.limit >= self.max_concurrency:
                return
            self._successes += 1
            if self._successes >= self.limit:
                self.limit += 1
                self._successes = 0
                self._condition.notify()

    def record_rate_limited(self, retry_after: float | None) -> None:
        """Halve the concurrency limit and pause new requests for `retry_after` s."""
        with self._condition:
            self._successes = 0
            lowered = max(1, self.limit // 2)
            if lowered < self.limit:
                logger.warning(
                    "Rate limited (HTTP 429): lowering concurrency from %d to %d",
                    self.limit,
                    lowered,
                )
                self.limit = lowered
            if retry_after is not None and retry_after > 0:
                self._local.skip_pause = True
                pause = min(retry_after, self.max_pause)
                self._paused_until = max(self._paused_until, self._clock() + pause)
