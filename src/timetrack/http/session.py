"""Build the `requests` session that every timetrack request goes through."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from timetrack import __version__
from timetrack.http.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from timetrack.http.transport import DEFAULT_TIMEOUT, RetryingAdapter, TransportStats

__all__ = ["build_session"]


def build_session(
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    *,
    sleep: Callable[[float], None] = time.sleep,
    stats: TransportStats | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> requests.Session:
    """Create a session whose adapter retries with `policy` and counts into `stats`."""
    session = requests.Session()
    adapter = RetryingAdapter(policy, sleep=sleep, stats=stats, timeout=timeout)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = f"timetrack/{__version__}"
    return session
