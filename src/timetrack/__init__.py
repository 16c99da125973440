"""timetrack: sync time-tracking data into your warehouse with dlt."""

from __future__ import annotations

__version__ = "0.1.0"

from timetrack import memory as _memory
from timetrack import telemetry as _telemetry

_telemetry.disable_by_default()
_memory.use_system_allocator_by_default()

# Importing dlt and pyarrow creates several hundred thousand objects, and with
# Python's default thresholds the garbage collector walked them again and again:
# about 0.06 s of the import.
with _memory.fewer_collections():
    from timetrack.errors import (
        ApiAuthError,
        ApiConnectionError,
        ApiStatusError,
        ConfigError,
        DestinationError,
        PageError,
        SourceError,
        TimetrackError,
    )
    from timetrack.http.retry import RetryPolicy
    from timetrack.source import time_tracking_source
    from timetrack.sync import SyncSettings, SyncSummary, run_sync

__all__ = [
    "ApiAuthError",
    "ApiConnectionError",
    "ApiStatusError",
    "ConfigError",
    "DestinationError",
    "PageError",
    "RetryPolicy",
    "SourceError",
    "SyncSettings",
    "SyncSummary",
    "TimetrackError",
    "__version__",
    "run_sync",
    "time_tracking_source",
]
