"""The `timetrack report` command: table, JSON, chart files and errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from timetrack.cli.app import app

runner = CliRunner()

PERIOD = [
    "--since",
    "2026-11-29",
    "--until",
    "2026-11-30",
    "--tz",
    "Europe/Berlin",
    "--as-of",
    "2026-11-30T16:00:00+01:00",
]


def _invoke(path: Path, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["report", "--duckdb-path", str(path), *PERIOD, *extra])
    return result.exit_code, result.stdout, result.stderr


def test_report_table_by_day(synced_duckdb: Path) -> None:
    code, stdout, _ = _invoke(synced_duckdb)
    assert code == 0, stdout
    assert "Hours by day, 2026-11-29 to 2026-11-30" in stdout
    rows = [line for line in stdout.splitlines() if line.startswith("│")]
    day_29 = next(row for row in rows if "2026-11-29" in row)
    assert "3.50" in day_29
    day_30 = next(row for row in rows if "2026-11-30" in row)
    assert "4.50" in day_30
    assert "running" in day_30


def test_report_json_by_user(synced_duckdb: Path) -> None:
    code, stdout, _ = _invoke(synced_duckdb, "--by", "user", "--json")
    assert code == 0, stdout
    report = json.loads(stdout)
    assert report["timezone"] == "Europe/Berlin"
    assert report["now"] == "2026-11-30T15:00:00+00:00"
    assert [row["key"] for row in report["rows"]] == ["1", "2", "3"]
    assert [row["hours"] for row in report["rows"]] == [5.0, 1.5, 1.5]
    assert [row["running"] for row in report["rows"]] == [False, False, True]


def test_report_writes_png_and_html(synced_duckdb: Path, tmp_path: Path) -> None:
    png = tmp_path / "hours.png"
    page = tmp_path / "hours.html"
    code, stdout, _ = _invoke(synced_duckdb, "--plot", str(png), "--html", str(page))
    assert code == 0, stdout
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "<table>" in page.read_text(encoding="utf-8")
    assert f"wrote {png}" in stdout.replace("\n", "")


def test_report_unknown_zone_exits_2(synced_duckdb: Path) -> None:
    result = runner.invoke(
        app, ["report", "--duckdb-path", str(synced_duckdb), "--tz", "Mars/Olympus"]
    )
    assert result.exit_code == 2
    assert "Unknown time zone 'Mars/Olympus'" in result.stderr


def test_report_bad_date_exits_2(synced_duckdb: Path) -> None:
    result = runner.invoke(
        app, ["report", "--duckdb-path", str(synced_duckdb), "--since", "30.11.2026"]
    )
    assert result.exit_code == 2
    assert "Invalid --since '30.11.2026'" in result.stderr


def test_report_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report"])
    assert result.exit_code == 2
    assert "timetrack.duckdb not found" in result.stderr.replace("\n", "")


def test_report_unwritable_plot_exits_2(synced_duckdb: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "hours.png"
    code, _, stderr = _invoke(synced_duckdb, "--plot", str(target))
    assert code == 2
    assert "Could not write" in stderr


def test_report_table_by_project_names(synced_duckdb: Path) -> None:
    code, stdout, _ = _invoke(synced_duckdb, "--by", "project")
    assert code == 0, stdout
    rows = [line for line in stdout.splitlines() if line.startswith("│")]
    website = next(row for row in rows if "Website redesign (10)" in row)
    assert "5.00" in website
    assert any("Mobile app [beta] (11)" in row for row in rows)
    project_12 = next(row for row in rows if row.startswith("│ 12 "))
    assert "0.50" in project_12


def test_report_json_rows_have_name(synced_duckdb: Path) -> None:
    code, stdout, _ = _invoke(synced_duckdb, "--by", "project", "--json")
    assert code == 0, stdout
    rows = json.loads(stdout)["rows"]
    assert [row["name"] for row in rows] == [
        "Website redesign",
        "Mobile app [beta]",
        None,
        None,
    ]
    assert [row["key"] for row in rows] == ["10", "11", "(no project)", "12"]
    assert list(rows[0]) == [
        "key",
        "name",
        "hours",
        "running_hours",
        "entries",
        "running",
    ]
