"""Deleted entries: removed from the destination (hard) or kept and marked (soft).

Hard deletion, the default, loads a tombstone row `{"id", "deleted": true}` for
each deleted entry; the `hard_delete` hint on `deleted` makes dlt remove the
row. Soft deletion keeps the row: a full record with `deleted_at` merges as
usual with `deleted` true, and deletions known only by id are collected here
and marked with an UPDATE after the load, because a tombstone row would
replace the stored columns with nulls.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, cast

import dlt
from dlt.sources.rest_api.typing import EndpointResource

from timetrack.errors import DestinationError
from timetrack.redact import redact_text
from timetrack.source.normalize import parse_timestamp
from timetrack.source.profiles.base import Profile

__all__ = [
    "DELETION_MODES",
    "DeletionLog",
    "DeletionMode",
    "apply_soft_deletions",
    "build_deleted_listing",
]

logger = logging.getLogger(__name__)

DeletionMode = Literal["hard", "soft"]
DELETION_MODES: tuple[DeletionMode, ...] = ("hard", "soft")


@dataclass
class DeletionLog:
    """The entries one run found deleted, and how the destination learns of them."""

    mode: DeletionMode = "hard"
    pending: dict[str, datetime] = field(default_factory=dict)
    count: int = 0

    def tombstones(
        self, ids: Iterable[str], deleted_at: datetime | None = None
    ) -> Iterator[dict[str, Any]]:
        """Yield tombstone rows (hard mode) or remember the ids (soft mode)."""
        when = deleted_at or datetime.now(UTC).replace(microsecond=0)
        for entry_id in ids:
            self.count += 1
            if self.mode == "hard":
                yield {"id": str(entry_id), "deleted": True, "deleted_at": when}
            else:
                self.pending[str(entry_id)] = when


def apply_soft_deletions(
    pipeline: dlt.Pipeline, log: DeletionLog, *, table: str = "time_entries"
) -> int:
    """Mark the pending soft deletions in the destination; return rows marked.

    NOTE: this runs after the load has committed the run's state, so if it
    fails, these deletions are not found again by the next incremental run;
    the error names --full-refresh as the fix.
    """
    if not log.pending:
        return 0
    try:
        with pipeline.sql_client() as client:
            name = client.make_qualified_table_name(table)
            for entry_id, when in sorted(log.pending.items()):
                client.execute_sql(
                    f"UPDATE {name} SET deleted = TRUE, "
                    "deleted_at = COALESCE(deleted_at, %s) WHERE id = %s",
                    when,
                    entry_id,
                )
    except Exception as error:
        raise DestinationError(
            f"Marking {len(log.pending)} deleted entries failed: "
            f"{redact_text(str(error).splitlines()[0])}. "
            "Run the sync again, or use --full-refresh to rebuild the table."
        ) from None
    logger.info("Marked %d entries deleted", len(log.pending))
    return len(log.pending)


def build_deleted_listing(
    profile: Profile,
    log: DeletionLog,
    *,
    limit: int,
    columns: dict[str, dict[str, Any]],
) -> EndpointResource | None:
    """Describe the API's listing of deleted entries, or None if it has none.

    dlt's incremental on `deleted_at` requests only deletions since the last
    run. Hard mode loads the tombstones into `time_entries`; soft mode keeps
    them in `deleted_time_entries` and marks the stored rows after the load.
    """
    if profile.deleted_path is None:
        return None

    def to_tombstone(record: dict[str, Any]) -> dict[str, Any]:
        entry_id = str(record.get("id"))
        when = parse_timestamp(
            record.get("deleted_at"), field="deleted_at", entry_id=entry_id
        )
        rows = list(log.tombstones([entry_id], when))
        if rows:
            return rows[0]
        return {"id": entry_id, "deleted": True, "deleted_at": when}

    hard = log.mode == "hard"
    resource: dict[str, Any] = {
        "name": "deleted_time_entries",
        "table_name": "time_entries" if hard else "deleted_time_entries",
        "endpoint": {
            "path": profile.deleted_path,
            "data_selector": profile.data_selector,
            "paginator": profile.build_paginator(limit),
            "incremental": {
                "cursor_path": "deleted_at",
                "start_param": "since",
                "initial_value": None,
                "convert": profile.format_instant,
                "on_cursor_value_missing": "include",
                "primary_key": [],
            },
        },
        "columns": columns if hard else {},
        "processing_steps": [{"map": to_tombstone}],
    }
    return cast(EndpointResource, resource)
