"""Validate each page of time entries: route bad records to a rejects table.

A record without an `id`, with a null `id`, or with a timestamp that does not
parse would either break the whole load (the primary key is not null) or load
wrong. `PageValidator` is a step on the resource that passes good records on
as a page. It drops records already read in this run, because overlapping
pages repeat them. Each bad record goes to `time_entries__rejected` as raw JSON
with the reason and the page offset, and dlt adds the `_dlt_load_id` column.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import dlt
from dlt.extract.incremental import Incremental, IncrementalResourceWrapper
from dlt.extract.items_transform import ItemTransform
from dlt.extract.resource import DltResource

__all__ = [
    "REJECTED_TABLE",
    "REJECT_COLUMNS",
    "PageValidator",
    "add_page_validation",
    "find_problem",
    "incremental_step_position",
]

logger = logging.getLogger(__name__)

REJECTED_TABLE = "time_entries__rejected"

REJECT_COLUMNS: dict[str, dict[str, Any]] = {
    "record": {"data_type": "text", "nullable": False},
    "reason": {"data_type": "text", "nullable": False},
    "page_offset": {"data_type": "bigint", "nullable": True},
}

TIMESTAMP_FIELDS = ("start_time", "end_time", "created_at", "updated_at")


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
        if value is None or isinstance(value, datetime):
            continue
        if not isinstance(value, str):
            return f"{name} {value!r} is not an ISO-8601 string"
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return f"{name} {value!r} is not an ISO-8601 timestamp"
    return None


def _page_offset(page: Any) -> int | None:
    """Read the offset from the request of a dlt `PageData`, if the page has one."""
    response = getattr(page, "response", None)
    request = getattr(response, "request", None)
    url = getattr(request, "url", None)
    if not isinstance(url, str):
        return None
    offset = dict(parse_qsl(urlsplit(url).query)).get("offset", "0")
    return int(offset) if offset.isdigit() else None


class PageValidator(ItemTransform[Any]):
    """Resource step that splits each page into valid records and rejects.

    It counts rejects in `rejected` and repeated records in `repeated`. One
    instance serves one run, because it remembers the ids it has passed on.
    """

    def __init__(self, id_field: str = "id") -> None:
        super().__init__(lambda item: item)
        self.id_field = id_field
        self.rejected = 0
        self.repeated = 0
        self._passed_ids: set[str] = set()
        # Overlapping pages and repeated passes can return a bad record again.
        self._rejected_records: set[str] = set()

    def __call__(self, item: Any, meta: Any = None) -> Iterator[Any]:
        records: Sequence[Any] = item if isinstance(item, list) else [item]
        offset = _page_offset(item)
        valid: list[Any] = []
        rejects: list[dict[str, Any]] = []
        for record in records:
            problem = find_problem(record, self.id_field)
            if problem is not None:
                raw = json.dumps(record, ensure_ascii=False, default=str)
                if raw not in self._rejected_records:
                    self._rejected_records.add(raw)
                    rejects.append(
                        {"record": raw, "reason": problem, "page_offset": offset}
                    )
                continue
            record_id = str(record[self.id_field])
            if record_id in self._passed_ids:
                self.repeated += 1
                continue
            self._passed_ids.add(record_id)
            valid.append(record)
        if rejects:
            self.rejected += len(rejects)
            logger.warning(
                "Rejected %d record(s) of the page at offset %s: %s",
                len(rejects),
                offset,
                "; ".join(sorted({reject["reason"] for reject in rejects})),
            )
            yield dlt.mark.with_table_name(rejects, REJECTED_TABLE)
        if valid:
            yield valid


def add_page_validation(resource: DltResource) -> PageValidator:
    """Add a `PageValidator` step to `resource` and declare the rejects table.

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
    validator = PageValidator()
    position = incremental_step_position(resource)
    if position is None:
        resource.add_step(validator)
    else:
        resource.add_step(validator, insert_at=position)
    return validator


def incremental_step_position(resource: DltResource) -> int | None:
    """Return the index of the incremental step, so validation runs before it.

    The incremental step compares cursor values, and an unparseable timestamp
    there would fail the whole run. The profile's mapping keeps such a value as
    text, so the validator, placed after it, takes the record out first.
    """
    # NOTE: dlt 1.31 exposes a resource's steps only through `_pipe`.
    steps: list[Any] = resource._pipe.steps
    for index, step in enumerate(steps):
        if isinstance(step, Incremental | IncrementalResourceWrapper):
            return index
    return None
