"""The Clockify v1 shape: per-user entry lists, `X-Api-Key`, ISO-8601 durations.

Paths sit under `/api/v1/workspaces/{workspaceId}`. Entries are listed one user
at a time at `/user/{userId}/time-entries` as a bare array paged with `page`
and `page-size`; `start` and `end` filter on the entry's start. A running
entry has a null `timeInterval.end`. There is no last-change field and no
report of deletions.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from timetrack.reference_api.filters import parse_instant
from timetrack.reference_api.reply import Reply, make_error_reply
from timetrack.reference_api.shapes import (
    ProfileRequest,
    check_secret,
    instant_of,
    json_reply,
    page_of,
    parse_page,
    to_utc,
)

__all__ = ["PREFIX", "WORKSPACE_ID", "build_clockify_reply", "format_iso_duration"]

WORKSPACE_ID = "5f1a2b3c4d5e6f7a8b9c0d1e"
PREFIX = f"/api/v1/workspaces/{WORKSPACE_ID}"
_USER_ENTRIES = re.compile(re.escape(PREFIX) + r"/user/([0-9]+)/time-entries")
_ENTRY = re.compile(re.escape(PREFIX) + r"/time-entries/([0-9]+)")


def format_iso_duration(seconds: int) -> str:
    """Format seconds as an ISO-8601 duration such as `PT1H30M`."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    text += f"{hours}H" if hours else ""
    text += f"{minutes}M" if minutes else ""
    text += f"{secs}S" if secs or text == "PT" else ""
    return text


def to_clockify_entry(entry: dict[str, Any], tag_ids: dict[str, int]) -> dict[str, Any]:
    """Return a generic entry in Clockify's shape."""
    running = entry.get("end_time") is None
    project_id = entry.get("project_id")
    duration = entry.get("duration")
    return {
        "id": str(entry["id"]),
        "description": entry.get("description"),
        "userId": str(entry.get("user_id")),
        "projectId": None if project_id is None else str(project_id),
        "taskId": None,
        "tagIds": [
            str(tag_ids[name]) for name in entry.get("tags") or [] if name in tag_ids
        ],
        "billable": entry.get("billable"),
        "isLocked": False,
        "timeInterval": {
            "start": to_utc(entry.get("start_time")),
            "end": to_utc(entry.get("end_time")),
            "duration": None
            if running or duration is None or duration < 0
            else format_iso_duration(duration),
        },
    }


def build_clockify_reply(request: ProfileRequest) -> Reply:
    """Build the reply to a Clockify-shaped request."""
    if not check_secret(request.headers.get("X-Api-Key"), request.api_key):
        return make_error_reply(
            HTTPStatus.UNAUTHORIZED, "Full authentication is required"
        )
    path = request.path
    tag_ids = {tag["name"]: tag["id"] for tag in request.store("tags").all()}
    match = _USER_ENTRIES.fullmatch(path)
    if match:
        return _user_entries(request, int(match.group(1)), tag_ids)
    match = _ENTRY.fullmatch(path)
    if match:
        wanted = int(match.group(1))
        for entry in request.entries():
            if entry["id"] == wanted:
                return json_reply(to_clockify_entry(entry, tag_ids))
        return make_error_reply(HTTPStatus.NOT_FOUND, "Time entry not found")
    for name in ("users", "projects", "clients", "tags"):
        if path == f"{PREFIX}/{name}":
            return _paged(request, request.store(name).all())
    return make_error_reply(HTTPStatus.NOT_FOUND, "Not found")


def _user_entries(
    request: ProfileRequest, user_id: int, tag_ids: dict[str, int]
) -> Reply:
    bounds = {}
    for name in ("start", "end"):
        raw = request.params.get(name)
        if raw:
            instant = parse_instant(raw)
            if instant is None:
                return make_error_reply(
                    HTTPStatus.BAD_REQUEST, f"invalid {name}", parameter=name
                )
            bounds[name] = instant
    result = []
    for entry in request.entries():
        if entry.get("user_id") != user_id:
            continue
        start = instant_of(entry.get("start_time"))
        if start is not None and "start" in bounds and start < bounds["start"]:
            continue
        if start is not None and "end" in bounds and start >= bounds["end"]:
            continue
        result.append(to_clockify_entry(entry, tag_ids))
    return _paged(request, result)


def _paged(request: ProfileRequest, records: list[Any]) -> Reply:
    paging = parse_page(request.params, "page", "page-size", 50, request.max_limit)
    if isinstance(paging, Reply):
        return paging
    page, size = paging
    return json_reply(page_of(records, page, size))
