"""Report numbers against the hand-computed data set in conftest.py, per destination."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.report.conftest import NOW, SyncedData
from timetrack.errors import ConfigError
from timetrack.report import (
    Bucket,
    DuckDBEntryReader,
    Grouping,
    Report,
    generate_report,
    split_by_day,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOV_29 = date(2026, 11, 29)
NOV_30 = date(2026, 11, 30)


def _report(
    data: SyncedData,
    grouping: Grouping = Grouping.DAY,
    zone: str = "Europe/Berlin",
    since: date = NOV_29,
    until: date = NOV_30,
    now: datetime = NOW,
) -> Report:
    return generate_report(
        data.reader(),
        since=since,
        until=until,
        zone=ZoneInfo(zone),
        grouping=grouping,
        now=now,
    )


def _by_key(report: Report) -> dict[str, Bucket]:
    return {bucket.key: bucket for bucket in report.buckets}


def test_days_in_berlin(synced: SyncedData) -> None:
    buckets = _by_key(_report(synced))
    assert list(buckets) == ["2026-11-29", "2026-11-30"]
    assert buckets["2026-11-29"].hours == pytest.approx(3.5)
    assert buckets["2026-11-30"].hours == pytest.approx(4.5)


def test_days_count_entries(synced: SyncedData) -> None:
    buckets = _by_key(_report(synced))
    assert buckets["2026-11-29"].entries == 3
    assert buckets["2026-11-30"].entries == 5


def test_midnight_entry_split(synced: SyncedData) -> None:
    # Project 10 on the 29th is entry 1 alone: 22:00 to midnight in Berlin.
    first_day = _report(synced, grouping=Grouping.PROJECT, since=NOV_29, until=NOV_29)
    second_day = _report(synced, grouping=Grouping.PROJECT, since=NOV_30, until=NOV_30)
    assert _by_key(first_day)["10"].hours == pytest.approx(2.0)
    assert _by_key(second_day)["10"].hours == pytest.approx(3.0)


def test_running_timer_marked(synced: SyncedData) -> None:
    buckets = _by_key(_report(synced))
    assert buckets["2026-11-30"].running
    assert buckets["2026-11-30"].running_hours == pytest.approx(1.0)
    assert not buckets["2026-11-29"].running


def test_running_timer_counts_to_now(synced: SyncedData) -> None:
    later = NOW + timedelta(minutes=30)
    buckets = _by_key(_report(synced, now=later))
    assert buckets["2026-11-30"].running_hours == pytest.approx(1.5)
    assert buckets["2026-11-30"].hours == pytest.approx(5.0)


def test_running_timer_crosses_midnight(synced: SyncedData) -> None:
    # 14:00Z on the 30th to 01:00Z on 2 December: 10 h, 24 h and 1 h in UTC.
    report = _report(
        synced,
        zone="UTC",
        since=NOV_30,
        until=date(2026, 12, 2),
        now=datetime(2026, 12, 2, 1, 0, tzinfo=UTC),
    )
    running = {bucket.key: bucket.running_hours for bucket in report.buckets}
    assert running == pytest.approx(
        {"2026-11-30": 10.0, "2026-12-01": 24.0, "2026-12-02": 1.0}
    )


def test_days_in_utc(synced: SyncedData) -> None:
    buckets = _by_key(_report(synced, zone="UTC"))
    assert buckets["2026-11-29"].hours == pytest.approx(5.0)
    assert buckets["2026-11-30"].hours == pytest.approx(2.5)
    assert buckets["2026-11-29"].entries == 4
    assert buckets["2026-11-30"].entries == 4


def test_weeks_count_entry_once(synced: SyncedData) -> None:
    report = _report(synced, grouping=Grouping.WEEK, since=date(2026, 11, 23))
    buckets = _by_key(report)
    assert list(buckets) == ["2026-11-23", "2026-11-30"]
    assert buckets["2026-11-23"].hours == pytest.approx(5.0)
    assert buckets["2026-11-23"].entries == 4
    assert buckets["2026-11-30"].hours == pytest.approx(4.5)


def test_projects_sorted_by_hours(synced: SyncedData) -> None:
    report = _report(synced, grouping=Grouping.PROJECT)
    hours = [(bucket.key, round(bucket.hours, 6)) for bucket in report.buckets]
    assert hours == [("10", 5.0), ("11", 1.5), ("(no project)", 1.0), ("12", 0.5)]


def test_users_tie_sorted_by_key(synced: SyncedData) -> None:
    report = _report(synced, grouping=Grouping.USER)
    hours = [(bucket.key, round(bucket.hours, 6)) for bucket in report.buckets]
    assert hours == [("1", 5.0), ("2", 1.5), ("3", 1.5)]


def test_empty_days_listed(synced: SyncedData) -> None:
    report = _report(synced, since=date(2026, 12, 1), until=date(2026, 12, 3))
    assert [bucket.key for bucket in report.buckets] == [
        "2026-12-01",
        "2026-12-02",
        "2026-12-03",
    ]
    assert report.total_hours == 0


def test_period_reversed_rejected(synced: SyncedData) -> None:
    with pytest.raises(ConfigError) as caught:
        _report(synced, since=NOV_30, until=NOV_29)
    assert "2026-11-30 is after until 2026-11-29" in str(caught.value)


def test_missing_file_names_fix(tmp_path: Path) -> None:
    reader = DuckDBEntryReader(tmp_path / "absent.duckdb")
    with pytest.raises(ConfigError) as caught:
        generate_report(reader, zone=BERLIN, now=NOW)
    assert "absent.duckdb not found" in str(caught.value)
    assert "timetrack sync" in str(caught.value)


def test_missing_dataset_names_fix(synced: SyncedData) -> None:
    reader = replace(synced, dataset="no_such_dataset_tt").reader()
    with pytest.raises(ConfigError) as caught:
        reader.read_entries(NOW - timedelta(days=1), NOW)
    message = str(caught.value)
    assert "No table no_such_dataset_tt.time_entries" in message
    assert "--dataset" in message
    assert "\n" not in message


def test_missing_dataset_lists_others(synced_duckdb: Path) -> None:
    reader = DuckDBEntryReader(synced_duckdb, dataset="other")
    with pytest.raises(ConfigError) as caught:
        reader.read_entries(NOW - timedelta(days=1), NOW)
    assert "Datasets with time entries there: time_tracking." in str(caught.value)


def test_invalid_dataset_rejected(synced_duckdb: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        DuckDBEntryReader(synced_duckdb, dataset="time-tracking")
    assert "Invalid dataset name 'time-tracking'" in str(caught.value)


def test_split_by_day_dst_day_has_25_hours() -> None:
    # Berlin leaves summer time on 2026-10-25: that day lasts 25 hours.
    start = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    end = datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    assert split_by_day(start, end, BERLIN) == [(date(2026, 10, 25), 90_000.0)]


def test_split_by_day_starts_at_midnight() -> None:
    # 23:00Z is midnight in Berlin, so no empty segment for the 29th.
    start = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    end = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
    assert split_by_day(start, end, BERLIN) == [(date(2026, 11, 30), 86_400.0)]


def test_split_by_day_zero_length() -> None:
    instant = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    assert split_by_day(instant, instant, BERLIN) == [(date(2026, 11, 30), 0.0)]
