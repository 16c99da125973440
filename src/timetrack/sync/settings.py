"""The settings of one sync run, validated before any request is made."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from timetrack.errors import ConfigError, DestinationError
from timetrack.http.readahead import DEFAULT_CONCURRENCY, MAX_CONCURRENCY
from timetrack.http.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from timetrack.http.transport import DEFAULT_TIMEOUT
from timetrack.source.deletions import DELETION_MODES
from timetrack.source.incremental import DEFAULT_LOOKBACK, IncrementalOptions
from timetrack.source.rest_config import PAGE_LIMIT
from timetrack.sync.destinations import SUPPORTED_DESTINATIONS, TABLE_FORMATS

__all__ = ["DEFAULT_PIPELINES_DIR", "SyncSettings", "validate_name"]

# Pipeline state lives next to the data by default, not in a per-user folder,
# so two projects (or two test runs) never pick up each other's state by name.
DEFAULT_PIPELINES_DIR = Path(".timetrack") / "pipelines"

# Lower case only: dlt normalizes "MyData" to "my_data", and a summary naming a
# dataset that does not exist under that spelling would mislead.
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def validate_name(label: str, value: str) -> None:
    """Raise ConfigError unless `value` is a valid dataset, pipeline or table name."""
    if not _NAME.match(value):
        raise ConfigError(
            f"Invalid {label} {value!r}: use lower-case letters, digits and "
            "underscores, starting with a letter or underscore (at most 63 "
            "characters)."
        )


@dataclass(frozen=True)
class SyncSettings:
    """Everything one sync needs; `api_key` and `base_url` fall back to dlt config."""

    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    destination: str = "duckdb"
    duckdb_path: Path | None = None
    credentials: str | None = field(default=None, repr=False)
    bucket_url: str | None = field(default=None, repr=False)
    table_format: str = "parquet"
    dataset_name: str = "time_tracking"
    pipeline_name: str = "timetrack"
    pipelines_dir: Path | None = None
    limit: int = PAGE_LIMIT
    timeout: float = DEFAULT_TIMEOUT
    policy: RetryPolicy = DEFAULT_RETRY_POLICY
    profile: str = "generic"
    cursor: str | None = None
    lookback: timedelta = DEFAULT_LOOKBACK
    full_refresh: bool = False
    since: datetime | None = None
    until: datetime | None = None
    deletions: str = "hard"
    reconcile_days: float = 0.0
    related: tuple[str, ...] | None = None
    """Related tables to load; None loads every one the profile has."""
    related_paths: dict[str, str] = field(default_factory=dict)
    account_id: str | None = None
    """Account id for profiles that send one in a header (Harvest)."""
    concurrency: int = DEFAULT_CONCURRENCY
    max_requests_per_second: float | None = None
    lock_wait: float = 0.0
    """Seconds to wait for another sync of the same pipeline to finish."""

    def incremental_options(self) -> IncrementalOptions:
        """Return the window options of this run."""
        return IncrementalOptions(
            cursor=self.cursor,
            lookback=self.lookback,
            full_refresh=self.full_refresh,
            since=self.since,
            until=self.until,
        )

    def validate(self) -> None:
        """Raise ConfigError on the first invalid value, naming it and the fix."""
        if self.destination not in SUPPORTED_DESTINATIONS:
            raise ConfigError(
                f"Unknown destination {self.destination!r}. "
                f"Choose one of: {', '.join(SUPPORTED_DESTINATIONS)}."
            )
        if self.table_format not in TABLE_FORMATS:
            raise ConfigError(
                f"Unknown table format {self.table_format!r}. "
                f"Choose one of: {', '.join(TABLE_FORMATS)}."
            )
        if self.table_format != "parquet" and self.destination != "filesystem":
            raise ConfigError(
                f"Table format {self.table_format!r} needs --destination filesystem, "
                f"not {self.destination!r}."
            )
        validate_name("dataset name", self.dataset_name)
        validate_name("pipeline name", self.pipeline_name)
        if not 1 <= self.limit <= 10_000:
            raise ConfigError(f"Invalid page limit {self.limit}: expected 1 to 10000.")
        if not math.isfinite(self.timeout) or self.timeout <= 0:
            raise ConfigError(
                f"Invalid timeout {self.timeout}: expected a finite number of "
                "seconds greater than 0."
            )
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise ConfigError(
                f"Invalid concurrency {self.concurrency}: expected 1 to "
                f"{MAX_CONCURRENCY} concurrent requests (1 fetches pages one by one)."
            )
        rate = self.max_requests_per_second
        if rate is not None and not (math.isfinite(rate) and rate > 0):
            raise ConfigError(
                f"Invalid max requests per second {rate}: expected a number > 0, "
                "or leave it unset for no limit."
            )
        if not math.isfinite(self.lock_wait) or self.lock_wait < 0:
            raise ConfigError(
                f"Invalid lock wait {self.lock_wait}: expected seconds >= 0."
            )
        self._validate_incremental()
        self._validate_paths()

    def _validate_incremental(self) -> None:
        if self.deletions not in DELETION_MODES:
            raise ConfigError(
                f"Unknown deletion mode {self.deletions!r}. "
                f"Choose one of: {', '.join(DELETION_MODES)}."
            )
        if self.reconcile_days < 0:
            raise ConfigError(
                f"Invalid reconcile window {self.reconcile_days} days: "
                "expected 0 (off) or more."
            )
        self.incremental_options().validate()

    def _validate_paths(self) -> None:
        pipelines_dir = self.resolved_pipelines_dir()
        if pipelines_dir.exists() and not pipelines_dir.is_dir():
            raise ConfigError(
                f"Invalid pipelines folder {str(pipelines_dir)!r}: it is a file. "
                "Pass --pipelines-dir with a folder path."
            )
        if self.destination != "duckdb":
            return
        duckdb_path = self.resolved_duckdb_path()
        if not duckdb_path.parent.is_dir():
            raise DestinationError(
                f"Invalid DuckDB path {str(duckdb_path)!r}: the folder "
                f"{str(duckdb_path.parent)!r} does not exist. Create it, or pass "
                "--duckdb-path with a file in an existing folder."
            )
        if duckdb_path.is_dir():
            raise DestinationError(
                f"Invalid DuckDB path {str(duckdb_path)!r}: it is a folder. "
                "Pass --duckdb-path with a file name."
            )
        # DuckDB names the catalog after the file, and a schema of the same
        # name makes every unqualified table reference ambiguous.
        if duckdb_path.stem == self.dataset_name:
            raise ConfigError(
                f"Invalid dataset name {self.dataset_name!r}: it equals the DuckDB "
                f"file name {duckdb_path.name!r}. Choose another --dataset."
            )

    def resolved_pipelines_dir(self) -> Path:
        """Return the folder of dlt pipeline state, absolute."""
        return (self.pipelines_dir or DEFAULT_PIPELINES_DIR).resolve()

    def resolved_duckdb_path(self) -> Path:
        """Return the DuckDB file the sync writes, absolute."""
        return (self.duckdb_path or Path(f"{self.pipeline_name}.duckdb")).resolve()
