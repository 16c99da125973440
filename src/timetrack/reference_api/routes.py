"""Build the reference API's replies: routing, api_key checks and paged bodies."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from http import HTTPStatus

from timetrack.reference_api.reply import Reply, make_error_reply
from timetrack.reference_api.store import EntryStore

DEFAULT_LIMIT = 100
TIME_ENTRIES_PATH = "/v1/time_entries"
USERS_PATH = "/v1/users"
PROJECTS_PATH = "/v1/projects"

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
    store = collections.get(path)
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
    array, total = store.encode_page(offset, limit)
    body = b'{"data":' + array + b',"total":' + str(total).encode() + b"}"
    return Reply(status=HTTPStatus.OK, body=body)
