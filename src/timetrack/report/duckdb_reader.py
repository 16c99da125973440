"""Read synced time entries from a DuckDB file."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from timetrack.errors import ConfigError, DestinationError
from timetrack.report.entries import TimeEntry

__all__ = ["DuckDBEntryReader"]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Columns the report reads. Optional ones may be missing from a table that
# another tool created, and are read as NULL then.
_REQUIRED_COLUMNS = ("id", "start_time", "end_time")
_OPTIONAL_COLUMNS = ("user_id", "project_id")


class DuckDBEntryReader:
    """An `EntryReader` over `DATASET.time_entries` in a DuckDB file, read-only."""

    def __init__(self, path: Path, dataset: str = "time_tracking") -> None:
        if not _IDENTIFIER.match(dataset):
            raise ConfigError(
                f"Invalid dataset name {dataset!r}: use letters, digits and "
                "underscores, starting with a letter or underscore."
            )
        self.path = path
        self.dataset = dataset

    def read_entries(self, start: datetime, end: datetime) -> list[TimeEntry]:
        """Return the entries that overlap the UTC interval [start, end)."""
        if not self.path.is_file():
            raise ConfigError(
                f"DuckDB file {self.path} not found. Run timetrack sync first, or "
                "pass --duckdb-path with the file a sync wrote."
            )
        try:
            with duckdb.connect(str(self.path), read_only=True) as connection:
                columns = self._columns(connection)
                rows = connection.execute(
                    self._query(columns), [_epoch_us(end), _epoch_us(start)]
                ).fetchall()
        except duckdb.Error as error:
            text = str(error).splitlines()
            raise DestinationError(
                f"Reading {self.path} failed: {text[0] if text else error!r}. "
                "Close other programs that write the file and try again."
            ) from None
        return [_to_entry(row) for row in rows]

    def _columns(self, connection: duckdb.DuckDBPyConnection) -> set[str]:
        found = connection.execute(
            "select column_name from information_schema.columns"
            " where table_schema = ? and table_name = 'time_entries'",
            [self.dataset],
        ).fetchall()
        columns = {str(name) for (name,) in found}
        missing = [name for name in _REQUIRED_COLUMNS if name not in columns]
        if not columns:
            raise ConfigError(
                f"No table {self.dataset}.time_entries in {self.path}. Run "
                "timetrack sync first, or pass the --dataset the sync used."
            )
        if missing:
            raise ConfigError(
                f"The table {self.dataset}.time_entries in {self.path} lacks the "
                f"column(s) {', '.join(missing)}. Sync it with timetrack."
            )
        return columns

    def _query(self, columns: set[str]) -> str:
        optional = [
            f'"{name}"' if name in columns else f'null as "{name}"'
            for name in _OPTIONAL_COLUMNS
        ]
        # Overlap test in integer microseconds, so no session time zone applies.
        # `>=` keeps a zero-length entry that sits exactly on the start.
        return (
            f'select cast("id" as varchar), {", ".join(optional)},'
            ' epoch_us("start_time"), epoch_us("end_time")'
            f' from "{self.dataset}"."time_entries"'
            ' where "start_time" is not null'
            ' and epoch_us("start_time") < ?'
            ' and ("end_time" is null or epoch_us("end_time") >= ?)'
            ' order by "start_time", "id"'
        )


def _epoch_us(instant: datetime) -> int:
    return (instant - _EPOCH) // timedelta(microseconds=1)


def _from_epoch_us(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


def _to_entry(row: tuple[Any, ...]) -> TimeEntry:
    entry_id, user_id, project_id, start_us, end_us = row
    return TimeEntry(
        id=str(entry_id),
        user_id=None if user_id is None else str(user_id),
        project_id=None if project_id is None else str(project_id),
        start=_from_epoch_us(int(start_us)),
        end=None if end_us is None else _from_epoch_us(int(end_us)),
    )
