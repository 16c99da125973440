"""Fetch time entries by id, to refresh running timers and confirm deletions."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

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
    "LOOKUP_THREADS",
    "build_users_resource",
    "fetch_entries_by_id",
    "iter_entry_pages",
]

# Ids per request: 100 ids of up to 20 digits keep the URL near 2 KB, well
# below the 8 KB request lines that common servers accept.
IDS_PER_REQUEST = 100

# Threads that look entries up by id. Against a server that filters slowly,
# ten sequential lookups of 100 running timers took 1.5 s of a 3 s sync.
LOOKUP_THREADS = 8

_Item = TypeVar("_Item")


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
    The requests run on up to `LOOKUP_THREADS` threads; the session's request
    gate still bounds how many are in flight.
    """
    wanted = sorted(set(ids))
    if profile.ids_param is not None:
        ids_param = profile.ids_param

        def fetch_chunk(chunk: list[str]) -> list[dict[str, Any]]:
            params = {ids_param: ",".join(chunk)}
            pages = _paginate(client, profile, profile.entries_path, params, limit)
            return [record for page in pages for record in page]

        found = _fetch_all(fetch_chunk, list(_chunks(wanted, IDS_PER_REQUEST)))
    elif profile.entry_path is not None:
        entry_path = profile.entry_path

        def fetch_one(entry_id: str) -> list[dict[str, Any]]:
            try:
                response = client.get(entry_path.format(id=entry_id))
            except ApiStatusError as error:
                if error.status == 404:
                    return []
                raise
            return [response.json()]

        found = _fetch_all(fetch_one, wanted)
    else:
        raise ValueError(f"the {profile.name} profile cannot look entries up by id")
    seen = {str(record.get("id")) for record in found}
    return found, set(wanted) - seen


def _fetch_all(
    fetch: Callable[[_Item], list[dict[str, Any]]], items: list[_Item]
) -> list[dict[str, Any]]:
    """Return the records of `fetch` over `items`, in the order of `items`."""
    if len(items) <= 1:
        return [record for item in items for record in fetch(item)]
    executor = ThreadPoolExecutor(
        max_workers=min(LOOKUP_THREADS, len(items)), thread_name_prefix="timetrack-ids"
    )
    try:
        results = list(executor.map(fetch, items))
    finally:
        # Not waiting keeps Ctrl-C and a failed lookup prompt; the results of
        # the other requests are no longer needed then.
        executor.shutdown(wait=False, cancel_futures=True)
    return [record for records in results for record in records]


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
