"""Map API time entries onto the common columns: instants, running flag, duration."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["TIMESTAMP_FIELDS", "normalize_time_entry", "parse_timestamp", "to_utc"]

logger = logging.getLogger(__name__)

TIMESTAMP_FIELDS = ("start_time", "end_time", "created_at", "updated_at", "deleted_at")


def to_utc(value: str | datetime) -> datetime:
    """Convert an ISO-8601 text or a datetime into an aware UTC datetime.

    Values without an offset are read as UTC. Raises ValueError for text that
    is not ISO 8601, and OverflowError when the instant lies outside the years
    1 to 9999 in UTC, as "0001-01-01T00:00:00+01:00" does.
    """
    if isinstance(value, datetime):
        parsed = value
    else:
        parsed = datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_timestamp(value: object, *, field: str, entry_id: object) -> datetime | None:
    """Parse an ISO-8601 text or datetime into an aware UTC datetime.

    Values without an offset are read as UTC. A value that cannot be parsed,
    or whose instant lies outside the years 1 to 9999 in UTC, is logged and
    returned as None, so the entry still loads.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str | datetime):
        logger.warning(
            "Time entry %s has a %s of type %s; loading it with %s null",
            entry_id,
            field,
            type(value).__name__,
            field,
        )
        return None
    try:
        return to_utc(value)
    except (ValueError, OverflowError):
        logger.warning(
            "Time entry %s has an invalid %s %r; loading it with %s null",
            entry_id,
            field,
            str(value)[:40],
            field,
        )
        return None


def _parse_or_keep(value: object) -> object:
    """Parse a timestamp like `parse_timestamp`, but keep a value it cannot parse.

    The validation step then sends the entry to the rejects table with the
    value as the API sent it, instead of loading the entry with a wrong null.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return parse_timestamp(value, field="", entry_id=None)
    if not isinstance(value, str | datetime):
        return value
    try:
        return to_utc(value)
    except (ValueError, OverflowError):
        return value


def _whole_seconds(span: timedelta) -> int:
    # Exact integer arithmetic: float seconds of a span of centuries round
    # .999999 up to the next second. Truncates toward zero, like int().
    microseconds = span // timedelta(microseconds=1)
    seconds = abs(microseconds) // 1_000_000
    return seconds if microseconds >= 0 else -seconds


def normalize_time_entry(record: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of `record` in the common shape.

    - timestamps become aware UTC datetimes, so cursors compare as instants;
    - `is_running` is true when `end_time` is null, `duration` is negative (APIs
      that store minus the start epoch) or the API sets `is_running`; a running
      entry gets a null `duration`;
    - a finished entry without a usable `duration` gets `end - start` seconds;
    - `has_negative_span` flags an entry whose end is before its start;
    - `deleted` is true when the API marks the entry deleted.
    """
    entry = dict(record)
    entry_id = entry.get("id")
    if entry_id is not None and not isinstance(entry_id, str):
        entry["id"] = str(entry_id)
    for field in TIMESTAMP_FIELDS:
        if field in entry:
            entry[field] = _parse_or_keep(entry[field])
    start, end = entry.get("start_time"), entry.get("end_time")
    # An unparseable value stays text for the validation step to reject.
    span: timedelta | None = None
    if isinstance(start, datetime) and isinstance(end, datetime):
        span = end - start
    duration = entry.get("duration")
    if isinstance(duration, bool) or not isinstance(duration, int | float):
        duration = None
    running = (
        end is None
        or (duration is not None and duration < 0)
        or entry.get("is_running") is True
    )
    entry["is_running"] = running
    if running:
        entry["duration"] = None
    elif duration is None and span is not None:
        entry["duration"] = _whole_seconds(span)
    else:
        entry["duration"] = None if duration is None else int(duration)
    entry["has_negative_span"] = span is not None and span < timedelta(0)
    entry["deleted"] = bool(entry.get("deleted")) or entry.get("deleted_at") is not None
    return entry
