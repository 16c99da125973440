"""The Toggl Track v9 profile: `/api/v9/me/time_entries`, basic auth, one bare array.

The token owner's entries come back in one array, without paging. `since`
(Unix seconds) returns entries changed since then, deleted ones included with
`server_deleted_at`, so the `updated_at` cursor also carries deletions. A
running entry has a null `stop` and a negative `duration`. Toggl returns 402
when the hourly request quota is used up, and that status is not retried.

NOTE: connectors for the real API keep `since` within about 90 days, and an
unfiltered listing may not reach far back; neither limit is enforced here, so
after a long pause use --full-refresh, and backfill history with --since.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from timetrack.redact import register_secret
from timetrack.source.profiles.base import Profile, format_iso_utc

__all__ = ["TOGGL", "format_unix_seconds", "map_toggl_entry"]


def format_unix_seconds(value: object) -> str | None:
    """Format a cursor value as Unix seconds, as Toggl's `since` expects."""
    if value is None:
        return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return str(int(aware.timestamp()))
    return str(value)


def _basic_auth(api_key: str) -> dict[str, Any]:
    # The header carries base64("TOKEN:api_token"); register that form too,
    # so a logged header never shows the token in either spelling.
    register_secret(base64.b64encode(f"{api_key}:api_token".encode()).decode())
    return {"type": "http_basic", "username": api_key, "password": "api_token"}


def _single_page(limit: int) -> dict[str, Any]:
    return {"type": "single_page"}


def map_toggl_entry(record: Mapping[str, Any]) -> dict[str, Any]:
    """Map a Toggl entry onto the common field names."""
    entry: dict[str, Any] = {
        "id": record.get("id"),
        "start_time": record.get("start"),
        "end_time": record.get("stop"),
        "duration": record.get("duration"),
        "project_id": record.get("project_id"),
        "user_id": record.get("user_id"),
        "description": record.get("description"),
        "billable": record.get("billable"),
        "tags": record.get("tags"),
        "updated_at": record.get("at"),
        "deleted_at": record.get("server_deleted_at"),
        "workspace_id": record.get("workspace_id"),
    }
    for name in ("project_id", "user_id", "workspace_id"):
        if entry[name] is not None:
            entry[name] = str(entry[name])
    return entry


TOGGL = Profile(
    name="toggl",
    entries_path="/api/v9/me/time_entries",
    data_selector=None,
    build_paginator=_single_page,
    build_auth=_basic_auth,
    reshape=map_toggl_entry,
    updated_since_param="since",
    updated_before_param=None,
    start_from_param="start_date",
    start_to_param="end_date",
    ids_param=None,
    entry_path="/api/v9/me/time_entries/{id}",
    format_instant=format_unix_seconds,
    format_start=format_iso_utc,
    related_paths={
        "projects": "/api/v9/me/projects",
        "clients": "/api/v9/me/clients",
        "tags": "/api/v9/me/tags",
    },
)
