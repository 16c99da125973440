"""Validate each page of time entries: route bad records to a rejects table.

A record without an `id`, with a null `id`, or with a timestamp that does not
parse would either break the whole load (the primary key is not null) or load
wrong. `PageValidator` splits a batch into good records and rejects. It drops
records already read in this run, because overlapping pages repeat them. Each
bad record goes to `time_entries__rejected` as raw JSON with the reason and the
offset of its page, and dlt adds the `_dlt_load_id` column.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa
from dlt.extract.incremental import Incremental, IncrementalResourceWrapper
from dlt.extract.resource import DltResource

from timetrack.source.normalize import TIMESTAMP_FIELDS, to_utc
from timetrack.source.seen_ids import SeenIds

__all__ = [
    "REJECTED_TABLE",
    "REJECT_COLUMNS",
    "PageValidator",
    "declare_rejected_table",
    "find_problem",
    "incremental_step_position",
]

logger = logging.getLogger(__name__)

REJECTED_TABLE = "time_entries__rejected"

# The range of the bigint `duration` column in DuckDB and PostgreSQL.
_BIGINT_MIN = -(2**63)
_BIGINT_MAX = 2**63 - 1

REJECT_COLUMNS: dict[str, dict[str, Any]] = {
    "record": {"data_type": "text", "nullable": False},
    "reason": {"data_type": "text", "nullable": False},
    "page_offset": {"data_type": "bigint", "nullable": True},
}


def find_problem(record: Any, id_field: str = "id") -> str | None:
    """Return why `record` cannot be loaded, or None if it is a valid entry."""
    if not isinstance(record, dict):
        return f"the record is a JSON {type(record).__name__}, not an object"
    if id_field not in record:
        return f"missing {id_field}"
    if record[id_field] is None:
        return f"null {id_field}"
    for name in TIMESTAMP_FIELDS:
        value = record.get(name)
        if value is None:
            continue
        if not isinstance(value, str | datetime):
            return f"{name} {value!r} is not an ISO-8601 string"
        try:
            to_utc(value)
        except ValueError:
            return f"{name} {value!r} is not an ISO-8601 timestamp"
        except OverflowError:
            return f"{name} {value!r} is outside the UTC range 0001-01-01 to 9999-12-31"
    duration = record.get("duration")
    if isinstance(duration, int) and not _BIGINT_MIN <= duration <= _BIGINT_MAX:
        return f"duration {duration!r} is outside the 64-bit integer range"
    return None


class PageValidator:
    """Splits records into valid ones and rejects, and drops repeated records.

    It counts rejects in `rejected` and repeated records in `repeated`. One
    instance serves one run, because it remembers the ids it has passed on.
    """

    def __init__(self, id_field: str = "id") -> None:
        self.id_field = id_field
        self.rejected = 0
        self.repeated = 0
        self._passed_ids = SeenIds()
        # Overlapping pages and repeated passes can return a bad record again.
        self._rejected_records: set[str] = set()

    def split(
        self,
        records: Sequence[Any],
        offset_of: Callable[[int], int | None] = lambda index: None,
    ) -> tuple[list[Any], list[dict[str, Any]]]:
        """Return the valid records not seen before and the new rejects' rows.

        `offset_of` maps a record's index to the offset of its page, which
        each reject row keeps.
        """
        candidates: list[Any] = []
        rejects: list[dict[str, Any]] = []
        for index, record in enumerate(records):
            problem = find_problem(record, self.id_field)
            if problem is None:
                candidates.append(record)
                continue
            raw = json.dumps(record, ensure_ascii=False, default=str)
            if raw not in self._rejected_records:
                self._rejected_records.add(raw)
                rejects.append(
                    {"record": raw, "reason": problem, "page_offset": offset_of(index)}
                )
        keep = self.keep_new([str(record[self.id_field]) for record in candidates])
        valid = (
            candidates
            if keep is None
            else [record for record, new in zip(candidates, keep, strict=True) if new]
        )
        if rejects:
            self.rejected += len(rejects)
            offsets = sorted({str(reject["page_offset"]) for reject in rejects})
            logger.warning(
                "Rejected %d record(s) of the pages at offsets %s: %s",
                len(rejects),
                ", ".join(offsets),
                "; ".join(sorted({reject["reason"] for reject in rejects})),
            )
        return valid, rejects

    def keep_new(self, ids: Sequence[str] | pa.ChunkedArray) -> list[bool] | None:
        """Mark which of `ids` were not passed on before; None when all are new."""
        keep = self._passed_ids.add_new(ids)
        repeated = len(keep) - sum(keep)
        self.repeated += repeated
        return keep if repeated else None


def declare_rejected_table(resource: DltResource) -> None:
    """Declare the rejects table as a variant of `resource`'s table.

    The rejects table is a plain log: appended to, never merged, no primary key.
    dlt starts a table variant from a copy of the resource's hints, so the
    first call clears the copied time entry columns before the second sets
    the rejects table's own.
    """
    resource.apply_hints(
        table_name=REJECTED_TABLE, columns={}, create_table_variant=True
    )
    resource.apply_hints(
        table_name=REJECTED_TABLE,
        write_disposition="append",
        columns=REJECT_COLUMNS,  # type: ignore[arg-type]
        primary_key=[],
        merge_key=[],
        create_table_variant=True,
    )


def incremental_step_position(resource: DltResource) -> int | None:
    """Return the index of the incremental step, so validation runs before it.

    The incremental step compares cursor values, and an unparseable timestamp
    there would fail the whole run. The normalization keeps such a value as
    text, so the validation, placed before the incremental step, takes the
    record out first.
    """
    # NOTE: dlt 1.31 exposes a resource's steps only through `_pipe`.
    steps: list[Any] = resource._pipe.steps
    for index, step in enumerate(steps):
        if isinstance(step, Incremental | IncrementalResourceWrapper):
            return index
    return None
