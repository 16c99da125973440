"""The Harvest v2 profile: bearer token, account header, `links.next` paging.

Entries carry `hours` (a decimal), `is_running` and `timer_started_at`; the
start is `timer_started_at`, or midnight UTC of `spent_date` for entries typed
in without a timer. `updated_since` filters on the last change; `from` and `to`
are inclusive dates. Harvest reports no deletions, so use reconciliation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from timetrack.source.normalize import parse_timestamp
from timetrack.source.profiles.base import Profile, format_iso_utc

__all__ = ["HARVEST", "format_day", "map_harvest_entry"]


def format_day(value: object) -> str | None:
    """Format a cursor value as a UTC date, as Harvest's `from` and `to` expect."""
    if value is None:
        return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).date().isoformat()
    return str(value)[:10]


def _bearer(api_key: str) -> dict[str, Any]:
    return {"type": "bearer", "token": api_key}


def _links_next(limit: int) -> dict[str, Any]:
    return {"type": "json_link", "next_url_path": "links.next"}


def _nested_id(value: object) -> str | None:
    if isinstance(value, Mapping) and value.get("id") is not None:
        return str(value["id"])
    return None


def map_harvest_entry(record: Mapping[str, Any]) -> dict[str, Any]:
    """Map a Harvest entry onto the common field names."""
    entry_id = record.get("id")
    start = parse_timestamp(
        record.get("timer_started_at"), field="timer_started_at", entry_id=entry_id
    )
    if start is None and isinstance(record.get("spent_date"), str):
        start = parse_timestamp(
            f"{record['spent_date']}T00:00:00+00:00",
            field="spent_date",
            entry_id=entry_id,
        )
    hours = record.get("hours")
    running = bool(record.get("is_running"))
    seconds = None
    if isinstance(hours, int | float) and not isinstance(hours, bool):
        seconds = round(hours * 3600)
    end = None
    if not running and start is not None and seconds is not None:
        end = start + timedelta(seconds=seconds)
    entry: dict[str, Any] = {
        "id": entry_id,
        "start_time": start,
        "end_time": end,
        "duration": None if running else seconds,
        "is_running": running,
        "project_id": _nested_id(record.get("project")),
        "user_id": _nested_id(record.get("user")),
        "client_id": _nested_id(record.get("client")),
        "description": record.get("notes"),
        "billable": record.get("billable"),
        "tags": [],
        "created_at": record.get("created_at"),
        "updated_at": record.get("updated_at"),
        "spent_date": record.get("spent_date"),
    }
    return entry


HARVEST = Profile(
    name="harvest",
    entries_path="/v2/time_entries",
    data_selector="time_entries",
    build_paginator=_links_next,
    build_auth=_bearer,
    reshape=map_harvest_entry,
    updated_since_param="updated_since",
    updated_before_param=None,
    start_from_param="from",
    start_to_param="to",
    ids_param=None,
    entry_path="/v2/time_entries/{id}",
    format_instant=format_iso_utc,
    format_start=format_day,
    related_paths={
        "projects": "/v2/projects",
        "users": "/v2/users",
        "clients": "/v2/clients",
    },
    related_selectors={
        "projects": "projects",
        "users": "users",
        "clients": "clients",
    },
    account_header="Harvest-Account-Id",
    page_size_param="per_page",
)
