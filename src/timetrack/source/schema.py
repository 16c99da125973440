"""Column hints of the tables timetrack loads, declared rather than inferred."""

from __future__ import annotations

from typing import Any

__all__ = ["TIME_ENTRY_COLUMNS"]


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
}
