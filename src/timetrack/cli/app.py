"""The `timetrack` command line: sync, serve and demo."""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from timetrack.cli.logs import configure_logging
from timetrack.cli.output import print_rows, print_summary
from timetrack.errors import TimetrackError
from timetrack.redact import redact_text
from timetrack.sync import SyncSettings, run_sync
from timetrack.sync.summary import REJECTS_EXIT_CODE

__all__ = ["app", "main"]

app = typer.Typer(
    help="Sync time-tracking data into your warehouse with dlt.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

stdout = Console()
stderr = Console(stderr=True)

Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log DEBUG details.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Log errors only.")]


def _log_level(verbose: bool, quiet: bool) -> int:
    if verbose:
        return logging.DEBUG
    if quiet:
        return logging.ERROR
    return logging.WARNING


def _fail(error: BaseException) -> typer.Exit:
    code = error.exit_code if isinstance(error, TimetrackError) else 1
    message = redact_text(
        str(error).splitlines()[0] if str(error) else type(error).__name__
    )
    stderr.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@app.command()
def sync(
    base_url: Annotated[
        str | None,
        typer.Option(
            help="API base URL; default: base_url from dlt config or BASE_URL."
        ),
    ] = None,
    destination: Annotated[
        str, typer.Option(help="Where to load: duckdb or postgres.")
    ] = "duckdb",
    duckdb_path: Annotated[
        Path | None,
        typer.Option(help="DuckDB file; default: PIPELINE_NAME.duckdb in this folder."),
    ] = None,
    credentials: Annotated[
        str | None,
        typer.Option(help="Destination connection string (PostgreSQL)."),
    ] = None,
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
    wait: Annotated[
        float,
        typer.Option(
            help="Seconds to wait for another sync of the same pipeline to finish."
        ),
    ] = 0.0,
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Sync time entries from the API into the destination.

    Exits with 0 on a clean run and 5 when records were rejected.
    """
    configure_logging(_log_level(verbose, quiet), stderr)
    settings = SyncSettings(
        base_url=base_url,
        destination=destination,
        duckdb_path=duckdb_path,
        credentials=credentials,
        dataset_name=dataset,
        pipeline_name=pipeline_name,
        pipelines_dir=pipelines_dir,
        timeout=timeout,
        lock_wait=wait,
    )
    try:
        summary = run_sync(settings)
    except (TimetrackError, KeyboardInterrupt) as error:
        if isinstance(error, KeyboardInterrupt):
            stderr.print(
                "[bold red]error:[/] interrupted; the next sync resumes cleanly."
            )
            raise typer.Exit(130) from None
        raise _fail(error) from None
    print_summary(stdout, summary)
    if summary.rejected_records:
        raise typer.Exit(REJECTS_EXIT_CODE)


@app.command()
def serve(
    port: Annotated[
        int, typer.Option(help="Port on 127.0.0.1; 0 picks a free one.")
    ] = 0,
    size: Annotated[int, typer.Option(help="Number of time entries to serve.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 0,
    api_key: Annotated[
        str, typer.Option(help="Key the API accepts.", envvar="REFERENCE_API_KEY")
    ] = "reference-key",
    latency: Annotated[
        float, typer.Option(help="Seconds added to each response.")
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
    except ValueError as error:
        stderr.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    api = ReferenceApi(
        size=size, seed=seed, api_key=api_key, port=port, latency=latency, faults=plan
    )
    api.bind()
    stdout.print(f"Reference API serving {size:,} time entries at {api.url}")
    stdout.print(f"Try: API_KEY=<key> timetrack sync --base-url {api.url}")
    if plan is not None:
        stdout.print("Fault injection is on for /v1/time_entries.")
    with contextlib.suppress(KeyboardInterrupt):
        api.serve_forever()


@app.command()
def demo(
    size: Annotated[int, typer.Option(help="Number of time entries to serve.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 0,
    duckdb_path: Annotated[Path, typer.Option(help="DuckDB file to write.")] = Path(
        "timetrack.duckdb"
    ),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Serve the reference API in-process and sync it into a local DuckDB file."""
    from timetrack.cli.demo import query_hours_per_day, run_demo

    configure_logging(_log_level(verbose, quiet), stderr)
    path = duckdb_path.resolve()
    try:
        summary = run_demo(path, size=size, seed=seed)
    except TimetrackError as error:
        raise _fail(error) from None
    print_summary(stdout, summary)
    rows = query_hours_per_day(path, summary.dataset_name)
    print_rows(
        stdout, "Hours per day, last 7 days (UTC)", ["day", "entries", "hours"], rows
    )
    stdout.print(
        f"Explore it: duckdb {path} "
        f'"select * from {summary.dataset_name}.time_entries limit 10"'
    )


def main() -> None:
    """Run the CLI; the entry point of the `timetrack` script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
