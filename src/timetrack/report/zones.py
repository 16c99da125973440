"""Time zones of the report: IANA names, the local zone and day boundaries."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from timetrack.errors import ConfigError

__all__ = [
    "local_zone",
    "period_bounds",
    "resolve_zone",
    "start_of_day",
    "zone_name",
]


def resolve_zone(name: str | None) -> tzinfo:
    """Return the zone named `name` (IANA, e.g. Europe/Berlin), or the local zone."""
    if name is None or name == "":
        return local_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"Unknown time zone {name!r}. Use an IANA name such as Europe/Berlin, "
            "America/New_York or UTC."
        ) from None


def local_zone() -> tzinfo:
    """Return the zone of this machine: $TZ, then /etc/localtime, then its offset.

    NOTE: the last fallback is a fixed UTC offset, so on a machine where neither
    $TZ nor /etc/localtime names a zone, days across a DST change are off by the
    DST shift.
    """
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        target = ""
    marker = "zoneinfo/"
    if marker in target:
        candidates.append(target.split(marker, 1)[1])
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    offset = datetime.now().astimezone().tzinfo
    return offset if offset is not None else UTC


def zone_name(zone: tzinfo) -> str:
    """Return the IANA key of `zone`, or its name at the current time."""
    key = getattr(zone, "key", None)
    if isinstance(key, str):
        return key
    return zone.tzname(datetime.now(UTC)) or str(zone)


def start_of_day(day: date, zone: tzinfo) -> datetime:
    """Return the UTC instant at which `day` begins in `zone`.

    When midnight falls in a DST gap, zoneinfo maps it with the offset before the
    change, which is the instant the clocks jump: the first instant of the day.
    """
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def period_bounds(since: date, until: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """Return the UTC interval [start, end) that covers the days `since` to `until`."""
    return start_of_day(since, zone), start_of_day(until + timedelta(days=1), zone)
