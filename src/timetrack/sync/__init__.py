"""Running a sync: settings, destinations, the pipeline run and its summary."""

from timetrack.sync.run import create_pipeline, run_sync
from timetrack.sync.settings import SyncSettings
from timetrack.sync.summary import SyncSummary

__all__ = ["SyncSettings", "SyncSummary", "create_pipeline", "run_sync"]
