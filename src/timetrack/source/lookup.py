"""Fetch time entries by id, to refresh running timers and confirm deletions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from dlt.sources.helpers.rest_client.client import RESTClient
from dlt.sources.rest_api.config_setup import create_paginator

from timetrack.source.profiles.base import Profile

__all__ = ["IDS_PER_REQUEST", "fetch_entries_by_id"]

# Ids per request: 100 ids of up to 20 digits keep the URL near 2 KB, well
# below the 8 KB request lines that common servers accept.
IDS_PER_REQUEST = 100


def _chunks(ids: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def fetch_entries_by_id(
    client: RESTClient, profile: Profile, ids: Iterable[str], *, limit: int
) -> tuple[list[dict[str, Any]], set[str]]:
    """Return the raw records the API still has for `ids`, and the ids it lacks.

    An id the API does not return was deleted upstream.
    """
    if profile.ids_param is None:
        raise ValueError(f"the {profile.name} profile cannot look entries up by id")
    wanted = sorted(set(ids))
    found: list[dict[str, Any]] = []
    for chunk in _chunks(wanted, IDS_PER_REQUEST):
        pages = client.paginate(
            profile.entries_path,
            params={profile.ids_param: ",".join(chunk)},
            paginator=create_paginator(profile.build_paginator(limit)),  # type: ignore[arg-type]
            data_selector=profile.data_selector,
        )
        for page in pages:
            found.extend(page)
    seen = {str(record.get("id")) for record in found}
    return found, set(wanted) - seen
