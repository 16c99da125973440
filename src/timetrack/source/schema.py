"""Column hints of the tables timetrack loads, declared rather than inferred."""

from __future__ import annotations

from typing import Any

__all__ = ["RELATED_COLUMNS", "TIME_ENTRY_COLUMNS", "time_entry_columns"]


def _timestamp() -> dict[str, Any]:
    # timezone=True keeps the instant: "+05:30" and "Z" inputs load as UTC values.
    return {"data_type": "timestamp", "timezone": True, "nullable": True}


# Ids are strings: some APIs use opaque string ids, and one type for every profile
# keeps joins between tables working. `tags` stays a JSON list in its own column
# so a merge never has to rewrite a child table.
TIME_ENTRY_COLUMNS: dict[str, dict[str, Any]] = {
    "id": {"data_type": "text", "nullable": False, "primary_key": True},
    "start_time": _timestamp(),
    "end_time": _timestamp(),
    "duration": {"data_type": "bigint", "nullable": True},
    "user_id": {"data_type": "text", "nullable": True},
    "project_id": {"data_type": "text", "nullable": True},
    "description": {"data_type": "text", "nullable": True},
    "billable": {"data_type": "bool", "nullable": True},
    "tags": {"data_type": "json", "nullable": True},
    "created_at": _timestamp(),
    "updated_at": _timestamp(),
    "is_running": {"data_type": "bool", "nullable": True},
    "has_negative_span": {"data_type": "bool", "nullable": True},
    "deleted": {"data_type": "bool", "nullable": True},
    "deleted_at": _timestamp(),
}

# Projects, users, clients and tags: only the key is declared; the other
# columns follow the API, because their fields differ between APIs.
RELATED_COLUMNS: dict[str, dict[str, Any]] = {
    "id": {"data_type": "text", "nullable": False, "primary_key": True},
}


def time_entry_columns(*, hard_delete: bool) -> dict[str, dict[str, Any]]:
    """Return the time entry hints; `hard_delete` makes `deleted` rows removals.

    dlt's `hard_delete` hint deletes the destination row of every loaded row
    whose `deleted` value is true, instead of storing it.
    """
    columns = {name: dict(hints) for name, hints in TIME_ENTRY_COLUMNS.items()}
    if hard_delete:
        columns["deleted"]["hard_delete"] = True
    return columns
