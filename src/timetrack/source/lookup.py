"""Fetch time entries by id, to refresh running timers and confirm deletions."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any, cast

import dlt
from dlt.common.jsonpath import compile_path
from dlt.extract.resource import DltResource
from dlt.sources.helpers.rest_client.client import RESTClient
from dlt.sources.rest_api.config_setup import create_paginator

from timetrack.errors import ApiStatusError
from timetrack.source.profiles.base import Profile
from timetrack.source.schema import RELATED_COLUMNS

__all__ = [
    "IDS_PER_REQUEST",
    "build_users_resource",
    "fetch_entries_by_id",
    "iter_entry_pages",
]

# Ids per request: 100 ids of up to 20 digits keep the URL near 2 KB, well
# below the 8 KB request lines that common servers accept.
IDS_PER_REQUEST = 100


def _chunks(ids: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def iter_entry_pages(
    client: RESTClient, profile: Profile, params: dict[str, Any], *, limit: int
) -> Iterator[list[dict[str, Any]]]:
    """Page through the entries matching `params`, one user at a time if needed."""
    query = {**profile.page_params(limit), **params}
    if not profile.per_user:
        yield from _paginate(client, profile, profile.entries_path, query, limit)
        return
    users_path = profile.users_path or ""
    selector = profile.related_selectors.get("users", profile.data_selector)
    users = [
        user
        for page in client.paginate(
            users_path,
            params=profile.page_params(limit),
            paginator=create_paginator(profile.build_paginator(limit)),  # type: ignore[arg-type]
            data_selector=compiled_selector(selector),
        )
        for user in page
    ]
    for user in users:
        path = profile.entries_path.format(user_id=user["id"])
        yield from _paginate(client, profile, path, query, limit)


@functools.lru_cache(maxsize=16)
def _compile(selector: str) -> Any:
    return compile_path(selector)


def compiled_selector(selector: str | None) -> Any:
    """Return `selector` compiled once; dlt 1.31 compiles a string on every page."""
    return None if selector is None else _compile(selector)


def _paginate(
    client: RESTClient,
    profile: Profile,
    path: str,
    params: dict[str, Any],
    limit: int,
) -> Iterator[list[dict[str, Any]]]:
    # A new paginator per listing, so no page counter is shared between users.
    paginator = create_paginator(profile.build_paginator(limit))  # type: ignore[arg-type]
    for page in client.paginate(
        path,
        params=params,
        paginator=paginator,
        data_selector=compiled_selector(profile.data_selector),
    ):
        yield list(page)


def fetch_entries_by_id(
    client: RESTClient, profile: Profile, ids: Iterable[str], *, limit: int
) -> tuple[list[dict[str, Any]], set[str]]:
    """Return the raw records the API still has for `ids`, and the ids it lacks.

    An id the API does not return (or returns 404 for) was deleted upstream.
    APIs that cannot filter a listing by ids are asked one entry at a time.
    """
    wanted = sorted(set(ids))
    found: list[dict[str, Any]] = []
    if profile.ids_param is not None:
        for chunk in _chunks(wanted, IDS_PER_REQUEST):
            params = {profile.ids_param: ",".join(chunk)}
            for page in _paginate(client, profile, profile.entries_path, params, limit):
                found.extend(page)
    elif profile.entry_path is not None:
        for entry_id in wanted:
            try:
                response = client.get(profile.entry_path.format(id=entry_id))
            except ApiStatusError as error:
                if error.status == 404:
                    continue
                raise
            found.append(response.json())
    else:
        raise ValueError(f"the {profile.name} profile cannot look entries up by id")
    seen = {str(record.get("id")) for record in found}
    return found, set(wanted) - seen


def build_users_resource(
    client: RESTClient,
    profile: Profile,
    path: str,
    *,
    limit: int,
    selected: bool,
) -> DltResource:
    """Build the users resource of a per-user API, yielding all users in one batch.

    rest_api lists a child resource once per batch of parent items, and lists
    of different batches run interleaved while sharing one paginator, which
    mixes up their page counters. One batch means one listing at a time.
    """
    selector = profile.related_selectors.get("users", profile.data_selector)

    def users() -> Iterator[list[dict[str, Any]]]:
        everyone: list[dict[str, Any]] = []
        for page in client.paginate(
            path,
            params=profile.page_params(limit),
            paginator=create_paginator(profile.build_paginator(limit)),  # type: ignore[arg-type]
            data_selector=compiled_selector(selector),
        ):
            everyone.extend(page)
        for user in everyone:
            if user.get("id") is not None:
                user["id"] = str(user["id"])
        yield everyone

    resource: DltResource = dlt.resource(
        users,
        name="users",
        primary_key="id",
        write_disposition="merge",
        columns=cast(Any, RELATED_COLUMNS),
        selected=selected,
    )
    return resource
