"""Time entries as the report reads them, and the interface of a reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

__all__ = ["EntryReader", "TimeEntry"]


@dataclass(frozen=True)
class TimeEntry:
    """One time entry: ids, and its start and end as UTC instants.

    `end` is None for a running timer.
    """

    id: str
    user_id: str | None
    project_id: str | None
    start: datetime
    end: datetime | None

    @property
    def running(self) -> bool:
        """True for a running timer (no end yet)."""
        return self.end is None


class EntryReader(Protocol):
    """A source of synced time entries and names: one implementation per destination."""

    def read_entries(self, start: datetime, end: datetime) -> list[TimeEntry]:
        """Return the entries that overlap the UTC interval [start, end).

        Running timers that started before `end` are included, and zero-length
        entries at `start` too.
        """
        ...

    def read_names(self, table: str) -> dict[str, str]:
        """Return {id: name} from the related table `table` (projects, users).

        Returns {} when the table or its `name` column does not exist, so a
        report without names shows ids.
        """
        ...
