"""Report numbers against the hand-computed data set in conftest.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.report.conftest import NOW
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
    path: Path,
    grouping: Grouping = Grouping.DAY,
    zone: str = "Europe/Berlin",
    since: date = NOV_29,
    until: date = NOV_30,
    now: datetime = NOW,
) -> Report:
    return generate_report(
        DuckDBEntryReader(path),
        since=since,
        until=until,
        zone=ZoneInfo(zone),
        grouping=grouping,
        now=now,
    )


def _by_key(report: Report) -> dict[str, Bucket]:
    return {bucket.key: bucket for bucket in report.buckets}


def test_days_in_berlin(synced_duckdb: Path) -> None:
    buckets = _by_key(_report(synced_duckdb))
    assert list(buckets) == ["2026-11-29", "2026-11-30"]
    assert buckets["2026-11-29"].hours == pytest.approx(3.5)
    assert buckets["2026-11-30"].hours == pytest.approx(4.5)


def test_days_count_entries(synced_duckdb: Path) -> None:
    buckets = _by_key(_report(synced_duckdb))
    assert buckets["2026-11-29"].entries == 3
    assert buckets["2026-11-30"].entries == 5


def test_midnight_entry_split(synced_duckdb: Path) -> None:
    # Project p10 on the 29th is entry 1 alone: 22:00 to midnight in Berlin.
    first_day = _report(
        synced_duckdb, grouping=Grouping.PROJECT, since=NOV_29, until=NOV_29
    )
    second_day = _report(
        synced_duckdb, grouping=Grouping.PROJECT, since=NOV_30, until=NOV_30
    )
    assert _by_key(first_day)["p10"].hours == pytest.approx(2.0)
    assert _by_key(second_day)["p10"].hours == pytest.approx(3.0)


def test_running_timer_marked(synced_duckdb: Path) -> None:
    buckets = _by_key(_report(synced_duckdb))
    assert buckets["2026-11-30"].running
    assert buckets["2026-11-30"].running_hours == pytest.approx(1.0)
    assert not buckets["2026-11-29"].running


def test_running_timer_counts_to_now(synced_duckdb: Path) -> None:
    later = NOW + timedelta(minutes=30)
    buckets = _by_key(_report(synced_duckdb, now=later))
    assert buckets["2026-11-30"].running_hours == pytest.approx(1.5)
    assert buckets["2026-11-30"].hours == pytest.approx(5.0)


def test_running_timer_crosses_midnight(synced_duckdb: Path) -> None:
    # 14:00Z on the 30th to 01:00Z on 2 December: 10 h, 24 h and 1 h in UTC.
    report = _report(
        synced_duckdb,
        zone="UTC",
        since=NOV_30,
        until=date(2026, 12, 2),
        now=datetime(2026, 12, 2, 1, 0, tzinfo=UTC),
    )
    running = {bucket.key: bucket.running_hours for bucket in report.buckets}
    assert running == pytest.approx(
        {"2026-11-30": 10.0, "2026-12-01": 24.0, "2026-12-02": 1.0}
    )


def test_days_in_utc(synced_duckdb: Path) -> None:
    buckets = _by_key(_report(synced_duckdb, zone="UTC"))
    assert buckets["2026-11-29"].hours == pytest.approx(5.0)
    assert buckets["2026-11-30"].hours == pytest.approx(2.5)
    assert buckets["2026-11-29"].entries == 4
    assert buckets["2026-11-30"].entries == 4


def test_weeks_count_entry_once(synced_duckdb: Path) -> None:
    report = _report(synced_duckdb, grouping=Grouping.WEEK, since=date(2026, 11, 23))
    buckets = _by_key(report)
    assert list(buckets) == ["2026-11-23", "2026-11-30"]
    assert buckets["2026-11-23"].hours == pytest.approx(5.0)
    assert buckets["2026-11-23"].entries == 4
    assert buckets["2026-11-30"].hours == pytest.approx(4.5)


def test_projects_sorted_by_hours(synced_duckdb: Path) -> None:
    report = _report(synced_duckdb, grouping=Grouping.PROJECT)
    hours = [(bucket.key, round(bucket.hours, 6)) for bucket in report.buckets]
    assert hours == [("p10", 5.0), ("p11", 1.5), ("(no project)", 1.0), ("p12", 0.5)]


def test_users_tie_sorted_by_key(synced_duckdb: Path) -> None:
    report = _report(synced_duckdb, grouping=Grouping.USER)
    hours = [(bucket.key, round(bucket.hours, 6)) for bucket in report.buckets]
    assert hours == [("u1", 5.0), ("u2", 1.5), ("u3", 1.5)]


def test_empty_days_listed(synced_duckdb: Path) -> None:
    report = _report(synced_duckdb, since=date(2026, 12, 1), until=date(2026, 12, 3))
    assert [bucket.key for bucket in report.buckets] == [
        "2026-12-01",
        "2026-12-02",
        "2026-12-03",
    ]
    assert report.total_hours == 0


def test_period_reversed_rejected(synced_duckdb: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _report(synced_duckdb, since=NOV_30, until=NOV_29)
    assert "2026-11-30 is after until 2026-11-29" in str(caught.value)


def test_missing_file_names_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _report(tmp_path / "absent.duckdb")
    assert "absent.duckdb not found" in str(caught.value)
    assert "timetrack sync" in str(caught.value)


def test_missing_dataset_names_fix(synced_duckdb: Path) -> None:
    reader = DuckDBEntryReader(synced_duckdb, dataset="other")
    with pytest.raises(ConfigError) as caught:
        reader.read_entries(NOW - timedelta(days=1), NOW)
    assert "No table other.time_entries" in str(caught.value)


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
