"""Helpers that read back what a sync wrote to DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb


def read_rows(path: Path, dataset: str = "time_tracking") -> dict[str, dict[str, Any]]:
    """Return the loaded time entries keyed by id, as dicts of column values."""
    with duckdb.connect(str(path), read_only=True) as connection:
        relation = connection.sql(f"select * from {dataset}.time_entries")
        columns = relation.columns
        return {
            row[0]: dict(zip(columns, row, strict=True)) for row in relation.fetchall()
        }


def count_rows(path: Path, dataset: str = "time_tracking") -> int:
    """Return the number of rows in the time entries table."""
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.sql(f"select count(*) from {dataset}.time_entries").fetchall()
    return int(rows[0][0])


def column_types(
    path: Path, dataset: str = "time_tracking"
) -> dict[str, tuple[str, str]]:
    """Return {column: (data_type, is_nullable)} of time_entries, from DuckDB."""
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(
            "select column_name, data_type, is_nullable"
            " from information_schema.columns"
            " where table_schema = ? and table_name = 'time_entries'",
            [dataset],
        ).fetchall()
    return {name: (data_type, nullable) for name, data_type, nullable in rows}
