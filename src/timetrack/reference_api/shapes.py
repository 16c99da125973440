"""Shared helpers of the profile routes: reading the store, auth headers, paging."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from timetrack.reference_api.filters import parse_instant
from timetrack.reference_api.reply import Reply, make_error_reply, make_json_reply
from timetrack.reference_api.store import EntryStore

__all__ = [
    "ProfileRequest",
    "check_secret",
    "epoch",
    "page_of",
    "parse_page",
    "to_utc",
]


class ProfileRequest:
    """One GET request, with the stores and settings a profile route needs."""

    def __init__(
        self,
        path: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        collections: Mapping[str, EntryStore],
        *,
        api_key: str,
        max_limit: int,
        base_url: str,
    ) -> None:
        self.path = path
        self.params = params
        self.headers = headers
        self.collections = collections
        self.api_key = api_key
        self.max_limit = max_limit
        self.base_url = base_url

    def store(self, name: str) -> EntryStore:
        """Return the generic collection at `/v1/<name>`."""
        return self.collections[f"/v1/{name}"]

    def entries(self, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Return every time entry, and the deleted ones too when asked."""
        store = self.store("time_entries")
        records = store.all()
        if include_deleted:
            records.extend(store.deleted())
        return records


def check_secret(given: str | None, expected: str) -> bool:
    """Compare a credential in constant time."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def to_utc(value: object) -> str | None:
    """Format an ISO-8601 time with any offset as UTC with `Z`, or None."""
    instant = parse_instant(value) if isinstance(value, str) else None
    return (
        None
        if instant is None
        else instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )


def epoch(value: object) -> int | None:
    """Return an ISO-8601 time as Unix seconds, or None."""
    instant = parse_instant(value) if isinstance(value, str) else None
    return None if instant is None else int(instant.timestamp())


def instant_of(value: object) -> datetime | None:
    """Parse an ISO-8601 time with an offset, or return None."""
    return parse_instant(value) if isinstance(value, str) else None


def parse_page(
    params: Mapping[str, str], page_name: str, size_name: str, default: int, limit: int
) -> tuple[int, int] | Reply:
    """Read 1-based page and page size, or return a 400 reply naming the bad one."""
    raw_page = params.get(page_name, "1")
    raw_size = params.get(size_name, str(default))
    if not raw_page.isdigit() or int(raw_page) < 1:
        return make_error_reply(
            HTTPStatus.BAD_REQUEST, f"invalid {page_name}", parameter=page_name
        )
    if not raw_size.isdigit() or not 1 <= int(raw_size) <= limit:
        return make_error_reply(
            HTTPStatus.BAD_REQUEST,
            f"invalid {size_name}: expected 1 to {limit}",
            parameter=size_name,
        )
    return int(raw_page), int(raw_size)


def page_of(records: list[Any], page: int, size: int) -> list[Any]:
    """Return the 1-based `page` of `records`."""
    return records[(page - 1) * size : page * size]


def json_reply(payload: object) -> Reply:
    """Build a 200 reply with a JSON body."""
    return make_json_reply(HTTPStatus.OK, payload)
