"""Rendering: a real PNG chart, the HTML page and the terminal table."""

from __future__ import annotations

import base64
import io
import re
import struct
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from matplotlib import image
from rich.console import Console

from tests.report.conftest import NOW
from timetrack.report import DuckDBEntryReader, Report, generate_report
from timetrack.report.render import build_table, render_png, write_html, write_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def report(synced_duckdb: Path) -> Report:
    """The day report of the hand-made data set in Berlin."""
    return generate_report(
        DuckDBEntryReader(synced_duckdb),
        since=date(2026, 11, 29),
        until=date(2026, 11, 30),
        zone=ZoneInfo("Europe/Berlin"),
        now=NOW,
    )


def _png_size(data: bytes) -> tuple[int, int]:
    # The IHDR chunk follows the signature: length, type, then width and height.
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_png_signature_and_size(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "hours.png"
    write_png(report, path)
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert _png_size(data) == (1000, 500)
    assert len(data) > 10_000


def test_png_decodes(report: Report) -> None:
    pixels = image.imread(io.BytesIO(render_png(report)), format="png")
    assert pixels.shape == (500, 1000, 4)
    # A blank image has one colour, but the chart has bars, text and axes.
    assert len({tuple(pixel) for pixel in pixels.reshape(-1, 4)[::97]}) > 5


def test_html_embeds_chart(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "hours.html"
    write_html(report, path)
    page = path.read_text(encoding="utf-8")
    match = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert match is not None
    assert base64.b64decode(match.group(1)).startswith(PNG_SIGNATURE)


def test_html_lists_rows(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "hours.html"
    write_html(report, path)
    page = path.read_text(encoding="utf-8")
    assert "<td>2026-11-29</td>" in page
    assert '<td class="n">3.50</td>' in page
    assert '<td class="n">4.50</td><td>running</td>' in page
    assert "Running timers count up to 2026-11-30T15:00:00+00:00" in page


def test_table_marks_running(report: Report) -> None:
    screen = io.StringIO()
    Console(file=screen, width=120).print(build_table(report))
    rows = [line for line in screen.getvalue().splitlines() if line.startswith("│")]
    day_30 = next(row for row in rows if "2026-11-30" in row)
    assert "4.50" in day_30
    assert "running" in day_30
    total = next(row for row in rows if "total" in row)
    assert "8.00" in total
