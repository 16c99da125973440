"""Arrow conversion of pages: declared types, fallbacks and batching."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import psycopg2
import pyarrow as pa
import pytest

from tests.conftest import API_KEY
from tests.helpers import column_types, read_rows
from timetrack.reference_api import EntryStore, ReferenceApi, generate_entries
from timetrack.source import TIME_ENTRY_COLUMNS
from timetrack.source.arrow import ArrowPages
from timetrack.source.batches import iter_batches
from timetrack.source.normalize import normalize_time_entry
from timetrack.source.schema import time_entry_columns
from timetrack.sync import SyncSettings, run_sync


def _entry(entry_id: Any, **changes: Any) -> dict[str, Any]:
    entry = {
        "id": entry_id,
        "user_id": 7,
        "project_id": None,
        "description": f"entry {entry_id}",
        "tags": ["a", "b"],
        "billable": True,
        "start_time": "2026-11-30T09:00:00+05:30",
        "end_time": "2026-11-30T10:00:00+05:30",
        "duration": 3600,
        "created_at": "2026-11-30T00:00:00Z",
        "updated_at": "2026-11-30T00:00:00Z",
    }
    entry.update(changes)
    return entry


def test_arrow_page_has_declared_types() -> None:
    table = ArrowPages(TIME_ENTRY_COLUMNS)([_entry(1), _entry(2)])
    assert isinstance(table, pa.Table)
    assert table.schema.field("id").type == pa.string()
    assert table.schema.field("user_id").type == pa.string()
    assert table.schema.field("duration").type == pa.int64()
    assert table.schema.field("start_time").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("billable").type == pa.bool_()


def test_arrow_page_keeps_instant_of_offset() -> None:
    table = ArrowPages(TIME_ENTRY_COLUMNS)([_entry(1)])
    start = table.column("start_time")[0].as_py()
    assert start == datetime(2026, 11, 30, 3, 30, tzinfo=UTC)


def test_arrow_page_ids_become_text() -> None:
    table = ArrowPages(TIME_ENTRY_COLUMNS)([_entry(41), _entry(42)])
    assert table.column("id").to_pylist() == ["41", "42"]


@pytest.mark.parametrize(
    ("label", "changes"),
    [
        ("unknown field", {"color": "red"}),
        ("float duration", {"duration": 1.5}),
        ("bad timestamp", {"start_time": "yesterday"}),
        ("dict description", {"description": {"text": "x"}}),
    ],
)
def test_arrow_page_falls_back_to_dicts(label: str, changes: dict[str, Any]) -> None:
    page = [_entry(1), _entry(2, **changes)]
    step = ArrowPages(TIME_ENTRY_COLUMNS)
    assert step(page) is page, label
    assert step.pages_kept == 1


def test_arrow_page_nested_tags_become_json_text() -> None:
    table = ArrowPages(TIME_ENTRY_COLUMNS)([_entry(1, tags=[{"name": "x"}])])
    assert table.column("tags").to_pylist() == ['[{"name":"x"}]']


def test_batches_join_pages_in_order() -> None:
    pages = [[{"n": 1}, {"n": 2}], [{"n": 3}], [{"n": 4}, {"n": 5}]]
    batches = list(iter_batches(pages, max_rows=3))
    assert batches == [[{"n": 1}, {"n": 2}, {"n": 3}], [{"n": 4}, {"n": 5}]]


def test_batches_pass_other_items_through() -> None:
    marker = object()
    batches = list(iter_batches([[{"n": 1}], marker, [{"n": 2}]], max_rows=10))
    assert batches == [[{"n": 1}], marker, [{"n": 2}]]


def test_sync_loads_fallback_page_with_arrow_pages(tmp_path: Path) -> None:
    entries = [_entry(i) for i in range(1, 6)]
    entries.append(_entry(6, duration=7.0))
    with ReferenceApi(EntryStore(entries), api_key=API_KEY) as server:
        settings = SyncSettings(
            base_url=server.url,
            api_key=API_KEY,
            duckdb_path=tmp_path / "mixed.duckdb",
            pipelines_dir=tmp_path / "pipelines",
            limit=2,
        )
        summary = run_sync(settings)
    loaded = read_rows(settings.resolved_duckdb_path())
    assert summary.rows_loaded["time_entries"] == 6
    assert loaded["6"]["duration"] == 7
    assert loaded["1"]["tags"] == '["a","b"]'
    assert column_types(settings.resolved_duckdb_path())["tags"] == ("JSON", "YES")


def test_postgres_sync_loads_arrow_batches(api: ReferenceApi, tmp_path: Path) -> None:
    dsn = "postgresql://postgres:unused@127.0.0.1:5432/test"
    dataset = f"arrow_{uuid.uuid4().hex[:12]}"
    settings = SyncSettings(
        base_url=api.url,
        api_key=API_KEY,
        destination="postgres",
        credentials=dsn,
        dataset_name=dataset,
        pipelines_dir=tmp_path / "pipelines",
    )
    try:
        summary = run_sync(settings)
        with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
            cursor.execute(
                "select count(*), count(_dlt_id), count(tags)"
                f" from {dataset}.time_entries"
            )
            counts = cursor.fetchone()
            cursor.execute(
                "select data_type from information_schema.columns"
                " where table_schema = %s and table_name = 'time_entries'"
                " and column_name = 'tags'",
                (dataset,),
            )
            tags_type = cursor.fetchone()
    finally:
        with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
            cursor.execute(f"drop schema if exists {dataset} cascade")
            cursor.execute(f"drop schema if exists {dataset}_staging cascade")
    assert summary.rows_loaded["time_entries"] == 250
    assert counts == (250, 250, 250)
    assert tags_type == ("jsonb",)


def test_normalized_entries_become_arrow() -> None:
    # The profile mapping step turns timestamps into datetimes before this step.
    records = [normalize_time_entry(entry) for entry in generate_entries(300, seed=3)]
    pages = ArrowPages(time_entry_columns(hard_delete=True))
    table = pages(records)
    assert isinstance(table, pa.Table)
    assert table.num_rows == 300
    assert pages.pages_kept == 0


def test_arrow_rows_get_dlt_columns(api: ReferenceApi, tmp_path: Path) -> None:
    settings = SyncSettings(
        base_url=api.url,
        api_key=API_KEY,
        duckdb_path=tmp_path / "ids.duckdb",
        pipelines_dir=tmp_path / "pipelines",
    )
    summary = run_sync(settings)
    with duckdb.connect(str(settings.resolved_duckdb_path()), read_only=True) as db:
        counts = db.sql(
            "select count(*), count(distinct _dlt_id), count(_dlt_load_id),"
            " min(length(_dlt_id)) from time_tracking.time_entries"
        ).fetchall()[0]
    rows = summary.rows_loaded["time_entries"]
    # Every row has its own id, in dlt's format, and the load's id.
    total, distinct_ids, load_ids, id_length = counts
    assert total == rows
    assert distinct_ids == rows
    assert load_ids == rows
    assert id_length == 14
