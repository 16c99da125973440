"""Query filters of the reference API's time entries: change windows, start ranges, ids.

Times in filters are ISO-8601 with a UTC offset (``Z`` or ``+05:30``) or Unix
seconds, and are compared with record times as instants, never as strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = ["EntryFilter", "InvalidFilterError", "parse_entry_filter", "parse_instant"]

_EPOCH = re.compile(r"-?[0-9]+")


class InvalidFilterError(ValueError):
    """A filter parameter that cannot be parsed; names the parameter."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def parse_instant(value: str) -> datetime | None:
    """Parse ISO-8601 with an offset, or Unix seconds, into an aware datetime.

    Returns None for text that is neither, or for ISO text without an offset.
    """
    text = value.strip()
    if _EPOCH.fullmatch(text):
        return datetime.fromtimestamp(int(text), UTC)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.utcoffset() is not None else None


def _record_instant(record: Mapping[str, Any], field: str) -> datetime | None:
    value = record.get(field)
    return parse_instant(value) if isinstance(value, str) else None


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

    def matches(self, record: Mapping[str, Any]) -> bool:
        """Tell whether ``record`` falls inside every bound."""
        if self.ids is not None and record.get("id") not in self.ids:
            return False
        if self.ids is not None and record.get("deleted_at") is not None:
            # A lookup by id does not find a deleted record, as with a real API.
            return False
        if not _within(
            _record_instant(record, "updated_at"),
            self.updated_since,
            self.updated_before,
        ):
            return False
        return _within(
            _record_instant(record, "start_time"), self.start_from, self.start_to
        )


def _within(
    instant: datetime | None, since: datetime | None, before: datetime | None
) -> bool:
    if instant is None:
        return True
    if since is not None and instant < since:
        return False
    return not (before is not None and instant >= before)


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
