"""The dlt source for the time-tracking API, built with `rest_api_source`."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import requests
from dlt.extract.resource import DltResource
from dlt.extract.source import DltSource
from dlt.sources.helpers.rest_client.client import RESTClient
from dlt.sources.rest_api import rest_api_source
from dlt.sources.rest_api.config_setup import create_auth
from dlt.sources.rest_api.typing import EndpointResource

from timetrack.http import DEFAULT_RETRY_POLICY, RetryPolicy, TransportStats
from timetrack.http.page_check import check_offset_page
from timetrack.http.session import build_session
from timetrack.http.transport import DEFAULT_TIMEOUT
from timetrack.settings import resolve_api_key, validate_base_url
from timetrack.source.arrow import compile_data_selectors
from timetrack.source.batches import batch_pages
from timetrack.source.deletions import DeletionLog, build_deleted_listing
from timetrack.source.entry_batches import TimeEntryBatches
from timetrack.source.incremental import (
    EntryWindow,
    IncrementalOptions,
    plan_entry_window,
)
from timetrack.source.jsonpath_cache import install_jsonpath_cache
from timetrack.source.lookup import build_users_resource
from timetrack.source.paginator import PAGE_OVERLAP
from timetrack.source.profiles import Profile, build_profile_headers, get_profile
from timetrack.source.reconcile import build_reconcile_resource
from timetrack.source.related import fetch_alongside
from timetrack.source.rest_config import PAGE_LIMIT, build_rest_api_config
from timetrack.source.running import build_running_timers_resource
from timetrack.source.schema import TIME_ENTRY_COLUMNS, time_entry_columns
from timetrack.source.validate import declare_rejected_table, incremental_step_position

__all__ = [
    "SOURCE_NAME",
    "TIME_ENTRY_COLUMNS",
    "ReconcileWindow",
    "time_tracking_source",
]

SOURCE_NAME = "timetrack"

install_jsonpath_cache()


@dataclass(frozen=True)
class ReconcileWindow:
    """The start-time range to reconcile and the ids the destination has in it."""

    start: datetime
    end: datetime
    stored_ids: set[str] = field(default_factory=set)


def time_tracking_source(
    base_url: str,
    api_key: str | None = None,
    *,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    sleep: Callable[[float], None] = time.sleep,
    stats: TransportStats | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    limit: int = PAGE_LIMIT,
    session: requests.Session | None = None,
    profile: str | Profile = "generic",
    window: EntryWindow | None = None,
    running_ids: Sequence[str] = (),
    deletions: DeletionLog | None = None,
    related_paths: Mapping[str, str] | None = None,
    reconcile: ReconcileWindow | None = None,
    account_id: str | None = None,
    nested_json: bool = False,
    arrow_pages: bool = True,
) -> DltSource:
    """Build the dlt source of the time-tracking API at `base_url`.

    `api_key` defaults to dlt secrets (`API_KEY`, `api_key` in `.dlt/secrets.toml`,
    or the `[sources.timetrack]` key). `sleep` and `stats` are passed to the HTTP
    transport so tests can skip real waits and count requests. `window` defaults
    to an incremental run of the profile's default cursor; `running_ids` are
    re-read, and `reconcile` adds a pass that finds deletions in a range.
    Related tables are loaded only when `related_paths` names them.
    `arrow_pages` hands time entries to dlt as Arrow tables with the declared
    types (normalized on whole columns where the batch allows it), and
    `nested_json` keeps lists of strings in json columns as Arrow lists, for
    DuckDB only.
    """
    key = resolve_api_key(api_key).value
    chosen = get_profile(profile) if isinstance(profile, str) else profile
    if session is None:
        stats = stats or TransportStats()
        session = build_session(
            policy,
            sleep=sleep,
            stats=stats,
            timeout=timeout,
            page_check=check_offset_page if chosen.offset_pages else None,
            overlap=PAGE_OVERLAP if chosen.offset_pages else 0,
        )
    url = validate_base_url(base_url)
    window = window or plan_entry_window(IncrementalOptions(), chosen)
    deletions = deletions or DeletionLog()
    columns = time_entry_columns(hard_delete=deletions.mode == "hard")
    headers = build_profile_headers(chosen, account_id)
    client = RESTClient(
        base_url=url,
        headers=headers or None,
        auth=create_auth(chosen.build_auth(key)),  # type: ignore[arg-type]
        session=session,
    )
    extra: list[EndpointResource] = []
    custom: list[DltResource] = []
    can_look_up = chosen.ids_param is not None or chosen.entry_path is not None
    if running_ids and can_look_up:
        custom.append(
            build_running_timers_resource(
                client,
                chosen,
                list(running_ids),
                limit=limit,
                deletions=deletions,
                columns=columns,
            )
        )
    if window.mode == "incremental" and window.cursor == "start_time":
        listing = build_deleted_listing(chosen, deletions, limit=limit, columns=columns)
        if listing is not None:
            extra.append(listing)
    if reconcile is not None:
        custom.append(
            build_reconcile_resource(
                client,
                chosen,
                start=reconcile.start,
                end=reconcile.end,
                stored_ids=reconcile.stored_ids,
                limit=limit,
                deletions=deletions,
                columns=columns,
            )
        )
    users_resource = None
    if chosen.per_user:
        users_resource = build_users_resource(
            client,
            chosen,
            (related_paths or {}).get("users") or chosen.users_path or "",
            limit=limit,
            selected="users" in (related_paths or {}),
        )
    config = build_rest_api_config(
        url,
        key,
        session,
        limit=limit,
        profile=chosen,
        incremental=window.incremental,
        params=window.params,
        columns=columns,
        batch_normalize=True,
        related_paths=related_paths,
        extra_resources=extra,
        headers=headers,
        users_resource=users_resource,
    )
    source: DltSource = rest_api_source(
        compile_data_selectors(config), name=SOURCE_NAME
    )
    # Added after the config is validated, which deep-copies it; these
    # resources read through the same client and session as the others.
    source.resources.add(*custom)
    for name in related_paths or {}:
        resource = source.resources.get(name)
        if resource is None or resource.is_transformer:
            continue
        if chosen.per_user and name == "users":
            continue  # the parent of the per-user listings
        fetch_alongside(resource, stats)
    time_entries = source.resources["time_entries"]
    if not time_entries.is_transformer:
        # A per-user listing (a transformer over users) takes each user as its
        # argument, so its generator cannot be wrapped; its pages stay as they come.
        batch_pages(time_entries)
    declare_rejected_table(time_entries)
    # Before the incremental step: it compares cursors on whole Arrow columns
    # instead of one record at a time, and never receives an unparseable value.
    entries_step = TimeEntryBatches(columns, arrow=arrow_pages, nested_json=nested_json)
    position = incremental_step_position(time_entries)
    if position is None:
        time_entries.add_step(entries_step)
    else:
        time_entries.add_step(entries_step, insert_at=position)
    return source
