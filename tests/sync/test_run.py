"""Full syncs against the reference API into real DuckDB files and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import API_KEY, FIXED_END, SleepRecorder
from tests.helpers import LoadTarget, count_rows
from timetrack.errors import (
    ApiAuthError,
    ApiStatusError,
    ConfigError,
    DestinationError,
)
from timetrack.reference_api import EntryStore, Fault, FaultPlan, ReferenceApi
from timetrack.sync import SyncSettings, run_sync


def _instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _assert_matches_api(
    destination: LoadTarget, settings: SyncSettings, entries: list[dict[str, Any]]
) -> None:
    loaded = destination.read_rows(settings)
    assert set(loaded) == {str(entry["id"]) for entry in entries}
    for entry in entries:
        row = loaded[str(entry["id"])]
        assert row["start_time"] == _instant(entry["start_time"]), entry["id"]
        assert row["end_time"] == _instant(entry["end_time"]), entry["id"]
        assert row["duration"] == entry["duration"], entry["id"]
        assert row["description"] == entry["description"], entry["id"]


@pytest.fixture
def target_settings(settings: SyncSettings, destination: LoadTarget) -> SyncSettings:
    """The shared settings aimed at each destination in turn."""
    return destination.configure(settings)


def test_full_sync_loads_every_entry(
    api: ReferenceApi, target_settings: SyncSettings, destination: LoadTarget
) -> None:
    summary = run_sync(target_settings)
    assert summary.rows_loaded["time_entries"] == 250
    # Three pages of entries, then one page each of projects, users,
    # clients and tags.
    assert summary.pages_fetched == 7
    assert summary.retries == 0
    _assert_matches_api(destination, target_settings, api.store.all())


def test_declared_column_types(
    target_settings: SyncSettings, destination: LoadTarget
) -> None:
    run_sync(target_settings)
    types = destination.column_types(target_settings)
    assert types["id"] == (destination.declared_type("id"), "NO")
    assert types["start_time"] == (destination.declared_type("start_time"), "YES")
    assert types["end_time"] == (destination.declared_type("end_time"), "YES")
    assert types["duration"] == (destination.declared_type("duration"), "YES")
    nullable = {
        name for name, (_, is_nullable) in types.items() if is_nullable == "YES"
    }
    assert nullable == set(types) - {"id", "_dlt_id", "_dlt_load_id"}


def test_second_sync_adds_no_duplicates(
    target_settings: SyncSettings, destination: LoadTarget
) -> None:
    run_sync(target_settings)
    run_sync(target_settings)
    assert destination.count_rows(target_settings) == 250


def test_upstream_edit_updates_in_place(
    api: ReferenceApi, target_settings: SyncSettings, destination: LoadTarget
) -> None:
    run_sync(target_settings)
    target = api.store.all()[10]
    api.store.update(target["id"], description="Edited upstream", duration=60)
    run_sync(target_settings)
    loaded = destination.read_rows(target_settings)
    assert len(loaded) == 250
    assert loaded[str(target["id"])]["description"] == "Edited upstream"
    assert loaded[str(target["id"])]["duration"] == 60


def test_running_timer_has_null_end(
    api: ReferenceApi, target_settings: SyncSettings, destination: LoadTarget
) -> None:
    run_sync(target_settings)
    running = [entry for entry in api.store.all() if entry["end_time"] is None]
    assert running
    loaded = destination.read_rows(target_settings)
    for entry in running:
        assert loaded[str(entry["id"])]["end_time"] is None
        assert loaded[str(entry["id"])]["duration"] is None


def _entry(entry_id: int, start: str, end: str | None) -> dict[str, Any]:
    return {
        "id": entry_id,
        "user_id": 1,
        "project_id": None,
        "description": f"entry {entry_id}",
        "tags": [],
        "billable": False,
        "start_time": start,
        "end_time": end,
        "duration": None,
        "created_at": "2026-11-30T00:00:00Z",
        "updated_at": "2026-11-30T00:00:00Z",
    }


def test_only_running_timers_still_typed(
    tmp_path: Path, destination: LoadTarget
) -> None:
    store = EntryStore([_entry(i, "2026-11-30T09:00:00+05:30", None) for i in (1, 2)])
    with ReferenceApi(store, api_key=API_KEY) as server:
        settings = destination.configure(
            SyncSettings(
                base_url=server.url,
                api_key=API_KEY,
                pipelines_dir=tmp_path / "pipelines",
            ),
            label="running",
        )
        run_sync(settings)
    types = destination.column_types(settings)
    assert types["end_time"] == (destination.declared_type("end_time"), "YES")
    assert types["duration"] == (destination.declared_type("duration"), "YES")


def test_offsets_load_as_instants(tmp_path: Path, destination: LoadTarget) -> None:
    store = EntryStore(
        [
            _entry(1, "2026-11-30T09:00:00+05:30", "2026-11-30T10:00:00+05:30"),
            _entry(2, "2026-11-30T03:30:00Z", "2026-11-30T04:30:00Z"),
            _entry(3, "2026-11-29T22:30:00-05:00", "2026-11-29T23:30:00-05:00"),
        ]
    )
    with ReferenceApi(store, api_key=API_KEY) as server:
        settings = destination.configure(
            SyncSettings(
                base_url=server.url,
                api_key=API_KEY,
                pipelines_dir=tmp_path / "pipelines",
            ),
            label="offsets",
        )
        run_sync(settings)
    loaded = destination.read_rows(settings)
    assert loaded["1"]["start_time"] == loaded["2"]["start_time"]
    assert loaded["2"]["start_time"] == loaded["3"]["start_time"]
    assert loaded["1"]["start_time"].isoformat().startswith("2026-11-30")


def test_retries_are_counted(sleep: SleepRecorder, tmp_path: Path) -> None:
    faults = FaultPlan.for_offsets({99: [Fault.status(503), Fault.status(429)]})
    with ReferenceApi(
        size=250, end=FIXED_END, api_key=API_KEY, faults=faults
    ) as server:
        settings = SyncSettings(
            base_url=server.url,
            api_key=API_KEY,
            duckdb_path=tmp_path / "retries.duckdb",
            pipelines_dir=tmp_path / "pipelines",
        )
        summary = run_sync(settings, sleep=sleep)
    assert summary.retries == 2
    assert summary.rows_loaded["time_entries"] == 250
    assert sleep.waits == [2.0, 4.0]


def test_exhausted_retries_keep_loaded_data(
    api: ReferenceApi, settings: SyncSettings, sleep: SleepRecorder
) -> None:
    run_sync(settings)
    api.faults = FaultPlan.for_offsets({198: [Fault.status(500)] * 4})
    with pytest.raises(ApiStatusError) as caught:
        run_sync(replace(settings, full_refresh=True), sleep=sleep)
    assert "offset 198" in str(caught.value)
    assert "HTTP 500" in str(caught.value)
    assert count_rows(settings.resolved_duckdb_path()) == 250


def test_rejected_key_fails_clearly(settings: SyncSettings) -> None:
    with pytest.raises(ApiAuthError) as caught:
        run_sync(replace(settings, api_key="not-the-key-42"))
    assert "not-the-key-42" not in str(caught.value)
    assert "401" in str(caught.value)


def test_rejected_key_names_its_origin(
    settings: SyncSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCES__TIMETRACK__API_KEY", "wrong-source-key-77")
    with pytest.raises(ApiAuthError) as caught:
        run_sync(replace(settings, api_key=None))
    message = str(caught.value)
    assert "environment variable SOURCES__TIMETRACK__API_KEY" in message
    assert "set a valid key there" in message
    assert "wrong-source-key-77" not in message
    assert len(message.splitlines()) == 1


def test_missing_key_names_both_places(settings: SyncSettings) -> None:
    with pytest.raises(ConfigError) as caught:
        run_sync(replace(settings, api_key=None))
    assert "API_KEY" in str(caught.value)
    assert ".dlt/secrets.toml" in str(caught.value)


def test_key_from_environment(
    settings: SyncSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    summary = run_sync(replace(settings, api_key=None))
    assert summary.rows_loaded["time_entries"] == 250


def test_key_from_source_section(
    settings: SyncSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCES__TIMETRACK__API_KEY", API_KEY)
    monkeypatch.setenv("API_KEY", "a-wrong-plain-key")
    summary = run_sync(replace(settings, api_key=None))
    assert summary.rows_loaded["time_entries"] == 250


def test_duckdb_file_held_elsewhere_fails(
    settings: SyncSettings, tmp_path: Path
) -> None:
    run_sync(settings)
    path = settings.resolved_duckdb_path()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
            "print('open', flush=True); sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(DestinationError) as raised:
            run_sync(settings)
    finally:
        holder.communicate("", timeout=30)
    message = str(raised.value)
    assert str(path) in message
    assert "no other process has the file open" in message
    # The data of the first sync is still there, and the next sync works.
    assert count_rows(path) == 250
    run_sync(settings)
    assert count_rows(path) == 250
