"""Killed, interrupted and concurrent syncs: the destination stays whole."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import API_KEY, FIXED_END, SleepRecorder
from tests.faults.support import api_ids, loaded_ids, make_settings, snapshot
from timetrack.errors import SyncLockedError
from timetrack.reference_api import ReferenceApi
from timetrack.source import time_tracking_source
from timetrack.sync import create_pipeline, run_sync
from timetrack.sync.lock import hold_pipeline_lock

SOURCE_FOLDER = Path(__file__).resolve().parents[2] / "src"


def start_cli_sync(api: ReferenceApi, folder: Path) -> subprocess.Popen[bytes]:
    """Start `timetrack sync -v` in a subprocess against `api`."""
    environment = {
        **os.environ,
        "API_KEY": API_KEY,
        "PYTHONPATH": str(SOURCE_FOLDER),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "timetrack",
            "sync",
            "--base-url",
            api.url,
            "--duckdb-path",
            str(folder / "faults.duckdb"),
            "--pipelines-dir",
            str(folder / "pipelines"),
            "-v",
        ],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for_requests(api: ReferenceApi, count: int, limit: float = 60.0) -> None:
    """Wait until `api` has served `count` requests, or fail after `limit` s."""
    deadline = time.monotonic() + limit
    while len(api.requests) < count:
        assert time.monotonic() < deadline, "the sync made too few requests"
        time.sleep(0.05)


@pytest.mark.parametrize("kill_signal", [signal.SIGKILL, signal.SIGINT])
def test_killed_sync_leaves_last_state(
    kill_signal: signal.Signals, sleep: SleepRecorder, tmp_path: Path
) -> None:
    with ReferenceApi(size=400, end=FIXED_END, api_key=API_KEY) as api:
        settings = make_settings(api, tmp_path)
        run_sync(settings, sleep=sleep)
        before = snapshot(settings.resolved_duckdb_path())
        for entry in api.store.all()[:20]:
            api.store.update(entry["id"], description="edited before the kill")
        api.store.delete(api.store.all()[-1]["id"])
        api.clear_requests()
        api.latency = 0.3
        process = start_cli_sync(api, tmp_path)
        wait_for_requests(api, 2)
        process.send_signal(kill_signal)
        _, stderr = process.communicate(timeout=60)
        after_kill = snapshot(settings.resolved_duckdb_path())
        api.latency = 0.0
        run_sync(settings, sleep=sleep)
        expected = {str(entry["id"]): entry for entry in api.store.all()}
    final = snapshot(settings.resolved_duckdb_path())
    # dlt 1.31 treats a first Ctrl-C during normalize and load as a request to
    # stop gracefully, so on a busy machine a run signalled late may complete.
    # A partial table is never acceptable.
    assert after_kill in (before, final)
    if kill_signal == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
        assert after_kill == before
    elif after_kill == before:
        assert process.returncode == 130, stderr.decode()
    loaded = loaded_ids(settings.resolved_duckdb_path())
    assert len(loaded) == len(set(loaded))
    # The incremental run reads the deletion from the change query.
    assert set(loaded) == set(expected)


def test_pending_package_does_not_block_next_run(
    sleep: SleepRecorder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with ReferenceApi(size=150, end=FIXED_END, api_key=API_KEY) as api:
        settings = make_settings(api, tmp_path)
        # A run that stopped after normalizing leaves a package to load.
        pipeline = create_pipeline(settings)
        pipeline.extract(time_tracking_source(api.url, API_KEY, sleep=sleep))
        pipeline.normalize()
        assert pipeline.has_pending_data
        caplog.set_level(logging.WARNING)
        summary = run_sync(settings, sleep=sleep)
        expected = api_ids(api)
    assert "left by an interrupted or failed run" in caplog.text
    assert summary.rows_loaded == {"time_entries": 150}
    assert sorted(loaded_ids(settings.resolved_duckdb_path())) == sorted(expected)
    assert not create_pipeline(settings).has_pending_data


def test_second_sync_stops_while_locked(sleep: SleepRecorder, tmp_path: Path) -> None:
    with ReferenceApi(size=50, end=FIXED_END, api_key=API_KEY) as api:
        settings = make_settings(api, tmp_path)
        pipelines_dir = settings.resolved_pipelines_dir()
        with hold_pipeline_lock(pipelines_dir, settings.pipeline_name) as path:
            with pytest.raises(SyncLockedError) as caught:
                run_sync(settings, sleep=sleep)
            assert not settings.resolved_duckdb_path().exists()
        summary = run_sync(settings, sleep=sleep)
    message = str(caught.value)
    assert "Another sync of pipeline 'timetrack' is running" in message
    assert f"process {os.getpid()}" in message
    assert str(path) in message
    assert "--wait" in message
    assert summary.rows_loaded == {"time_entries": 50}


def test_lock_wait_gives_up_after_wait(tmp_path: Path) -> None:
    waits = SleepRecorder()
    with (
        hold_pipeline_lock(tmp_path, "busy"),
        pytest.raises(SyncLockedError),
        hold_pipeline_lock(tmp_path, "busy", wait=1.0, sleep=waits),
    ):
        pass
    assert sum(waits.waits) == pytest.approx(1.0)


def test_lock_is_free_after_holder_exits(tmp_path: Path) -> None:
    with hold_pipeline_lock(tmp_path, "reused"):
        pass
    with hold_pipeline_lock(tmp_path, "reused") as path:
        assert path.read_text() == str(os.getpid())
