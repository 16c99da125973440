"""Each real API profile synced end to end from the reference API's shapes."""

from __future__ import annotations

import base64
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import API_KEY, SleepRecorder
from tests.helpers import read_rows
from tests.sync.test_incremental import _assert_destination_equals_api
from timetrack.errors import ApiStatusError, ConfigError
from timetrack.reference_api import ReferenceApi
from timetrack.reference_api.clockify_routes import PREFIX as CLOCKIFY_PREFIX
from timetrack.reference_api.harvest_routes import ACCOUNT_ID
from timetrack.sync import SyncSettings, run_sync

PROFILES = ("toggl", "harvest", "clockify")


def _settings(api: ReferenceApi, tmp_path: Path, profile: str) -> SyncSettings:
    base_url = api.url + CLOCKIFY_PREFIX if profile == "clockify" else api.url
    return SyncSettings(
        base_url=base_url,
        api_key=API_KEY,
        duckdb_path=tmp_path / f"{profile}.duckdb",
        pipelines_dir=tmp_path / "pipelines",
        profile=profile,
        account_id=ACCOUNT_ID if profile == "harvest" else None,
        limit=40,
    )


@pytest.mark.parametrize("profile", PROFILES)
def test_profile_loads_every_entry(
    api: ReferenceApi, tmp_path: Path, profile: str
) -> None:
    settings = _settings(api, tmp_path, profile)
    summary = run_sync(settings)
    assert summary.rows_loaded["time_entries"] == api.store.total()
    _assert_destination_equals_api(settings.resolved_duckdb_path(), api)


@pytest.mark.parametrize("profile", PROFILES)
def test_profile_sends_no_query_key(
    api: ReferenceApi, tmp_path: Path, profile: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    run_sync(_settings(api, tmp_path, profile))
    assert api.requests
    assert all("api_key" not in request.params for request in api.requests)
    assert API_KEY not in caplog.text
    basic = base64.b64encode(f"{API_KEY}:api_token".encode()).decode()
    assert basic not in caplog.text


@pytest.mark.parametrize("profile", PROFILES)
def test_profile_follows_changes(
    api: ReferenceApi, tmp_path: Path, profile: str
) -> None:
    settings = replace(_settings(api, tmp_path, profile), reconcile_days=400)
    run_sync(settings)
    entries = api.store.all()
    timer = next(entry for entry in entries if entry["end_time"] is None)
    api.store.update(
        timer["id"],
        end_time=timer["start_time"],
        duration=0,
        updated_at=timer["updated_at"] if profile == "clockify" else None,
    )
    if profile != "clockify":
        # A real API moves the last-change time when a timer stops.
        api.store.update(timer["id"])
    api.store.update(entries[4]["id"], description="Edited upstream")
    api.store.delete(entries[9]["id"])
    run_sync(settings)
    _assert_destination_equals_api(settings.resolved_duckdb_path(), api)


def test_clockify_pages_each_user(api: ReferenceApi, tmp_path: Path) -> None:
    settings = replace(_settings(api, tmp_path, "clockify"), limit=7)
    run_sync(settings)
    pages = [
        request.params.get("page")
        for request in api.requests
        if request.path.endswith("/time-entries")
    ]
    # Every user's listing starts again at page 1.
    users = api.users.total()
    assert pages.count("1") == users
    assert len(read_rows(settings.resolved_duckdb_path())) == api.store.total()


def test_toggl_quota_fails_without_retry(
    api: ReferenceApi, tmp_path: Path, sleep: SleepRecorder
) -> None:
    api.toggl_quota = [0]
    with pytest.raises(ApiStatusError) as caught:
        run_sync(replace(_settings(api, tmp_path, "toggl"), related=()), sleep=sleep)
    assert caught.value.status == 402
    assert "quota" in str(caught.value)
    assert sleep.waits == []


def test_harvest_needs_account_id(api: ReferenceApi, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        run_sync(replace(_settings(api, tmp_path, "harvest"), account_id=None))
    assert "--account-id" in str(caught.value)


def test_unknown_profile_rejected(settings: SyncSettings) -> None:
    with pytest.raises(ConfigError) as caught:
        run_sync(replace(settings, profile="freshbooks"))
    assert "freshbooks" in str(caught.value)


def test_harvest_account_id_from_environment(
    api: ReferenceApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCOUNT_ID", ACCOUNT_ID)
    settings = replace(_settings(api, tmp_path, "harvest"), account_id=None)
    summary = run_sync(settings)
    assert summary.rows_loaded["time_entries"] == api.store.total()
