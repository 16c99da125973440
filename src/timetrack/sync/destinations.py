"""Destinations timetrack loads into, their credentials, and secret-free descriptions.

DuckDB writes a local file. PostgreSQL reads credentials from `--credentials` or
dlt's usual places, and is checked for reachability before any request to the API.
The filesystem destination writes Parquet files, or Delta tables, under a bucket
URL (a local folder by default, or any fsspec URL that dlt supports).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import dlt
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

from timetrack.errors import ConfigError, DestinationError
from timetrack.redact import redact_text, register_secret

if TYPE_CHECKING:
    from timetrack.sync.settings import SyncSettings

__all__ = [
    "DEFAULT_BUCKET_URL",
    "SUPPORTED_DESTINATIONS",
    "TABLE_FORMATS",
    "Destination",
    "check_postgres_reachable",
    "connect_postgres",
    "describe_postgres",
    "hold_connection",
    "open_destination",
    "resolve_postgres_credentials",
    "truncate_staging_after_load",
]

logger = logging.getLogger(__name__)

SUPPORTED_DESTINATIONS = ("duckdb", "postgres", "filesystem")

# "parquet" is plain Parquet files; "delta" is a Delta Lake table per resource.
TABLE_FORMATS = ("parquet", "delta")

DEFAULT_BUCKET_URL = "./timetrack-data"

_POSTGRES_PLACES = (
    "--credentials, DESTINATION__POSTGRES__CREDENTIALS, or "
    "[destination.postgres] credentials in .dlt/secrets.toml"
)

# DuckDB takes up to 80% of RAM by default, and the merge of a large load
# (dedup and delete-insert on the primary key) grew a 1,000,000-row sync past
# 700 MB. With a limit it spills to `<file>.tmp` instead. Insertion order is
# not needed because merge deduplicates on the key.
DUCKDB_SETTINGS = {
    "memory_limit": "32MB",
    "preserve_insertion_order": False,
    "threads": 1,
}


@dataclass(frozen=True)
class Destination:
    """A dlt destination ready to load, with the `pipeline.run` options it needs."""

    name: str
    factory: Any = field(repr=False)
    location: str
    run_options: dict[str, Any] = field(default_factory=dict)

    @property
    def replaces_tables(self) -> bool:
        """Tell whether each load replaces whole tables instead of merging rows."""
        return bool(self.run_options.get("write_disposition") == "replace")


def open_destination(settings: SyncSettings) -> Destination:
    """Build the destination of `settings`; for PostgreSQL, check the server first.

    Raises ConfigError for missing or invalid settings and DestinationError when
    PostgreSQL cannot be reached with the credentials given.
    """
    name = settings.destination
    if name == "duckdb":
        path = settings.resolved_duckdb_path()
        credentials = DuckDbCredentials(
            None,  # type: ignore[arg-type]
            global_config=DUCKDB_SETTINGS,
        )
        # Set, not parsed: dlt parses a path by trying it as an SQLAlchemy URL
        # first, which imports SQLAlchemy before the sync can start.
        credentials.database = str(path)
        return Destination(
            name=name,
            factory=dlt.destinations.duckdb(credentials=credentials),
            location=f"DuckDB file {path} (dataset {settings.dataset_name})",
        )
    if name == "postgres":
        credentials = resolve_postgres_credentials(settings.credentials)
        check_postgres_reachable(credentials)
        return Destination(
            name=name,
            factory=dlt.destinations.postgres(credentials=credentials),
            location=(
                f"PostgreSQL {describe_postgres(credentials)} "
                f"(dataset {settings.dataset_name})"
            ),
        )
    if name == "filesystem":
        return _open_filesystem(settings)
    choices = ", ".join(SUPPORTED_DESTINATIONS)
    raise ConfigError(f"Unknown destination {name!r}. Choose one of: {choices}.")


@contextmanager
def hold_connection(destination: Destination, settings: SyncSettings) -> Iterator[None]:
    """Keep the DuckDB database of `destination` open for the whole run.

    dlt opens and closes a DuckDB connection for each of its steps and load
    jobs. Closing the last connection checkpoints the file, and the next open
    reads it again: about a dozen opens and two or three checkpoints per sync.
    DuckDB shares one database among all connections to a file in a process,
    so one more connection held here makes dlt's opens cheap and leaves a
    single checkpoint, when it closes. Other destinations need nothing.

    Raises DestinationError when the file cannot be opened, for example while
    another process has it open.
    """
    if destination.name != "duckdb":
        yield
        return
    import duckdb

    path = settings.resolved_duckdb_path()
    try:
        connection = duckdb.connect(str(path))
    except duckdb.Error as error:
        raise DestinationError(
            f"Cannot open the DuckDB file {path}: {_first_line(str(error))}. "
            "Check that its folder exists and that no other process has the "
            "file open."
        ) from None
    try:
        yield
    finally:
        connection.close()


def truncate_staging_after_load(pipeline_name: str) -> None:
    """Make pipeline `pipeline_name` empty its staging tables once a load merged them.

    By default dlt empties them before the next load. A DuckDB file then keeps
    a second copy of the last load's rows between syncs and writes it out when
    the database is closed: about 0.1 s and 10 MB for 100,000 entries.
    """
    dlt.config[f"{pipeline_name}.load.truncate_staging_dataset"] = True


def resolve_postgres_credentials(dsn: str | None) -> Any:
    """Return dlt's PostgresCredentials from `dsn` or dlt config, password registered.

    The password is registered with `timetrack.redact` before anything can log it.
    """
    from dlt.common.configuration import resolve_configuration
    from dlt.common.configuration.exceptions import ConfigurationException
    from dlt.destinations.impl.postgres.configuration import PostgresCredentials

    raw: Any = dsn or dlt.secrets.get("destination.postgres.credentials")
    if not raw:
        raise ConfigError(
            f"Missing PostgreSQL credentials. Set them with {_POSTGRES_PLACES}, "
            "for example postgresql://USER:PASSWORD@HOST:5432/DATABASE."
        )
    _register_raw_password(raw)
    try:
        credentials = resolve_configuration(PostgresCredentials(), explicit_value=raw)
    except (ConfigurationException, ValueError) as error:
        message = redact_text(str(error).splitlines()[0])
        raise ConfigError(
            f"Invalid PostgreSQL credentials: {message}. Expected a connection "
            "string such as postgresql://USER:PASSWORD@HOST:5432/DATABASE in "
            f"{_POSTGRES_PLACES}."
        ) from None
    register_secret(credentials.password)
    return credentials


def check_postgres_reachable(credentials: Any) -> None:
    """Open and close one connection, or raise DestinationError in one line.

    Checking before the sync starts means an unreachable server or a rejected
    login stops the run before any page is fetched or anything is written.
    """
    connect_postgres(credentials).close()
    logger.debug("PostgreSQL %s is reachable", describe_postgres(credentials))


def connect_postgres(credentials: Any) -> Any:
    """Return a new psycopg2 connection with dlt's PostgresCredentials.

    Raises ConfigError when psycopg2 is not installed, and DestinationError,
    with the server and the redacted cause in one line, when the connection fails.
    """
    try:
        import psycopg2
    except ImportError:
        raise ConfigError(
            "The postgres destination needs psycopg2: "
            'pip install "timetrack[postgres]".'
        ) from None

    try:
        return psycopg2.connect(
            credentials.to_native_representation(),
            connect_timeout=int(credentials.connect_timeout),
        )
    except psycopg2.Error as error:
        cause = _first_line(redact_text(str(error))) or type(error).__name__
        raise DestinationError(
            f"Cannot connect to PostgreSQL {describe_postgres(credentials)}: {cause}. "
            "Check that the server is running and the credentials in "
            f"{_POSTGRES_PLACES} are right."
        ) from None


def describe_postgres(credentials: Any) -> str:
    """Return `user@host:port/database` of `credentials`, without the password."""
    user = credentials.username or "?"
    return f"{user}@{credentials.host}:{credentials.port}/{credentials.database}"


def _register_raw_password(raw: Any) -> None:
    # Registered before parsing, so a parse error that quotes the DSN is redacted.
    if isinstance(raw, str):
        register_secret(urlsplit(raw).password)
    elif isinstance(raw, Mapping):
        password = raw.get("password")
        register_secret(password if isinstance(password, str) else None)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else ""


def _open_filesystem(settings: SyncSettings) -> Destination:
    configured = settings.bucket_url or dlt.config.get(
        "destination.filesystem.bucket_url", str
    )
    bucket_url = _normalize_bucket_url(configured or DEFAULT_BUCKET_URL)
    shown = _url_without_password(bucket_url)
    dataset = settings.dataset_name
    if settings.table_format == "delta":
        # dlt merges Delta tables with the upsert strategy only: rows are matched
        # on the primary key `id`, updated in place, and new ones inserted.
        return Destination(
            name="filesystem",
            factory=dlt.destinations.filesystem(bucket_url=bucket_url),
            location=f"Delta tables in {shown}/{dataset}",
            run_options={
                "table_format": "delta",
                "write_disposition": {"disposition": "merge", "strategy": "upsert"},
            },
        )
    # Plain Parquet files cannot be merged: dlt would append, duplicating every
    # row on each sync. Each sync reads the whole API, so replacing the table's
    # files keeps exactly one row per id.
    return Destination(
        name="filesystem",
        factory=dlt.destinations.filesystem(bucket_url=bucket_url),
        location=f"Parquet files in {shown}/{dataset}",
        run_options={"loader_file_format": "parquet", "write_disposition": "replace"},
    )


def _normalize_bucket_url(bucket_url: str) -> str:
    """Return remote URLs as given and local paths as absolute paths."""
    parts = urlsplit(bucket_url)
    register_secret(parts.password)
    # One-letter schemes are Windows drive letters, not URL schemes.
    if len(parts.scheme) > 1 and parts.scheme != "file":
        return bucket_url
    local = parts.path if parts.scheme == "file" else bucket_url
    return str(Path(local).expanduser().resolve())


def _url_without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=user + host))
