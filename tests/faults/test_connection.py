"""Connection faults: resets, slow replies, refused and unresolvable hosts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import API_KEY, FIXED_END, SleepRecorder
from tests.faults.support import api_ids, loaded_ids, make_settings, snapshot
from timetrack.errors import ApiConnectionError, ConfigError
from timetrack.reference_api import Fault, FaultPlan, ReferenceApi
from timetrack.sync import SyncSettings, run_sync


@pytest.mark.parametrize(
    "fault",
    [Fault.reset(), Fault.reset(after_headers=True), Fault.reset(mid_body=True)],
    ids=["before-headers", "after-headers", "mid-body"],
)
def test_reset_recovers(fault: Fault, sleep: SleepRecorder, tmp_path: Path) -> None:
    plan = FaultPlan.for_offsets({99: [fault, fault]})
    with ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        summary = run_sync(make_settings(api, tmp_path), sleep=sleep)
        expected = api_ids(api)
    assert sorted(loaded_ids(tmp_path / "faults.duckdb")) == sorted(expected)
    assert summary.retries == 2
    assert sleep.waits == [2.0, 4.0]


def test_mid_body_reset_exhausts_budget(sleep: SleepRecorder, tmp_path: Path) -> None:
    plan = FaultPlan.for_offsets({0: [Fault.reset(mid_body=True)] * 4})
    server = ReferenceApi(size=50, end=FIXED_END, api_key=API_KEY, faults=plan)
    with server as api, pytest.raises(ApiConnectionError) as caught:
        run_sync(make_settings(api, tmp_path), sleep=sleep)
    assert "offset 0" in str(caught.value)
    assert "broke while the response body was read" in str(caught.value)
    assert "after 4 attempt(s)" in str(caught.value)
    assert snapshot(tmp_path / "faults.duckdb") == []


def test_slow_reply_times_out_and_retries(sleep: SleepRecorder, tmp_path: Path) -> None:
    plan = FaultPlan.script([Fault.slow(1.0)])
    with ReferenceApi(size=50, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        summary = run_sync(make_settings(api, tmp_path, timeout=0.2), sleep=sleep)
        expected = api_ids(api)
    assert sorted(loaded_ids(tmp_path / "faults.duckdb")) == sorted(expected)
    assert summary.retries == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_refused_connection_fails_clearly(sleep: SleepRecorder, tmp_path: Path) -> None:
    settings = SyncSettings(
        base_url=f"http://127.0.0.1:{_closed_port()}",
        api_key=API_KEY,
        duckdb_path=tmp_path / "faults.duckdb",
        pipelines_dir=tmp_path / "pipelines",
    )
    with pytest.raises(ApiConnectionError) as caught:
        run_sync(settings, sleep=sleep)
    message = str(caught.value)
    assert "the connection was refused" in message
    assert "after 4 attempt(s)" in message
    assert "Check the base URL" in message
    assert len(message.splitlines()) == 1
    assert sleep.waits == [2.0, 4.0, 8.0]


def test_dns_failure_fails_clearly(
    sleep: SleepRecorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The resolver in /etc/resolv.conf is another host, so an .invalid name
    # fails here, in the resolver call, and no query leaves the machine.
    real_getaddrinfo = socket.getaddrinfo

    def resolve_locally(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve_locally)
    settings = SyncSettings(
        base_url="http://timetrack-api.invalid",
        api_key=API_KEY,
        duckdb_path=tmp_path / "faults.duckdb",
        pipelines_dir=tmp_path / "pipelines",
    )
    with pytest.raises(ApiConnectionError) as caught:
        run_sync(settings, sleep=sleep)
    message = str(caught.value)
    assert "could not be resolved (DNS failure)" in message
    assert "after 4 attempt(s)" in message
    assert len(message.splitlines()) == 1


@pytest.mark.parametrize(
    "base_url", ["ftp://example.invalid", "http://", "http://host:99999", "not a url"]
)
def test_malformed_base_url_is_config_error(base_url: str, tmp_path: Path) -> None:
    settings = SyncSettings(
        base_url=base_url,
        api_key=API_KEY,
        duckdb_path=tmp_path / "faults.duckdb",
        pipelines_dir=tmp_path / "pipelines",
    )
    with pytest.raises(ConfigError) as caught:
        run_sync(settings)
    assert "Invalid base URL" in str(caught.value)
    assert "https://api.example.com" in str(caught.value)


# The CLI with retry waits skipped, so a run that uses up its retries is fast.
_CLI_WITHOUT_WAITS = """
import functools, sys
import timetrack.cli.app as cli
cli.run_sync = functools.partial(cli.run_sync, sleep=lambda seconds: None)
sys.argv = ["timetrack", *sys.argv[1:]]
cli.main()
"""


@pytest.mark.parametrize(
    ("base_url", "exit_code", "expected"),
    [
        ("http://127.0.0.1:{port}", 3, "the connection was refused"),
        ("ftp://127.0.0.1:{port}", 2, "Invalid base URL"),
    ],
)
def test_cli_config_error_is_one_line(
    base_url: str, exit_code: int, expected: str, tmp_path: Path
) -> None:
    source = Path(__file__).resolve().parents[2] / "src"
    url = base_url.format(port=_closed_port())
    result = subprocess.run(
        [sys.executable, "-c", _CLI_WITHOUT_WAITS, "sync", "--base-url", url, "-q"],
        cwd=tmp_path,
        env={
            **os.environ,
            "API_KEY": API_KEY,
            "PYTHONPATH": str(source),
            "RUNTIME__DLTHUB_TELEMETRY": "false",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == exit_code
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert expected in result.stderr
