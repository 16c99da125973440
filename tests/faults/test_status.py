"""Error statuses: retries, Retry-After, WARNING logs and the retry budget."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.conftest import API_KEY, FIXED_END, SleepRecorder
from tests.faults.support import api_ids, loaded_ids, make_settings, snapshot
from timetrack.errors import ApiStatusError
from timetrack.reference_api import Fault, FaultPlan, ReferenceApi
from timetrack.sync import run_sync


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_status_recovers_within_budget(
    status: int, sleep: SleepRecorder, tmp_path: Path
) -> None:
    plan = FaultPlan.for_offsets({99: [Fault.status(status)] * 3})
    with ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        summary = run_sync(make_settings(api, tmp_path), sleep=sleep)
        expected = api_ids(api)
    assert sorted(loaded_ids(tmp_path / "faults.duckdb")) == sorted(expected)
    assert summary.retries == 3
    assert sleep.waits == [2.0, 4.0, 8.0]


def test_retry_after_seconds_is_honoured(sleep: SleepRecorder, tmp_path: Path) -> None:
    plan = FaultPlan.script([Fault.status(429, retry_after="30")])
    with ReferenceApi(size=50, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        run_sync(make_settings(api, tmp_path), sleep=sleep)
    assert sleep.waits == [30.0]


def test_retry_after_is_capped(sleep: SleepRecorder, tmp_path: Path) -> None:
    plan = FaultPlan.script([Fault.status(503, retry_after="3600")])
    with ReferenceApi(size=50, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        run_sync(make_settings(api, tmp_path), sleep=sleep)
    assert sleep.waits == [120.0]


def test_rate_limit_pause_is_capped(sleep: SleepRecorder, tmp_path: Path) -> None:
    # After a 429 with Retry-After the gate pauses every other request. The
    # pause is capped like the retry's own wait, so a day-long Retry-After
    # cannot stall the sync for a day.
    plan = FaultPlan.script([Fault.status(429, retry_after="86400")])
    with ReferenceApi(size=500, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        summary = run_sync(make_settings(api, tmp_path, concurrency=4), sleep=sleep)
    assert summary.rows_loaded == {"time_entries": 500}
    assert sleep.waits[0] == 120.0
    assert max(sleep.waits) <= 120.0


def test_retry_after_http_date_is_honoured(
    sleep: SleepRecorder, tmp_path: Path
) -> None:
    when = datetime.now(UTC) + timedelta(seconds=90)
    plan = FaultPlan.script(
        [Fault.status(429, retry_after=format_datetime(when, usegmt=True))]
    )
    with ReferenceApi(size=50, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        run_sync(make_settings(api, tmp_path), sleep=sleep)
    assert len(sleep.waits) == 1
    # The date has one-second resolution and the request takes a moment.
    assert 85.0 <= sleep.waits[0] <= 90.0


def test_retry_without_retry_after_uses_backoff(
    sleep: SleepRecorder, tmp_path: Path
) -> None:
    plan = FaultPlan.script([Fault.status(429), Fault.status(429)])
    with ReferenceApi(size=50, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        run_sync(make_settings(api, tmp_path), sleep=sleep)
    assert sleep.waits == [2.0, 4.0]


def test_retry_logs_warning_without_key(
    sleep: SleepRecorder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    plan = FaultPlan.script([Fault.status(503), Fault.status(429, retry_after="5")])
    caplog.set_level(logging.DEBUG)
    with ReferenceApi(size=50, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        run_sync(make_settings(api, tmp_path), sleep=sleep)
    retries = [
        record
        for record in caplog.records
        if record.levelno == logging.WARNING and "Retrying" in record.getMessage()
    ]
    assert len(retries) == 2
    first, second = (record.getMessage() for record in retries)
    assert "HTTP 503" in first
    assert "attempt 1 of 4" in first
    assert "in 2.0 s" in first
    assert "HTTP 429" in second
    assert "attempt 2 of 4" in second
    assert "in 5.0 s" in second
    # urllib3's raw DEBUG records quote the URL; the CLI's handler redacts them,
    # which test_secrets checks end to end. timetrack's own records never do.
    ours = [record for record in caplog.records if record.name.startswith("timetrack")]
    assert all(API_KEY not in record.getMessage() for record in ours)


def test_budget_exceeded_keeps_destination(
    sleep: SleepRecorder, tmp_path: Path
) -> None:
    with ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY) as api:
        settings = make_settings(api, tmp_path)
        run_sync(settings, sleep=sleep)
        before = snapshot(settings.resolved_duckdb_path())
        api.store.update(api.store.all()[0]["id"], description="changed upstream")
        api.faults = FaultPlan.for_offsets({198: [Fault.status(502)] * 4})
        with pytest.raises(ApiStatusError) as caught:
            run_sync(replace(settings, full_refresh=True), sleep=sleep)
    assert "HTTP 502" in str(caught.value)
    assert "offset 198" in str(caught.value)
    assert "after 4 attempts" in str(caught.value)
    assert snapshot(settings.resolved_duckdb_path()) == before
