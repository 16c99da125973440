"""Helpers for the fault suite: a reference API with a plan, and table snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from tests.conftest import API_KEY
from timetrack.reference_api import ReferenceApi
from timetrack.sync import SyncSettings


def make_settings(api: ReferenceApi, folder: Path, **changes: Any) -> SyncSettings:
    """Return settings that sync `api` into a DuckDB file in `folder`."""
    values: dict[str, Any] = {
        "base_url": api.url,
        "api_key": API_KEY,
        "duckdb_path": folder / "faults.duckdb",
        "pipelines_dir": folder / "pipelines",
    }
    values.update(changes)
    return SyncSettings(**values)


def snapshot(path: Path, table: str = "time_entries") -> list[tuple[Any, ...]]:
    """Return every row of a table without dlt's columns, sorted; [] if missing."""
    if not path.exists():
        return []
    with duckdb.connect(str(path), read_only=True) as connection:
        found = connection.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = 'time_tracking' and table_name = ?",
            [table],
        ).fetchall()
        if found[0][0] == 0:
            return []
        relation = connection.sql(f"select * from time_tracking.{table}")
        keep = [name for name in relation.columns if not name.startswith("_dlt")]
        rows = connection.sql(
            f"select {', '.join(keep)} from time_tracking.{table} order by all"
        ).fetchall()
    return [tuple(row) for row in rows]


def loaded_ids(path: Path) -> list[str]:
    """Return the loaded time entry ids, one per row, duplicates included."""
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.sql("select id from time_tracking.time_entries").fetchall()
    return [row[0] for row in rows]


def api_ids(api: ReferenceApi) -> list[str]:
    """Return the ids the API holds now, as the text the table stores."""
    return [str(entry["id"]) for entry in api.store.all()]
