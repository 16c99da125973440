"""The generic profile: the reference API's own shape, `{"data", "total"}` pages."""

from __future__ import annotations

from typing import Any

from timetrack.source.paginator import OverlappingOffsetPaginator
from timetrack.source.profiles.base import Profile

__all__ = ["GENERIC"]


def _offset_paginator(limit: int) -> OverlappingOffsetPaginator:
    # Offset paging with `limit`, `offset` and `total`, as dlt's "offset" type,
    # but overlapping and checked so that short pages and drift lose nothing.
    return OverlappingOffsetPaginator(limit)


def _query_key(api_key: str) -> dict[str, Any]:
    return {
        "type": "api_key",
        "name": "api_key",
        "api_key": api_key,
        "location": "query",
    }


GENERIC = Profile(
    name="generic",
    entries_path="/v1/time_entries",
    data_selector="data",
    build_paginator=_offset_paginator,
    build_auth=_query_key,
    reshape=None,
    updated_since_param="updated_since",
    updated_before_param="updated_before",
    start_from_param="start_from",
    start_to_param="start_to",
    ids_param="ids",
    offset_pages=True,
    deleted_path="/v1/time_entries/deleted",
    related_paths={
        "projects": "/v1/projects",
        "users": "/v1/users",
        "clients": "/v1/clients",
        "tags": "/v1/tags",
    },
)
