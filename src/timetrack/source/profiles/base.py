"""The Profile type: the paths, paging, auth, filters and mapping of one real API."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from dlt.sources.helpers.rest_client.paginators import BasePaginator

from timetrack.source.normalize import normalize_time_entry

__all__ = ["Profile", "format_iso_utc"]


def format_iso_utc(value: object) -> str | None:
    """Format a cursor value as ISO-8601 UTC (`Z`), for a query parameter.

    None stays None, so `requests` leaves the parameter out of the URL.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


@dataclass(frozen=True)
class Profile:
    """The shape of one time-tracking API, as the source needs it.

    Parameter names set to None mean the API has no such filter; the source
    then falls back (for example to the `start_time` cursor and reconciliation).
    """

    name: str
    entries_path: str
    data_selector: str | None
    build_paginator: Callable[[int], dict[str, Any] | BasePaginator]
    build_auth: Callable[[str], dict[str, Any]]
    reshape: Callable[[Mapping[str, Any]], dict[str, Any]] | None
    """Maps an API entry onto the common field names, values as the API sent
    them; None when the API already uses them. `normalize` then sets the types."""
    updated_since_param: str | None
    updated_before_param: str | None
    start_from_param: str | None
    start_to_param: str | None
    ids_param: str | None
    deleted_path: str | None = None
    format_instant: Callable[[object], str | None] = format_iso_utc
    """Formats the last-change filter's value."""
    format_start: Callable[[object], str | None] = format_iso_utc
    """Formats the start-time filters' values."""
    related_paths: Mapping[str, str] = field(default_factory=dict)
    offset_pages: bool = False
    """True when every listing returns `{"data": [...], "total": N}` offset pages,
    which the transport then checks for malformed bodies."""
    related_selectors: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    account_header: str | None = None
    """Header that carries the account id, for APIs that need one."""
    entry_path: str | None = None
    """Path of one entry, with `{id}`, for APIs that cannot filter by ids."""
    page_size_param: str | None = None
    """Query parameter of the page size, when the paginator does not send it."""
    users_path: str | None = None
    """For APIs that list entries per user: the users path, which `entries_path`
    follows with `{user_id}` in it."""

    def normalize(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Map one API entry onto the common columns, with their types."""
        return normalize_time_entry(self.reshape(record) if self.reshape else record)

    @property
    def per_user(self) -> bool:
        """Entries are listed one user at a time."""
        return self.users_path is not None

    def page_params(self, limit: int) -> dict[str, Any]:
        """Return the static paging parameters, such as the page size."""
        return {self.page_size_param: limit} if self.page_size_param else {}

    @property
    def default_cursor(self) -> str:
        """`updated_at` when the API filters on it, else `start_time`."""
        return "updated_at" if self.updated_since_param else "start_time"
