"""Tests for ``python -m timetrack.reference_api`` as a child process."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

import timetrack.reference_api

from .helpers import TIMEOUT

KEY = "child-key-93a2"
# The package may run from a source tree that is not installed.
SOURCE_ROOT = Path(timetrack.reference_api.__file__).resolve().parents[2]


def _child_environment() -> dict[str, str]:
    environment = dict(os.environ)
    paths = [str(SOURCE_ROOT), environment.get("PYTHONPATH", "")]
    environment["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    return environment


def _read_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise TimeoutError(f"no output from the server within {timeout} s")
    return process.stdout.readline()


@pytest.fixture
def child() -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "timetrack.reference_api",
            "--port",
            "0",
            "--size",
            "120",
            "--seed",
            "4",
            "--api-key",
            KEY,
            "--latency",
            "0.01",
            "--end",
            "2026-11-30T18:00:00Z",
            "--verbose",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_child_environment(),
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def test_main_prints_url_and_serves(child: subprocess.Popen[str]) -> None:
    line = _read_line(child, timeout=20)
    assert line.startswith("serving http://127.0.0.1:")
    url = line.split()[1]

    response = requests.get(
        url + "/v1/time_entries",
        params={"api_key": KEY, "offset": "0", "limit": "50"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200
    assert response.json()["total"] == 120
    assert len(response.json()["data"]) == 50

    child.send_signal(signal.SIGTERM)
    output, errors = child.communicate(timeout=10)
    assert child.returncode == 0
    assert output == ""
    assert "GET /v1/time_entries" in errors
    assert KEY not in errors


def test_main_stops_on_interrupt(child: subprocess.Popen[str]) -> None:
    _read_line(child, timeout=20)
    time.sleep(0.1)
    child.send_signal(signal.SIGINT)
    child.communicate(timeout=10)
    assert child.returncode == 0


def test_main_rejects_naive_end() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "timetrack.reference_api", "--end", "2026-01-01"],
        capture_output=True,
        text=True,
        env=_child_environment(),
        timeout=20,
    )
    assert result.returncode == 2
    assert "--end" in result.stderr
    assert result.stdout == ""
