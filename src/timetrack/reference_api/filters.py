"""Query filters of the reference API's time entries: change windows, start ranges, ids.

Times in filters are ISO-8601 with a UTC offset (``Z`` or ``+05:30``) or Unix
seconds, and are compared with record times as instants, never as strings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

__all__ = [
    "EntryFilter",
    "InvalidFilterError",
    "RowFacts",
    "parse_entry_filter",
    "parse_instant",
    "row_facts",
]

_EPOCH = re.compile(r"-?[0-9]+")
_EPOCH_START = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class InvalidFilterError(ValueError):
    """A filter parameter that cannot be parsed; names the parameter."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def parse_instant(value: str) -> datetime | None:
    """Parse ISO-8601 with an offset, or Unix seconds, into an aware datetime.

    Returns None for text that is neither, for ISO text without an offset, and
    for seconds outside the years a datetime holds.
    """
    text = value.strip()
    if _EPOCH.fullmatch(text):
        try:
            return datetime.fromtimestamp(int(text), UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.utcoffset() is not None else None


def _micros(instant: datetime | None) -> int | None:
    """Return `instant` as whole microseconds since 1970 UTC, exactly."""
    return None if instant is None else (instant - _EPOCH_START) // _MICROSECOND


def _bound(instant: datetime | None, missing: int) -> int:
    micros = _micros(instant)
    return missing if micros is None else micros


def _record_micros(record: Mapping[str, Any], field: str) -> int | None:
    value = record.get(field)
    return _micros(parse_instant(value)) if isinstance(value, str) else None


class RowFacts(NamedTuple):
    """The fields of a stored record that filters read, parsed once on storing.

    Instants are microseconds since 1970 UTC, or None when the record has no
    parseable value. Filtering a listing then compares integers instead of
    decoding every record, as an index would serve it.
    """

    id: Any
    updated_at: int | None
    start_time: int | None
    deleted: bool


def row_facts(record: Mapping[str, Any]) -> RowFacts:
    """Read the `RowFacts` of `record`."""
    return RowFacts(
        record.get("id"),
        _record_micros(record, "updated_at"),
        _record_micros(record, "start_time"),
        record.get("deleted_at") is not None,
    )


@dataclass(frozen=True)
class EntryFilter:
    """The time entries a request selects; every bound is optional.

    ``updated_since`` is inclusive and ``updated_before`` exclusive, both on
    ``updated_at``; ``start_from`` and ``start_to`` bound ``start_time`` the same
    way. A record without the bounded time is kept, so clients never lose it.
    """

    updated_since: datetime | None = None
    updated_before: datetime | None = None
    start_from: datetime | None = None
    start_to: datetime | None = None
    ids: frozenset[int] | None = None

    @property
    def reports_deletions(self) -> bool:
        """Deleted records are returned (with ``deleted_at``) to change queries."""
        return self.updated_since is not None

    def matcher(self) -> Callable[[RowFacts], bool]:
        """Return a test of `RowFacts` against every bound of this filter."""
        ids = self.ids
        # A missing bound is the widest one, so each test is two comparisons.
        updated_low = _bound(self.updated_since, -(2**63))
        updated_high = _bound(self.updated_before, 2**63)
        start_low = _bound(self.start_from, -(2**63))
        start_high = _bound(self.start_to, 2**63)

        def match(facts: RowFacts) -> bool:
            if ids is not None and (facts.deleted or facts.id not in ids):
                # A lookup by id does not find a deleted record, as a real API.
                return False
            updated = facts.updated_at
            if updated is not None and not updated_low <= updated < updated_high:
                return False
            start = facts.start_time
            return start is None or start_low <= start < start_high

        return match


_TIME_PARAMS = ("updated_since", "updated_before", "start_from", "start_to")


def parse_entry_filter(params: Mapping[str, str]) -> EntryFilter | None:
    """Read the filter parameters of a request; None when it has none.

    Raises InvalidFilterError naming the first parameter that cannot be parsed.
    """
    if not any(name in params for name in (*_TIME_PARAMS, "ids")):
        return None
    bounds: dict[str, datetime | None] = {}
    for name in _TIME_PARAMS:
        raw = params.get(name)
        if raw is None or raw == "":
            bounds[name] = None
            continue
        instant = parse_instant(raw)
        if instant is None:
            raise InvalidFilterError(
                name,
                f"invalid {name} {raw[:40]!r}: expected ISO-8601 with a UTC offset "
                "(such as 2026-11-30T09:00:00Z) or Unix seconds",
            )
        bounds[name] = instant
    ids: frozenset[int] | None = None
    raw_ids = params.get("ids")
    if raw_ids is not None:
        parts = [part for part in raw_ids.split(",") if part]
        if not all(part.isdigit() for part in parts):
            raise InvalidFilterError(
                "ids", f"invalid ids {raw_ids[:40]!r}: expected comma-separated ids"
            )
        ids = frozenset(int(part) for part in parts)
    return EntryFilter(ids=ids, **bounds)
