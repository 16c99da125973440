"""The typed result of one sync run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["REJECTS_EXIT_CODE", "SyncSummary"]

# The CLI exit code of a sync that finished but rejected records it could not load.
REJECTS_EXIT_CODE = 5


@dataclass(frozen=True)
class SyncSummary:
    """The outcome of a sync: rows per table, HTTP traffic, time and data location."""

    pipeline_name: str
    destination: str
    dataset_name: str
    location: str
    rows_loaded: dict[str, int] = field(default_factory=dict)
    pages_fetched: int = 0
    requests_made: int = 0
    retries: int = 0
    elapsed_seconds: float = 0.0
    load_ids: tuple[str, ...] = ()
    mode: str = "incremental"
    deleted: int = 0
    """Entries found deleted by id: deleted listings, lookups, reconciliation.

    Deletions that arrive as full records in a change query are not counted.
    """
    rejected_records: int = 0
    """Records written to the rejects table instead of loaded (see validate.py)."""

    @property
    def total_rows(self) -> int:
        """The rows loaded into all tables together."""
        return sum(self.rows_loaded.values())

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as plain JSON-ready values."""
        data = asdict(self)
        data["load_ids"] = list(self.load_ids)
        data["total_rows"] = self.total_rows
        return data
