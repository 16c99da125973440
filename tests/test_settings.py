"""Settings resolution and validation, with the fix named in every error."""

from __future__ import annotations

from pathlib import Path

import pytest

from timetrack.errors import ConfigError, DestinationError
from timetrack.reference_api import ReferenceApi
from timetrack.settings import resolve_api_key, resolve_base_url, validate_base_url
from timetrack.sync import SyncSettings, run_sync


@pytest.mark.parametrize(
    "value",
    [
        "api.example.com",
        "ftp://api.example.com",
        "https://",
        "http://:8080",
        "https://api.example.com?api_key=abc123",
        "http://127.0.0.1:99999",
    ],
)
def test_invalid_base_url_is_rejected(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        validate_base_url(value)
    assert "https://api.example.com" in str(caught.value) or "port" in str(caught.value)


def test_base_url_query_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as caught:
        validate_base_url("https://api.example.com/?api_key=abc123secret")
    assert "abc123secret" not in str(caught.value)


def test_base_url_trailing_slash_is_dropped() -> None:
    assert (
        validate_base_url(" https://api.example.com/v0/ ")
        == "https://api.example.com/v0"
    )


def test_missing_base_url_names_options() -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_base_url(None)
    assert "--base-url" in str(caught.value)
    assert "config.toml" in str(caught.value)


def test_base_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASE_URL", "https://api.example.com")
    assert resolve_base_url(None) == "https://api.example.com"


def test_key_origin_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_KEY", "env-key-value")
    key = resolve_api_key()
    assert key.value == "env-key-value"
    assert key.origin == "environment variable API_KEY"
    assert "env-key-value" not in repr(key)


def test_source_key_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_KEY", "plain-key-value")
    monkeypatch.setenv("SOURCES__TIMETRACK__API_KEY", "scoped-key-value")
    assert resolve_api_key().value == "scoped-key-value"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("destination", "snowflake"),
        ("table_format", "iceberg"),
        ("dataset_name", "bad-name"),
        ("pipeline_name", "1starts_with_digit"),
        ("limit", 0),
        ("timeout", 0.0),
    ],
)
def test_invalid_setting_is_named(field: str, value: object, tmp_path: Path) -> None:
    settings = SyncSettings(**{field: value})  # type: ignore[arg-type]
    with pytest.raises(ConfigError) as caught:
        settings.validate()
    assert repr(value) in str(caught.value) or str(value) in str(caught.value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0])
def test_non_finite_timeout_is_rejected(value: float) -> None:
    with pytest.raises(ConfigError, match="finite number of seconds"):
        SyncSettings(timeout=value).validate()


def test_upper_case_dataset_is_rejected() -> None:
    with pytest.raises(ConfigError, match="lower-case"):
        SyncSettings(dataset_name="MyData").validate()


def test_dataset_equal_to_file_is_rejected(tmp_path: Path) -> None:
    settings = SyncSettings(dataset_name="sales", duckdb_path=tmp_path / "sales.duckdb")
    with pytest.raises(ConfigError, match="Choose another --dataset"):
        settings.validate()


def test_missing_duckdb_folder_is_named(tmp_path: Path) -> None:
    settings = SyncSettings(duckdb_path=tmp_path / "absent" / "t.duckdb")
    with pytest.raises(DestinationError) as caught:
        settings.validate()
    assert "does not exist" in str(caught.value)
    assert str(tmp_path / "absent") in str(caught.value)


def test_pipelines_dir_file_is_rejected(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.write_text("not a folder")
    with pytest.raises(ConfigError, match="it is a file"):
        SyncSettings(pipelines_dir=state).validate()


def test_bad_ipv6_base_url_is_config_error() -> None:
    with pytest.raises(ConfigError, match="Invalid base URL"):
        validate_base_url("http://[::1")


def test_unreadable_duckdb_file_is_destination_error(tmp_path: Path) -> None:
    path = tmp_path / "not-duckdb.duckdb"
    path.write_text("this is not a DuckDB database\n" * 100)
    with ReferenceApi(size=20, api_key="tt-destination-key") as api:
        settings = SyncSettings(
            base_url=api.url,
            api_key="tt-destination-key",
            duckdb_path=path,
            pipelines_dir=tmp_path / "pipelines",
        )
        with pytest.raises(DestinationError) as caught:
            run_sync(settings)
    assert caught.value.exit_code == 4
