"""Render a report: a Rich table, a PNG bar chart, or an HTML page with both."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from timetrack.errors import ConfigError
from timetrack.report.buckets import Grouping, Report

__all__ = ["build_table", "describe_report", "render_png", "write_html", "write_png"]

_KEY_HEADERS = {
    Grouping.DAY: "day",
    Grouping.WEEK: "week starting",
    Grouping.PROJECT: "project",
    Grouping.USER: "user",
}

_RUNNING_MARK = "running"

# Size of the chart in inches at _DPI dots per inch: 1000 x 500 pixels.
_FIGURE_SIZE = (10.0, 5.0)
_DPI = 100


def describe_report(report: Report) -> str:
    """Return the report's title: grouping, period and time zone."""
    return (
        f"Hours by {report.grouping.value}, {report.since.isoformat()} to "
        f"{report.until.isoformat()} ({report.zone})"
    )


def build_table(report: Report) -> Table:
    """Build the Rich table of the report, with a total row."""
    table = Table(title=describe_report(report), header_style="bold")
    table.add_column(_KEY_HEADERS[report.grouping])
    table.add_column("entries", justify="right")
    table.add_column("hours", justify="right")
    table.add_column("timer")
    for bucket in report.buckets:
        # Text, not str: Rich would read brackets in a project name as markup.
        table.add_row(
            Text(bucket.label),
            f"{bucket.entries:,}",
            f"{bucket.hours:,.2f}",
            _RUNNING_MARK if bucket.running else "",
        )
    table.add_section()
    table.add_row("total", "", f"{report.total_hours:,.2f}", "")
    if report.has_running:
        table.caption = (
            f"Running timers count up to {report.now.isoformat(timespec='seconds')}."
        )
    return table


def render_png(report: Report) -> bytes:
    """Draw the report as a bar chart of hours and return the PNG bytes.

    Running timers' hours are stacked on top in a hatched bar. Requires
    matplotlib (the `charts` extra).
    """
    figure_class, canvas_class = _import_matplotlib()
    figure = figure_class(figsize=_FIGURE_SIZE, dpi=_DPI)
    canvas_class(figure)
    axes = figure.add_subplot()
    keys = [bucket.label for bucket in report.buckets]
    positions = list(range(len(keys)))
    finished = [bucket.hours - bucket.running_hours for bucket in report.buckets]
    running = [bucket.running_hours for bucket in report.buckets]
    axes.bar(positions, finished, color="#4c72b0", label="finished")
    if report.has_running:
        axes.bar(
            positions,
            running,
            bottom=finished,
            color="#dd8452",
            hatch="//",
            label="running (up to now)",
        )
        axes.legend()
    # Past a week of labels they overlap unless slanted.
    if len(keys) > 7:
        axes.set_xticks(positions, keys, rotation=45, ha="right")
    else:
        axes.set_xticks(positions, keys)
    axes.set_ylabel("hours")
    axes.set_title(describe_report(report))
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_DPI)
    return buffer.getvalue()


def write_png(report: Report, path: Path) -> None:
    """Write the report's bar chart to `path` as PNG."""
    path.write_bytes(render_png(report))


def write_html(report: Report, path: Path) -> None:
    """Write a self-contained HTML page: the chart (embedded PNG) and the table."""
    image = base64.b64encode(render_png(report)).decode("ascii")
    title = html.escape(describe_report(report))
    header = html.escape(_KEY_HEADERS[report.grouping])
    rows = "\n".join(
        "<tr>"
        f"<td>{html.escape(bucket.label)}</td>"
        f'<td class="n">{bucket.entries:,}</td>'
        f'<td class="n">{bucket.hours:,.2f}</td>'
        f"<td>{_RUNNING_MARK if bucket.running else ''}</td>"
        "</tr>"
        for bucket in report.buckets
    )
    note = (
        f"<p>Running timers count up to "
        f"{html.escape(report.now.isoformat(timespec='seconds'))}.</p>"
        if report.has_running
        else ""
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
th, td {{ padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; text-align: left; }}
td.n {{ text-align: right; }}
</style>
</head>
<body>
<h1>{title}</h1>
<img alt="{title}" src="data:image/png;base64,{image}">
<table>
<thead><tr><th>{header}</th><th>entries</th><th>hours</th><th>timer</th></tr></thead>
<tbody>
{rows}
<tr><th>total</th><td></td><td class="n">{report.total_hours:,.2f}</td><td></td></tr>
</tbody>
</table>
{note}
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")


def _import_matplotlib() -> tuple[Any, Any]:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ConfigError(
            "Charts need matplotlib, which is not installed. "
            "Run: pip install 'timetrack[charts]'."
        ) from None
    return Figure, FigureCanvasAgg
