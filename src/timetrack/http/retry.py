"""The retry policy: which failures are retried, how often, and how long to wait."""

from __future__ import annotations

import email.utils
import math
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = ["DEFAULT_RETRY_POLICY", "RETRYABLE_STATUSES", "RetryPolicy"]

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """The retry rules for transient failures.

    Attempt numbers are 1-based and include the first call, so `max_attempts=4`
    means at most 3 retries. The wait before retry `n` (n = 1, 2, 3) is
    `backoff_factor * 2 ** (n - 1)` seconds, capped at `max_backoff`: 2, 4 and 8
    seconds with the defaults. When the response carries `Retry-After`, the wait is
    the larger of that value (capped at `max_retry_after`) and the backoff, so a
    `Retry-After: 0` never turns into a tight loop.
    """

    max_attempts: int = 4
    backoff_factor: float = 2.0
    max_backoff: float = 60.0
    max_retry_after: float = 120.0
    statuses: frozenset[int] = RETRYABLE_STATUSES
    retry_connection_errors: bool = True

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(
                f"max_attempts must be at least 1, got {self.max_attempts}"
            )
        if self.backoff_factor < 0:
            raise ValueError(
                f"backoff_factor must not be negative, got {self.backoff_factor}"
            )

    @property
    def max_retries(self) -> int:
        """The number of retries after the first attempt."""
        return self.max_attempts - 1

    def is_retryable_status(self, status: int) -> bool:
        """Tell whether a response with `status` is worth another attempt."""
        return status in self.statuses

    def can_retry(self, attempt: int) -> bool:
        """Tell whether attempt `attempt` (1-based) may be followed by another."""
        return attempt < self.max_attempts

    def backoff(self, retry: int) -> float:
        """Return the exponential backoff in seconds before retry `retry` (1-based)."""
        delay = float(self.backoff_factor * 2 ** (retry - 1))
        return min(delay, self.max_backoff)

    def wait(
        self, retry: int, retry_after: str | None = None, *, now: datetime | None = None
    ) -> float:
        """Return the seconds to wait before retry `retry`, honouring `Retry-After`."""
        backoff = self.backoff(retry)
        requested = parse_retry_after(retry_after, now=now)
        if requested is None:
            return backoff
        return max(backoff, min(requested, self.max_retry_after))


DEFAULT_RETRY_POLICY = RetryPolicy()


def parse_retry_after(
    value: str | None, *, now: datetime | None = None
) -> float | None:
    """Parse a `Retry-After` header (delay seconds or HTTP-date) into seconds.

    Returns None for a missing or unparseable value, and never a negative number.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        return _seconds_until_http_date(text, now)
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(seconds, 0.0)


def _seconds_until_http_date(text: str, now: datetime | None) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        # RFC 9110 HTTP-dates are always GMT.
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max((when - current).total_seconds(), 0.0)
