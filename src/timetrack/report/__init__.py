"""Reports of synced time entries: hours by day, week, project or user.

Readers fetch entries and names from a destination (`DuckDBEntryReader`,
`PostgresEntryReader`, picked by `open_entry_reader`), `build_report` splits
entries at midnight in a time zone and sums them, and `render` draws the result.
A new destination needs only a class with `read_entries` and `read_names`.
"""

from timetrack.report.buckets import (
    Bucket,
    Grouping,
    Report,
    build_report,
    split_by_day,
)
from timetrack.report.duckdb_reader import DuckDBEntryReader
from timetrack.report.entries import EntryReader, TimeEntry
from timetrack.report.generate import generate_report, parse_day, resolve_period
from timetrack.report.postgres_reader import PostgresEntryReader
from timetrack.report.readers import REPORT_DESTINATIONS, open_entry_reader
from timetrack.report.zones import local_zone, resolve_zone

__all__ = [
    "REPORT_DESTINATIONS",
    "Bucket",
    "DuckDBEntryReader",
    "EntryReader",
    "Grouping",
    "PostgresEntryReader",
    "Report",
    "TimeEntry",
    "build_report",
    "generate_report",
    "local_zone",
    "open_entry_reader",
    "parse_day",
    "resolve_period",
    "resolve_zone",
    "split_by_day",
]
