"""Health check: settings, API key, one API request and the destination."""

from __future__ import annotations

import importlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import orjson
import requests

from timetrack.errors import (
    ApiStatusError,
    ConfigError,
    DestinationError,
    SourceError,
    TimetrackError,
)
from timetrack.http import RetryPolicy, build_session
from timetrack.redact import redact_text, register_secret
from timetrack.settings import resolve_api_key, resolve_base_url
from timetrack.source.rest_config import TIME_ENTRIES_PATH
from timetrack.sync.settings import SyncSettings

__all__ = ["CheckItem", "CheckReport", "run_check"]

logger = logging.getLogger(__name__)

# One attempt and no retry waits: a check should finish in seconds, and a
# retry would hide the failure it is there to show.
_CHECK_POLICY = RetryPolicy(max_attempts=1)

# Seconds to wait for a PostgreSQL connection before calling it unreachable.
_POSTGRES_CONNECT_TIMEOUT = 5

OK = "ok"
FAILED = "failed"
SKIPPED = "skipped"


@dataclass(frozen=True)
class CheckItem:
    """The outcome of one check: its name, status, what was found and the fix."""

    name: str
    status: str
    detail: str
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        """True unless the check failed. A skipped check is not a failure."""
        return self.status != FAILED


@dataclass
class CheckReport:
    """The result of `run_check`: base URL, key origin, status, total and each check."""

    base_url: str | None = None
    key_origin: str | None = None
    http_status: int | None = None
    total: int | None = None
    destination: str = ""
    items: list[CheckItem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return all(item.ok for item in self.items)

    @property
    def exit_code(self) -> int:
        """The exit code of the first failed check, or 0."""
        for item in self.items:
            if not item.ok:
                return item.exit_code
        return 0

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-ready values."""
        return {
            "ok": self.ok,
            "exit_code": self.exit_code,
            "base_url": self.base_url,
            "key_origin": self.key_origin,
            "http_status": self.http_status,
            "total": self.total,
            "destination": self.destination,
            "checks": [
                {"name": item.name, "status": item.status, "detail": item.detail}
                for item in self.items
            ],
        }

    def add(self, name: str, status: str, detail: str, exit_code: int = 0) -> None:
        """Append one check's outcome, with secrets removed from its detail."""
        self.items.append(CheckItem(name, status, redact_text(detail), exit_code))


def run_check(settings: SyncSettings) -> CheckReport:
    """Check the settings, the API (one request, limit 1) and the destination.

    A failure that raises a `TimetrackError` becomes a failed item whose detail
    names the problem and the fix. Other exceptions (bugs) propagate.
    """
    report = CheckReport()
    destination_error: DestinationError | None = None
    try:
        settings.validate()
    except ConfigError as error:
        report.add("settings", FAILED, str(error), error.exit_code)
        return report
    except DestinationError as error:
        # A DuckDB path whose folder is missing fails validation already; the
        # API is still checked, and the destination line reports the path.
        destination_error = error
    report.add("settings", OK, "valid")

    base_url = _check_base_url(report, settings)
    api_key = _check_api_key(report, settings)
    if base_url is None or api_key is None:
        report.add("api", SKIPPED, "not reached: fix the base URL and API key first")
    else:
        _check_api(report, base_url, api_key, settings.timeout)
    if destination_error is not None:
        report.add(
            "destination", FAILED, str(destination_error), destination_error.exit_code
        )
    else:
        _check_destination(report, settings)
    return report


def _check_base_url(report: CheckReport, settings: SyncSettings) -> str | None:
    try:
        base_url = resolve_base_url(settings.base_url)
    except ConfigError as error:
        report.add("base_url", FAILED, str(error), error.exit_code)
        return None
    report.base_url = base_url
    report.add("base_url", OK, base_url)
    return base_url


def _check_api_key(report: CheckReport, settings: SyncSettings) -> str | None:
    try:
        resolved = resolve_api_key(settings.api_key)
    except ConfigError as error:
        report.add("api_key", FAILED, str(error), error.exit_code)
        return None
    report.key_origin = resolved.origin
    report.add("api_key", OK, f"found in {resolved.origin}")
    return resolved.value


def _check_api(
    report: CheckReport, base_url: str, api_key: str, timeout: float
) -> None:
    session = build_session(_CHECK_POLICY, timeout=timeout)
    url = f"{base_url}{TIME_ENTRIES_PATH}"
    params: dict[str, str | int] = {"api_key": api_key, "offset": 0, "limit": 1}
    try:
        with session:
            response = session.get(url, params=params, timeout=timeout)
    except ApiStatusError as error:
        report.http_status = error.status
        report.add("api", FAILED, str(error), error.exit_code)
        return
    except SourceError as error:
        report.add("api", FAILED, str(error), error.exit_code)
        return
    report.http_status = response.status_code
    total = _read_total(response)
    if total is None:
        report.add(
            "api",
            FAILED,
            f"HTTP {response.status_code}, but the body is not a page with an "
            f"integer total. Check that {base_url} is the time-tracking API.",
            SourceError.exit_code,
        )
        return
    report.total = total
    report.add("api", OK, f"HTTP {response.status_code}, {total:,} entries")


def _read_total(response: requests.Response) -> int | None:
    try:
        body: Any = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    total = body.get("total") if isinstance(body, dict) else None
    if isinstance(total, int) and not isinstance(total, bool):
        return total
    return None


def _check_destination(report: CheckReport, settings: SyncSettings) -> None:
    if settings.destination == "duckdb":
        path = settings.resolved_duckdb_path()
        report.destination = f"DuckDB file {path}"
        _record(report, "destination", lambda: check_duckdb_file(path))
    else:
        report.destination = "PostgreSQL"
        _record(report, "destination", lambda: check_postgres(settings.credentials))


def _record(report: CheckReport, name: str, check: Callable[[], str]) -> None:
    try:
        detail = check()
    except TimetrackError as error:
        report.add(name, FAILED, str(error), error.exit_code)
        return
    report.add(name, OK, detail)


def check_duckdb_file(path: os.PathLike[str]) -> str:
    """Check that a sync can write the DuckDB file `path`, without creating it.

    Raises DestinationError naming the folder or file and the fix.
    """
    target = os.fspath(path)
    folder = os.path.dirname(target) or "."
    if not os.path.isdir(folder):
        raise DestinationError(
            f"The folder {folder} of the DuckDB file does not exist. "
            "Create it, or pass --duckdb-path with a file in an existing folder."
        )
    if not os.access(folder, os.W_OK):
        raise DestinationError(
            f"The folder {folder} is not writable. Fix its permissions, or pass "
            "--duckdb-path with a file in a writable folder."
        )
    if not os.path.exists(target):
        return f"DuckDB file {target} does not exist yet; its folder is writable"
    try:
        # Read-only, so the check never changes the file. It still fails when
        # another process holds the write lock, which would block a sync too.
        with duckdb.connect(target, read_only=True):
            pass
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DestinationError(
            f"The DuckDB file {target} could not be opened: {first_line}. "
            "Close other programs that use it, or pass another --duckdb-path."
        ) from None
    return f"DuckDB file {target} opens; its folder is writable"


def check_postgres(credentials: str | None) -> str:
    """Connect to PostgreSQL with `credentials` or dlt's configured credentials.

    Returns the server address (never the password). Raises ConfigError when no
    credentials are set and DestinationError when the connection fails.
    """
    from dlt.common.configuration.resolve import resolve_configuration
    from dlt.destinations.impl.postgres.configuration import PostgresCredentials

    if credentials:
        resolved = PostgresCredentials()
        resolved.parse_native_representation(credentials)
    else:
        # Partial, because a server with trust auth needs no password.
        resolved = resolve_configuration(
            PostgresCredentials(),
            sections=("destination", "postgres"),
            accept_partial=True,
        )
    if not resolved.host:
        raise ConfigError(
            "No PostgreSQL credentials set. Pass --credentials "
            "postgresql://USER:PASSWORD@HOST:PORT/DATABASE, or set "
            "DESTINATION__POSTGRES__CREDENTIALS."
        )
    register_secret(resolved.password)
    address = f"{resolved.host}:{resolved.port or 5432}/{resolved.database or ''}"
    try:
        # Imported by name: psycopg2 is an optional extra and ships no type stubs.
        psycopg2: Any = importlib.import_module("psycopg2")
    except ImportError:
        raise ConfigError(
            "PostgreSQL support is not installed. "
            "Run: pip install 'timetrack[postgres]'."
        ) from None
    started = time.perf_counter()
    try:
        connection = psycopg2.connect(
            resolved.to_native_representation(),
            connect_timeout=_POSTGRES_CONNECT_TIMEOUT,
        )
    except psycopg2.Error as error:
        text = str(error).strip().splitlines()
        reason = redact_text(text[0]) if text else type(error).__name__
        raise DestinationError(
            f"Could not connect to PostgreSQL at {address}: {reason}. "
            "Check that the server runs and the credentials are valid."
        ) from None
    connection.close()
    elapsed = time.perf_counter() - started
    logger.debug("Connected to PostgreSQL at %s in %.2f s", address, elapsed)
    return f"PostgreSQL at {address} accepts connections"
