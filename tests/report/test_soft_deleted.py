"""Reports leave out entries that a soft-deleting sync keeps as deleted rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from tests.conftest import API_KEY, unique_dataset
from tests.helpers import drop_postgres_schemas
from tests.report.conftest import ENTRIES, NOW, SyncedData, _record
from timetrack.reference_api import EntryStore, ReferenceApi
from timetrack.report import Grouping, generate_report
from timetrack.sync import SyncSettings, run_sync


@pytest.fixture(params=["duckdb", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SyncedData]:
    if request.param == "duckdb":
        yield SyncedData("duckdb", "time_tracking", tmp_path / "soft.duckdb")
        return
    data = SyncedData("postgres", unique_dataset("soft"))
    try:
        yield data
    finally:
        drop_postgres_schemas(data.dataset, f"{data.dataset}_staging")


def _day_hours(data: SyncedData) -> dict[str, float]:
    report = generate_report(
        data.reader(),
        since=date(2026, 11, 29),
        until=date(2026, 11, 30),
        zone=ZoneInfo("Europe/Berlin"),
        grouping=Grouping.DAY,
        now=NOW,
    )
    return {bucket.key: bucket.hours for bucket in report.buckets}


def test_soft_deleted_entry_not_counted(target: SyncedData, tmp_path: Path) -> None:
    store = EntryStore([_record(*entry) for entry in ENTRIES])
    with ReferenceApi(store, api_key=API_KEY) as server:
        settings = replace(
            target.settings(),
            base_url=server.url,
            api_key=API_KEY,
            pipelines_dir=tmp_path / "pipelines",
            deletions="soft",
            related=(),
        )
        run_sync(settings)
        before = _day_hours(target)
        # Entry 4 is one hour on the 29th in Berlin.
        store.delete(4)
        run_sync(settings)
    after = _day_hours(target)
    assert before["2026-11-29"] == pytest.approx(3.5)
    assert after["2026-11-29"] == pytest.approx(2.5)
    assert after["2026-11-30"] == pytest.approx(before["2026-11-30"])


def test_soft_deleted_row_still_stored(tmp_path: Path) -> None:
    target = SyncedData("duckdb", "time_tracking", tmp_path / "kept.duckdb")
    store = EntryStore([_record(*entry) for entry in ENTRIES])
    with ReferenceApi(store, api_key=API_KEY) as server:
        settings = SyncSettings(
            base_url=server.url,
            api_key=API_KEY,
            duckdb_path=target.duckdb_path,
            pipelines_dir=tmp_path / "pipelines",
            deletions="soft",
            related=(),
        )
        run_sync(settings)
        store.delete(4)
        run_sync(settings)
    assert target.duckdb_path is not None
    with duckdb.connect(str(target.duckdb_path), read_only=True) as connection:
        rows = connection.sql(
            "select deleted from time_tracking.time_entries where id = '4'"
        ).fetchall()
    assert rows == [(True,)]
