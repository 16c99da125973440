"""Build the `requests` session that every timetrack request goes through."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from timetrack import __version__
from timetrack.http.readahead import ReadAheadAdapter
from timetrack.http.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from timetrack.http.transport import DEFAULT_TIMEOUT, PageCheck, TransportStats
from timetrack.redact import redact_library_logs

__all__ = ["build_session"]


def build_session(
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    *,
    sleep: Callable[[float], None] = time.sleep,
    stats: TransportStats | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    concurrency: int = 1,
    max_requests_per_second: float | None = None,
    page_check: PageCheck | None = None,
    overlap: int = 0,
) -> requests.Session:
    """Create a session whose adapter retries with `policy` and counts into `stats`.

    With `concurrency` above 1 the adapter fetches offset pages ahead, that many
    at a time; `max_requests_per_second` caps every request, retries included.
    `page_check` makes a 200 with an unusable body a transient failure, and
    `overlap` is the records each page shares with the one before, as the
    paginator requests them, so pages are fetched ahead at the right offsets.
    """
    redact_library_logs()
    session = requests.Session()
    adapter = ReadAheadAdapter(
        policy,
        sleep=sleep,
        stats=stats,
        timeout=timeout,
        concurrency=concurrency,
        max_requests_per_second=max_requests_per_second,
        page_check=page_check,
        overlap=overlap,
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = f"timetrack/{__version__}"
    return session
