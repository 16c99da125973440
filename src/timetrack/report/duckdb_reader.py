"""Read synced time entries and related names from a DuckDB file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from timetrack.errors import ConfigError, DestinationError
from timetrack.report.entries import TimeEntry
from timetrack.report.tables import (
    ENTRIES_TABLE,
    NAME_COLUMNS,
    OPTIONAL_COLUMNS,
    build_entry,
    build_names,
    check_entry_columns,
    live_rows_condition,
)
from timetrack.sync.settings import validate_name

__all__ = ["DuckDBEntryReader"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class DuckDBEntryReader:
    """An `EntryReader` over the tables of one dataset in a DuckDB file, read-only."""

    def __init__(self, path: Path, dataset: str = "time_tracking") -> None:
        validate_name("dataset name", dataset)
        self.path = path
        self.dataset = dataset

    def read_entries(self, start: datetime, end: datetime) -> list[TimeEntry]:
        """Return the entries that overlap the UTC interval [start, end)."""
        with self._connect() as connection:
            try:
                columns = _table_columns(connection, self.dataset, ENTRIES_TABLE)
                check_entry_columns(
                    columns,
                    dataset=self.dataset,
                    where=str(self.path),
                    sync_command="timetrack sync",
                    datasets_with_entries=_datasets_with_entries(connection),
                )
                rows = connection.execute(
                    self._query(columns), [_epoch_us(end), _epoch_us(start)]
                ).fetchall()
            except duckdb.Error as error:
                raise self._read_error(error) from None
        return [
            build_entry(
                entry_id,
                user_id,
                project_id,
                _from_epoch_us(int(start_us)),
                None if end_us is None else _from_epoch_us(int(end_us)),
            )
            for entry_id, user_id, project_id, start_us, end_us in rows
        ]

    def read_names(self, table: str) -> dict[str, str]:
        """Return {id: name} of `DATASET.table`, or {} without that table or column."""
        validate_name("table name", table)
        with self._connect() as connection:
            try:
                columns = _table_columns(connection, self.dataset, table)
                if not set(NAME_COLUMNS) <= columns:
                    return {}
                rows = connection.execute(
                    'select cast("id" as varchar), cast("name" as varchar)'
                    f' from "{self.dataset}"."{table}"'
                ).fetchall()
            except duckdb.Error as error:
                raise self._read_error(error) from None
        return build_names(rows)

    def _connect(self) -> duckdb.DuckDBPyConnection:
        if not self.path.is_file():
            raise ConfigError(
                f"DuckDB file {self.path} not found. Run timetrack sync first, or "
                "pass --duckdb-path with the file a sync wrote."
            )
        try:
            return duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error as error:
            raise self._read_error(error) from None

    def _read_error(self, error: duckdb.Error) -> DestinationError:
        text = str(error).splitlines()
        return DestinationError(
            f"Reading {self.path} failed: {text[0] if text else error!r}. "
            "Close other programs that write the file and try again."
        )

    def _query(self, columns: set[str]) -> str:
        optional = [
            f'"{name}"' if name in columns else f'null as "{name}"'
            for name in OPTIONAL_COLUMNS
        ]
        # Overlap test in integer microseconds, so no session time zone applies.
        # `>=` keeps a zero-length entry that sits exactly on the start.
        return (
            f'select cast("id" as varchar), {", ".join(optional)},'
            ' epoch_us("start_time"), epoch_us("end_time")'
            f' from "{self.dataset}"."{ENTRIES_TABLE}"'
            ' where "start_time" is not null'
            ' and epoch_us("start_time") < ?'
            ' and ("end_time" is null or epoch_us("end_time") >= ?)'
            f"{live_rows_condition(columns)}"
            ' order by "start_time", "id"'
        )


def _table_columns(
    connection: duckdb.DuckDBPyConnection, dataset: str, table: str
) -> set[str]:
    found = connection.execute(
        "select column_name from information_schema.columns"
        " where table_schema = ? and table_name = ?",
        [dataset, table],
    ).fetchall()
    return {str(name) for (name,) in found}


def _datasets_with_entries(connection: duckdb.DuckDBPyConnection) -> list[str]:
    found = connection.execute(
        "select distinct table_schema from information_schema.tables"
        " where table_name = ?",
        [ENTRIES_TABLE],
    ).fetchall()
    return [str(name) for (name,) in found]


def _epoch_us(instant: datetime) -> int:
    return (instant - _EPOCH) // timedelta(microseconds=1)


def _from_epoch_us(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)
