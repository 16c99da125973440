"""One sync run end to end: settings, source, pipeline, summary."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import dlt
from dlt.pipeline.exceptions import PipelineStepFailed

from timetrack.errors import DestinationError, TimetrackError
from timetrack.http import TransportStats
from timetrack.redact import redact_text
from timetrack.settings import resolve_api_key, resolve_base_url
from timetrack.source import time_tracking_source
from timetrack.source.validate import REJECTED_TABLE
from timetrack.sync.destinations import build_destination, describe_destination
from timetrack.sync.lock import hold_pipeline_lock
from timetrack.sync.recovery import discard_pending_packages
from timetrack.sync.settings import SyncSettings
from timetrack.sync.summary import SyncSummary

__all__ = ["create_pipeline", "run_sync"]

logger = logging.getLogger(__name__)


def create_pipeline(settings: SyncSettings) -> dlt.Pipeline:
    """Create (or reopen) the dlt pipeline that `settings` describe."""
    duckdb_path = (
        settings.resolved_duckdb_path() if settings.destination == "duckdb" else None
    )
    destination = build_destination(
        settings.destination,
        pipeline_name=settings.pipeline_name,
        duckdb_path=duckdb_path,
        credentials=settings.credentials,
    )
    return dlt.pipeline(
        pipeline_name=settings.pipeline_name,
        pipelines_dir=str(settings.resolved_pipelines_dir()),
        destination=destination,
        dataset_name=settings.dataset_name,
    )


def run_sync(
    settings: SyncSettings, *, sleep: Callable[[float], None] = time.sleep
) -> SyncSummary:
    """Sync the API into the destination and return what was done.

    Raises a `TimetrackError` subclass on failure; its message never contains
    the API key.
    """
    started = time.perf_counter()
    settings.validate()
    base_url = resolve_base_url(settings.base_url)
    api_key = resolve_api_key(settings.api_key).value
    stats = TransportStats()
    source = time_tracking_source(
        base_url,
        api_key,
        policy=settings.policy,
        sleep=sleep,
        stats=stats,
        timeout=settings.timeout,
        limit=settings.limit,
    )
    with hold_pipeline_lock(
        settings.resolved_pipelines_dir(),
        settings.pipeline_name,
        wait=settings.lock_wait,
    ):
        pipeline = create_pipeline(settings)
        logger.info("Syncing %s into %s", base_url, settings.destination)
        try:
            discard_pending_packages(pipeline)
            load_info = pipeline.run(source)
        except PipelineStepFailed as error:
            # dlt wraps Ctrl-C in a step failure; the CLI reports it as exit 130.
            if isinstance(_innermost_error(error), KeyboardInterrupt):
                raise KeyboardInterrupt from None
            raise _translate_failure(error) from None

    trace = pipeline.last_trace
    normalize_info = trace.last_normalize_info if trace else None
    rows = dict(normalize_info.row_counts) if normalize_info else {}
    duckdb_path = (
        settings.resolved_duckdb_path() if settings.destination == "duckdb" else None
    )
    summary = SyncSummary(
        pipeline_name=settings.pipeline_name,
        destination=settings.destination,
        dataset_name=settings.dataset_name,
        location=describe_destination(
            settings.destination, duckdb_path=duckdb_path, dataset=settings.dataset_name
        ),
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


def _translate_failure(error: PipelineStepFailed) -> TimetrackError:
    """Find the timetrack error inside a dlt step failure, or describe the failure."""
    cause = _find_timetrack_error(error)
    if cause is not None:
        return cause
    text = redact_text(_innermost_message(error))
    if error.step == "load":
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
