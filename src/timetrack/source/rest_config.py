"""The declarative dlt REST API configuration: the one description of the API."""

from __future__ import annotations

import requests
from dlt.sources.rest_api.typing import EndpointResource, RESTAPIConfig

from timetrack.source.paginator import OverlappingOffsetPaginator
from timetrack.source.schema import TIME_ENTRY_COLUMNS

__all__ = ["PAGE_LIMIT", "TIME_ENTRIES_PATH", "build_rest_api_config"]

TIME_ENTRIES_PATH = "/v1/time_entries"
PAGE_LIMIT = 100


def build_rest_api_config(
    base_url: str,
    api_key: str,
    session: requests.Session,
    *,
    limit: int = PAGE_LIMIT,
) -> RESTAPIConfig:
    """Describe the API for `rest_api_source`: client, auth, paging and resources.

    Retries are not configured here: `session` carries timetrack's retry policy,
    because dlt's default client retries every 5xx five times with factor 1.
    """
    # Offset paging with `limit`, `offset` and `total`, as dlt's "offset" type,
    # but overlapping and checked so that short pages and drift lose nothing.
    paginator = OverlappingOffsetPaginator(limit)
    time_entries: EndpointResource = {
        "name": "time_entries",
        "endpoint": {
            "path": TIME_ENTRIES_PATH,
            "data_selector": "data",
            "paginator": paginator,
        },
        "columns": TIME_ENTRY_COLUMNS,  # type: ignore[typeddict-item]
    }
    return {
        "client": {
            "base_url": base_url,
            "auth": {
                "type": "api_key",
                "name": "api_key",
                "api_key": api_key,
                "location": "query",
            },
            "session": session,
        },
        "resource_defaults": {
            "primary_key": "id",
            "write_disposition": "merge",
        },
        "resources": [time_entries],
    }
