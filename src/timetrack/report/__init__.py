"""Reports of synced time entries: hours by day, week, project or user.

Readers fetch entries from a destination (`DuckDBEntryReader`), `build_report`
splits them at midnight in a time zone and sums them, and `render` draws the
result. A new destination needs only a class with `read_entries`.
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
from timetrack.report.zones import local_zone, resolve_zone

__all__ = [
    "Bucket",
    "DuckDBEntryReader",
    "EntryReader",
    "Grouping",
    "Report",
    "TimeEntry",
    "build_report",
    "generate_report",
    "local_zone",
    "parse_day",
    "resolve_period",
    "resolve_zone",
    "split_by_day",
]
