"""Constants and a bounded HTTP helper shared by the reference API tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import requests

from timetrack.reference_api import ReferenceApi

END = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
API_KEY = "test-key-6f1d"
TIMEOUT = 5.0


def get(api: ReferenceApi, path: str, **params: Any) -> requests.Response:
    """Send one GET to ``api`` with a short timeout."""
    return requests.get(api.url + path, params=params, timeout=TIMEOUT)


def get_entries(api: ReferenceApi, **params: Any) -> requests.Response:
    """GET /v1/time_entries with the test key and the given paging parameters."""
    return get(api, "/v1/time_entries", api_key=API_KEY, **params)
