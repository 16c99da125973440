"""Hours per day, week, project or user: splitting entries at midnight and summing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from timetrack.errors import ConfigError
from timetrack.report.entries import TimeEntry
from timetrack.report.zones import period_bounds, start_of_day, zone_name

__all__ = ["Bucket", "Grouping", "Report", "build_report", "split_by_day"]

NO_PROJECT = "(no project)"
NO_USER = "(no user)"


class Grouping(StrEnum):
    """The dimension a report sums hours by."""

    DAY = "day"
    WEEK = "week"
    PROJECT = "project"
    USER = "user"


@dataclass(frozen=True)
class Bucket:
    """The hours of one row of the report.

    `seconds` includes `running_seconds`, the part that running timers add up to
    the report's `now`. `entries` counts the entries with time in this bucket, so
    an entry that crosses midnight counts on both days. `name` is the project's
    or user's name when the related table has one for `key`, else None.
    """

    key: str
    seconds: float
    running_seconds: float
    entries: int
    running_entries: int
    name: str | None = None

    @property
    def label(self) -> str:
        """The row's text: `name (key)` when the name is known, else the key."""
        if self.name is None:
            return self.key
        return f"{self.name} ({self.key})"

    @property
    def hours(self) -> float:
        """The hours of the bucket, running timers included."""
        return self.seconds / 3600

    @property
    def running_hours(self) -> float:
        """The hours that running timers contribute."""
        return self.running_seconds / 3600

    @property
    def running(self) -> bool:
        """True when a running timer contributes to the bucket."""
        return self.running_entries > 0


@dataclass(frozen=True)
class Report:
    """Hours over a period of whole days in one time zone, grouped one way."""

    grouping: Grouping
    since: date
    until: date
    zone: str
    now: datetime
    buckets: tuple[Bucket, ...]

    @property
    def total_hours(self) -> float:
        """The hours of all buckets together."""
        return sum(bucket.seconds for bucket in self.buckets) / 3600

    @property
    def has_running(self) -> bool:
        """True when a running timer contributes to any bucket."""
        return any(bucket.running for bucket in self.buckets)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-ready values, hours rounded to 6 decimals."""
        return {
            "by": self.grouping.value,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "timezone": self.zone,
            "now": self.now.isoformat(),
            "total_hours": round(self.total_hours, 6),
            "rows": [
                {
                    "key": bucket.key,
                    "name": bucket.name,
                    "hours": round(bucket.hours, 6),
                    "running_hours": round(bucket.running_hours, 6),
                    "entries": bucket.entries,
                    "running": bucket.running,
                }
                for bucket in self.buckets
            ],
        }


def split_by_day(
    start: datetime, end: datetime, zone: tzinfo
) -> list[tuple[date, float]]:
    """Split the interval [start, end) at each midnight of `zone`.

    Returns (day, seconds) pairs in order. Seconds are elapsed time, so a day
    with a DST change has 23 or 25 hours. A zero-length interval returns its
    day with 0 seconds.
    """
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    segments: list[tuple[date, float]] = []
    cursor = start
    while True:
        day = cursor.astimezone(zone).date()
        next_midnight = start_of_day(day + timedelta(days=1), zone)
        if end <= next_midnight:
            segments.append((day, (end - cursor).total_seconds()))
            return segments
        segments.append((day, (next_midnight - cursor).total_seconds()))
        cursor = next_midnight


@dataclass
class _Accumulator:
    seconds: float = 0.0
    running_seconds: float = 0.0
    entry_ids: set[str] = field(default_factory=set)
    running_ids: set[str] = field(default_factory=set)

    def add(self, entry: TimeEntry, seconds: float) -> None:
        self.seconds += seconds
        self.entry_ids.add(entry.id)
        if entry.running:
            self.running_seconds += seconds
            self.running_ids.add(entry.id)

    def to_bucket(self, key: str, name: str | None) -> Bucket:
        return Bucket(
            key=key,
            seconds=self.seconds,
            running_seconds=self.running_seconds,
            entries=len(self.entry_ids),
            running_entries=len(self.running_ids),
            name=name,
        )


def build_report(
    entries: Iterable[TimeEntry],
    *,
    since: date,
    until: date,
    zone: tzinfo,
    grouping: Grouping = Grouping.DAY,
    now: datetime | None = None,
    names: Mapping[str, str] | None = None,
) -> Report:
    """Sum the hours of `entries` on the days `since` to `until` in `zone`.

    Each entry is split at midnight in `zone`, and only its days inside the
    period count. A running timer counts up to `now` (default: the current time).
    Day and week reports list every day or week of the period, empty ones too.
    Project and user reports list the groups with time, by hours, largest first,
    and take each bucket's name from `names` ({id: name}) where it has the id.
    """
    if since > until:
        raise ConfigError(
            f"Invalid period: since {since.isoformat()} is after until "
            f"{until.isoformat()}. Swap the dates."
        )
    current = (now or datetime.now(UTC)).astimezone(UTC)
    period_start, period_end = period_bounds(since, until, zone)
    groups: dict[str, _Accumulator] = {}
    if grouping in (Grouping.DAY, Grouping.WEEK):
        day = since
        while day <= until:
            groups.setdefault(_day_key(day, grouping), _Accumulator())
            day += timedelta(days=1)

    for entry in entries:
        end = entry.end if entry.end is not None else max(current, entry.start)
        if end < entry.start:
            # An end before the start is bad data upstream; it has no duration.
            end = entry.start
        if not _overlaps(entry.start, end, period_start, period_end):
            continue
        start = max(entry.start, period_start)
        end = min(end, period_end)
        for day, seconds in split_by_day(start, end, zone):
            if not since <= day <= until:
                continue
            key = _group_key(entry, day, grouping)
            groups.setdefault(key, _Accumulator()).add(entry, seconds)

    known = names if grouping in (Grouping.PROJECT, Grouping.USER) else None
    buckets = [
        accumulator.to_bucket(key, None if known is None else known.get(key))
        for key, accumulator in groups.items()
    ]
    if grouping in (Grouping.DAY, Grouping.WEEK):
        buckets.sort(key=lambda bucket: bucket.key)
    else:
        buckets.sort(key=lambda bucket: (-bucket.seconds, bucket.key))
    return Report(
        grouping=grouping,
        since=since,
        until=until,
        zone=zone_name(zone),
        now=current,
        buckets=tuple(buckets),
    )


def _overlaps(
    start: datetime, end: datetime, period_start: datetime, period_end: datetime
) -> bool:
    if start == end:
        # A zero-length entry belongs to the day it sits on.
        return period_start <= start < period_end
    return start < period_end and end > period_start


def _day_key(day: date, grouping: Grouping) -> str:
    if grouping is Grouping.WEEK:
        # Weeks start on Monday (ISO 8601) and are named by that Monday.
        return (day - timedelta(days=day.weekday())).isoformat()
    return day.isoformat()


def _group_key(entry: TimeEntry, day: date, grouping: Grouping) -> str:
    if grouping is Grouping.PROJECT:
        return entry.project_id or NO_PROJECT
    if grouping is Grouping.USER:
        return entry.user_id or NO_USER
    return _day_key(day, grouping)
