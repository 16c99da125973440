"""Short, capped, repeated and miscounted pages: every entry loads exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import API_KEY, FIXED_END, SleepRecorder
from tests.faults.support import api_ids, loaded_ids, make_settings, snapshot
from timetrack.errors import PageError
from timetrack.reference_api import (
    DuplicateRecordFault,
    Fault,
    FaultPlan,
    PageCapFault,
    ReferenceApi,
    TotalFault,
)
from timetrack.sync import run_sync


def _sync_and_compare(plan: FaultPlan, sleep: SleepRecorder, folder: Path) -> None:
    with ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        run_sync(make_settings(api, folder), sleep=sleep)
        expected = api_ids(api)
    loaded = loaded_ids(folder / "faults.duckdb")
    assert len(loaded) == len(set(loaded))
    assert sorted(loaded) == sorted(expected)


def test_server_page_cap_loses_nothing(sleep: SleepRecorder, tmp_path: Path) -> None:
    plan = FaultPlan.script([PageCapFault(30)] * 40)
    _sync_and_compare(plan, sleep, tmp_path)
    assert sleep.waits == []


def test_one_capped_page_loses_nothing(sleep: SleepRecorder, tmp_path: Path) -> None:
    plan = FaultPlan.for_offsets({99: [PageCapFault(7)]})
    _sync_and_compare(plan, sleep, tmp_path)


def test_total_lower_than_count_loses_nothing(
    sleep: SleepRecorder, tmp_path: Path
) -> None:
    plan = FaultPlan.script([TotalFault(delta=-120)] * 10)
    _sync_and_compare(plan, sleep, tmp_path)


def test_total_changing_between_pages(sleep: SleepRecorder, tmp_path: Path) -> None:
    plan = FaultPlan.script([TotalFault(delta=-60), TotalFault(delta=+40), None])
    _sync_and_compare(plan, sleep, tmp_path)


def test_record_on_two_pages_loads_once(sleep: SleepRecorder, tmp_path: Path) -> None:
    plan = FaultPlan.for_offsets({99: [DuplicateRecordFault()]})
    _sync_and_compare(plan, sleep, tmp_path)


def test_total_above_count_fails_naming_total(
    sleep: SleepRecorder, tmp_path: Path
) -> None:
    # Every page claims 30 more entries than exist, so the pages end early.
    plan = FaultPlan.script([TotalFault(delta=+30)] * 40)
    server = ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY, faults=plan)
    with server as api, pytest.raises(PageError) as caught:
        run_sync(make_settings(api, tmp_path), sleep=sleep)
    assert "offset 250" in str(caught.value)
    assert "'total' is 280" in str(caught.value)
    assert snapshot(tmp_path / "faults.duckdb") == []


def test_status_on_capped_pages_recovers(sleep: SleepRecorder, tmp_path: Path) -> None:
    plan = FaultPlan.script([PageCapFault(40), Fault.status(503), PageCapFault(40)])
    _sync_and_compare(plan, sleep, tmp_path)
    assert sleep.waits == [2.0]
