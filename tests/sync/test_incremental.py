"""Incremental syncs against the reference API with upstream changes between runs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest

from tests.conftest import API_KEY
from tests.helpers import read_rows
from timetrack.reference_api import EntryStore, Exchange, Fault, FaultPlan, ReferenceApi
from timetrack.sync import SyncSettings, run_sync


@pytest.fixture
def settings(settings: SyncSettings) -> SyncSettings:
    """The shared settings without related tables, which these tests skip."""
    return replace(settings, related=())


def _instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _assert_destination_equals_api(path: Path, api: ReferenceApi) -> None:
    """Every live API entry is stored with its values, and nothing else is."""
    loaded = {
        entry_id: row
        for entry_id, row in read_rows(path).items()
        if not row.get("deleted")
    }
    entries = api.store.all()
    assert set(loaded) == {str(entry["id"]) for entry in entries}
    for entry in entries:
        row = loaded[str(entry["id"])]
        running = entry["end_time"] is None
        assert row["start_time"] == _instant(entry["start_time"]), entry["id"]
        assert row["end_time"] == _instant(entry["end_time"]), entry["id"]
        assert row["duration"] == (None if running else entry["duration"]), entry["id"]
        assert row["is_running"] == running, entry["id"]
        assert row["description"] == entry["description"], entry["id"]


def _entry(entry_id: int, start: str, end: str | None, **fields: Any) -> dict[str, Any]:
    duration = None
    if end is not None:
        span = datetime.fromisoformat(end) - datetime.fromisoformat(start)
        duration = int(span.total_seconds())
    entry = {
        "id": entry_id,
        "user_id": 7,
        "project_id": None,
        "description": f"entry {entry_id}",
        "tags": [],
        "billable": False,
        "start_time": start,
        "end_time": end,
        "duration": duration,
        "created_at": "2026-11-01T00:00:00Z",
        "updated_at": "2026-11-01T00:00:00Z",
    }
    entry.update(fields)
    return entry


def _entry_requests(api: ReferenceApi) -> list[dict[str, str]]:
    return [r.params for r in api.requests if r.path == "/v1/time_entries"]


def _state_value(settings: SyncSettings, cursor: str) -> Any:
    pipeline = dlt.attach(
        settings.pipeline_name, pipelines_dir=str(settings.resolved_pipelines_dir())
    )
    resources = pipeline.state["sources"]["timetrack"]["resources"]
    return resources["time_entries"]["incremental"][cursor]["last_value"]


def test_unchanged_run_asks_only_for_changes(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    run_sync(settings)
    api.clear_requests()
    run_sync(settings)
    changes = [p for p in _entry_requests(api) if "updated_since" in p]
    assert len(changes) == 1
    _assert_destination_equals_api(settings.resolved_duckdb_path(), api)


def test_unchanged_run_loads_no_entries(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    run_sync(settings)
    entries = api.store.all()
    running = {e["id"] for e in entries if e["end_time"] is None}
    latest = max(_instant(e["updated_at"]) for e in entries)
    # The cursor is inclusive, so entries changed at the cursor's instant are
    # read again, as are the running timers; nothing else is.
    boundary = {e["id"] for e in entries if _instant(e["updated_at"]) == latest}
    summary = run_sync(settings)
    assert summary.rows_loaded.get("time_entries", 0) == len(running | boundary)


def test_edit_outside_lookback_is_loaded(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    run_sync(settings)
    oldest = min(api.store.all(), key=lambda entry: entry["start_time"])
    api.store.update(oldest["id"], description="Edited long after")
    run_sync(settings)
    row = read_rows(settings.resolved_duckdb_path())[str(oldest["id"])]
    assert row["description"] == "Edited long after"


def test_start_cursor_edit_inside_lookback(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    by_start = replace(settings, cursor="start_time")
    run_sync(by_start)
    finished = [e for e in api.store.all() if e["end_time"] is not None]
    recent = max(finished, key=lambda entry: _instant(entry["start_time"]))
    api.store.update(recent["id"], description="Edited inside the window")
    run_sync(by_start)
    row = read_rows(settings.resolved_duckdb_path())[str(recent["id"])]
    assert row["description"] == "Edited inside the window"
    _assert_destination_equals_api(settings.resolved_duckdb_path(), api)


def test_start_cursor_sends_lookback(api: ReferenceApi, settings: SyncSettings) -> None:
    by_start = replace(settings, cursor="start_time", lookback=timedelta(days=3))
    run_sync(by_start)
    latest = max(_instant(entry["start_time"]) for entry in api.store.all())
    assert latest is not None
    api.clear_requests()
    run_sync(by_start)
    sent = [p["start_from"] for p in _entry_requests(api) if "start_from" in p]
    expected = (latest - timedelta(days=3)).astimezone(UTC)
    assert sent == [expected.strftime("%Y-%m-%dT%H:%M:%SZ")]


def test_backdated_entry_created_today(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    run_sync(settings)
    backdated = _entry(
        9_000_000_001, "2026-09-15T09:00:00+02:00", "2026-09-15T10:00:00+02:00"
    )
    # Created and updated now, so the store sets both times to the present.
    del backdated["created_at"], backdated["updated_at"]
    added = api.store.add(backdated)
    run_sync(settings)
    row = read_rows(settings.resolved_duckdb_path())[str(added["id"])]
    assert row["duration"] == 3600


def test_stopped_timer_updated_without_cursor_move(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    start = "2026-10-01T08:00:00-04:00"
    timer = api.store.add(_entry(9_000_000_002, start, None))
    by_start = replace(settings, cursor="start_time")
    run_sync(by_start)
    assert read_rows(settings.resolved_duckdb_path())[str(timer["id"])]["is_running"]
    # Stop it without moving updated_at, and far outside the look-back window.
    api.store.update(
        timer["id"],
        end_time="2026-10-01T09:30:00-04:00",
        duration=5400,
        updated_at=timer["updated_at"],
    )
    run_sync(by_start)
    row = read_rows(settings.resolved_duckdb_path())[str(timer["id"])]
    assert row["is_running"] is False
    assert row["duration"] == 5400
    _assert_destination_equals_api(settings.resolved_duckdb_path(), api)


def test_no_entry_left_running(api: ReferenceApi, settings: SyncSettings) -> None:
    run_sync(settings)
    for entry in api.store.all():
        if entry["end_time"] is None:
            api.store.update(entry["id"], end_time=entry["start_time"], duration=0)
    run_sync(settings)
    with duckdb.connect(str(settings.resolved_duckdb_path()), read_only=True) as db:
        running = db.sql(
            "select count(*) from time_tracking.time_entries where is_running"
        ).fetchall()[0][0]
    assert running == 0


def test_zero_length_entry_not_running(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    moment = "2026-11-20T12:00:00+05:30"
    zero = api.store.add(_entry(9_000_000_003, moment, moment))
    run_sync(settings)
    row = read_rows(settings.resolved_duckdb_path())[str(zero["id"])]
    assert row["is_running"] is False
    assert row["duration"] == 0


def test_negative_span_kept_and_flagged(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    backwards = api.store.add(
        _entry(
            9_000_000_004,
            "2026-11-20T12:00:00Z",
            "2026-11-20T11:00:00Z",
            duration=None,
        )
    )
    run_sync(settings)
    row = read_rows(settings.resolved_duckdb_path())[str(backwards["id"])]
    assert row["has_negative_span"] is True
    assert row["duration"] == -3600


def _total_seconds(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as db:
        rows = db.sql(
            "select coalesce(sum(duration), 0) from time_tracking.time_entries"
            " where deleted is null or not deleted"
        ).fetchall()
    return int(rows[0][0])


def _api_total_seconds(api: ReferenceApi) -> int:
    return sum(entry["duration"] or 0 for entry in api.store.all())


def test_deleted_entry_removed(api: ReferenceApi, settings: SyncSettings) -> None:
    run_sync(settings)
    victim = api.store.all()[5]
    api.store.delete(victim["id"])
    summary = run_sync(settings)
    path = settings.resolved_duckdb_path()
    assert str(victim["id"]) not in read_rows(path)
    assert _total_seconds(path) == _api_total_seconds(api)
    assert summary.rows_loaded.get("time_entries", 0) >= 1


def test_deleted_entry_soft_marked(api: ReferenceApi, settings: SyncSettings) -> None:
    soft = replace(settings, deletions="soft")
    run_sync(soft)
    victim = api.store.all()[5]
    api.store.delete(victim["id"])
    run_sync(soft)
    path = settings.resolved_duckdb_path()
    row = read_rows(path)[str(victim["id"])]
    assert row["deleted"] is True
    assert row["deleted_at"] is not None
    assert row["description"] == victim["description"]
    assert _total_seconds(path) == _api_total_seconds(api)


def test_start_cursor_deletion_listing(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    by_start = replace(settings, cursor="start_time")
    run_sync(by_start)
    victim = api.store.all()[3]
    api.store.delete(victim["id"])
    run_sync(by_start)
    assert str(victim["id"]) not in read_rows(settings.resolved_duckdb_path())
    _assert_destination_equals_api(settings.resolved_duckdb_path(), api)


def test_start_cursor_soft_deletion_listing(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    by_start = replace(settings, cursor="start_time", deletions="soft")
    run_sync(by_start)
    victim = api.store.all()[3]
    api.store.delete(victim["id"])
    summary = run_sync(by_start)
    row = read_rows(settings.resolved_duckdb_path())[str(victim["id"])]
    assert row["deleted"] is True
    assert row["description"] == victim["description"]
    assert summary.deleted == 1


def test_reconcile_finds_unreported_deletion(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    reconciling = replace(settings, reconcile_days=400)
    run_sync(reconciling)
    victim = api.store.all()[7]
    moved = api.store.all()[8]
    api.store.delete(victim["id"], report=False)
    # An entry moved out of the window still exists and must stay.
    api.store.update(
        moved["id"],
        start_time="2020-01-01T09:00:00Z",
        end_time="2020-01-01T10:00:00Z",
        duration=3600,
        updated_at=moved["updated_at"],
    )
    summary = run_sync(reconciling)
    loaded = read_rows(settings.resolved_duckdb_path())
    assert str(victim["id"]) not in loaded
    assert loaded[str(moved["id"])]["duration"] == 3600
    assert summary.deleted == 1


def test_full_refresh_drops_vanished_rows(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    run_sync(settings)
    victim = api.store.all()[2]
    api.store.delete(victim["id"], report=False)
    summary = run_sync(replace(settings, full_refresh=True))
    assert summary.mode == "full_refresh"
    _assert_destination_equals_api(settings.resolved_duckdb_path(), api)


def test_full_refresh_stores_cursor(api: ReferenceApi, settings: SyncSettings) -> None:
    run_sync(replace(settings, full_refresh=True))
    latest = max(_instant(entry["updated_at"]) for entry in api.store.all())
    assert _state_value(settings, "updated_at") == latest
    api.clear_requests()
    run_sync(settings)
    changes = [p for p in _entry_requests(api) if "updated_since" in p]
    assert len(changes) == 1
    _assert_destination_equals_api(settings.resolved_duckdb_path(), api)


def test_backfill_keeps_incremental_state(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    run_sync(settings)
    before = _state_value(settings, "updated_at")
    api.store.add(_entry(9_000_000_005, "2026-10-05T09:00:00Z", "2026-10-05T10:00:00Z"))
    summary = run_sync(
        replace(
            settings,
            since=datetime(2026, 10, 1, tzinfo=UTC),
            until=datetime(2026, 10, 10, tzinfo=UTC),
        )
    )
    assert summary.mode == "backfill"
    assert _state_value(settings, "updated_at") == before
    assert "9000000005" in read_rows(settings.resolved_duckdb_path())


def test_backfill_sends_range(api: ReferenceApi, settings: SyncSettings) -> None:
    run_sync(
        replace(
            settings,
            since=datetime(2026, 10, 1, tzinfo=UTC),
            until=datetime(2026, 10, 10, tzinfo=UTC),
        )
    )
    params = _entry_requests(api)[0]
    assert params["start_from"] == "2026-10-01T00:00:00Z"
    assert params["start_to"] == "2026-10-10T00:00:00Z"


def _offset_store() -> EntryStore:
    return EntryStore(
        [
            _entry(
                1,
                "2026-11-30T08:00:00Z",
                "2026-11-30T09:00:00Z",
                updated_at="2026-11-30T23:00:00Z",
            ),
            _entry(
                2,
                "2026-11-30T10:00:00+05:30",
                "2026-11-30T11:00:00+05:30",
                updated_at="2026-11-30T20:00:00+05:30",
            ),
            _entry(3, "2026-11-29T08:00:00Z", "2026-11-29T09:00:00Z", updated_at=None),
        ]
    )


def test_offsets_compare_as_instants(tmp_path: Path) -> None:
    with ReferenceApi(_offset_store(), api_key=API_KEY) as server:
        settings = SyncSettings(
            base_url=server.url,
            api_key=API_KEY,
            duckdb_path=tmp_path / "offsets.duckdb",
            pipelines_dir=tmp_path / "pipelines",
            related=(),
        )
        run_sync(settings)
        assert _state_value(settings, "updated_at") == datetime(
            2026, 11, 30, 23, 0, tzinfo=UTC
        )
        # Later than the cursor as an instant (03:00Z next day), but smaller
        # as text: "22:00" sorts before "23:00".
        server.store.add(
            _entry(
                4,
                "2026-11-30T20:00:00-05:00",
                "2026-11-30T21:00:00-05:00",
                updated_at="2026-11-30T22:00:00-05:00",
            )
        )
        run_sync(settings)
        _assert_destination_equals_api(settings.resolved_duckdb_path(), server)


def test_entry_without_cursor_loaded(tmp_path: Path) -> None:
    with ReferenceApi(_offset_store(), api_key=API_KEY) as server:
        settings = SyncSettings(
            base_url=server.url,
            api_key=API_KEY,
            duckdb_path=tmp_path / "nocursor.duckdb",
            pipelines_dir=tmp_path / "pipelines",
            related=(),
        )
        run_sync(settings)
        run_sync(settings)
    row = read_rows(settings.resolved_duckdb_path())["3"]
    assert row["updated_at"] is None
    assert row["duration"] == 3600


class _InsertFault(Fault):
    """Adds an entry to the store, then lets the request through."""

    kind = "insert"

    def __init__(self, store: EntryStore, entry: dict[str, Any]) -> None:
        self.store = store
        self.entry = entry

    def apply(self, exchange: Exchange) -> None:
        self.store.add(self.entry)


def test_entry_created_during_run(api: ReferenceApi, settings: SyncSettings) -> None:
    run_sync(settings)
    first = api.store.all()
    for entry in first[:120]:
        api.store.update(entry["id"], description=f"changed {entry['id']}")
    created = _entry(9_000_000_006, "2026-11-30T08:00:00Z", "2026-11-30T09:00:00Z")
    del created["created_at"], created["updated_at"]
    api.faults = FaultPlan.script([None, _InsertFault(api.store, created)])
    run_sync(settings)
    api.faults = None
    run_sync(settings)
    _assert_destination_equals_api(settings.resolved_duckdb_path(), api)


def test_invalid_cursor_rejected(settings: SyncSettings) -> None:
    from timetrack.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        run_sync(replace(settings, cursor="created_at"))
    assert "created_at" in str(caught.value)
