"""Render sync summaries and query results for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from timetrack.check import CheckReport
from timetrack.sync import SyncSummary

__all__ = ["print_check", "print_rows", "print_summary"]

_CHECK_STYLES = {"ok": "green", "failed": "bold red", "skipped": "yellow"}
_CHECK_LABELS = {
    "settings": "settings",
    "base_url": "base URL",
    "api_key": "API key",
    "api": "API",
    "destination": "destination",
}


def print_summary(console: Console, summary: SyncSummary) -> None:
    """Print rows per table, traffic, time and where the data is."""
    table = Table(title="Sync summary", show_header=True, header_style="bold")
    table.add_column("table")
    table.add_column("rows loaded", justify="right")
    for name, count in sorted(summary.rows_loaded.items()):
        table.add_row(name, f"{count:,}")
    if not summary.rows_loaded:
        table.add_row("(none)", "0")
    console.print(table)
    console.print(
        f"pages fetched: {summary.pages_fetched:,}  "
        f"requests: {summary.requests_made:,}  "
        f"retries: {summary.retries:,}  "
        f"elapsed: {summary.elapsed_seconds:.1f} s"
    )
    if summary.rejected_records:
        console.print(
            f"rejected records: {summary.rejected_records:,} "
            "(see the time_entries__rejected table)"
        )
    console.print(f"data: {summary.location}")


def print_rows(
    console: Console, title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Print a small query result as a table."""
    table = Table(title=title, header_style="bold")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(value) for value in row))
    console.print(table)


def print_check(console: Console, report: CheckReport) -> None:
    """Print one line per check: its status, then what was found or what to fix."""
    for item in report.items:
        line = Text.assemble(
            (f"{item.status.upper():<8}", _CHECK_STYLES.get(item.status, "")),
            f"{_CHECK_LABELS.get(item.name, item.name):<12} ",
            item.detail,
        )
        console.print(line, highlight=False, soft_wrap=True)
