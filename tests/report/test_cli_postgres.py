"""`timetrack report` on PostgreSQL: credentials as for sync, names, errors."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from tests.conftest import unique_dataset
from tests.helpers import (
    POSTGRES_DSN,
    POSTGRES_PASSWORD,
    connect_postgres,
    drop_postgres_schemas,
    postgres_schema_exists,
)
from tests.report.conftest import SyncedData
from timetrack.cli.app import app

runner = CliRunner()

PERIOD = [
    "--since",
    "2026-11-29",
    "--until",
    "2026-11-30",
    "--tz",
    "Europe/Berlin",
    "--as-of",
    "2026-11-30T16:00:00+01:00",
]


def _invoke(*arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["report", *arguments])
    return result.exit_code, result.stdout, result.stderr


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _execute(*statements: str) -> None:
    connection = connect_postgres()
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


@pytest.fixture
def empty_schema() -> Iterator[str]:
    """A schema with no tables, dropped afterwards."""
    name = unique_dataset("empty")
    _execute(f'create schema "{name}"')
    yield name
    drop_postgres_schemas(name)


def test_json_by_project_has_names(synced_postgres: SyncedData) -> None:
    code, stdout, stderr = _invoke(
        *synced_postgres.options(), *PERIOD, "--by", "project", "--json"
    )
    assert code == 0, stderr
    rows = json.loads(stdout)["rows"]
    assert [row["key"] for row in rows] == ["10", "11", "(no project)", "12"]
    assert [row["name"] for row in rows] == [
        "Website redesign",
        "Mobile app [beta]",
        None,
        None,
    ]
    assert [row["hours"] for row in rows] == [5.0, 1.5, 1.0, 0.5]


def test_json_same_as_duckdb(
    synced_postgres: SyncedData, synced_duckdb_data: SyncedData
) -> None:
    for grouping in ("day", "week", "project", "user"):
        options = [*PERIOD, "--by", grouping, "--json"]
        pg_code, in_postgres, _ = _invoke(*synced_postgres.options(), *options)
        duck_code, in_duckdb, _ = _invoke(*synced_duckdb_data.options(), *options)
        assert pg_code == 0
        assert duck_code == 0
        assert json.loads(in_postgres) == json.loads(in_duckdb)


def test_table_by_user_shows_names(synced_postgres: SyncedData) -> None:
    code, stdout, stderr = _invoke(*synced_postgres.options(), *PERIOD, "--by", "user")
    assert code == 0, stderr
    rows = [line for line in stdout.splitlines() if line.startswith("│")]
    ada = next(row for row in rows if "Ada Lovelace (1)" in row)
    assert "5.00" in ada
    user_3 = next(row for row in rows if row.startswith("│ 3 "))
    assert "1.50" in user_3
    assert "running" in user_3


def test_credentials_from_environment(
    synced_postgres: SyncedData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESTINATION__POSTGRES__CREDENTIALS", POSTGRES_DSN)
    code, stdout, stderr = _invoke(
        "--destination",
        "postgres",
        "--dataset",
        synced_postgres.dataset,
        *PERIOD,
        "--by",
        "project",
    )
    assert code == 0, stderr
    assert "Website redesign (10)" in stdout
    assert POSTGRES_PASSWORD not in stdout + stderr


def test_missing_credentials_exits_2() -> None:
    code, _, stderr = _invoke("--destination", "postgres", *PERIOD)
    assert code == 2
    assert "Missing PostgreSQL credentials" in stderr
    assert "DESTINATION__POSTGRES__CREDENTIALS" in stderr


def test_unreachable_server_exits_4() -> None:
    port = _unused_port()
    dsn = f"postgresql://postgres:{POSTGRES_PASSWORD}@127.0.0.1:{port}/test"
    code, stdout, stderr = _invoke(
        "--destination", "postgres", "--credentials", dsn, *PERIOD
    )
    assert code == 4
    assert stderr.count("error:") == 1
    assert "Cannot connect to PostgreSQL" in stderr
    assert f"127.0.0.1:{port}" in stderr
    assert POSTGRES_PASSWORD not in stdout + stderr


def test_unknown_user_exits_4() -> None:
    dsn = f"postgresql://no_such_role_tt:{POSTGRES_PASSWORD}@127.0.0.1:5432/test"
    code, stdout, stderr = _invoke(
        "--destination", "postgres", "--credentials", dsn, *PERIOD
    )
    assert code == 4
    assert "no_such_role_tt" in stderr
    assert POSTGRES_PASSWORD not in stdout + stderr


def test_invalid_dsn_hides_password() -> None:
    dsn = f"postgresql://postgres:{POSTGRES_PASSWORD}@127.0.0.1:port/test"
    code, stdout, stderr = _invoke(
        "--destination", "postgres", "--credentials", dsn, *PERIOD
    )
    assert code == 2
    assert "Invalid PostgreSQL credentials" in stderr
    assert POSTGRES_PASSWORD not in stdout + stderr


def test_wrong_schema_exits_2(synced_postgres: SyncedData) -> None:
    code, stdout, stderr = _invoke(
        "--destination",
        "postgres",
        "--credentials",
        POSTGRES_DSN,
        "--dataset",
        "no_such_schema_tt",
        *PERIOD,
    )
    assert code == 2
    message = " ".join(stderr.split())
    assert "No table no_such_schema_tt.time_entries" in message
    assert "PostgreSQL postgres@127.0.0.1:5432/test" in message
    assert "--dataset" in message
    assert stderr.count("error:") == 1
    assert POSTGRES_PASSWORD not in stdout + stderr


def test_schema_without_table_exits_2(empty_schema: str) -> None:
    assert postgres_schema_exists(empty_schema)
    code, _, stderr = _invoke(
        "--destination",
        "postgres",
        "--credentials",
        POSTGRES_DSN,
        "--dataset",
        empty_schema,
        *PERIOD,
    )
    assert code == 2
    assert f"No table {empty_schema}.time_entries" in " ".join(stderr.split())


def test_invalid_dataset_exits_2() -> None:
    code, _, stderr = _invoke(
        "--destination",
        "postgres",
        "--credentials",
        POSTGRES_DSN,
        "--dataset",
        "Time-Tracking",
        *PERIOD,
    )
    assert code == 2
    assert "Invalid dataset name 'Time-Tracking'" in stderr


def test_filesystem_destination_rejected() -> None:
    code, _, stderr = _invoke("--destination", "filesystem", *PERIOD)
    assert code == 2
    assert "Unknown report destination 'filesystem'" in stderr
    assert "duckdb, postgres" in stderr


def test_text_timestamps_exit_4(empty_schema: str) -> None:
    # Text columns cannot be compared with instants, so the query itself fails.
    _execute(
        f'create table "{empty_schema}".time_entries'
        " (id text, start_time text, end_time text)"
    )
    code, stdout, stderr = _invoke(
        "--destination",
        "postgres",
        "--credentials",
        POSTGRES_DSN,
        "--dataset",
        empty_schema,
        *PERIOD,
    )
    assert code == 4
    message = " ".join(stderr.split())
    assert f"Reading {empty_schema}.time_entries from PostgreSQL" in message
    assert "operator does not exist" in message
    assert stderr.count("error:") == 1
    assert POSTGRES_PASSWORD not in stdout + stderr
