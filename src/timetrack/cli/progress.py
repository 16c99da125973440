"""The live progress display of `timetrack sync`, drawn with Rich on stderr."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from timetrack.progress import Page

__all__ = ["RichProgressObserver", "choose_observer"]


class _RowRateColumn(ProgressColumn):
    """Rows per second, from Rich's moving average of the task's speed."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if speed is None:
            return Text("- rows/s", style="progress.data.speed")
        return Text(f"{speed:,.0f} rows/s", style="progress.data.speed")


class RichProgressObserver:
    """A `SyncObserver` that draws phase, rows, pages, rate and retries.

    Use it as a context manager around `run_sync`. The row bar has a total once
    the API reports `total`, and shows a pulse until then.
    """

    def __init__(self, console: Console) -> None:
        self._lock = threading.Lock()
        self._pages = 0
        self._retries = 0
        self._rows = 0
        # Per path: the furthest offset read and the latest `total`. Pages that
        # overlap or are read again count once, and each table adds its total.
        self._reach: dict[str, int] = {}
        self._totals: dict[str, int] = {}
        self._unplaced_rows = 0
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[phase]:<9}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("rows"),
            _RowRateColumn(),
            TextColumn("pages {task.fields[pages]}"),
            TextColumn("retries {task.fields[retries]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task(
            "sync", total=None, phase="start", pages=0, retries=0
        )

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

    @property
    def rows(self) -> int:
        """The rows fetched so far."""
        return self._rows

    def on_phase(self, name: str) -> None:
        """Show the phase that has started."""
        self._progress.update(self._task, phase=name)

    def on_page(self, page: Page) -> None:
        """Count the page and the rows it reaches that no page reached before."""
        with self._lock:
            self._pages += 1
            if page.offset is None:
                self._unplaced_rows += page.rows
            else:
                reach = self._reach.get(page.path, 0)
                self._reach[page.path] = max(reach, page.offset + page.rows)
            if page.total is not None:
                self._totals[page.path] = page.total
            self._rows = self._unplaced_rows + sum(self._reach.values())
            rows, pages = self._rows, self._pages
            total = sum(self._totals.values()) if self._totals else None
        self._progress.update(self._task, completed=rows, total=total, pages=pages)

    def on_retry(self, attempt: int, reason: str, wait: float) -> None:
        """Count the retry."""
        with self._lock:
            self._retries += 1
            retries = self._retries
        self._progress.update(self._task, retries=retries)


def choose_observer(
    console: Console, *, quiet: bool, json_logs: bool
) -> RichProgressObserver | None:
    """Return the progress display for `console`, or None when it must stay off.

    It stays off when the console is not a terminal (pipes, files, CI logs), with
    `--quiet`, and with JSON logs, whose readers expect one object per line.
    """
    if quiet or json_logs or not console.is_terminal:
        return None
    return RichProgressObserver(console)
