"""Plan one sync's source from its settings and the pipeline's stored state."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import dlt
import requests
from dlt.extract.source import DltSource

from timetrack.http import TransportStats
from timetrack.settings import resolve_account_id
from timetrack.source import SOURCE_NAME, ReconcileWindow, time_tracking_source
from timetrack.source.deletions import DeletionLog, DeletionMode
from timetrack.source.incremental import (
    EntryWindow,
    plan_entry_window,
    read_cursor_value,
)
from timetrack.source.profiles import get_profile
from timetrack.source.reconcile import read_destination_ids
from timetrack.source.related import resolve_related_paths
from timetrack.source.running import read_running_ids
from timetrack.sync.settings import SyncSettings

__all__ = ["SyncPlan", "plan_sync"]


@dataclass(frozen=True)
class SyncPlan:
    """The source of one run and what the run does besides loading it."""

    source: DltSource
    window: EntryWindow
    deletions: DeletionLog
    refresh: str | None


def plan_sync(
    settings: SyncSettings,
    pipeline: dlt.Pipeline,
    *,
    base_url: str,
    api_key: str,
    stats: TransportStats,
    sleep: Callable[[float], None] = time.sleep,
    session: requests.Session | None = None,
    nested_json: bool = False,
    arrow_pages: bool = True,
) -> SyncPlan:
    """Build the source for `settings`, reading the state `pipeline` stored.

    NOTE: this reads the local pipeline state. When only the destination has
    the state (a new machine), dlt restores it later, in `pipeline.run`, so
    this run re-reads no running timers and a per-user API starts unbounded.
    """
    profile = get_profile(settings.profile)
    options = settings.incremental_options()
    options.validate()
    stored = read_cursor_value(
        pipeline.state, SOURCE_NAME, options.resolve_cursor(profile)
    )
    window = plan_entry_window(options, profile, stored_cursor=stored)
    incremental = window.mode == "incremental"
    mode: DeletionMode = "soft" if settings.deletions == "soft" else "hard"
    deletions = DeletionLog(mode)
    running_ids = read_running_ids(pipeline.state, SOURCE_NAME) if incremental else []
    reconcile = None
    if incremental and settings.reconcile_days > 0:
        start = window.end - timedelta(days=settings.reconcile_days)
        stored = read_destination_ids(pipeline, start, window.end)
        reconcile = ReconcileWindow(start, window.end, stored)
    related = resolve_related_paths(profile, settings.related, settings.related_paths)
    source = time_tracking_source(
        base_url,
        api_key,
        policy=settings.policy,
        sleep=sleep,
        stats=stats,
        timeout=settings.timeout,
        limit=settings.limit,
        profile=profile,
        window=window,
        running_ids=running_ids,
        deletions=deletions,
        related_paths=related,
        reconcile=reconcile,
        account_id=resolve_account_id(settings.account_id),
        session=session,
        nested_json=nested_json,
        arrow_pages=arrow_pages,
    )
    # dlt's drop_data empties the tables and resets the incremental state of
    # every resource in the run before loading, so a full refresh also drops
    # rows deleted upstream.
    refresh = "drop_data" if window.mode == "full_refresh" else None
    return SyncPlan(source, window, deletions, refresh)
