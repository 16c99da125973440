"""Pick the reader of the destination a sync wrote, from the sync's own settings."""

from __future__ import annotations

from timetrack.errors import ConfigError
from timetrack.report.duckdb_reader import DuckDBEntryReader
from timetrack.report.entries import EntryReader
from timetrack.report.postgres_reader import PostgresEntryReader
from timetrack.sync.destinations import resolve_postgres_credentials
from timetrack.sync.settings import SyncSettings

__all__ = ["REPORT_DESTINATIONS", "open_entry_reader"]

# The filesystem destination is not listed: its Parquet or Delta files would
# need a reader of their own.
REPORT_DESTINATIONS = ("duckdb", "postgres")


def open_entry_reader(settings: SyncSettings) -> EntryReader:
    """Return the reader of `settings.destination` and `settings.dataset_name`.

    The DuckDB file and the PostgreSQL credentials resolve as for `sync`: the
    file defaults to PIPELINE_NAME.duckdb, and credentials come from
    `settings.credentials`, DESTINATION__POSTGRES__CREDENTIALS or
    .dlt/secrets.toml. Raises ConfigError for an unknown destination, an
    invalid dataset name or missing credentials. No connection is opened yet.
    """
    if settings.destination == "duckdb":
        return DuckDBEntryReader(settings.resolved_duckdb_path(), settings.dataset_name)
    if settings.destination == "postgres":
        credentials = resolve_postgres_credentials(settings.credentials)
        return PostgresEntryReader(credentials, settings.dataset_name)
    raise ConfigError(
        f"Unknown report destination {settings.destination!r}. Choose one of: "
        f"{', '.join(REPORT_DESTINATIONS)}."
    )
