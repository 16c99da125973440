"""The tables and columns every reader reads, and the errors when they are missing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from timetrack.errors import ConfigError
from timetrack.report.entries import TimeEntry

__all__ = [
    "ENTRIES_TABLE",
    "NAME_COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "build_entry",
    "build_names",
    "check_entry_columns",
    "live_rows_condition",
]

ENTRIES_TABLE = "time_entries"

# Columns the report reads. Optional ones may be missing from a table that
# another tool created, and are read as NULL then.
REQUIRED_COLUMNS = ("id", "start_time", "end_time")
OPTIONAL_COLUMNS = ("user_id", "project_id")

# Columns of a related table (projects, users) that give an id its name.
# NOTE: an API that splits a user's name into other columns (such as Harvest's
# first_name and last_name) has no `name` column, so its users show ids alone.
NAME_COLUMNS = ("id", "name")

# A missing-table error lists at most this many datasets that have the table.
_MAX_LISTED_DATASETS = 5


def live_rows_condition(columns: set[str]) -> str:
    """Return the SQL condition that leaves out rows kept as deleted, or "".

    With `--deletions soft` a deleted entry stays in the table with `deleted`
    true. Reports count only the entries the API still has.
    """
    if "deleted" not in columns:
        return ""
    return ' and not coalesce("deleted", false)'


def check_entry_columns(
    columns: set[str],
    *,
    dataset: str,
    where: str,
    sync_command: str,
    datasets_with_entries: Iterable[str],
) -> None:
    """Raise ConfigError when `DATASET.time_entries` is missing or lacks a column.

    `where` names the database, `sync_command` is the command that fills it and
    `datasets_with_entries` lists the datasets that do have the table there.
    """
    table = f"{dataset}.{ENTRIES_TABLE}"
    if not columns:
        others = _without_staging(datasets_with_entries)[:_MAX_LISTED_DATASETS]
        hint = (
            f" Datasets with time entries there: {', '.join(others)}." if others else ""
        )
        raise ConfigError(
            f"No table {table} in {where}.{hint} Run {sync_command} first, or pass "
            "the --dataset the sync used."
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ConfigError(
            f"The table {table} in {where} lacks the column(s) {', '.join(missing)}. "
            "Sync it with timetrack."
        )


def build_entry(
    entry_id: object,
    user_id: object,
    project_id: object,
    start: datetime,
    end: datetime | None,
) -> TimeEntry:
    """Build a TimeEntry from one row, ids as text and instants in UTC."""
    return TimeEntry(
        id=str(entry_id),
        user_id=None if user_id is None else str(user_id),
        project_id=None if project_id is None else str(project_id),
        start=_as_utc(start),
        end=None if end is None else _as_utc(end),
    )


def build_names(rows: Iterable[tuple[object, object]]) -> dict[str, str]:
    """Return {id: name} from (id, name) rows, skipping rows without a name."""
    names: dict[str, str] = {}
    for record_id, name in rows:
        if record_id is None or name is None or not str(name).strip():
            continue
        names[str(record_id)] = str(name)
    return names


def _without_staging(datasets: Iterable[str]) -> list[str]:
    # dlt merges through a DATASET_staging copy, which no report should read.
    found = set(datasets)
    return sorted(
        name
        for name in found
        if not (name.endswith("_staging") and name.removesuffix("_staging") in found)
    )


def _as_utc(instant: datetime) -> datetime:
    # A timestamp without a zone is read as UTC, as DuckDB's epoch_us reads it.
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)
