"""A small hand-made data set, synced into DuckDB and PostgreSQL, for the report tests.

Hours per day, by hand, in Europe/Berlin (UTC+1 in November) with the clock at
2026-11-30T15:00Z, period 2026-11-29 to 2026-11-30:

    id  start (as the API sends it)   end                         Berlin days
    1   2026-11-29T22:00:00+01:00     2026-11-30T02:00:00+01:00   29th 2 h, 30th 2 h
    2   2026-11-29T23:30:00Z          2026-11-30T00:30:00Z        30th 1 h
    3   2026-11-29T18:30:00-05:00     2026-11-29T19:00:00-05:00   30th 0.5 h
    4   2026-11-30T03:00:00+05:30     2026-11-30T04:00:00+05:30   29th 1 h
    5   2026-11-30T14:00:00Z          running                     30th 1 h (to now)
    6   2026-11-28T10:00:00Z          2026-11-28T11:00:00Z        28th 1 h
    7   2026-11-28T22:30:00Z          2026-11-28T23:30:00Z        28th 0.5 h, 29th 0.5 h
    8   2026-11-30T10:00:00Z          2026-11-30T10:00:00Z        30th 0 h

So the 29th has 3.5 h (entries 1, 4, 7) and the 30th 4.5 h (1, 2, 3, 5, 8).

The API serves names for projects 10 and 11 and users 1 and 2 only, so project
12 and user 3 have no row in the related tables and show their ids alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import API_KEY, unique_dataset
from tests.helpers import POSTGRES_DSN, drop_postgres_schemas
from timetrack.reference_api import EntryStore, ReferenceApi
from timetrack.report import EntryReader, open_entry_reader
from timetrack.sync import SyncSettings, run_sync

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)

# (id, user, project, start, end)
ENTRIES: list[tuple[int, str, str | None, str, str | None]] = [
    (1, "1", "10", "2026-11-29T22:00:00+01:00", "2026-11-30T02:00:00+01:00"),
    (2, "2", "10", "2026-11-29T23:30:00Z", "2026-11-30T00:30:00Z"),
    (3, "2", "11", "2026-11-29T18:30:00-05:00", "2026-11-29T19:00:00-05:00"),
    (4, "1", "11", "2026-11-30T03:00:00+05:30", "2026-11-30T04:00:00+05:30"),
    (5, "3", None, "2026-11-30T14:00:00Z", None),
    (6, "1", "12", "2026-11-28T10:00:00Z", "2026-11-28T11:00:00Z"),
    (7, "3", "12", "2026-11-28T22:30:00Z", "2026-11-28T23:30:00Z"),
    (8, "1", None, "2026-11-30T10:00:00Z", "2026-11-30T10:00:00Z"),
]

# The brackets check that the table does not read a name as Rich markup.
PROJECTS = [
    {"id": 10, "name": "Website redesign"},
    {"id": 11, "name": "Mobile app [beta]"},
]
USERS = [
    {"id": 1, "name": "Ada Lovelace"},
    {"id": 2, "name": "Grace Hopper"},
]


def _record(
    entry_id: int, user: str, project: str | None, start: str, end: str | None
) -> dict[str, Any]:
    duration = None
    if end is not None:
        elapsed = datetime.fromisoformat(end) - datetime.fromisoformat(start)
        duration = int(elapsed.total_seconds())
    return {
        "id": entry_id,
        "user_id": user,
        "project_id": project,
        "description": f"entry {entry_id}",
        "tags": [],
        "billable": True,
        "start_time": start,
        "end_time": end,
        "duration": duration,
        "created_at": "2026-11-30T00:00:00Z",
        "updated_at": "2026-11-30T00:00:00Z",
    }


def _replace_records(store: EntryStore, records: list[dict[str, Any]]) -> None:
    for record in store.all():
        store.delete(record["id"], report=False)
    for record in records:
        store.add(record)


@dataclass(frozen=True)
class SyncedData:
    """Where the hand-made data set was synced: destination, dataset and file."""

    destination: str
    dataset: str
    duckdb_path: Path | None = None

    def settings(self) -> SyncSettings:
        """Return the settings that address this copy, as a report reads it."""
        return SyncSettings(
            destination=self.destination,
            duckdb_path=self.duckdb_path,
            credentials=POSTGRES_DSN if self.destination == "postgres" else None,
            dataset_name=self.dataset,
        )

    def reader(self) -> EntryReader:
        """Return the reader of this copy."""
        return open_entry_reader(self.settings())

    def options(self) -> list[str]:
        """Return the `timetrack report` options that address this copy."""
        if self.destination == "postgres":
            return [
                "--destination",
                "postgres",
                "--credentials",
                POSTGRES_DSN,
                "--dataset",
                self.dataset,
            ]
        assert self.duckdb_path is not None
        return ["--duckdb-path", str(self.duckdb_path), "--dataset", self.dataset]


def _sync(target: SyncedData, folder: Path, related: tuple[str, ...] | None) -> None:
    """Sync the hand-made data set through the reference API into `target`."""
    store = EntryStore([_record(*entry) for entry in ENTRIES])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
        patch.setenv("DLT_DATA_DIR", str(folder / "dlt-data"))
        with ReferenceApi(store, api_key=API_KEY) as server:
            _replace_records(server.projects, PROJECTS)
            _replace_records(server.users, USERS)
            settings = SyncSettings(
                base_url=server.url,
                api_key=API_KEY,
                destination=target.destination,
                duckdb_path=target.duckdb_path,
                credentials=target.settings().credentials,
                dataset_name=target.dataset,
                pipelines_dir=folder / "pipelines",
                related=related,
            )
            run_sync(settings)


def _synced_duckdb(
    factory: pytest.TempPathFactory, related: tuple[str, ...] | None
) -> SyncedData:
    folder = factory.mktemp("report")
    target = SyncedData("duckdb", "time_tracking", folder / "timetrack.duckdb")
    _sync(target, folder, related)
    return target


def _synced_postgres(
    factory: pytest.TempPathFactory, related: tuple[str, ...] | None
) -> Iterator[SyncedData]:
    target = SyncedData("postgres", unique_dataset("report"))
    try:
        _sync(target, factory.mktemp("report"), related)
        yield target
    finally:
        drop_postgres_schemas(target.dataset, f"{target.dataset}_staging")


@pytest.fixture(scope="session")
def synced_duckdb_data(tmp_path_factory: pytest.TempPathFactory) -> SyncedData:
    """The data set and its projects and users, synced into a DuckDB file."""
    return _synced_duckdb(tmp_path_factory, related=None)


@pytest.fixture(scope="session")
def synced_duckdb(synced_duckdb_data: SyncedData) -> Path:
    """The DuckDB file of `synced_duckdb_data`."""
    assert synced_duckdb_data.duckdb_path is not None
    return synced_duckdb_data.duckdb_path


@pytest.fixture(scope="session")
def synced_postgres(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SyncedData]:
    """The data set and its projects and users, synced into a PostgreSQL schema."""
    yield from _synced_postgres(tmp_path_factory, related=None)


@pytest.fixture(scope="session", params=["duckdb", "postgres"])
def synced(request: pytest.FixtureRequest) -> SyncedData:
    """The data set with projects and users in each destination in turn."""
    name = "synced_duckdb_data" if request.param == "duckdb" else "synced_postgres"
    data: SyncedData = request.getfixturevalue(name)
    return data


@pytest.fixture(scope="session", params=["duckdb", "postgres"])
def synced_without_related(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SyncedData]:
    """The data set synced with `--related none`: no projects or users tables."""
    if request.param == "duckdb":
        yield _synced_duckdb(tmp_path_factory, related=())
    else:
        yield from _synced_postgres(tmp_path_factory, related=())
