"""UTC offsets and ISO-8601 strings for instants given as Unix seconds."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

SECONDS_PER_DAY = 86_400

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

# Offsets are sampled at this step before the exact transition second is found by
# bisection. IANA zones keep each offset for far longer than six hours.
_SCAN_STEP = 6 * 3600

_UTC_ZONE_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/Zulu", "Zulu"})


@cache
def _clock_strings() -> tuple[str, ...]:
    # Formatting through a lookup table keeps one million entries within seconds.
    return tuple(
        f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        for second in range(SECONDS_PER_DAY)
    )


@cache
def _day_string(day: int) -> str:
    return date.fromordinal(_EPOCH_ORDINAL + day).isoformat()


class _DayPrefixes(dict[int, str]):
    """Date strings with a trailing "T", keyed by days since 1970-01-01."""

    def __missing__(self, day: int) -> str:
        prefix = self[day] = _day_string(day) + "T"
        return prefix


def _format_offset(offset: int) -> str:
    sign = "-" if offset < 0 else "+"
    hours, minutes = divmod(abs(offset) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _utc_offset(zone: ZoneInfo, epoch: int) -> int:
    offset = datetime.fromtimestamp(epoch, zone).utcoffset()
    if offset is None:
        raise ValueError(f"time zone {zone.key} has no UTC offset at {epoch}")
    return int(offset.total_seconds())


def format_local(epoch: int, offset: int, suffix: str) -> str:
    """Format an instant as local ISO-8601 time followed by ``suffix``."""
    day, second = divmod(epoch + offset, SECONDS_PER_DAY)
    return _day_string(day) + "T" + _clock_strings()[second] + suffix


def format_utc(epoch: int) -> str:
    """Format an instant as ISO-8601 UTC time with a ``Z`` suffix."""
    return format_local(epoch, 0, "Z")


class OffsetTable:
    """UTC offsets of one IANA time zone between two instants.

    Instants outside the window get the offset at the nearest end of it. A zone
    named UTC is written with ``Z``, and every other zone gets a numeric offset,
    even where it is ``+00:00``.
    """

    def __init__(self, zone_name: str, start: int, stop: int) -> None:
        zone = ZoneInfo(zone_name)
        self.zone_name = zone_name
        self._transitions: list[int] = []
        self._offsets = [_utc_offset(zone, start)]
        for sample in range(start + _SCAN_STEP, stop + _SCAN_STEP, _SCAN_STEP):
            if _utc_offset(zone, sample) == self._offsets[-1]:
                continue
            low, high = sample - _SCAN_STEP, sample
            while high - low > 1:
                middle = (low + high) // 2
                if _utc_offset(zone, middle) == self._offsets[-1]:
                    low = middle
                else:
                    high = middle
            self._transitions.append(high)
            self._offsets.append(_utc_offset(zone, high))
        zulu = zone_name in _UTC_ZONE_NAMES
        self._suffixes = [
            "Z" if zulu and offset == 0 else _format_offset(offset)
            for offset in self._offsets
        ]

    def offset_at(self, epoch: int) -> int:
        """Return the UTC offset in seconds at an instant."""
        return self._offsets[bisect_right(self._transitions, epoch)]

    def formatter(self) -> Callable[[int], str]:
        """Return a function that formats an instant as local ISO-8601 time.

        The function is a closure over local lookups because it runs four times
        per generated entry, and a bound method measured about 40% slower.
        """
        transitions, offsets, suffixes = (
            self._transitions,
            self._offsets,
            self._suffixes,
        )
        clock = _clock_strings()
        day_prefixes = _DayPrefixes()
        if not transitions:
            offset, suffix = offsets[0], suffixes[0]

            def format_fixed_offset(epoch: int) -> str:
                day, second = divmod(epoch + offset, SECONDS_PER_DAY)
                return day_prefixes[day] + clock[second] + suffix

            return format_fixed_offset

        def format_instant(epoch: int) -> str:
            index = bisect_right(transitions, epoch)
            day, second = divmod(epoch + offsets[index], SECONDS_PER_DAY)
            return day_prefixes[day] + clock[second] + suffixes[index]

        return format_instant
