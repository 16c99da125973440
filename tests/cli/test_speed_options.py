"""The sync's speed options: --concurrency and --max-requests-per-second."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import API_KEY
from tests.helpers import count_rows
from timetrack.cli.app import app
from timetrack.reference_api import ReferenceApi

runner = CliRunner()


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [
        ("--concurrency", "0", "Invalid concurrency 0"),
        ("--concurrency", "65", "Invalid concurrency 65"),
        ("--max-requests-per-second", "0", "Invalid max requests per second 0.0"),
        ("--max-requests-per-second", "-2", "Invalid max requests per second -2.0"),
    ],
)
def test_sync_invalid_speed_option_exits_2(
    api: ReferenceApi,
    monkeypatch: pytest.MonkeyPatch,
    option: str,
    value: str,
    named: str,
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    result = runner.invoke(app, ["sync", "--base-url", api.url, option, value])
    assert result.exit_code == 2
    assert named in result.output
    assert api.requests == []


def test_sync_speed_options_load_everything(
    api: ReferenceApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    result = runner.invoke(
        app,
        [
            "sync",
            "--base-url",
            api.url,
            "--concurrency",
            "2",
            "--max-requests-per-second",
            "50",
        ],
    )
    assert result.exit_code == 0, result.output
    assert count_rows(tmp_path / "timetrack.duckdb") == 250


def test_sync_help_names_units() -> None:
    result = runner.invoke(app, ["sync", "--help"])
    assert "--concurrency" in result.output
    assert "per second" in result.output
