"""Properties of split_by_day over random intervals and zones with DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timetrack.report import split_by_day
from timetrack.report.zones import start_of_day

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "America/Santiago",
]

starts = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)
).map(lambda naive: naive.replace(tzinfo=UTC))
lengths = st.integers(min_value=0, max_value=5 * 86_400).map(
    lambda seconds: timedelta(seconds=seconds)
)


@settings(max_examples=100, deadline=None)
@given(start=starts, length=lengths, zone_name=st.sampled_from(ZONES))
def test_split_keeps_total(start: datetime, length: timedelta, zone_name: str) -> None:
    segments = split_by_day(start, start + length, ZoneInfo(zone_name))
    total = sum(seconds for _, seconds in segments)
    # Microsecond instants summed as float seconds differ in the last bits.
    assert total == pytest.approx(length.total_seconds(), abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(start=starts, length=lengths, zone_name=st.sampled_from(ZONES))
def test_split_days_consecutive(
    start: datetime, length: timedelta, zone_name: str
) -> None:
    segments = split_by_day(start, start + length, ZoneInfo(zone_name))
    days = [day for day, _ in segments]
    assert days[0] == start.astimezone(ZoneInfo(zone_name)).date()
    for previous, current in pairwise(days):
        assert current - previous == timedelta(days=1)


@settings(max_examples=100, deadline=None)
@given(start=starts, length=lengths, zone_name=st.sampled_from(ZONES))
def test_split_segment_fits_day(
    start: datetime, length: timedelta, zone_name: str
) -> None:
    zone = ZoneInfo(zone_name)
    for day, seconds in split_by_day(start, start + length, zone):
        day_length = start_of_day(day + timedelta(days=1), zone) - start_of_day(
            day, zone
        )
        assert 0 <= seconds <= day_length.total_seconds()
