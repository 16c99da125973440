"""The settings of one sync run, validated before any request is made."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from timetrack.errors import ConfigError
from timetrack.http.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from timetrack.http.transport import DEFAULT_TIMEOUT
from timetrack.source.rest_config import PAGE_LIMIT
from timetrack.sync.destinations import SUPPORTED_DESTINATIONS

__all__ = ["DEFAULT_PIPELINES_DIR", "SyncSettings"]

# Pipeline state lives next to the data by default, not in a per-user folder,
# so two projects (or two test runs) never pick up each other's state by name.
DEFAULT_PIPELINES_DIR = Path(".timetrack") / "pipelines"

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


@dataclass(frozen=True)
class SyncSettings:
    """Everything one sync needs; `api_key` and `base_url` fall back to dlt config."""

    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    destination: str = "duckdb"
    duckdb_path: Path | None = None
    credentials: str | None = field(default=None, repr=False)
    dataset_name: str = "time_tracking"
    pipeline_name: str = "timetrack"
    pipelines_dir: Path | None = None
    limit: int = PAGE_LIMIT
    timeout: float = DEFAULT_TIMEOUT
    policy: RetryPolicy = DEFAULT_RETRY_POLICY
    lock_wait: float = 0.0

    def validate(self) -> None:
        """Raise ConfigError on the first invalid value, naming it and the fix."""
        if self.destination not in SUPPORTED_DESTINATIONS:
            raise ConfigError(
                f"Unknown destination {self.destination!r}. "
                f"Choose one of: {', '.join(SUPPORTED_DESTINATIONS)}."
            )
        for label, value in (
            ("dataset name", self.dataset_name),
            ("pipeline name", self.pipeline_name),
        ):
            if not _NAME.match(value):
                raise ConfigError(
                    f"Invalid {label} {value!r}: use letters, digits and underscores, "
                    "starting with a letter or underscore (at most 63 characters)."
                )
        if not 1 <= self.limit <= 10_000:
            raise ConfigError(f"Invalid page limit {self.limit}: expected 1 to 10000.")
        if self.lock_wait < 0:
            raise ConfigError(
                f"Invalid lock wait {self.lock_wait}: expected seconds >= 0."
            )
        if self.timeout <= 0:
            raise ConfigError(f"Invalid timeout {self.timeout}: expected seconds > 0.")

    def resolved_pipelines_dir(self) -> Path:
        """Return the folder of dlt pipeline state, absolute."""
        return (self.pipelines_dir or DEFAULT_PIPELINES_DIR).resolve()

    def resolved_duckdb_path(self) -> Path:
        """Return the DuckDB file the sync writes, absolute."""
        return (self.duckdb_path or Path(f"{self.pipeline_name}.duckdb")).resolve()
