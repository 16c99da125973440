"""Build the reference API's replies: routing, api_key checks and paged bodies."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from http import HTTPStatus

import orjson

from timetrack.reference_api.filters import (
    InvalidFilterError,
    parse_entry_filter,
    parse_instant,
)
from timetrack.reference_api.reply import Reply, make_error_reply
from timetrack.reference_api.store import EntryStore

DEFAULT_LIMIT = 100
TIME_ENTRIES_PATH = "/v1/time_entries"
USERS_PATH = "/v1/users"
PROJECTS_PATH = "/v1/projects"
CLIENTS_PATH = "/v1/clients"
TAGS_PATH = "/v1/tags"
DELETED_ENTRIES_PATH = "/v1/time_entries/deleted"

_DIGITS = re.compile(r"[0-9]+")
_MAX_ECHOED_CHARS = 40


class _InvalidParameterError(Exception):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def _echo(value: str, secret: str) -> str:
    """Shorten a client-supplied value for an error message and hide the key."""
    echoed = value.replace(secret, "***")
    if len(echoed) > _MAX_ECHOED_CHARS:
        echoed = echoed[:_MAX_ECHOED_CHARS] + "..."
    return echoed


def parse_offset(value: str | None) -> int | None:
    """Parse an offset parameter: 0 when absent, None unless an integer >= 0."""
    if value is None:
        return 0
    if _DIGITS.fullmatch(value) is None:
        return None
    return int(value)


def _read_paging(
    params: Mapping[str, str], api_key: str, max_limit: int
) -> tuple[int, int]:
    offset = parse_offset(params.get("offset"))
    if offset is None:
        echoed = _echo(params["offset"], api_key)
        raise _InvalidParameterError(
            "offset", f"invalid offset {echoed!r}: expected an integer >= 0"
        )
    raw_limit = params.get("limit")
    if raw_limit is None:
        return offset, min(DEFAULT_LIMIT, max_limit)
    limit = int(raw_limit) if _DIGITS.fullmatch(raw_limit) else 0
    if not 1 <= limit <= max_limit:
        echoed = _echo(raw_limit, api_key)
        raise _InvalidParameterError(
            "limit",
            f"invalid limit {echoed!r}: expected an integer from 1 to {max_limit}",
        )
    return offset, limit


def build_reply(
    path: str,
    params: Mapping[str, str],
    collections: Mapping[str, EntryStore],
    *,
    api_key: str,
    max_limit: int,
) -> Reply:
    """Build the reply to a GET request for one page of a collection.

    The checks run in the order a real API applies them: unknown path (404),
    then a missing or wrong ``api_key`` (401), then invalid ``offset`` or
    ``limit`` (400). An offset at or past the end returns an empty page with
    the current total.
    """
    lookup = TIME_ENTRIES_PATH if path == DELETED_ENTRIES_PATH else path
    store = collections.get(lookup)
    if store is None:
        known = ", ".join(sorted(collections))
        echoed = _echo(path, api_key)
        return make_error_reply(
            HTTPStatus.NOT_FOUND, f"no endpoint at {echoed!r}; known paths: {known}"
        )
    given_key = params.get("api_key", "")
    if not hmac.compare_digest(given_key.encode(), api_key.encode()):
        return make_error_reply(HTTPStatus.UNAUTHORIZED, "invalid or missing api_key")
    try:
        offset, limit = _read_paging(params, api_key, max_limit)
    except _InvalidParameterError as error:
        return make_error_reply(
            HTTPStatus.BAD_REQUEST, error.message, parameter=error.parameter
        )
    try:
        if path == DELETED_ENTRIES_PATH:
            array, total = _encode_deleted(store, params, offset, limit)
        elif path == TIME_ENTRIES_PATH:
            array, total = _encode_entries(store, params, offset, limit)
        else:
            array, total = store.encode_page(offset, limit)
    except InvalidFilterError as error:
        return make_error_reply(
            HTTPStatus.BAD_REQUEST, error.message, parameter=error.parameter
        )
    body = b'{"data":' + array + b',"total":' + str(total).encode() + b"}"
    return Reply(status=HTTPStatus.OK, body=body)


def _encode_entries(
    store: EntryStore, params: Mapping[str, str], offset: int, limit: int
) -> tuple[bytes, int]:
    entry_filter = parse_entry_filter(params)
    if entry_filter is None:
        return store.encode_page(offset, limit)
    filters = tuple(
        sorted(
            (name, value)
            for name, value in params.items()
            if name not in ("offset", "limit", "api_key")
        )
    )
    return store.encode_matching(
        entry_filter.matcher(),
        offset,
        limit,
        include_deleted=entry_filter.reports_deletions,
        cache_key=filters,
    )


def _encode_deleted(
    store: EntryStore, params: Mapping[str, str], offset: int, limit: int
) -> tuple[bytes, int]:
    """List deleted entries as ``{"id", "deleted_at"}``, optionally since a time."""
    raw = params.get("since")
    since = parse_instant(raw) if raw else None
    if raw and since is None:
        raise InvalidFilterError(
            "since",
            f"invalid since {raw[:40]!r}: expected ISO-8601 with a UTC offset "
            "or Unix seconds",
        )
    rows = []
    for record in store.deleted():
        deleted_at = parse_instant(str(record["deleted_at"]))
        if since is None or (deleted_at is not None and deleted_at >= since):
            rows.append(
                orjson.dumps({"id": record["id"], "deleted_at": record["deleted_at"]})
            )
    page = rows[offset : offset + limit]
    return b"[" + b",".join(page) + b"]", len(rows)
