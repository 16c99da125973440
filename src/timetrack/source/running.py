"""Running timers: remember their ids in dlt state and refresh them on the next run.

An entry found running is kept in the source state until a later run finds it
stopped or deleted. Each incremental run looks those ids up directly, so a timer
stopped since the last run is updated even when its start lies outside the
look-back window or the API does not move `updated_at` when a timer stops.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.extract.resource import DltResource
from dlt.sources.helpers.rest_client.client import RESTClient

from timetrack.source.deletions import DeletionLog
from timetrack.source.lookup import fetch_entries_by_id
from timetrack.source.profiles.base import Profile

__all__ = [
    "RUNNING_STATE_KEY",
    "build_running_timers_resource",
    "read_running_ids",
    "track_running",
    "track_running_entries",
    "track_running_table",
]

RUNNING_STATE_KEY = "running_timer_ids"


def _running_state() -> dict[str, bool]:
    state: dict[str, bool] = dlt.current.source_state().setdefault(
        RUNNING_STATE_KEY, {}
    )
    return state


def track_running(entry: dict[str, Any]) -> dict[str, Any]:
    """Add a running entry's id to the state, or drop a stopped or deleted one."""
    entry_id = entry.get("id")
    if entry_id is None:
        return entry
    state = _running_state()
    if entry.get("is_running") and not entry.get("deleted"):
        state[str(entry_id)] = True
    else:
        state.pop(str(entry_id), None)
    return entry


def _update_state(
    ids: Iterable[Any], running: Iterable[bool], state: dict[str, bool] | None
) -> None:
    if state is None:
        state = _running_state()
    for entry_id, is_running in zip(ids, running, strict=True):
        if entry_id is None:
            continue
        if is_running:
            state[str(entry_id)] = True
        elif state:
            state.pop(str(entry_id), None)


def track_running_entries(
    entries: Sequence[Mapping[str, Any]], state: dict[str, bool] | None = None
) -> None:
    """Track a batch of entries as `track_running` does, reading the state once.

    `state` defaults to the running-timer ids in the current dlt source state.
    """
    _update_state(
        (entry.get("id") for entry in entries),
        (
            bool(entry.get("is_running")) and not entry.get("deleted")
            for entry in entries
        ),
        state,
    )


def track_running_table(table: pa.Table, state: dict[str, bool] | None = None) -> None:
    """Track the entries of a normalized Arrow table as `track_running` does."""
    running = pc.and_(table.column("is_running"), pc.invert(table.column("deleted")))
    _update_state(table.column("id").to_pylist(), running.to_pylist(), state)


def read_running_ids(state: Mapping[str, Any], source_name: str) -> list[str]:
    """Return the ids of timers running at the end of the last run, from `state`."""
    source_state = state.get("sources", {}).get(source_name, {})
    return sorted(source_state.get(RUNNING_STATE_KEY, {}))


def build_running_timers_resource(
    client: RESTClient,
    profile: Profile,
    ids: list[str],
    *,
    limit: int,
    deletions: DeletionLog,
    columns: dict[str, dict[str, Any]],
) -> DltResource:
    """Build the resource that re-reads `ids` into the time entries table."""

    def running_timers() -> Iterator[dict[str, Any]]:
        if not ids:
            return
        records, missing = fetch_entries_by_id(client, profile, ids, limit=limit)
        for record in records:
            yield track_running(profile.normalize(record))
        state = _running_state()
        for entry_id in missing:
            state.pop(entry_id, None)
        yield from deletions.tombstones(sorted(missing))

    resource: DltResource = dlt.resource(
        running_timers,
        name="running_timers",
        table_name="time_entries",
        primary_key="id",
        write_disposition="merge",
        columns=cast(Any, columns),
    )
    return resource
