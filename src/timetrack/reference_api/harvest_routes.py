"""The Harvest v2 shape: `/v2/...`, bearer token plus account header, page links.

`GET /v2/time_entries` pages with `page` and `per_page` and names the next page
in `links.next`. `updated_since` filters on the last change; `from` and `to`
(dates, inclusive) filter on `spent_date`. Deleted entries are not reported.
"""

from __future__ import annotations

import re
from datetime import date
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

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

__all__ = ["ACCOUNT_ID", "PREFIX", "build_harvest_reply", "to_harvest_entry"]

PREFIX = "/v2/"
ACCOUNT_ID = "1000001"
_ENTRY = re.compile(r"/v2/time_entries/([0-9]+)")
_MAX_PER_PAGE = 2000


def _clock(value: object) -> str | None:
    instant = instant_of(value)
    if instant is None:
        return None
    hour = instant.hour % 12 or 12
    suffix = "am" if instant.hour < 12 else "pm"
    return f"{hour}:{instant.minute:02d}{suffix}"


def to_harvest_entry(
    entry: dict[str, Any], users: dict[int, str], projects: dict[int, str]
) -> dict[str, Any]:
    """Return a generic entry in Harvest's shape."""
    start = instant_of(entry.get("start_time"))
    running = entry.get("end_time") is None
    seconds = entry.get("duration") or 0
    user_id, project_id = entry.get("user_id"), entry.get("project_id")
    return {
        "id": entry["id"],
        "spent_date": start.date().isoformat() if start else None,
        "hours": 0.0 if running else seconds / 3600,
        "rounded_hours": 0.0 if running else round(seconds / 3600, 2),
        "is_running": running,
        "timer_started_at": to_utc(entry.get("start_time")),
        "started_time": _clock(entry.get("start_time")),
        "ended_time": _clock(entry.get("end_time")),
        "is_locked": False,
        "is_billed": False,
        "billable": entry.get("billable"),
        "notes": entry.get("description"),
        "user": {"id": user_id, "name": users.get(user_id or 0)},
        "project": (
            None
            if project_id is None
            else {"id": project_id, "name": projects.get(project_id)}
        ),
        "task": None,
        "created_at": to_utc(entry.get("created_at")),
        "updated_at": to_utc(entry.get("updated_at")),
    }


def _authorized(request: ProfileRequest) -> bool:
    headers = request.headers
    return (
        check_secret(headers.get("Authorization"), f"Bearer {request.api_key}")
        and headers.get("Harvest-Account-Id") == ACCOUNT_ID
        and bool(headers.get("User-Agent"))
    )


def build_harvest_reply(request: ProfileRequest) -> Reply:
    """Build the reply to a Harvest-shaped request."""
    if not _authorized(request):
        return make_error_reply(
            HTTPStatus.UNAUTHORIZED,
            "invalid_token: needs Bearer token, Harvest-Account-Id and User-Agent",
        )
    path = request.path
    match = _ENTRY.fullmatch(path)
    if match:
        wanted = int(match.group(1))
        for entry in request.entries():
            if entry["id"] == wanted:
                return json_reply(_shape(request, [entry])[0])
        return make_error_reply(HTTPStatus.NOT_FOUND, "Not found")
    if path == "/v2/time_entries":
        records = _filter_entries(request)
        if isinstance(records, Reply):
            return records
        return _paged(request, "time_entries", _shape(request, records))
    for name in ("users", "projects", "clients"):
        if path == f"/v2/{name}":
            return _paged(request, name, request.store(name).all())
    return make_error_reply(HTTPStatus.NOT_FOUND, "Not found")


def _shape(request: ProfileRequest, entries: list[dict[str, Any]]) -> list[Any]:
    users = {user["id"]: user["name"] for user in request.store("users").all()}
    projects = {p["id"]: p["name"] for p in request.store("projects").all()}
    return [to_harvest_entry(entry, users, projects) for entry in entries]


def _filter_entries(request: ProfileRequest) -> list[dict[str, Any]] | Reply:
    params = request.params
    since = None
    if params.get("updated_since"):
        since = parse_instant(params["updated_since"])
        if since is None:
            return make_error_reply(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                "invalid updated_since",
                parameter="updated_since",
            )
    days: dict[str, date] = {}
    for name in ("from", "to"):
        if params.get(name):
            try:
                days[name] = date.fromisoformat(params[name])
            except ValueError:
                return make_error_reply(
                    HTTPStatus.UNPROCESSABLE_ENTITY, f"invalid {name}", parameter=name
                )
    result = []
    for entry in request.entries():
        updated = instant_of(entry.get("updated_at"))
        start = instant_of(entry.get("start_time"))
        if since is not None and updated is not None and updated < since:
            continue
        if start is not None and "from" in days and start.date() < days["from"]:
            continue
        if start is not None and "to" in days and start.date() > days["to"]:
            continue
        result.append(entry)
    return result


def _paged(request: ProfileRequest, key: str, records: list[Any]) -> Reply:
    paging = parse_page(request.params, "page", "per_page", 100, _MAX_PER_PAGE)
    if isinstance(paging, Reply):
        return paging
    page, size = paging
    total_pages = max(1, -(-len(records) // size))
    query = {name: value for name, value in request.params.items() if name != "page"}

    def link(number: int) -> str:
        return (
            f"{request.base_url}{request.path}?{urlencode({**query, 'page': number})}"
        )

    return json_reply(
        {
            key: page_of(records, page, size),
            "per_page": size,
            "total_pages": total_pages,
            "total_entries": len(records),
            "page": page,
            "next_page": page + 1 if page < total_pages else None,
            "previous_page": page - 1 if page > 1 else None,
            "links": {
                "first": link(1),
                "next": link(page + 1) if page < total_pages else None,
                "previous": link(page - 1) if page > 1 else None,
                "last": link(total_pages),
            },
        }
    )
