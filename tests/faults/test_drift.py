"""Offset drift: entries created and deleted upstream between page requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import API_KEY, FIXED_END, SleepRecorder
from tests.faults.support import (
    api_ids,
    changing,
    create_entries,
    delete_positions,
    loaded_ids,
    make_settings,
)
from timetrack.reference_api import EntryStore, Fault, FaultPlan, ReferenceApi
from timetrack.sync import run_sync


def _sync(api: ReferenceApi, sleep: SleepRecorder, folder: Path) -> list[str]:
    """Sync with the fault plan, then once more without it; return the loaded ids.

    The first run's window ends when it starts, so entries created during it
    arrive with the second run. Entries that existed all along must not wait.
    """
    initial = set(api_ids(api))
    settings = make_settings(api, folder)
    run_sync(settings, sleep=sleep)
    first = set(loaded_ids(folder / "faults.duckdb"))
    assert initial & set(api_ids(api)) <= first
    api.faults = None
    run_sync(settings, sleep=sleep)
    return loaded_ids(folder / "faults.duckdb")


def _check(loaded: list[str], upstream: list[str]) -> None:
    assert len(loaded) == len(set(loaded))
    assert set(loaded) == set(upstream)


def test_deletes_before_cursor_miss_nothing(
    sleep: SleepRecorder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with ReferenceApi(size=350, end=FIXED_END, api_key=API_KEY) as api:
        api.faults = FaultPlan.script(
            [
                None,
                changing(api.store, delete_positions(3, 10, 50)),
                None,
                changing(api.store, delete_positions(0, 120, 150, 190)),
            ]
        )
        loaded = _sync(api, sleep, tmp_path)
        upstream = api_ids(api)
    _check(loaded, upstream)
    assert len(upstream) == 343
    assert "entries were deleted upstream during the sync" in caplog.text


def test_deletes_of_more_than_a_page(sleep: SleepRecorder, tmp_path: Path) -> None:
    with ReferenceApi(size=350, end=FIXED_END, api_key=API_KEY) as api:
        api.faults = FaultPlan.script(
            [None, None, changing(api.store, delete_positions(*range(0, 240, 2)))]
        )
        loaded = _sync(api, sleep, tmp_path)
        upstream = api_ids(api)
    _check(loaded, upstream)


def test_creates_during_sync_all_load(sleep: SleepRecorder, tmp_path: Path) -> None:
    with ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY) as api:
        api.faults = FaultPlan.script(
            [
                changing(api.store, create_entries(5)),
                changing(api.store, create_entries(120)),
            ]
        )
        loaded = _sync(api, sleep, tmp_path)
        upstream = api_ids(api)
    _check(loaded, upstream)
    assert len(upstream) == 375


def test_create_behind_cursor_loads(
    sleep: SleepRecorder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def create_low_id(store: EntryStore) -> None:
        first = store.all()[0]
        store.add({**first, "id": first["id"] - 1, "description": "backdated"})

    with ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY) as api:
        api.faults = FaultPlan.script([None, None, changing(api.store, create_low_id)])
        loaded = _sync(api, sleep, tmp_path)
        upstream = api_ids(api)
    _check(loaded, upstream)
    assert len(upstream) == 251
    assert "reading again from offset 0" in caplog.text


def test_mixed_changes_with_faults(sleep: SleepRecorder, tmp_path: Path) -> None:
    with ReferenceApi(size=400, end=FIXED_END, api_key=API_KEY) as api:
        api.faults = FaultPlan.script(
            [
                None,
                changing(api.store, delete_positions(5, 6, 7)),
                Fault.status(503),
                changing(api.store, create_entries(30)),
                changing(api.store, delete_positions(100, 101, 250)),
            ]
        )
        loaded = _sync(api, sleep, tmp_path)
        upstream = api_ids(api)
    _check(loaded, upstream)


def test_edit_during_run_skips_nothing(
    sleep: SleepRecorder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with ReferenceApi(size=350, end=FIXED_END, api_key=API_KEY) as api:
        first_ids = [entry["id"] for entry in api.store.all()[:3]]

        def edit(store: EntryStore) -> None:
            # The edited entries leave the run's window (updated after it
            # started), so every later entry moves down by three.
            later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
            for entry_id in first_ids:
                store.update(entry_id, description="edited", updated_at=later)

        api.faults = FaultPlan.script([None, changing(api.store, edit)])
        run_sync(make_settings(api, tmp_path), sleep=sleep)
        edited = {str(entry_id) for entry_id in first_ids}
        expected = set(api_ids(api)) - edited
    loaded = set(loaded_ids(tmp_path / "faults.duckdb"))
    assert expected <= loaded
    assert "Reading again from offset" in caplog.text
