"""Build the `requests` session that every timetrack request goes through."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from timetrack import __version__
from timetrack.http.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from timetrack.http.transport import (
    DEFAULT_TIMEOUT,
    PageCheck,
    RetryingAdapter,
    TransportStats,
)

__all__ = ["build_session"]


def build_session(
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    *,
    sleep: Callable[[float], None] = time.sleep,
    stats: TransportStats | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    page_check: PageCheck | None = None,
) -> requests.Session:
    """Create a session whose adapter retries with `policy` and counts into `stats`.

    `page_check` makes a 200 with an unusable body a transient failure.
    """
    session = requests.Session()
    adapter = RetryingAdapter(
        policy, sleep=sleep, stats=stats, timeout=timeout, page_check=page_check
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = f"timetrack/{__version__}"
    return session
