"""Make a report from a reader: the period, the query and the bucketing together."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

from timetrack.errors import ConfigError
from timetrack.report.buckets import Grouping, Report, build_report
from timetrack.report.entries import EntryReader
from timetrack.report.zones import period_bounds

__all__ = [
    "DEFAULT_DAYS",
    "NAME_TABLES",
    "generate_report",
    "parse_day",
    "resolve_period",
]

# The default period: this many days, ending today.
DEFAULT_DAYS = 7

# The related table that names the ids of each grouping, as `sync` loads them.
NAME_TABLES = {Grouping.PROJECT: "projects", Grouping.USER: "users"}


def parse_day(value: str, option: str) -> date:
    """Parse a YYYY-MM-DD date given for `option`, or raise ConfigError."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"Invalid {option} {value!r}: expected a date as YYYY-MM-DD, "
            "such as 2026-11-30."
        ) from None


def resolve_period(
    since: date | None, until: date | None, zone: tzinfo, now: datetime
) -> tuple[date, date]:
    """Fill in a missing end of the period.

    `until` defaults to today in `zone`, and `since` to `DEFAULT_DAYS` days
    ending at `until`.
    """
    last = until or now.astimezone(zone).date()
    first = since or last - timedelta(days=DEFAULT_DAYS - 1)
    return first, last


def generate_report(
    reader: EntryReader,
    *,
    since: date | None = None,
    until: date | None = None,
    zone: tzinfo,
    grouping: Grouping = Grouping.DAY,
    now: datetime | None = None,
) -> Report:
    """Read the entries of the period from `reader` and sum their hours.

    Project and user reports also read the names of the ids from the related
    table, and show ids alone where it has none.
    """
    current = now or datetime.now(UTC)
    first, last = resolve_period(since, until, zone, current)
    start, end = period_bounds(first, last, zone)
    entries = reader.read_entries(start, end)
    table = NAME_TABLES.get(grouping)
    names = reader.read_names(table) if table is not None else None
    return build_report(
        entries,
        since=first,
        until=last,
        zone=zone,
        grouping=grouping,
        now=current,
        names=names,
    )
