"""Malformed 200 pages: retried within the budget, then a PageError naming the page."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import API_KEY, FIXED_END, SleepRecorder
from tests.faults.support import api_ids, loaded_ids, make_settings, snapshot
from timetrack.errors import PageError
from timetrack.reference_api import (
    EmptyPageFault,
    Fault,
    FaultPlan,
    HtmlPageFault,
    PageShapeFault,
    ReferenceApi,
    TruncatedFault,
)
from timetrack.sync import run_sync

MALFORMED = {
    "truncated": (TruncatedFault(), "invalid JSON"),
    "html-200": (HtmlPageFault(), "an HTML page instead of JSON"),
    "no-data": (PageShapeFault("no_data"), "no 'data' field"),
    "data-not-list": (PageShapeFault("data_not_list"), "'data' is a JSON dict"),
    "empty-before-total": (EmptyPageFault(), "an empty page although 'total' is"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_page_is_retried(
    name: str, sleep: SleepRecorder, tmp_path: Path
) -> None:
    fault, _ = MALFORMED[name]
    plan = FaultPlan.for_offsets({99: [fault, fault, fault]})
    with ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        summary = run_sync(make_settings(api, tmp_path), sleep=sleep)
        expected = api_ids(api)
    assert sorted(loaded_ids(tmp_path / "faults.duckdb")) == sorted(expected)
    assert summary.retries == 3
    assert sleep.waits == [2.0, 4.0, 8.0]


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_page_beyond_budget_fails(
    name: str, sleep: SleepRecorder, tmp_path: Path
) -> None:
    fault, problem = MALFORMED[name]
    with ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY) as api:
        settings = make_settings(api, tmp_path)
        run_sync(settings, sleep=sleep)
        before = snapshot(settings.resolved_duckdb_path())
        api.store.delete(api.store.all()[-1]["id"])
        api.faults = FaultPlan.for_offsets({99: [fault] * 4})
        with pytest.raises(PageError) as caught:
            run_sync(replace(settings, full_refresh=True), sleep=sleep)
    message = str(caught.value)
    assert "offset 99" in message
    assert problem in message
    assert "after 4 attempt(s)" in message
    assert API_KEY not in message
    assert snapshot(settings.resolved_duckdb_path()) == before


def test_missing_data_on_last_page_fails(sleep: SleepRecorder, tmp_path: Path) -> None:
    # dlt's client reads a body without "data" as an empty page and stops.
    plan = FaultPlan.for_offsets({198: [PageShapeFault("no_data")] * 4})
    server = ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY, faults=plan)
    with server as api, pytest.raises(PageError) as caught:
        run_sync(make_settings(api, tmp_path), sleep=sleep)
    assert "offset 198" in str(caught.value)
    assert snapshot(tmp_path / "faults.duckdb") == []


def test_html_error_status_is_retried(sleep: SleepRecorder, tmp_path: Path) -> None:
    plan = FaultPlan.script([Fault.status(502, html=True)])
    with ReferenceApi(size=50, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        summary = run_sync(make_settings(api, tmp_path), sleep=sleep)
    assert summary.retries == 1
    assert summary.rows_loaded == {"time_entries": 50}
