"""timetrack: sync time-tracking data into your warehouse with dlt."""

from __future__ import annotations

__version__ = "0.1.0"

from timetrack import memory as _memory
from timetrack import telemetry as _telemetry

_telemetry.disable_by_default()
_memory.use_system_allocator_by_default()

from timetrack.errors import (  # noqa: E402
    ApiAuthError,
    ApiConnectionError,
    ApiStatusError,
    ConfigError,
    DestinationError,
    PageError,
    SourceError,
    TimetrackError,
)
from timetrack.http.retry import RetryPolicy  # noqa: E402
from timetrack.source import time_tracking_source  # noqa: E402
from timetrack.sync import SyncSettings, SyncSummary, run_sync  # noqa: E402

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
