"""`timetrack sync` output: JSON summary, JSON logs and the progress display."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from rich.console import Console
from typer.testing import CliRunner

from tests.conftest import API_KEY
from timetrack.cli.app import app
from timetrack.cli.progress import RichProgressObserver, choose_observer
from timetrack.reference_api import ReferenceApi
from timetrack.sync import SyncSettings, run_sync

runner = CliRunner()


def test_sync_json_prints_one_object(
    api: ReferenceApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    result = runner.invoke(
        app, ["sync", "--base-url", api.url, "--related", "none", "--json"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    assert summary["rows_loaded"]["time_entries"] == 250
    assert summary["pages_fetched"] == 3
    assert summary["total_rows"] == 250


def test_sync_json_logs_one_object_per_line(
    api: ReferenceApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    result = runner.invoke(
        app, ["sync", "--base-url", api.url, "--log-format", "json", "-v"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines
    records = [json.loads(line) for line in lines]
    assert {"time", "level", "logger", "message"} <= set(records[0])
    assert any(record["logger"].startswith("timetrack") for record in records)
    assert API_KEY not in result.stderr


def test_sync_json_logs_error_line(
    api: ReferenceApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", "wrong-key-value-77")
    result = runner.invoke(app, ["sync", "--base-url", api.url, "--log-format", "json"])
    assert result.exit_code == 3
    records = [json.loads(line) for line in result.stderr.splitlines()]
    errors = [record for record in records if record["level"] == "ERROR"]
    assert len(errors) == 1
    assert "API key was rejected" in errors[0]["message"]
    assert "wrong-key-value-77" not in result.stderr


def test_sync_quiet_writes_no_logs(
    api: ReferenceApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    result = runner.invoke(app, ["sync", "--base-url", api.url, "-q", "--json"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_sync_no_progress_when_piped(
    api: ReferenceApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    result = runner.invoke(app, ["sync", "--base-url", api.url])
    assert result.exit_code == 0, result.output
    assert "rows/s" not in result.output
    assert "\x1b[" not in result.stderr


def test_choose_observer_off_without_terminal() -> None:
    console = Console(file=io.StringIO())
    assert choose_observer(console, quiet=False, json_logs=False) is None


def test_choose_observer_on_for_terminal() -> None:
    console = Console(file=io.StringIO(), force_terminal=True)
    observer = choose_observer(console, quiet=False, json_logs=False)
    assert isinstance(observer, RichProgressObserver)


def test_choose_observer_off_when_quiet() -> None:
    console = Console(file=io.StringIO(), force_terminal=True)
    assert choose_observer(console, quiet=True, json_logs=False) is None


def test_choose_observer_off_with_json_logs() -> None:
    console = Console(file=io.StringIO(), force_terminal=True)
    assert choose_observer(console, quiet=False, json_logs=True) is None


def test_progress_display_counts_rows(settings: SyncSettings) -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=160)
    with RichProgressObserver(console) as observer:
        run_sync(replace(settings, related=()), observer=observer)
    assert observer.rows == 250
    assert "250/250" in screen.getvalue()
    assert "pages 3" in screen.getvalue()
