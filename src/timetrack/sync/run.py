"""One sync run end to end: settings, source, pipeline, summary."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import dlt
from dlt.pipeline.exceptions import PipelineStepFailed

from timetrack.errors import ApiAuthError, DestinationError, TimetrackError
from timetrack.http import TransportStats, build_session
from timetrack.http.page_check import check_offset_page
from timetrack.http.transport import REJECTED_KEY_HINT
from timetrack.memory import fewer_collections
from timetrack.progress import (
    NullObserver,
    PhaseCollector,
    SyncObserver,
    observe_transport,
)
from timetrack.redact import redact_text, redact_url
from timetrack.settings import ResolvedKey, resolve_api_key, resolve_base_url
from timetrack.source.arrow import add_dlt_columns_to_arrow
from timetrack.source.deletions import apply_soft_deletions
from timetrack.source.paginator import PAGE_OVERLAP
from timetrack.source.profiles import get_profile
from timetrack.source.validate import REJECTED_TABLE
from timetrack.sync.destinations import (
    Destination,
    hold_connection,
    open_destination,
    truncate_staging_after_load,
)
from timetrack.sync.lock import hold_pipeline_lock
from timetrack.sync.plan import plan_sync
from timetrack.sync.recovery import discard_pending_packages
from timetrack.sync.settings import SyncSettings
from timetrack.sync.summary import SyncSummary
from timetrack.sync.warmup import warm_imports

__all__ = ["create_pipeline", "run_sync"]

logger = logging.getLogger(__name__)


def create_pipeline(
    settings: SyncSettings,
    destination: Destination | None = None,
    *,
    observer: SyncObserver | None = None,
) -> dlt.Pipeline:
    """Create (or reopen) the dlt pipeline that `settings` describe.

    With an `observer`, each dlt step (extract, normalize, load) is reported to it.
    """
    if destination is None:
        destination = open_destination(settings)
    return dlt.pipeline(
        pipeline_name=settings.pipeline_name,
        pipelines_dir=str(settings.resolved_pipelines_dir()),
        destination=destination.factory,
        dataset_name=settings.dataset_name,
        progress=PhaseCollector(observer or NullObserver()),
    )


def run_sync(
    settings: SyncSettings,
    *,
    sleep: Callable[[float], None] = time.sleep,
    observer: SyncObserver | None = None,
) -> SyncSummary:
    """Sync the API into the destination and return what was done.

    `observer` receives the phases, pages and retries as they happen.

    Raises a `TimetrackError` subclass on failure; its message never contains
    the API key.
    """
    started = time.perf_counter()
    settings.validate()
    base_url = resolve_base_url(settings.base_url)
    resolved_key = resolve_api_key(settings.api_key)
    api_key = resolved_key.value
    stats = TransportStats()
    profile = get_profile(settings.profile)
    if observer is not None:
        observe_transport(stats, observer)
    destination = open_destination(settings)
    if destination.replaces_tables and not settings.full_refresh:
        # Plain Parquet replaces the whole table on each load, so the run must
        # read everything: an incremental slice would replace the rest away.
        logger.info("Plain Parquet files are rewritten whole: reading everything")
        settings = replace(settings, full_refresh=True)
    session = build_session(
        settings.policy,
        sleep=sleep,
        stats=stats,
        timeout=settings.timeout,
        concurrency=settings.concurrency,
        max_requests_per_second=settings.max_requests_per_second,
        page_check=check_offset_page if profile.offset_pages else None,
        overlap=PAGE_OVERLAP if profile.offset_pages else 0,
    )
    lock = hold_pipeline_lock(
        settings.resolved_pipelines_dir(),
        settings.pipeline_name,
        wait=settings.lock_wait,
    )
    with (
        lock,
        contextlib.closing(session),
        hold_connection(destination, settings),
        fewer_collections(),
    ):
        pipeline = create_pipeline(settings, destination, observer=observer)
        add_dlt_columns_to_arrow(settings.pipeline_name)
        truncate_staging_after_load(settings.pipeline_name)
        try:
            discard_pending_packages(pipeline)
            plan = plan_sync(
                settings,
                pipeline,
                base_url=base_url,
                api_key=api_key,
                stats=stats,
                sleep=sleep,
                session=session,
                nested_json=settings.destination == "duckdb",
                # dlt loads Arrow tables into PostgreSQL through CSV, where an
                # empty string comes back as NULL, so those rows stay dicts.
                arrow_pages=settings.destination != "postgres",
            )
            logger.info(
                "Syncing %s into %s (%s, cursor %s)",
                redact_url(base_url),
                destination.location,
                plan.window.mode,
                plan.window.cursor,
            )
            # The extract step waits on the API; the imports of the later
            # steps can run meanwhile.
            warm_imports(settings.destination)
            load_info = pipeline.run(
                plan.source,
                refresh=plan.refresh,  # type: ignore[arg-type]
                **destination.run_options,
            )
        except PipelineStepFailed as error:
            # dlt wraps Ctrl-C in a step failure; the CLI reports it as exit 130.
            if _was_interrupted(error):
                raise KeyboardInterrupt from None
            raise _name_key_origin(_translate_failure(error), resolved_key) from None
        apply_soft_deletions(pipeline, plan.deletions)

    trace = pipeline.last_trace
    normalize_info = trace.last_normalize_info if trace else None
    rows = dict(normalize_info.row_counts) if normalize_info else {}
    summary = SyncSummary(
        pipeline_name=settings.pipeline_name,
        destination=settings.destination,
        dataset_name=settings.dataset_name,
        location=destination.location,
        rows_loaded={
            table: count
            for table, count in rows.items()
            if not table.startswith("_dlt") and table != REJECTED_TABLE
        },
        rejected_records=rows.get(REJECTED_TABLE, 0),
        pages_fetched=stats.responses_ok,
        requests_made=stats.requests,
        retries=stats.retries,
        elapsed_seconds=time.perf_counter() - started,
        load_ids=tuple(load_info.loads_ids),
        mode=plan.window.mode,
        deleted=plan.deletions.count,
    )
    logger.info(
        "Synced %d rows in %.1f s (%d pages, %d retries, %d rejected)",
        summary.total_rows,
        summary.elapsed_seconds,
        summary.pages_fetched,
        summary.retries,
        summary.rejected_records,
    )
    return summary


def _name_key_origin(error: TimetrackError, key: ResolvedKey) -> TimetrackError:
    """Point a rejected-key error at the place the key came from."""
    if not isinstance(error, ApiAuthError) or REJECTED_KEY_HINT not in str(error):
        return error
    place = "the api_key argument" if key.origin == "argument" else key.origin
    message = str(error).replace(
        REJECTED_KEY_HINT, f"The key came from {place}: set a valid key there."
    )
    return ApiAuthError(message, status=error.status, attempts=error.attempts)


def _translate_failure(error: PipelineStepFailed) -> TimetrackError:
    """Find the timetrack error inside a dlt step failure, or describe the failure."""
    cause = _find_timetrack_error(error)
    if cause is not None:
        return cause
    text = redact_text(_innermost_message(error))
    # dlt connects to the destination in its "sync" step, before extracting.
    if error.step in ("sync", "load"):
        return DestinationError(
            f"Loading into the destination failed: {text}. "
            "Check that the destination is reachable and its credentials are valid."
        )
    return TimetrackError(f"The sync failed in the {error.step} step: {text}")


def _find_timetrack_error(error: BaseException) -> TimetrackError | None:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, TimetrackError):
            return current
        nested: Any = getattr(current, "exception", None)
        if isinstance(nested, BaseException):
            current = nested
        else:
            current = current.__cause__ or current.__context__
    return None


def _was_interrupted(error: BaseException) -> bool:
    """Tell whether Ctrl-C caused `error`, directly or while dlt was cleaning up.

    When Ctrl-C arrives while a worker thread still runs a resource, dlt 1.31
    fails to close that resource's generator ("generator already executing"),
    and that error carries the KeyboardInterrupt only as its `__context__`.
    """
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, KeyboardInterrupt):
            return True
        nested: Any = getattr(current, "exception", None)
        for linked in (nested, current.__cause__, current.__context__):
            if isinstance(linked, BaseException):
                pending.append(linked)
    return False


def _innermost_error(error: BaseException) -> BaseException:
    current: BaseException = error
    nested: Any = getattr(current, "exception", None)
    while isinstance(nested, BaseException):
        current = nested
        nested = getattr(current, "exception", None)
    while current.__cause__ is not None:
        current = current.__cause__
    return current


def _innermost_message(error: BaseException) -> str:
    current = _innermost_error(error)
    return str(current).splitlines()[0] if str(current) else type(current).__name__
