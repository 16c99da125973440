"""The CLI: summary output, exit codes and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import API_KEY
from tests.helpers import count_rows
from timetrack.cli.app import app
from timetrack.reference_api import ReferenceApi

runner = CliRunner()


def test_sync_prints_summary(
    api: ReferenceApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    result = runner.invoke(app, ["sync", "--base-url", api.url])
    assert result.exit_code == 0, result.output
    assert "time_entries" in result.output
    assert "250" in result.output
    assert "pages fetched: 7" in result.output
    assert str(tmp_path / "timetrack.duckdb") in result.output.replace("\n", "")
    assert count_rows(tmp_path / "timetrack.duckdb") == 250


def test_sync_rejected_key_exits_3(
    api: ReferenceApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", "wrong-key-value-77")
    result = runner.invoke(app, ["sync", "--base-url", api.url])
    assert result.exit_code == 3
    assert "API key was rejected" in result.output
    assert "wrong-key-value-77" not in result.output


def test_sync_missing_key_exits_2(api: ReferenceApi) -> None:
    result = runner.invoke(app, ["sync", "--base-url", api.url])
    assert result.exit_code == 2
    assert "API_KEY" in result.output


def test_sync_bad_base_url_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    result = runner.invoke(app, ["sync", "--base-url", "not a url"])
    assert result.exit_code == 2
    assert "Invalid base URL 'not a url'" in result.output


def test_demo_writes_duckdb(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--size", "300"])
    assert result.exit_code == 0, result.output
    assert "Hours by day" in result.output
    assert "(UTC)" in result.output
    assert "total" in result.output
    assert count_rows(tmp_path / "timetrack.duckdb") == 300


def test_error_markup_is_printed_literally(api: ReferenceApi) -> None:
    result = runner.invoke(app, ["sync", "--base-url", api.url, "--dataset", "[/]"])
    assert result.exit_code == 2
    assert "Invalid dataset name '[/]'" in result.output


def test_serve_busy_port_exits_2(api: ReferenceApi) -> None:
    result = runner.invoke(app, ["serve", "--port", str(api.port)])
    assert result.exit_code == 2
    assert "Cannot start the reference API" in result.output


def test_quiet_hides_dlt_warnings(
    api: ReferenceApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    result = runner.invoke(app, ["sync", "--base-url", api.url, "-q"])
    assert result.exit_code == 0, result.output
    assert "WARNING" not in result.output


def test_sync_incremental_options(
    api: ReferenceApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    base = ["sync", "--base-url", api.url, "--related", "none"]
    first = runner.invoke(app, [*base, "--cursor", "start_time"])
    assert first.exit_code == 0, first.output
    backfill = runner.invoke(
        app, [*base, "--since", "2026-10-01", "--until", "2026-10-15"]
    )
    assert backfill.exit_code == 0, backfill.output
    refresh = runner.invoke(app, [*base, "--full-refresh", "--deletions", "soft"])
    assert refresh.exit_code == 0, refresh.output
    assert count_rows(tmp_path / "timetrack.duckdb") == 250


def test_sync_bad_since_exits_2(
    api: ReferenceApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    result = runner.invoke(app, ["sync", "--base-url", api.url, "--since", "soon"])
    assert result.exit_code == 2
    assert "Invalid --since 'soon'" in result.output


def test_sync_harvest_profile(
    api: ReferenceApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    result = runner.invoke(
        app,
        [
            "sync",
            "--base-url",
            api.url,
            "--profile",
            "harvest",
            "--account-id",
            "1000001",
        ],
    )
    assert result.exit_code == 0, result.output
    assert count_rows(tmp_path / "timetrack.duckdb") == 250
    assert API_KEY not in result.output
