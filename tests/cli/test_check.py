"""`timetrack check`: settings, key origin, one API request and the destination."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.conftest import API_KEY
from timetrack.check import run_check
from timetrack.cli.app import app
from timetrack.reference_api import ReferenceApi
from timetrack.sync import SyncSettings

runner = CliRunner()

POSTGRES_DSN = "postgresql://postgres@127.0.0.1:5432/test"


def _free_port() -> int:
    # Bind and release: nothing listens on the port afterwards.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_check_live_api_passes(
    api: ReferenceApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    result = runner.invoke(app, ["check", "--base-url", api.url])
    assert result.exit_code == 0, result.output
    assert api.url in result.stdout
    assert "environment variable API_KEY" in result.stdout
    assert "HTTP 200, 250 entries" in result.stdout
    assert "FAILED" not in result.stdout
    assert API_KEY not in result.output


def test_check_sends_one_request(
    api: ReferenceApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    runner.invoke(app, ["check", "--base-url", api.url])
    assert len(api.requests) == 1
    assert api.requests[0].params["limit"] == "1"


def test_check_json_reports_facts(
    api: ReferenceApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    result = runner.invoke(app, ["check", "--base-url", api.url, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["base_url"] == api.url
    assert report["key_origin"] == "environment variable API_KEY"
    assert report["http_status"] == 200
    assert report["total"] == 250
    assert [item["status"] for item in report["checks"]] == ["ok"] * 5


def test_check_wrong_key_exits_3(
    api: ReferenceApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", "wrong-key-value-77")
    result = runner.invoke(app, ["check", "--base-url", api.url, "--json"])
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    assert report["http_status"] == 401
    failed = [item for item in report["checks"] if item["status"] == "failed"]
    assert [item["name"] for item in failed] == ["api"]
    assert "API key was rejected" in failed[0]["detail"]
    assert "wrong-key-value-77" not in result.output


def test_check_unreachable_port_exits_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    url = f"http://127.0.0.1:{_free_port()}"
    result = runner.invoke(app, ["check", "--base-url", url])
    assert result.exit_code == 3
    assert "connection was refused" in result.stdout
    assert "after 1 attempt(s)" in result.stdout


def test_check_missing_key_exits_2(api: ReferenceApi) -> None:
    result = runner.invoke(app, ["check", "--base-url", api.url, "--json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    statuses = {item["name"]: item["status"] for item in report["checks"]}
    assert statuses["api_key"] == "failed"
    assert statuses["api"] == "skipped"
    assert report["key_origin"] is None
    assert len(api.requests) == 0


def test_check_missing_key_names_fix(api: ReferenceApi) -> None:
    result = runner.invoke(app, ["check", "--base-url", api.url])
    assert result.exit_code == 2
    assert "No API key found. Set the API_KEY environment variable" in result.stdout


def test_check_missing_base_url_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2
    assert "No base URL set. Pass --base-url" in result.stdout


def test_check_missing_folder_exits_4(
    api: ReferenceApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    missing = tmp_path / "no-such-folder" / "data.duckdb"
    result = runner.invoke(
        app, ["check", "--base-url", api.url, "--duckdb-path", str(missing)]
    )
    assert result.exit_code == 4
    assert "does not exist" in result.stdout
    assert "OK      API          HTTP 200" in result.stdout
    assert not missing.parent.exists()


def test_check_existing_duckdb_opens(api: ReferenceApi, tmp_path: Path) -> None:
    path = tmp_path / "existing.duckdb"
    duckdb.connect(str(path)).close()
    settings = SyncSettings(base_url=api.url, api_key=API_KEY, duckdb_path=path)
    report = run_check(settings)
    assert report.ok
    assert report.items[-1].detail.endswith("opens; its folder is writable")


def test_check_new_duckdb_not_created(api: ReferenceApi, tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    report = run_check(
        SyncSettings(base_url=api.url, api_key=API_KEY, duckdb_path=path)
    )
    assert report.ok
    assert not path.exists()


def test_check_postgres_connects(api: ReferenceApi) -> None:
    settings = SyncSettings(
        base_url=api.url,
        api_key=API_KEY,
        destination="postgres",
        credentials=POSTGRES_DSN,
    )
    report = run_check(settings)
    assert report.ok, report.to_dict()
    assert "127.0.0.1:5432/test accepts connections" in report.items[-1].detail


def test_check_postgres_unreachable_exits_4(api: ReferenceApi) -> None:
    dsn = f"postgresql://postgres:pg-secret-91@127.0.0.1:{_free_port()}/test"
    settings = SyncSettings(
        base_url=api.url, api_key=API_KEY, destination="postgres", credentials=dsn
    )
    report = run_check(settings)
    assert report.exit_code == 4
    assert "Could not connect to PostgreSQL" in report.items[-1].detail
    assert "pg-secret-91" not in json.dumps(report.to_dict())


def test_check_postgres_without_credentials_exits_2(api: ReferenceApi) -> None:
    settings = SyncSettings(base_url=api.url, api_key=API_KEY, destination="postgres")
    report = run_check(settings)
    assert report.exit_code == 2
    assert "DESTINATION__POSTGRES__CREDENTIALS" in report.items[-1].detail
