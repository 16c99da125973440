"""Shared fixtures: an isolated folder, the reference API, destinations, settings."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers import LoadTarget, drop_postgres_schemas
from timetrack.reference_api import ReferenceApi
from timetrack.sync import SyncSettings

API_KEY = "tt-test-key-5f2c9a7e1b"
FIXED_END = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)

_KEY_VARIABLES = (
    "API_KEY",
    "SOURCES__TIMETRACK__API_KEY",
    "BASE_URL",
    "SOURCES__TIMETRACK__BASE_URL",
    "DESTINATION__POSTGRES__CREDENTIALS",
    "DESTINATION__FILESYSTEM__BUCKET_URL",
)


@pytest.fixture(autouse=True)
def isolated_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run each test in its own folder with no key or dlt state from outside."""
    monkeypatch.chdir(tmp_path)
    for name in _KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt-data"))
    return tmp_path


class SleepRecorder:
    """A stand-in for `time.sleep` that records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleep() -> SleepRecorder:
    """Record waits instead of sleeping."""
    return SleepRecorder()


@pytest.fixture
def api() -> Iterator[ReferenceApi]:
    """A reference API with 250 seeded entries, on loopback, for one test."""
    with ReferenceApi(size=250, seed=7, end=FIXED_END, api_key=API_KEY) as server:
        yield server


@pytest.fixture
def settings(api: ReferenceApi, tmp_path: Path) -> SyncSettings:
    """Sync settings aimed at `api` and a DuckDB file in the test's folder."""
    return SyncSettings(
        base_url=api.url,
        api_key=API_KEY,
        duckdb_path=tmp_path / "sync.duckdb",
        pipelines_dir=tmp_path / "pipelines",
    )


def unique_dataset(prefix: str = "tt") -> str:
    """Return a schema name no other test run uses."""
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


@pytest.fixture(params=["duckdb", "postgres"])
def destination(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LoadTarget]:
    """Each destination in turn, with a dataset of its own that is dropped after."""
    target = LoadTarget(name=request.param, dataset=unique_dataset(), folder=tmp_path)
    yield target
    if target.name == "postgres":
        drop_postgres_schemas(target.dataset, f"{target.dataset}_staging")
