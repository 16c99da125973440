"""The API key never reaches output, logs, traces, state or load packages."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from tests.conftest import FIXED_END
from timetrack.errors import ApiConnectionError, SourceError
from timetrack.reference_api import Fault, FaultPlan, ReferenceApi
from timetrack.sync import SyncSettings, create_pipeline, run_sync

SOURCE_FOLDER = Path(__file__).resolve().parents[2] / "src"

# Characters that URL encoding changes, so both forms can be searched for.
SECRET_KEY = "tt-Secret/Key+42=zq"
KEY_FORMS = {
    SECRET_KEY.encode(),
    quote(SECRET_KEY, safe="").encode(),
    quote_plus(SECRET_KEY).encode(),
}

# The CLI with its retry waits skipped, so a run that exhausts retries is fast.
_DRIVER = """
import functools, sys
import timetrack.cli.app as cli
cli.run_sync = functools.partial(cli.run_sync, sleep=lambda seconds: None)
sys.argv = ["timetrack", *sys.argv[1:]]
cli.main()
"""


def _start(url: str, folder: Path) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "API_KEY": SECRET_KEY,
        "PYTHONPATH": str(SOURCE_FOLDER),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
    }
    arguments = ["sync", "--base-url", url, "--duckdb-path", "secret.duckdb", "-v"]
    return subprocess.Popen(
        [sys.executable, "-c", _DRIVER, *arguments],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _files_containing_key(folder: Path) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            if any(form in content for form in KEY_FORMS):
                found.append(str(path.relative_to(folder)))
    return found


def _assert_no_key(output: bytes, folder: Path) -> None:
    for form in KEY_FORMS:
        assert form not in output, form
    assert _files_containing_key(folder) == []


def test_clean_sync_leaks_no_key(tmp_path: Path) -> None:
    with ReferenceApi(size=120, end=FIXED_END, api_key=SECRET_KEY) as api:
        process = _start(api.url, tmp_path)
        stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode()
    assert b"api_key=***" in stderr
    _assert_no_key(stdout + stderr, tmp_path)


def test_rejected_key_leaks_no_key(tmp_path: Path) -> None:
    with ReferenceApi(size=20, end=FIXED_END, api_key="the-server-key") as api:
        process = _start(api.url, tmp_path)
        stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 3
    assert b"the API key was rejected" in stderr
    _assert_no_key(stdout + stderr, tmp_path)


def test_exhausted_retries_leak_no_key(tmp_path: Path) -> None:
    plan = FaultPlan.for_offsets({99: [Fault.status(503, html=True)] * 4})
    with ReferenceApi(size=250, end=FIXED_END, api_key=SECRET_KEY, faults=plan) as api:
        process = _start(api.url, tmp_path)
        stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 3
    assert b"HTTP 503" in stderr
    assert b"Retrying" in stderr
    _assert_no_key(stdout + stderr, tmp_path)


def test_killed_sync_leaks_no_key(tmp_path: Path) -> None:
    with ReferenceApi(size=400, end=FIXED_END, api_key=SECRET_KEY, latency=0.3) as api:
        process = _start(api.url, tmp_path)
        deadline = time.monotonic() + 60
        while len(api.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    _assert_no_key(stdout + stderr, tmp_path)


@pytest.mark.parametrize("failure", ["none", "rejected-key", "retries"])
def test_trace_and_state_hold_no_key(failure: str, tmp_path: Path) -> None:
    server_key = "the-server-key" if failure == "rejected-key" else SECRET_KEY
    plan = (
        FaultPlan.for_offsets({0: [Fault.status(500)] * 4})
        if failure == "retries"
        else None
    )
    with ReferenceApi(size=60, end=FIXED_END, api_key=server_key, faults=plan) as api:
        settings = SyncSettings(
            base_url=api.url,
            api_key=SECRET_KEY,
            duckdb_path=tmp_path / "trace.duckdb",
            pipelines_dir=tmp_path / "pipelines",
        )
        try:
            run_sync(settings, sleep=lambda seconds: None)
        except SourceError as error:
            assert SECRET_KEY not in str(error)
    pipeline = create_pipeline(settings)
    trace = pipeline.last_trace
    assert trace is not None
    text = json.dumps(trace.asdict(), default=str) + repr(trace)
    text += json.dumps(pipeline.state, default=str)
    for form in KEY_FORMS:
        assert form.decode() not in text


def test_refused_connection_keeps_key_off_disk(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = SyncSettings(
        base_url=f"http://127.0.0.1:{port}",
        api_key=SECRET_KEY,
        duckdb_path=tmp_path / "refused.duckdb",
        pipelines_dir=tmp_path / "pipelines",
    )
    with pytest.raises(ApiConnectionError):
        run_sync(settings, sleep=lambda seconds: None)
    forms = {SECRET_KEY, quote(SECRET_KEY, safe=""), quote_plus(SECRET_KEY)}
    for path in (tmp_path / "pipelines").rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for form in forms:
                assert form.encode() not in content, path


def test_library_debug_logs_hide_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # The CLI tests raise these loggers' levels; this test needs their DEBUG lines.
    caplog.set_level(logging.DEBUG, logger="urllib3.connectionpool")
    caplog.set_level(logging.DEBUG, logger="dlt")
    with ReferenceApi(size=50, end=FIXED_END, api_key=SECRET_KEY) as api:
        settings = SyncSettings(
            base_url=api.url,
            api_key=SECRET_KEY,
            duckdb_path=tmp_path / "debug.duckdb",
            pipelines_dir=tmp_path / "pipelines",
        )
        run_sync(settings)
    assert "api_key=" in caplog.text
    for form in (SECRET_KEY, quote(SECRET_KEY, safe=""), quote_plus(SECRET_KEY)):
        assert form not in caplog.text
