"""The demo: the reference API in-process, synced into a local DuckDB file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from timetrack.reference_api import ReferenceApi
from timetrack.sync import SyncSettings, SyncSummary, run_sync

__all__ = ["DEMO_API_KEY", "HOURS_PER_DAY_SQL", "query_hours_per_day", "run_demo"]

DEMO_API_KEY = "demo-key"

# Finished entries only: a running timer has no duration yet.
HOURS_PER_DAY_SQL = """
select
    cast(timezone('UTC', start_time) as date) as day,
    count(*) as entries,
    round(sum(duration) / 3600.0, 1) as hours
from {dataset}.time_entries
where cast(timezone('UTC', start_time) as date)
    > cast(timezone('UTC', now()) as date) - 7
group by day
order by day
"""


def run_demo(duckdb_path: Path, *, size: int, seed: int) -> SyncSummary:
    """Serve `size` seeded entries on loopback and sync them into `duckdb_path`."""
    with ReferenceApi(size=size, seed=seed, api_key=DEMO_API_KEY) as api:
        settings = SyncSettings(
            base_url=api.url,
            api_key=DEMO_API_KEY,
            duckdb_path=duckdb_path,
        )
        return run_sync(settings)


def query_hours_per_day(duckdb_path: Path, dataset: str) -> list[tuple[Any, ...]]:
    """Return (day, entries, hours) for the last 7 days, read from the DuckDB file."""
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        rows = connection.execute(HOURS_PER_DAY_SQL.format(dataset=dataset)).fetchall()
    return [tuple(row) for row in rows]
