"""Killed, interrupted and concurrent syncs: the destination stays whole."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
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


class HoldingServer:
    """A TCP server on 127.0.0.1 that responds to `responses` requests, then stalls.

    Each later request is read and gets no response, as from an API that
    hangs. Every response is a time entries page of 100 records with `total`
    100,000.
    """

    def __init__(self, responses: int) -> None:
        self.responses = responses
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.connections: list[socket.socket] = []
        self.request_lines: list[str] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                connection = self.listener.accept()[0]
                self.connections.append(connection)
                threading.Thread(
                    target=self._serve, args=(connection,), daemon=True
                ).start()

    def _serve(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError):
            received = b""
            while True:
                while b"\r\n\r\n" not in received:
                    chunk = connection.recv(4096)
                    if not chunk:
                        return
                    received += chunk
                head, _, received = received.partition(b"\r\n\r\n")
                with self._lock:
                    self.request_lines.append(head.split(b"\r\n")[0].decode())
                    respond = len(self.request_lines) <= self.responses
                if not respond:
                    return
                connection.sendall(_page_response())

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


def _page_response() -> bytes:
    entries = [
        {
            "id": index,
            "start_time": "2026-11-30T09:00:00Z",
            "end_time": "2026-11-30T10:00:00Z",
            "duration": 3600,
            "updated_at": "2026-11-30T10:00:00Z",
        }
        for index in range(100)
    ]
    body = json.dumps({"data": entries, "total": 100_000}).encode()
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _interrupt_when(
    server: HoldingServer, requests: int, folder: Path
) -> tuple[int, str, float]:
    """Run the CLI sync against `server`, send Ctrl-C once it has seen
    `requests` requests, and return the exit code, stderr and seconds to exit."""
    environment = {
        **os.environ,
        "API_KEY": API_KEY,
        "PYTHONPATH": str(SOURCE_FOLDER),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "timetrack",
            "sync",
            "--base-url",
            server.url,
            "--duckdb-path",
            str(folder / "faults.duckdb"),
            "--pipelines-dir",
            str(folder / "pipelines"),
            "--timeout",
            "3",
        ],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while len(server.request_lines) < requests:
            assert time.monotonic() < deadline, "the sync sent too few requests"
            assert process.poll() is None, process.communicate()[1].decode()
            time.sleep(0.05)
        # Let the other resources reach their wait or their request.
        time.sleep(1.0)
        process.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        try:
            _, stderr = process.communicate(timeout=40)
        except subprocess.TimeoutExpired:
            pytest.fail("the sync was still running 40 s after Ctrl-C")
        return process.returncode, stderr.decode(), time.monotonic() - interrupted
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_interrupt_before_first_answer_exits(tmp_path: Path) -> None:
    # The API never responds, so the related tables are still waiting for its
    # first response when Ctrl-C arrives.
    server = HoldingServer(responses=0)
    try:
        code, stderr, seconds = _interrupt_when(server, 1, tmp_path)
    finally:
        server.close()
    assert code == 130, stderr
    assert "interrupted" in stderr
    assert "generator already executing" not in stderr
    assert seconds < 10
    assert len(server.request_lines) == 1, "related tables were requested"


def test_interrupt_during_stalled_requests_exits(tmp_path: Path) -> None:
    # The API returns the first page, then stalls, so the related tables and
    # the next pages are all in flight when Ctrl-C arrives. No worker may
    # retry after the sync has stopped.
    server = HoldingServer(responses=1)
    try:
        code, stderr, seconds = _interrupt_when(server, 3, tmp_path)
        requests_at_exit = len(server.request_lines)
        time.sleep(1.0)
        requests_after_exit = len(server.request_lines)
    finally:
        server.close()
    assert code == 130, stderr
    assert "interrupted" in stderr
    assert "generator already executing" not in stderr
    # One 3 s request timeout, plus dlt's 2 s wait for its worker threads.
    assert seconds < 10
    assert requests_after_exit == requests_at_exit
    assert API_KEY not in stderr
