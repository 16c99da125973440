"""Map API time entries onto the common columns: instants, running flag, duration."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["TIMESTAMP_FIELDS", "normalize_time_entry", "parse_timestamp"]

logger = logging.getLogger(__name__)

TIMESTAMP_FIELDS = ("start_time", "end_time", "created_at", "updated_at", "deleted_at")


def parse_timestamp(value: object, *, field: str, entry_id: object) -> datetime | None:
    """Parse an ISO-8601 text or datetime into an aware UTC datetime.

    Values without an offset are read as UTC. A value that cannot be parsed is
    logged and returned as None, so the entry still loads.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            logger.warning(
                "Time entry %s has an invalid %s %r; loading it with %s null",
                entry_id,
                field,
                value[:40],
                field,
            )
            return None
    else:
        logger.warning(
            "Time entry %s has a %s of type %s; loading it with %s null",
            entry_id,
            field,
            type(value).__name__,
            field,
        )
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _parse_or_keep(value: object) -> object:
    """Parse a timestamp like `parse_timestamp`, but keep a value it cannot parse.

    The validation step then sends the entry to the rejects table with the
    value as the API sent it, instead of loading the entry with a wrong null.
    """
    if isinstance(value, str) and value.strip():
        try:
            datetime.fromisoformat(value.strip())
        except ValueError:
            return value
    elif value is not None and value != "" and not isinstance(value, datetime):
        return value
    return parse_timestamp(value, field="", entry_id=None)


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
        entry["duration"] = int(span.total_seconds())
    else:
        entry["duration"] = None if duration is None else int(duration)
    entry["has_negative_span"] = span is not None and span < timedelta(0)
    entry["deleted"] = bool(entry.get("deleted")) or entry.get("deleted_at") is not None
    return entry
