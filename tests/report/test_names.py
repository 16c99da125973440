"""Names of projects and users next to their ids, and the fallbacks to ids alone."""

from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from rich.console import Console

from tests.report.conftest import NOW, SyncedData
from timetrack.report import (
    DuckDBEntryReader,
    EntryReader,
    Grouping,
    Report,
    generate_report,
)
from timetrack.report.render import build_table, write_html


def _report(reader: EntryReader, grouping: Grouping) -> Report:
    return generate_report(
        reader,
        since=date(2026, 11, 29),
        until=date(2026, 11, 30),
        zone=ZoneInfo("Europe/Berlin"),
        grouping=grouping,
        now=NOW,
    )


def _names(report: Report) -> dict[str, str | None]:
    return {bucket.key: bucket.name for bucket in report.buckets}


def _hours(report: Report) -> dict[str, float]:
    return {bucket.key: round(bucket.hours, 6) for bucket in report.buckets}


def test_project_names_and_missing_row(synced: SyncedData) -> None:
    report = _report(synced.reader(), Grouping.PROJECT)
    assert _names(report) == {
        "10": "Website redesign",
        "11": "Mobile app [beta]",
        "(no project)": None,
        "12": None,
    }


def test_user_names_and_missing_row(synced: SyncedData) -> None:
    report = _report(synced.reader(), Grouping.USER)
    assert _names(report) == {"1": "Ada Lovelace", "2": "Grace Hopper", "3": None}


def test_labels_show_name_and_id(synced: SyncedData) -> None:
    report = _report(synced.reader(), Grouping.PROJECT)
    labels = [bucket.label for bucket in report.buckets]
    assert labels == [
        "Website redesign (10)",
        "Mobile app [beta] (11)",
        "(no project)",
        "12",
    ]


def test_day_rows_have_no_name(synced: SyncedData) -> None:
    report = _report(synced.reader(), Grouping.DAY)
    assert _names(report) == {"2026-11-29": None, "2026-11-30": None}


def test_json_adds_name_field(synced: SyncedData) -> None:
    rows = _report(synced.reader(), Grouping.USER).to_dict()["rows"]
    assert rows[0] == {
        "key": "1",
        "name": "Ada Lovelace",
        "hours": 5.0,
        "running_hours": 0.0,
        "entries": 3,
        "running": False,
    }
    assert rows[2]["key"] == "3"
    assert rows[2]["name"] is None


def test_no_related_tables_shows_ids(synced_without_related: SyncedData) -> None:
    reader = synced_without_related.reader()
    projects = _report(reader, Grouping.PROJECT)
    users = _report(reader, Grouping.USER)
    assert set(_names(projects).values()) == {None}
    assert set(_names(users).values()) == {None}
    assert reader.read_names("projects") == {}


def test_no_related_tables_same_hours(
    synced: SyncedData, synced_without_related: SyncedData
) -> None:
    for grouping in (Grouping.PROJECT, Grouping.USER):
        with_names = _report(synced.reader(), grouping)
        without_names = _report(synced_without_related.reader(), grouping)
        assert _hours(with_names) == _hours(without_names)


def test_read_names_unknown_table(synced: SyncedData) -> None:
    assert synced.reader().read_names("invoices") == {}


def test_read_names_of_projects(synced: SyncedData) -> None:
    assert synced.reader().read_names("projects") == {
        "10": "Website redesign",
        "11": "Mobile app [beta]",
    }


def test_name_column_missing_shows_ids(synced_duckdb: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(synced_duckdb, copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute("alter table time_tracking.projects drop column name")
    report = _report(DuckDBEntryReader(copy), Grouping.PROJECT)
    assert set(_names(report).values()) == {None}


def test_blank_name_shows_id(synced_duckdb: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(synced_duckdb, copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute(
            "update time_tracking.projects set name = '  ' where id = '10'"
        )
    report = _report(DuckDBEntryReader(copy), Grouping.PROJECT)
    assert _names(report)["10"] is None
    assert _names(report)["11"] == "Mobile app [beta]"


def test_table_prints_brackets_in_names(synced_duckdb: Path) -> None:
    report = _report(DuckDBEntryReader(synced_duckdb), Grouping.PROJECT)
    screen = io.StringIO()
    Console(file=screen, width=120).print(build_table(report))
    text = screen.getvalue()
    assert "Website redesign (10)" in text
    assert "Mobile app [beta] (11)" in text


def test_html_escapes_names(synced_duckdb: Path, tmp_path: Path) -> None:
    report = _report(DuckDBEntryReader(synced_duckdb), Grouping.PROJECT)
    path = tmp_path / "hours.html"
    write_html(report, path)
    page = path.read_text(encoding="utf-8")
    assert "<td>Website redesign (10)</td>" in page
    assert "<td>12</td>" in page


@pytest.mark.parametrize("grouping", list(Grouping))
def test_destinations_give_same_report(
    synced_duckdb_data: SyncedData, synced_postgres: SyncedData, grouping: Grouping
) -> None:
    in_duckdb = _report(synced_duckdb_data.reader(), grouping).to_dict()
    in_postgres = _report(synced_postgres.reader(), grouping).to_dict()
    assert in_duckdb == in_postgres
