"""Parquet files and Delta tables written by the filesystem destination, read back."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from deltalake import DeltaTable
from typer.testing import CliRunner

from tests.conftest import API_KEY
from timetrack.cli.app import app
from timetrack.errors import ConfigError
from timetrack.redact import redact_text
from timetrack.reference_api import ReferenceApi
from timetrack.sync import SyncSettings, run_sync
from timetrack.sync.destinations import open_destination

runner = CliRunner()


def _instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _read_parquet(folder: Path) -> dict[str, dict[str, Any]]:
    with duckdb.connect() as connection:
        relation = connection.sql(f"select * from read_parquet('{folder}/*.parquet')")
        columns = relation.columns
        rows = relation.fetchall()
    return {
        row[columns.index("id")]: dict(zip(columns, row, strict=True)) for row in rows
    }


def _read_delta(folder: Path) -> dict[str, dict[str, Any]]:
    rows = DeltaTable(str(folder)).to_pyarrow_table().to_pylist()
    return {row["id"]: row for row in rows}


def _assert_matches_api(
    loaded: dict[str, dict[str, Any]], entries: list[dict[str, Any]]
) -> None:
    assert len(loaded) == len(entries)
    assert set(loaded) == {str(entry["id"]) for entry in entries}
    for entry in entries:
        row = loaded[str(entry["id"])]
        assert row["start_time"] == _instant(entry["start_time"]), entry["id"]
        assert row["end_time"] == _instant(entry["end_time"]), entry["id"]
        assert row["duration"] == entry["duration"], entry["id"]
        assert row["description"] == entry["description"], entry["id"]


@pytest.fixture
def fs_settings(settings: SyncSettings, tmp_path: Path) -> SyncSettings:
    """Settings aimed at a lakehouse folder in the test's folder."""
    return replace(
        settings, destination="filesystem", bucket_url=str(tmp_path / "lake")
    )


def _sync_edit_sync(api: ReferenceApi, settings: SyncSettings) -> dict[str, Any]:
    run_sync(settings)
    target = api.store.all()[10]
    api.store.update(target["id"], description="Edited upstream", duration=60)
    run_sync(settings)
    return target


def test_parquet_replaced_on_resync(
    api: ReferenceApi, fs_settings: SyncSettings, tmp_path: Path
) -> None:
    target = _sync_edit_sync(api, fs_settings)
    loaded = _read_parquet(tmp_path / "lake" / "time_tracking" / "time_entries")
    _assert_matches_api(loaded, api.store.all())
    assert loaded[str(target["id"])]["description"] == "Edited upstream"


def test_delta_merges_on_id(
    api: ReferenceApi, fs_settings: SyncSettings, tmp_path: Path
) -> None:
    settings = replace(fs_settings, table_format="delta")
    target = _sync_edit_sync(api, settings)
    table = tmp_path / "lake" / "time_tracking" / "time_entries"
    loaded = _read_delta(table)
    _assert_matches_api(loaded, api.store.all())
    assert loaded[str(target["id"])]["duration"] == 60
    assert DeltaTable(str(table)).version() == 1


def test_delta_column_types(api: ReferenceApi, fs_settings: SyncSettings) -> None:
    run_sync(replace(fs_settings, table_format="delta"))
    table = Path(fs_settings.bucket_url or "") / "time_tracking" / "time_entries"
    schema = DeltaTable(str(table)).to_pyarrow_table().schema
    assert schema.field("id").type == pa.string()
    assert schema.field("duration").type == pa.int64()
    assert schema.field("start_time").type == pa.timestamp("us", tz="UTC")
    assert schema.field("end_time").type == pa.timestamp("us", tz="UTC")


def test_default_bucket_is_local_folder(
    api: ReferenceApi, fs_settings: SyncSettings, tmp_path: Path
) -> None:
    summary = run_sync(replace(fs_settings, bucket_url=None))
    folder = tmp_path / "timetrack-data" / "time_tracking" / "time_entries"
    assert len(_read_parquet(folder)) == 250
    assert str(tmp_path / "timetrack-data") in summary.location


def test_bucket_url_from_environment(
    api: ReferenceApi,
    fs_settings: SyncSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DESTINATION__FILESYSTEM__BUCKET_URL", str(tmp_path / "env"))
    run_sync(replace(fs_settings, bucket_url=None))
    folder = tmp_path / "env" / "time_tracking" / "time_entries"
    assert len(_read_parquet(folder)) == 250


def test_delta_needs_filesystem(settings: SyncSettings) -> None:
    with pytest.raises(ConfigError) as caught:
        run_sync(replace(settings, table_format="delta"))
    assert "--destination filesystem" in str(caught.value)


def test_unknown_table_format_named(fs_settings: SyncSettings) -> None:
    with pytest.raises(ConfigError) as caught:
        run_sync(replace(fs_settings, table_format="iceberg"))
    assert "'iceberg'" in str(caught.value)


def test_cli_writes_delta(
    api: ReferenceApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", API_KEY)
    arguments = ["sync", "--base-url", api.url, "--destination", "filesystem"]
    arguments += ["--bucket-url", str(tmp_path / "lake"), "--table-format", "delta"]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert "Delta tables in" in result.output
    table = tmp_path / "lake" / "time_tracking" / "time_entries"
    assert len(_read_delta(table)) == 250


def test_bucket_password_hidden() -> None:
    settings = SyncSettings(
        destination="filesystem",
        bucket_url="sftp://loader:sftp-pass-5e0a@files.example.com/lake",
    )
    destination = open_destination(settings)
    assert "sftp-pass-5e0a" not in destination.location
    assert "loader@files.example.com/lake" in destination.location
    assert redact_text("sftp-pass-5e0a") == "***"
