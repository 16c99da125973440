"""Measure an incremental sync with nothing changed upstream, on a large account.

Usage: PYTHONPATH=src python benchmarks/incremental_noop.py [SIZE]

Starts the reference API with SIZE entries (default 100,000) on loopback, runs
one full sync into a temporary DuckDB file, then incremental syncs with nothing
changed, and prints requests and seconds for each run.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from timetrack.reference_api import ReferenceApi
from timetrack.sync import SyncSettings, run_sync

API_KEY = "benchmark-key-0001"


def main() -> None:
    """Run the benchmark and print one line per sync."""
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    end = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
    with (
        tempfile.TemporaryDirectory() as folder,
        ReferenceApi(size=size, seed=0, end=end, api_key=API_KEY) as api,
    ):
        os.chdir(folder)
        running = sum(1 for entry in api.store.all() if entry["end_time"] is None)
        print(f"{size:,} entries, {running:,} running timers")
        base = SyncSettings(
            base_url=api.url,
            api_key=API_KEY,
            duckdb_path=Path(folder) / "bench.duckdb",
            pipelines_dir=Path(folder) / "pipelines",
            limit=1000,
        )
        for label, settings in (
            ("full sync (first run)", base),
            ("incremental, updated_at, no change", base),
            ("incremental, updated_at, no change", base),
        ):
            started = time.perf_counter()
            summary = run_sync(settings)
            seconds = time.perf_counter() - started
            print(
                f"{label}: {summary.requests_made} requests, "
                f"{summary.rows_loaded.get('time_entries', 0):,} entry rows, "
                f"{seconds:.1f} s"
            )
        by_start = replace(base, pipeline_name="by_start", cursor="start_time")
        for label in ("start_time first run", "start_time, no change"):
            started = time.perf_counter()
            summary = run_sync(by_start)
            seconds = time.perf_counter() - started
            print(
                f"{label}: {summary.requests_made} requests, "
                f"{summary.rows_loaded.get('time_entries', 0):,} entry rows, "
                f"{seconds:.1f} s"
            )


if __name__ == "__main__":
    main()
