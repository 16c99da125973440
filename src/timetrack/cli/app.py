"""The `timetrack` command line: sync, check, report, serve and demo."""

from __future__ import annotations

import contextlib
import enum
import logging
import sys
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.markup import escape

from timetrack.cli.logs import configure_logging
from timetrack.cli.output import print_summary
from timetrack.cli.progress import choose_observer
from timetrack.cli.sync_options import (
    parse_date_option,
    parse_path_overrides,
    parse_related_option,
)
from timetrack.errors import ConfigError, TimetrackError
from timetrack.http.readahead import DEFAULT_CONCURRENCY
from timetrack.redact import redact_text
from timetrack.report.buckets import Grouping
from timetrack.sync import SyncSettings, run_sync
from timetrack.sync.summary import REJECTS_EXIT_CODE

__all__ = ["app", "main"]

app = typer.Typer(
    help="Sync time-tracking data into your warehouse with dlt.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# soft_wrap: a path or command printed for copy-paste must stay on one line,
# also when the output is a pipe that Rich would otherwise wrap at 80 columns.
stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)

Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log DEBUG details.")]
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="Log errors only; no progress display.")
]


class LogFormat(enum.StrEnum):
    """The format of log lines on stderr."""

    TEXT = "text"
    JSON = "json"


LogFormatOption = Annotated[
    LogFormat,
    typer.Option(
        "--log-format",
        help="Log lines on stderr as text, or as one JSON object per line.",
        case_sensitive=False,
    ),
]
JsonOutput = Annotated[
    bool,
    typer.Option("--json", help="Print the result as one JSON object on stdout."),
]


def _log_level(verbose: bool, quiet: bool) -> int:
    if verbose:
        return logging.DEBUG
    if quiet:
        return logging.ERROR
    return logging.WARNING


def _fail(error: BaseException, log_format: LogFormat = LogFormat.TEXT) -> typer.Exit:
    code = error.exit_code if isinstance(error, TimetrackError) else 1
    message = redact_text(
        str(error).splitlines()[0] if str(error) else type(error).__name__
    )
    if log_format is LogFormat.JSON:
        logging.getLogger("timetrack.cli").error(message)
    else:
        # The message may quote user input or API text: escape it so Rich
        # does not read brackets in it as markup.
        stderr.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


def _print_json(data: dict[str, Any]) -> None:
    # typer.echo, not Rich: Rich would wrap a long line and break the JSON.
    typer.echo(orjson.dumps(data).decode())


@app.command()
def sync(
    base_url: Annotated[
        str | None,
        typer.Option(
            help="API base URL; default: base_url from dlt config or BASE_URL."
        ),
    ] = None,
    destination: Annotated[
        str, typer.Option(help="Where to load: duckdb, postgres or filesystem.")
    ] = "duckdb",
    duckdb_path: Annotated[
        Path | None,
        typer.Option(help="DuckDB file; default: PIPELINE_NAME.duckdb in this folder."),
    ] = None,
    credentials: Annotated[
        str | None,
        typer.Option(help="Destination connection string (PostgreSQL)."),
    ] = None,
    bucket_url: Annotated[
        str | None,
        typer.Option(
            help="Folder or fsspec URL of the filesystem destination; "
            "default: ./timetrack-data."
        ),
    ] = None,
    table_format: Annotated[
        str,
        typer.Option(help="Filesystem table format: parquet (replaced) or delta."),
    ] = "parquet",
    dataset: Annotated[
        str, typer.Option(help="Dataset (schema) name.")
    ] = "time_tracking",
    pipeline_name: Annotated[
        str, typer.Option(help="dlt pipeline name.")
    ] = "timetrack",
    pipelines_dir: Annotated[
        Path | None,
        typer.Option(
            help="Folder of dlt pipeline state; default: .timetrack/pipelines."
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="HTTP timeout per request, seconds.")
    ] = 30.0,
    profile: Annotated[
        str, typer.Option(help="API shape: generic, toggl, harvest or clockify.")
    ] = "generic",
    full_refresh: Annotated[
        bool, typer.Option(help="Re-read everything and rebuild the tables.")
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(help="Backfill entries that started at or after this date."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="Backfill entries that started before this date."),
    ] = None,
    cursor: Annotated[
        str | None,
        typer.Option(
            help="Incremental cursor: updated_at or start_time; "
            "default: updated_at when the API filters on it."
        ),
    ] = None,
    lookback_days: Annotated[
        float, typer.Option(help="Look-back window of the start_time cursor, days.")
    ] = 7.0,
    deletions: Annotated[
        str,
        typer.Option(help="hard: remove deleted entries; soft: keep them marked."),
    ] = "hard",
    reconcile_days: Annotated[
        float,
        typer.Option(
            help="Compare ids over the last N days to find deletions; 0 is off."
        ),
    ] = 0.0,
    related: Annotated[
        str | None,
        typer.Option(
            help="Related tables to load, comma-separated "
            "(projects,users,clients,tags), or none; default: all."
        ),
    ] = None,
    path: Annotated[
        list[str] | None,
        typer.Option(help="Override a related table's path: NAME=PATH; repeatable."),
    ] = None,
    account_id: Annotated[
        str | None,
        typer.Option(
            help="Account id sent in a header (Harvest-Account-Id for harvest); "
            "default: account_id from dlt config or ACCOUNT_ID."
        ),
    ] = None,
    concurrency: Annotated[
        int,
        typer.Option(
            help="Maximum concurrent page requests, 1 to 64; 1 fetches pages one "
            "by one. Halved on each HTTP 429, then raised again step by step."
        ),
    ] = DEFAULT_CONCURRENCY,
    max_requests_per_second: Annotated[
        float | None,
        typer.Option(
            help="Maximum requests per second to the API, retries included; "
            "default: no limit."
        ),
    ] = None,
    wait: Annotated[
        float,
        typer.Option(
            help="Seconds to wait for another sync of the same pipeline to finish."
        ),
    ] = 0.0,
    verbose: Verbose = False,
    quiet: Quiet = False,
    log_format: LogFormatOption = LogFormat.TEXT,
    json_output: JsonOutput = False,
) -> None:
    """Sync time entries from the API into the destination.

    Exits with 0 on a clean run and 5 when records were rejected.
    """
    configure_logging(_log_level(verbose, quiet), stderr, log_format.value)
    observer = choose_observer(
        stderr, quiet=quiet, json_logs=log_format is LogFormat.JSON
    )
    try:
        settings = SyncSettings(
            base_url=base_url,
            destination=destination,
            duckdb_path=duckdb_path,
            credentials=credentials,
            bucket_url=bucket_url,
            table_format=table_format,
            dataset_name=dataset,
            pipeline_name=pipeline_name,
            pipelines_dir=pipelines_dir,
            timeout=timeout,
            profile=profile,
            cursor=cursor,
            lookback=timedelta(days=lookback_days),
            full_refresh=full_refresh,
            since=parse_date_option("--since", since),
            until=parse_date_option("--until", until),
            deletions=deletions,
            reconcile_days=reconcile_days,
            related=parse_related_option(related),
            related_paths=parse_path_overrides(path),
            account_id=account_id,
            concurrency=concurrency,
            max_requests_per_second=max_requests_per_second,
            lock_wait=wait,
        )
        with observer or contextlib.nullcontext():
            summary = run_sync(settings, observer=observer)
    except (TimetrackError, KeyboardInterrupt) as error:
        if isinstance(error, KeyboardInterrupt):
            message = "interrupted; the next sync resumes cleanly."
            if log_format is LogFormat.JSON:
                logging.getLogger("timetrack.cli").error(message)
            else:
                stderr.print(f"[bold red]error:[/] {message}")
            raise typer.Exit(130) from None
        raise _fail(error, log_format) from None
    if json_output:
        _print_json(summary.to_dict())
    else:
        print_summary(stdout, summary)
    if summary.rejected_records:
        raise typer.Exit(REJECTS_EXIT_CODE)


@app.command()
def check(
    base_url: Annotated[
        str | None,
        typer.Option(
            help="API base URL; default: base_url from dlt config or BASE_URL."
        ),
    ] = None,
    destination: Annotated[
        str, typer.Option(help="Where a sync loads: duckdb or postgres.")
    ] = "duckdb",
    duckdb_path: Annotated[
        Path | None,
        typer.Option(help="DuckDB file; default: PIPELINE_NAME.duckdb in this folder."),
    ] = None,
    credentials: Annotated[
        str | None,
        typer.Option(help="Destination connection string (PostgreSQL)."),
    ] = None,
    pipeline_name: Annotated[
        str, typer.Option(help="dlt pipeline name.")
    ] = "timetrack",
    timeout: Annotated[
        float, typer.Option(help="HTTP timeout of the one API request, seconds.")
    ] = 30.0,
    verbose: Verbose = False,
    quiet: Quiet = False,
    log_format: LogFormatOption = LogFormat.TEXT,
    json_output: JsonOutput = False,
) -> None:
    """Check the settings, the API (one request) and the destination."""
    from timetrack.check import run_check
    from timetrack.cli.output import print_check

    configure_logging(_log_level(verbose, quiet), stderr, log_format.value)
    settings = SyncSettings(
        base_url=base_url,
        destination=destination,
        duckdb_path=duckdb_path,
        credentials=credentials,
        pipeline_name=pipeline_name,
        timeout=timeout,
    )
    report = run_check(settings)
    if json_output:
        _print_json(report.to_dict())
    else:
        print_check(stdout, report)
    if not report.ok:
        raise typer.Exit(report.exit_code)


@app.command()
def report(
    since: Annotated[
        str | None,
        typer.Option(help="First day, YYYY-MM-DD; default: 6 days before --until."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="Last day (included), YYYY-MM-DD; default: today."),
    ] = None,
    by: Annotated[
        Grouping, typer.Option(help="Sum hours by day, week, project or user.")
    ] = Grouping.DAY,
    tz: Annotated[
        str | None,
        typer.Option(
            help="IANA time zone that days start in, e.g. Europe/Berlin; "
            "default: this machine's zone."
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            help="Count running timers up to this ISO 8601 time; default: now."
        ),
    ] = None,
    destination: Annotated[
        str, typer.Option(help="Destination the sync loaded into: duckdb or postgres.")
    ] = "duckdb",
    duckdb_path: Annotated[
        Path | None,
        typer.Option(help="DuckDB file a sync wrote; default: timetrack.duckdb."),
    ] = None,
    credentials: Annotated[
        str | None,
        typer.Option(help="Destination connection string (PostgreSQL)."),
    ] = None,
    dataset: Annotated[
        str, typer.Option(help="Dataset (schema) name.")
    ] = "time_tracking",
    plot: Annotated[
        Path | None, typer.Option(help="Also write a bar chart to this PNG file.")
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(help="Also write an HTML page (chart and table) to this file."),
    ] = None,
    verbose: Verbose = False,
    quiet: Quiet = False,
    log_format: LogFormatOption = LogFormat.TEXT,
    json_output: JsonOutput = False,
) -> None:
    """Show hours by day, week, project or user from the synced tables.

    Exits with 2 for invalid options or a missing file or table, and 4 when the
    destination cannot be read.
    """
    from timetrack.report import generate_report, open_entry_reader, parse_day
    from timetrack.report.render import build_table, write_html, write_png
    from timetrack.report.zones import resolve_zone

    configure_logging(_log_level(verbose, quiet), stderr, log_format.value)
    try:
        zone = resolve_zone(tz)
        # The sync's settings resolve the DuckDB file and the credentials, so
        # a report reads from where `sync` with the same options loaded.
        reader = open_entry_reader(
            SyncSettings(
                destination=destination,
                duckdb_path=duckdb_path,
                credentials=credentials,
                dataset_name=dataset,
            )
        )
        result = generate_report(
            reader,
            since=parse_day(since, "--since") if since else None,
            until=parse_day(until, "--until") if until else None,
            zone=zone,
            grouping=by,
            now=_parse_instant(as_of, zone) if as_of else None,
        )
        if plot is not None:
            write_png(result, plot)
        if html is not None:
            write_html(result, html)
    except TimetrackError as error:
        raise _fail(error, log_format) from None
    except OSError as error:
        raise _fail(
            ConfigError(
                f"Could not write {error.filename}: {error.strerror}. "
                "Choose a path in a writable folder."
            ),
            log_format,
        ) from None
    if json_output:
        _print_json(result.to_dict())
        return
    stdout.print(build_table(result))
    for written in (plot, html):
        if written is not None:
            stdout.print(f"wrote {written}", highlight=False)


def _parse_instant(value: str, zone: tzinfo) -> datetime:
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"Invalid --as-of {value!r}: expected an ISO 8601 time such as "
            "2026-11-30T18:00:00+01:00."
        ) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=zone)
    return instant


@app.command()
def serve(
    port: Annotated[
        int,
        typer.Option(min=0, max=65535, help="Port on 127.0.0.1; 0 picks a free one."),
    ] = 0,
    size: Annotated[
        int, typer.Option(min=0, help="Number of time entries to serve.")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 0,
    api_key: Annotated[
        str, typer.Option(help="Key the API accepts.", envvar="REFERENCE_API_KEY")
    ] = "reference-key",
    latency: Annotated[
        float, typer.Option(min=0.0, help="Seconds added to each response.")
    ] = 0.0,
    faults: Annotated[
        Path | None,
        typer.Option(help="JSON fault plan file (see docs/reliability.md)."),
    ] = None,
    fault_seed: Annotated[
        int | None,
        typer.Option(help="Seed of random faults on /v1/time_entries requests."),
    ] = None,
    fault_rate: Annotated[
        float,
        typer.Option(help="Share of requests that get a random fault, 0 to 1."),
    ] = 0.1,
) -> None:
    """Run the bundled reference API in the foreground until Ctrl-C."""
    from timetrack.cli.faults import build_serve_fault_plan
    from timetrack.reference_api import ReferenceApi

    try:
        plan = build_serve_fault_plan(faults, fault_seed, fault_rate)
        api = ReferenceApi(
            size=size,
            seed=seed,
            api_key=api_key,
            port=port,
            latency=latency,
            faults=plan,
        )
        api.bind()
    except (ValueError, OSError) as error:
        raise _fail(ConfigError(f"Cannot start the reference API: {error}.")) from None
    stdout.print(f"Reference API serving {size:,} time entries at {api.url}")
    key_hint = (
        "reference-key" if api_key == "reference-key" else "<the --api-key value>"
    )
    stdout.print(f"Try: API_KEY={key_hint} timetrack sync --base-url {api.url}")
    if plan is not None:
        stdout.print("Fault injection is on for /v1/time_entries.")
    try:
        api.serve_forever()
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


@app.command()
def demo(
    size: Annotated[
        int, typer.Option(min=1, help="Number of time entries to serve.")
    ] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 0,
    duckdb_path: Annotated[Path, typer.Option(help="DuckDB file to write.")] = Path(
        "timetrack.duckdb"
    ),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Serve the reference API in-process and sync it into a local DuckDB file."""
    from timetrack.cli.demo import demo_day_report, run_demo
    from timetrack.report.render import build_table

    configure_logging(_log_level(verbose, quiet), stderr)
    path = duckdb_path.resolve()
    try:
        summary = run_demo(path, size=size, seed=seed)
    except TimetrackError as error:
        raise _fail(error) from None
    print_summary(stdout, summary)
    try:
        report = demo_day_report(path, summary.dataset_name)
    except TimetrackError as error:
        raise _fail(error) from None
    stdout.print(build_table(report))
    stdout.print(
        f"Explore it: timetrack report --duckdb-path {path} --by project",
        highlight=False,
    )


def main() -> None:
    """Run the CLI; the entry point of the `timetrack` script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
