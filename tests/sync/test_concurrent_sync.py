"""Syncs with pages fetched ahead: same rows as one by one, rate limit honoured."""

from __future__ import annotations

from dataclasses import replace

from tests.conftest import SleepRecorder
from tests.helpers import read_rows
from timetrack.reference_api import ReferenceApi
from timetrack.sync import SyncSettings, run_sync


def test_concurrent_sync_matches_sequential(settings: SyncSettings) -> None:
    sequential = replace(
        settings,
        concurrency=1,
        duckdb_path=settings.resolved_duckdb_path().with_name("one.duckdb"),
    )
    concurrent = replace(
        settings,
        concurrency=4,
        duckdb_path=settings.resolved_duckdb_path().with_name("four.duckdb"),
    )
    run_sync(sequential)
    run_sync(concurrent)
    sequential_rows = read_rows(sequential.resolved_duckdb_path())
    concurrent_rows = read_rows(concurrent.resolved_duckdb_path())
    for row in (*sequential_rows.values(), *concurrent_rows.values()):
        del row["_dlt_load_id"], row["_dlt_id"]
    assert sequential_rows == concurrent_rows


def test_sequential_sync_requests_in_order(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    run_sync(replace(settings, concurrency=1, related=()))
    offsets = [int(request.params["offset"]) for request in api.requests]
    assert offsets == [0, 99, 198]


def test_rate_limit_spaces_requests(
    settings: SyncSettings, sleep: SleepRecorder
) -> None:
    summary = run_sync(replace(settings, max_requests_per_second=4.0), sleep=sleep)
    assert summary.rows_loaded["time_entries"] == 250
    assert sleep.waits
    assert max(sleep.waits) <= 0.25 * summary.requests_made
