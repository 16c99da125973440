"""The Toggl Track v9 shape: `/api/v9/me/...`, basic auth, bare arrays, 402 quota.

`GET /api/v9/me/time_entries` returns every matching entry in one bare array.
`since` (Unix seconds) returns entries changed since then, deleted ones
included with `server_deleted_at`; `start_date` and `end_date` bound the start.
A running entry has a null `stop` and `duration` of minus its start epoch.
"""

from __future__ import annotations

import base64
import re
from http import HTTPStatus
from typing import Any

from timetrack.reference_api.filters import parse_instant
from timetrack.reference_api.reply import Reply, make_error_reply
from timetrack.reference_api.shapes import (
    ProfileRequest,
    check_secret,
    epoch,
    instant_of,
    json_reply,
    to_utc,
)

__all__ = ["PREFIX", "WORKSPACE_ID", "build_toggl_reply", "to_toggl_entry"]

PREFIX = "/api/v9/"
WORKSPACE_ID = 4_200_001
_ENTRY = re.compile(r"/api/v9/me/time_entries/([0-9]+)")
_USERS = re.compile(r"/api/v9/workspaces/[0-9]+/users")


def to_toggl_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """Return a generic entry in Toggl's shape."""
    start = epoch(entry.get("start_time"))
    running = entry.get("end_time") is None
    duration = entry.get("duration")
    if running:
        duration = -(start or 0)
    return {
        "id": entry["id"],
        "workspace_id": WORKSPACE_ID,
        "project_id": entry.get("project_id"),
        "task_id": None,
        "user_id": entry.get("user_id"),
        "description": entry.get("description"),
        "billable": entry.get("billable"),
        "tags": entry.get("tags") or [],
        "start": to_utc(entry.get("start_time")),
        "stop": to_utc(entry.get("end_time")),
        "duration": duration,
        "at": to_utc(entry.get("updated_at")),
        "server_deleted_at": to_utc(entry.get("deleted_at")),
    }


def _authorized(request: ProfileRequest) -> bool:
    header = request.headers.get("Authorization", "")
    expected = base64.b64encode(f"{request.api_key}:api_token".encode()).decode()
    return check_secret(header, f"Basic {expected}")


def build_toggl_reply(request: ProfileRequest, quota: list[int] | None) -> Reply:
    """Build the reply to a Toggl-shaped request; `quota` contains the requests left."""
    if not _authorized(request):
        return make_error_reply(
            HTTPStatus.FORBIDDEN, "Incorrect username and/or password"
        )
    if quota is not None:
        if quota[0] <= 0:
            return make_error_reply(
                HTTPStatus.PAYMENT_REQUIRED,
                "You have hit your hourly limit for API calls.",
            )
        quota[0] -= 1
    path = request.path
    if path == "/api/v9/me/time_entries":
        return _list_entries(request)
    match = _ENTRY.fullmatch(path)
    if match:
        wanted = int(match.group(1))
        for entry in request.entries():
            if entry["id"] == wanted:
                return json_reply(to_toggl_entry(entry))
        return make_error_reply(HTTPStatus.NOT_FOUND, "Time entry not found")
    for name in ("projects", "clients", "tags"):
        if path == f"/api/v9/me/{name}":
            return json_reply(request.store(name).all())
    if _USERS.fullmatch(path):
        return json_reply(request.store("users").all())
    return make_error_reply(HTTPStatus.NOT_FOUND, f"no endpoint at {path[:40]!r}")


def _list_entries(request: ProfileRequest) -> Reply:
    params = request.params
    bounds = {}
    for name in ("since", "start_date", "end_date"):
        raw = params.get(name)
        if raw:
            instant = parse_instant(raw)
            if instant is None:
                return make_error_reply(
                    HTTPStatus.BAD_REQUEST, f"invalid {name}", parameter=name
                )
            bounds[name] = instant
    since = bounds.get("since")
    records = request.entries(include_deleted=since is not None)
    result = []
    for entry in records:
        updated = instant_of(entry.get("updated_at"))
        start = instant_of(entry.get("start_time"))
        if since is not None and updated is not None and updated < since:
            continue
        low, high = bounds.get("start_date"), bounds.get("end_date")
        if start is not None and low is not None and start < low:
            continue
        if start is not None and high is not None and start >= high:
            continue
        result.append(to_toggl_entry(entry))
    return json_reply(result)
