"""PostgreSQL credentials, their redaction, and one-line errors before any load."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import API_KEY, unique_dataset
from tests.helpers import (
    POSTGRES_DSN,
    POSTGRES_PASSWORD,
    drop_postgres_schemas,
    postgres_schema_exists,
    query_postgres,
)
from timetrack.cli.app import app
from timetrack.errors import ConfigError, DestinationError
from timetrack.reference_api import ReferenceApi
from timetrack.sync import SyncSettings, run_sync

runner = CliRunner()


@pytest.fixture
def dataset() -> Iterator[str]:
    """A schema name unique to the test, dropped afterwards."""
    name = unique_dataset()
    yield name
    drop_postgres_schemas(name, f"{name}_staging")


@pytest.fixture
def pg_settings(settings: SyncSettings, dataset: str) -> SyncSettings:
    """Settings aimed at the test server and a dataset of the test's own."""
    return replace(
        settings, destination="postgres", credentials=None, dataset_name=dataset
    )


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _count(dataset: str) -> int:
    rows = query_postgres(f'select count(*) from "{dataset}".time_entries')
    return int(rows[0][0])


def test_credentials_from_environment(
    pg_settings: SyncSettings, dataset: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESTINATION__POSTGRES__CREDENTIALS", POSTGRES_DSN)
    summary = run_sync(pg_settings)
    assert summary.rows_loaded["time_entries"] == 250
    assert _count(dataset) == 250


def test_credentials_from_secrets_toml(
    api: ReferenceApi, dataset: str, tmp_path: Path
) -> None:
    # dlt reads .dlt/ once per process, so only a new process reads this file.
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "secrets.toml").write_text(
        f'api_key = "{API_KEY}"\n\n'
        f'[destination.postgres]\ncredentials = "{POSTGRES_DSN}"\n'
    )
    command = [sys.executable, "-m", "timetrack", "sync", "--base-url", api.url]
    command += ["--destination", "postgres", "--dataset", dataset]
    result = subprocess.run(
        command,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert _count(dataset) == 250
    assert POSTGRES_PASSWORD not in result.stdout + result.stderr


def test_summary_hides_password(pg_settings: SyncSettings, dataset: str) -> None:
    summary = run_sync(replace(pg_settings, credentials=POSTGRES_DSN))
    assert POSTGRES_PASSWORD not in repr(summary.to_dict())
    assert "postgres@127.0.0.1:5432/test" in summary.location
    assert dataset in summary.location


def test_debug_logs_hide_password(
    api: ReferenceApi,
    dataset: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    arguments = ["sync", "-v", "--base-url", api.url, "--destination", "postgres"]
    arguments += ["--credentials", POSTGRES_DSN, "--dataset", dataset]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert "DEBUG" in result.output
    assert POSTGRES_PASSWORD not in result.output


def test_missing_credentials_name_places(pg_settings: SyncSettings) -> None:
    with pytest.raises(ConfigError) as caught:
        run_sync(pg_settings)
    assert "DESTINATION__POSTGRES__CREDENTIALS" in str(caught.value)
    assert ".dlt/secrets.toml" in str(caught.value)


def test_unreachable_server_fails_before_fetching(
    api: ReferenceApi, pg_settings: SyncSettings
) -> None:
    port = _unused_port()
    dsn = f"postgresql://postgres:{POSTGRES_PASSWORD}@127.0.0.1:{port}/test"
    with pytest.raises(DestinationError) as caught:
        run_sync(replace(pg_settings, credentials=dsn))
    message = str(caught.value)
    assert f"127.0.0.1:{port}" in message
    assert "\n" not in message
    assert POSTGRES_PASSWORD not in message
    assert api.requests == []


def test_unknown_user_fails_clearly(
    api: ReferenceApi, pg_settings: SyncSettings, dataset: str
) -> None:
    dsn = f"postgresql://no_such_role_tt:{POSTGRES_PASSWORD}@127.0.0.1:5432/test"
    with pytest.raises(DestinationError) as caught:
        run_sync(replace(pg_settings, credentials=dsn))
    message = str(caught.value)
    assert "no_such_role_tt" in message
    assert "\n" not in message
    assert POSTGRES_PASSWORD not in message
    assert api.requests == []
    assert not postgres_schema_exists(dataset)


def test_unknown_database_fails_clearly(
    pg_settings: SyncSettings, dataset: str
) -> None:
    dsn = f"postgresql://postgres:{POSTGRES_PASSWORD}@127.0.0.1:5432/no_such_db_tt"
    with pytest.raises(DestinationError) as caught:
        run_sync(replace(pg_settings, credentials=dsn))
    assert "no_such_db_tt" in str(caught.value)
    assert not postgres_schema_exists(dataset)


def test_failed_connect_keeps_loaded_rows(
    pg_settings: SyncSettings, dataset: str
) -> None:
    run_sync(replace(pg_settings, credentials=POSTGRES_DSN))
    dsn = f"postgresql://no_such_role_tt:{POSTGRES_PASSWORD}@127.0.0.1:5432/test"
    with pytest.raises(DestinationError):
        run_sync(replace(pg_settings, credentials=dsn))
    assert _count(dataset) == 250


def test_cli_unreachable_server_exits_4(
    api: ReferenceApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    dsn = f"postgresql://postgres:{POSTGRES_PASSWORD}@127.0.0.1:{_unused_port()}/test"
    arguments = ["sync", "--base-url", api.url, "--destination", "postgres"]
    result = runner.invoke(app, [*arguments, "--credentials", dsn])
    assert result.exit_code == 4
    assert result.output.count("error:") == 1
    assert "Cannot connect to PostgreSQL" in result.output
    assert POSTGRES_PASSWORD not in result.output
