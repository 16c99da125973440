"""The dlt source for the time-tracking API, built with `rest_api_source`."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests
from dlt.extract.source import DltSource
from dlt.sources.rest_api import rest_api_source

from timetrack.http import DEFAULT_RETRY_POLICY, RetryPolicy, TransportStats
from timetrack.http.page_check import check_offset_page
from timetrack.http.session import build_session
from timetrack.http.transport import DEFAULT_TIMEOUT
from timetrack.settings import resolve_api_key, validate_base_url
from timetrack.source.rest_config import PAGE_LIMIT, build_rest_api_config
from timetrack.source.schema import TIME_ENTRY_COLUMNS
from timetrack.source.validate import add_page_validation

__all__ = ["TIME_ENTRY_COLUMNS", "time_tracking_source"]

SOURCE_NAME = "timetrack"


def time_tracking_source(
    base_url: str,
    api_key: str | None = None,
    *,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    sleep: Callable[[float], None] = time.sleep,
    stats: TransportStats | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    limit: int = PAGE_LIMIT,
    session: requests.Session | None = None,
) -> DltSource:
    """Build the dlt source of the time-tracking API at `base_url`.

    `api_key` defaults to dlt secrets (`API_KEY`, `api_key` in `.dlt/secrets.toml`,
    or the `[sources.timetrack]` key). `sleep` and `stats` are passed to the HTTP
    transport so tests can skip real waits and count requests.
    """
    key = resolve_api_key(api_key).value
    if session is None:
        session = build_session(
            policy,
            sleep=sleep,
            stats=stats,
            timeout=timeout,
            page_check=check_offset_page,
        )
    config = build_rest_api_config(
        validate_base_url(base_url), key, session, limit=limit
    )
    source: DltSource = rest_api_source(config, name=SOURCE_NAME)
    add_page_validation(source.resources["time_entries"])
    return source
