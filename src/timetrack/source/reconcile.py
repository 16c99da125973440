"""Reconciliation: find entries deleted upstream by comparing ids over a window.

For APIs that report no deletions. The pass lists the API's entries that
started inside the window and compares their ids with the destination's.
An id only the destination has is looked up directly before it counts as
deleted, because an entry whose start moved out of the window still exists.
The pass costs one full read of the window on every run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any, cast

import dlt
from dlt.extract.resource import DltResource
from dlt.sources.helpers.rest_client.client import RESTClient

from timetrack.source.deletions import DeletionLog
from timetrack.source.lookup import fetch_entries_by_id, iter_entry_pages
from timetrack.source.profiles.base import Profile
from timetrack.source.running import track_running

__all__ = ["build_reconcile_resource", "read_destination_ids"]

logger = logging.getLogger(__name__)


def read_destination_ids(
    pipeline: dlt.Pipeline, start: datetime, end: datetime
) -> set[str]:
    """Return ids of stored, not deleted entries that started in [start, end).

    Returns an empty set when nothing has been loaded yet.
    """
    try:
        with pipeline.sql_client() as client:
            name = client.make_qualified_table_name("time_entries")
            rows = client.execute_sql(
                f"SELECT id FROM {name} WHERE start_time >= %s AND start_time < %s"
                " AND (deleted IS NULL OR NOT deleted)",
                start,
                end,
            )
    except Exception as error:  # the dataset or table does not exist yet
        logger.debug("No stored entries to reconcile: %s", type(error).__name__)
        return set()
    return {str(row[0]) for row in rows or []}


def build_reconcile_resource(
    client: RESTClient,
    profile: Profile,
    *,
    start: datetime,
    end: datetime,
    stored_ids: set[str],
    limit: int,
    deletions: DeletionLog,
    columns: dict[str, dict[str, Any]],
) -> DltResource:
    """Build the resource that reloads the window and emits its deletions."""
    if profile.start_from_param is None:
        raise ValueError(f"the {profile.name} profile cannot filter on start time")
    params: dict[str, Any] = {
        profile.start_from_param: profile.format_start(start),
        **profile.page_params(limit),
    }
    if profile.start_to_param is not None:
        params[profile.start_to_param] = profile.format_start(end)

    def reconcile_time_entries() -> Iterator[dict[str, Any]]:
        seen: set[str] = set()
        for page in iter_entry_pages(client, profile, params, limit=limit):
            for record in page:
                entry = track_running(profile.normalize(record))
                seen.add(str(entry.get("id")))
                yield entry
        candidates = stored_ids - seen
        if not candidates:
            return
        found, missing = fetch_entries_by_id(client, profile, candidates, limit=limit)
        for record in found:
            yield track_running(profile.normalize(record))
        logger.info("Reconciliation found %d deleted entries", len(missing))
        yield from deletions.tombstones(sorted(missing))

    resource: DltResource = dlt.resource(
        reconcile_time_entries,
        name="reconcile_time_entries",
        table_name="time_entries",
        primary_key="id",
        write_disposition="merge",
        columns=cast(Any, columns),
    )
    return resource
