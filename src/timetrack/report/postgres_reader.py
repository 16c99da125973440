"""Read synced time entries and related names from a PostgreSQL schema."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from timetrack.errors import DestinationError
from timetrack.redact import redact_text
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
from timetrack.sync.destinations import connect_postgres, describe_postgres
from timetrack.sync.settings import validate_name

__all__ = ["PostgresEntryReader"]


class PostgresEntryReader:
    """An `EntryReader` over the tables of one schema (dataset) in PostgreSQL.

    `credentials` are dlt's PostgresCredentials, as
    `timetrack.sync.destinations.resolve_postgres_credentials` returns them.
    Each read opens one read-only connection and closes it.
    """

    def __init__(self, credentials: Any, dataset: str = "time_tracking") -> None:
        validate_name("dataset name", dataset)
        self.credentials = credentials
        self.dataset = dataset

    @property
    def location(self) -> str:
        """The server and database, as `PostgreSQL user@host:port/database`."""
        return f"PostgreSQL {describe_postgres(self.credentials)}"

    def read_entries(self, start: datetime, end: datetime) -> list[TimeEntry]:
        """Return the entries that overlap the UTC interval [start, end)."""
        with self._cursor(ENTRIES_TABLE) as cursor:
            from psycopg2 import sql

            columns = _table_columns(cursor, self.dataset, ENTRIES_TABLE)
            check_entry_columns(
                columns,
                dataset=self.dataset,
                where=self.location,
                sync_command="timetrack sync --destination postgres",
                datasets_with_entries=_datasets_with_entries(cursor),
            )
            optional = [
                sql.Identifier(name)
                if name in columns
                else sql.SQL("null as {}").format(sql.Identifier(name))
                for name in OPTIONAL_COLUMNS
            ]
            # Aware datetimes compare as instants, whatever the session zone.
            # `>=` keeps a zero-length entry that sits exactly on the start.
            query = sql.SQL(
                'select cast("id" as text), {optional}, "start_time", "end_time"'
                " from {table}"
                ' where "start_time" is not null and "start_time" < %s'
                ' and ("end_time" is null or "end_time" >= %s)'
                f"{live_rows_condition(columns)}"
                ' order by "start_time", "id"'
            ).format(
                optional=sql.SQL(", ").join(optional),
                table=sql.Identifier(self.dataset, ENTRIES_TABLE),
            )
            cursor.execute(query, (end, start))
            rows = cursor.fetchall()
        return [build_entry(*row) for row in rows]

    def read_names(self, table: str) -> dict[str, str]:
        """Return {id: name} of `DATASET.table`, or {} without that table or column."""
        validate_name("table name", table)
        with self._cursor(table) as cursor:
            from psycopg2 import sql

            if not set(NAME_COLUMNS) <= _table_columns(cursor, self.dataset, table):
                return {}
            cursor.execute(
                sql.SQL(
                    'select cast("id" as text), cast("name" as text) from {table}'
                ).format(table=sql.Identifier(self.dataset, table))
            )
            rows = cursor.fetchall()
        return build_names(rows)

    @contextlib.contextmanager
    def _cursor(self, table: str) -> Iterator[Any]:
        # connect_postgres raises a ConfigError naming the extra when psycopg2
        # is missing, so psycopg2 is imported only after it.
        connection = connect_postgres(self.credentials)
        import psycopg2

        try:
            connection.set_session(readonly=True)
            with connection.cursor() as cursor:
                # Timestamps without a zone then read as UTC, as in DuckDB.
                cursor.execute("set time zone 'UTC'")
                yield cursor
        except psycopg2.Error as error:
            lines = redact_text(str(error)).strip().splitlines()
            cause = lines[0] if lines else type(error).__name__
            raise DestinationError(
                f"Reading {self.dataset}.{table} from {self.location} failed: "
                f"{cause}. Check that the user may read the schema {self.dataset!r}."
            ) from None
        finally:
            connection.close()


def _table_columns(cursor: Any, dataset: str, table: str) -> set[str]:
    cursor.execute(
        "select column_name from information_schema.columns"
        " where table_schema = %s and table_name = %s",
        (dataset, table),
    )
    return {str(name) for (name,) in cursor.fetchall()}


def _datasets_with_entries(cursor: Any) -> list[str]:
    cursor.execute(
        "select distinct table_schema from information_schema.tables"
        " where table_name = %s",
        (ENTRIES_TABLE,),
    )
    return [str(name) for (name,) in cursor.fetchall()]
