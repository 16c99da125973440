"""The Clockify v1 profile: per-user entry lists, `X-Api-Key`, ISO-8601 durations.

The base URL names the workspace, such as
`https://api.clockify.me/api/v1/workspaces/WORKSPACE_ID`. Entries are listed
one user at a time, each user with its own page counter. Clockify has no
last-change field and reports no deletions, so the cursor is `start_time`
with the look-back window, and reconciliation finds deletions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from timetrack.source.profiles.base import Profile, format_iso_utc

__all__ = ["CLOCKIFY", "map_clockify_entry", "parse_iso_duration"]

_DURATION = re.compile(
    r"P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)


def parse_iso_duration(value: object) -> int | None:
    """Parse an ISO-8601 duration such as `PT1H30M` into seconds, or None."""
    if not isinstance(value, str) or value in ("", "P", "PT"):
        return None
    match = _DURATION.fullmatch(value.strip())
    if match is None:
        return None
    parts = match.groupdict(default="0")
    return (
        int(parts["days"]) * 86_400
        + int(parts["hours"]) * 3600
        + int(parts["minutes"]) * 60
        + round(float(parts["seconds"]))
    )


def _header_key(api_key: str) -> dict[str, Any]:
    return {
        "type": "api_key",
        "name": "X-Api-Key",
        "api_key": api_key,
        "location": "header",
    }


def _page_number(limit: int) -> dict[str, Any]:
    return {
        "type": "page_number",
        "page_param": "page",
        "base_page": 1,
        "total_path": None,
        "stop_after_empty_page": True,
    }


def map_clockify_entry(record: Mapping[str, Any]) -> dict[str, Any]:
    """Map a Clockify entry onto the common field names."""
    interval = record.get("timeInterval") or {}
    entry: dict[str, Any] = {
        "id": record.get("id"),
        "start_time": interval.get("start"),
        "end_time": interval.get("end"),
        "duration": parse_iso_duration(interval.get("duration")),
        "project_id": record.get("projectId"),
        "user_id": record.get("userId"),
        "description": record.get("description"),
        "billable": record.get("billable"),
        "tags": record.get("tagIds") or [],
    }
    return entry


CLOCKIFY = Profile(
    name="clockify",
    entries_path="/user/{user_id}/time-entries",
    data_selector=None,
    build_paginator=_page_number,
    build_auth=_header_key,
    reshape=map_clockify_entry,
    updated_since_param=None,
    updated_before_param=None,
    start_from_param="start",
    start_to_param="end",
    ids_param=None,
    entry_path="/time-entries/{id}",
    format_instant=format_iso_utc,
    format_start=format_iso_utc,
    related_paths={
        "projects": "/projects",
        "users": "/users",
        "clients": "/clients",
        "tags": "/tags",
    },
    page_size_param="page-size",
    users_path="/users",
)
