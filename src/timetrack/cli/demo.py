"""The demo: the reference API in-process, synced into a local DuckDB file."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from timetrack.reference_api import ReferenceApi
from timetrack.report import Grouping, Report, generate_report, open_entry_reader
from timetrack.sync import SyncSettings, SyncSummary, run_sync

__all__ = ["DEMO_API_KEY", "demo_day_report", "run_demo"]

DEMO_API_KEY = "demo-key"


def run_demo(duckdb_path: Path, *, size: int, seed: int) -> SyncSummary:
    """Serve `size` seeded entries on loopback and sync them into `duckdb_path`."""
    with ReferenceApi(size=size, seed=seed, api_key=DEMO_API_KEY) as api:
        settings = SyncSettings(
            base_url=api.url,
            api_key=DEMO_API_KEY,
            duckdb_path=duckdb_path,
        )
        return run_sync(settings)


def demo_day_report(duckdb_path: Path, dataset: str) -> Report:
    """Return hours per day of the last 7 days in UTC, as `timetrack report` has them.

    Entries that cross midnight are split between the days, and running timers
    count up to now, so the numbers equal `report --by day --tz UTC`.
    """
    reader = open_entry_reader(
        SyncSettings(duckdb_path=duckdb_path, dataset_name=dataset)
    )
    return generate_report(reader, zone=UTC, grouping=Grouping.DAY)
