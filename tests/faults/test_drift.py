"""Offset drift: entries created and deleted upstream between page requests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import API_KEY, FIXED_END, SleepRecorder
from tests.faults.support import api_ids, loaded_ids, make_settings
from timetrack.reference_api import EntryStore, Exchange, Fault, FaultPlan, ReferenceApi
from timetrack.sync import run_sync


@dataclass(frozen=True)
class ChangeUpstream(Fault):
    """Change the store before the page is built, as another client would."""

    kind: ClassVar[str] = "change"

    store: EntryStore = field(compare=False)
    change: Callable[[EntryStore], None] = field(compare=False)

    def apply(self, exchange: Exchange) -> None:
        self.change(self.store)


def _changing(store: EntryStore, change: Callable[[EntryStore], None]) -> Fault:
    return ChangeUpstream(store, change)


def delete_positions(*positions: int) -> Callable[[EntryStore], None]:
    """Delete the entries at these positions (counted before any delete)."""

    def change(store: EntryStore) -> None:
        entries = store.all()
        for position in positions:
            store.delete(entries[position]["id"])

    return change


def create_entries(count: int) -> Callable[[EntryStore], None]:
    """Create `count` entries with ids above every existing one."""

    def change(store: EntryStore) -> None:
        for number in range(count):
            store.add({"description": f"created during the sync {number}"})

    return change


def _sync(api: ReferenceApi, sleep: SleepRecorder, folder: Path) -> list[str]:
    run_sync(make_settings(api, folder), sleep=sleep)
    return loaded_ids(folder / "faults.duckdb")


def _check(loaded: list[str], upstream: list[str], deleted: set[str]) -> None:
    assert len(loaded) == len(set(loaded))
    assert set(upstream) <= set(loaded)
    assert set(loaded) - set(upstream) <= deleted


def test_deletes_before_cursor_miss_nothing(
    sleep: SleepRecorder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with ReferenceApi(size=350, end=FIXED_END, api_key=API_KEY) as api:
        before = set(api_ids(api))
        api.faults = FaultPlan.script(
            [
                None,
                _changing(api.store, delete_positions(3, 10, 50)),
                None,
                _changing(api.store, delete_positions(0, 120, 150, 190)),
            ]
        )
        loaded = _sync(api, sleep, tmp_path)
        upstream = api_ids(api)
    _check(loaded, upstream, before - set(upstream))
    assert len(upstream) == 343
    assert "entries were deleted upstream during the sync" in caplog.text


def test_deletes_of_more_than_a_page(sleep: SleepRecorder, tmp_path: Path) -> None:
    with ReferenceApi(size=350, end=FIXED_END, api_key=API_KEY) as api:
        before = set(api_ids(api))
        api.faults = FaultPlan.script(
            [None, None, _changing(api.store, delete_positions(*range(0, 240, 2)))]
        )
        loaded = _sync(api, sleep, tmp_path)
        upstream = api_ids(api)
    _check(loaded, upstream, before - set(upstream))


def test_creates_during_sync_all_load(sleep: SleepRecorder, tmp_path: Path) -> None:
    with ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY) as api:
        api.faults = FaultPlan.script(
            [
                _changing(api.store, create_entries(5)),
                _changing(api.store, create_entries(120)),
            ]
        )
        loaded = _sync(api, sleep, tmp_path)
        upstream = api_ids(api)
    _check(loaded, upstream, set())
    assert len(upstream) == 375


def test_create_behind_cursor_loads(
    sleep: SleepRecorder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def create_low_id(store: EntryStore) -> None:
        first = store.all()[0]
        store.add({**first, "id": first["id"] - 1, "description": "backdated"})

    with ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY) as api:
        api.faults = FaultPlan.script([None, None, _changing(api.store, create_low_id)])
        loaded = _sync(api, sleep, tmp_path)
        upstream = api_ids(api)
    _check(loaded, upstream, set())
    assert len(upstream) == 251
    assert "reading again from offset 0" in caplog.text


def test_mixed_changes_with_faults(sleep: SleepRecorder, tmp_path: Path) -> None:
    with ReferenceApi(size=400, end=FIXED_END, api_key=API_KEY) as api:
        before = set(api_ids(api))
        api.faults = FaultPlan.script(
            [
                None,
                _changing(api.store, delete_positions(5, 6, 7)),
                Fault.status(503),
                _changing(api.store, create_entries(30)),
                _changing(api.store, delete_positions(100, 101, 250)),
            ]
        )
        loaded = _sync(api, sleep, tmp_path)
        upstream = api_ids(api)
    _check(loaded, upstream, before - set(upstream))
