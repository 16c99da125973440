"""Time zone resolution: IANA names, $TZ and invalid names."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from timetrack.errors import ConfigError
from timetrack.report.zones import resolve_zone, start_of_day, zone_name


def test_resolve_zone_by_name() -> None:
    assert zone_name(resolve_zone("Asia/Kolkata")) == "Asia/Kolkata"


def test_resolve_zone_default_reads_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    assert zone_name(resolve_zone(None)) == "America/New_York"


def test_resolve_zone_unknown_name() -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_zone("Mars/Olympus")
    assert "Unknown time zone 'Mars/Olympus'" in str(caught.value)
    assert "Europe/Berlin" in str(caught.value)


def test_start_of_day_in_dst_gap() -> None:
    # Santiago skips from 00:00 to 01:00 on 2026-09-06: that day starts at 04:00Z.
    zone = ZoneInfo("America/Santiago")
    assert start_of_day(date(2026, 9, 6), zone) == datetime(
        2026, 9, 6, 4, 0, tzinfo=UTC
    )
