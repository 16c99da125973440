"""Helpers that read back what a sync wrote to DuckDB or PostgreSQL."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import psycopg2

from timetrack.sync import SyncSettings

# The server the suite loads into, which accepts any password (trust auth). dlt
# requires a password, and a distinctive one lets tests check it is never shown.
POSTGRES_PASSWORD = "pg-secret-7d41c0"
POSTGRES_DSN = os.environ.get(
    "TIMETRACK_TEST_POSTGRES",
    f"postgresql://postgres:{POSTGRES_PASSWORD}@127.0.0.1:5432/test",
)

# information_schema type names of the declared columns, per destination.
DECLARED_TYPES = {
    "duckdb": {
        "id": "VARCHAR",
        "start_time": "TIMESTAMP WITH TIME ZONE",
        "end_time": "TIMESTAMP WITH TIME ZONE",
        "duration": "BIGINT",
    },
    "postgres": {
        "id": "character varying",
        "start_time": "timestamp with time zone",
        "end_time": "timestamp with time zone",
        "duration": "bigint",
    },
}


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


def connect_postgres() -> Any:
    """Open a connection to the test server whose session time zone is UTC."""
    return psycopg2.connect(POSTGRES_DSN, options="-c timezone=UTC")


def query_postgres(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one query on the test server and return its rows."""
    connection = connect_postgres()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
    finally:
        connection.close()


def drop_postgres_schemas(*names: str) -> None:
    """Drop schemas and everything in them, if they exist."""
    connection = connect_postgres()
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f'drop schema if exists "{name}" cascade')
    finally:
        connection.close()


def postgres_schema_exists(name: str) -> bool:
    """Return whether schema `name` exists on the test server."""
    rows = query_postgres(
        "select 1 from information_schema.schemata where schema_name = %s", (name,)
    )
    return bool(rows)


@dataclass(frozen=True)
class LoadTarget:
    """One destination under test: how to aim a sync at it and read it back.

    For PostgreSQL `dataset` is a schema unique to the test; the fixture drops it
    (and dlt's `_staging` schema used for merges) afterwards.
    """

    name: str
    dataset: str
    folder: Path

    def configure(self, settings: SyncSettings, label: str = "sync") -> SyncSettings:
        """Return `settings` aimed at this destination and dataset."""
        if self.name == "postgres":
            return replace(
                settings,
                destination="postgres",
                credentials=POSTGRES_DSN,
                dataset_name=self.dataset,
            )
        return replace(
            settings,
            destination="duckdb",
            duckdb_path=self.folder / f"{label}.duckdb",
            dataset_name=self.dataset,
        )

    def read_rows(self, settings: SyncSettings) -> dict[str, dict[str, Any]]:
        """Return the loaded time entries keyed by id."""
        if self.name == "duckdb":
            return read_rows(settings.resolved_duckdb_path(), self.dataset)
        connection = connect_postgres()
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'select * from "{self.dataset}".time_entries')
                columns = [column.name for column in cursor.description]
                return {
                    row[0]: dict(zip(columns, row, strict=True))
                    for row in cursor.fetchall()
                }
        finally:
            connection.close()

    def count_rows(self, settings: SyncSettings) -> int:
        """Return the number of rows in the time entries table."""
        if self.name == "duckdb":
            return count_rows(settings.resolved_duckdb_path(), self.dataset)
        rows = query_postgres(f'select count(*) from "{self.dataset}".time_entries')
        return int(rows[0][0])

    def column_types(self, settings: SyncSettings) -> dict[str, tuple[str, str]]:
        """Return {column: (data_type, is_nullable)} of time_entries."""
        if self.name == "duckdb":
            return column_types(settings.resolved_duckdb_path(), self.dataset)
        rows = query_postgres(
            "select column_name, data_type, is_nullable"
            " from information_schema.columns"
            " where table_schema = %s and table_name = 'time_entries'",
            (self.dataset,),
        )
        return {name: (data_type, nullable) for name, data_type, nullable in rows}

    def declared_type(self, column: str) -> str:
        """Return the information_schema type name `column` must have here."""
        return DECLARED_TYPES[self.name][column]
