"""Projects, users, clients and tags loaded next to the time entries."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dlt
import duckdb
import pytest

from tests.conftest import API_KEY
from timetrack.errors import ConfigError
from timetrack.http import TransportStats
from timetrack.reference_api import ReferenceApi
from timetrack.source import time_tracking_source
from timetrack.sync import SyncSettings, run_sync


def _query(settings: SyncSettings, sql: str) -> list[tuple[object, ...]]:
    path = str(settings.resolved_duckdb_path())
    with duckdb.connect(path, read_only=True) as connection:
        return connection.sql(sql).fetchall()


def test_related_tables_loaded(api: ReferenceApi, settings: SyncSettings) -> None:
    summary = run_sync(settings)
    assert summary.rows_loaded["projects"] == api.projects.total()
    assert summary.rows_loaded["users"] == api.users.total()
    assert summary.rows_loaded["clients"] == api.clients.total()
    assert summary.rows_loaded["tags"] == api.tags.total()


def test_entries_join_projects_and_users(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    run_sync(settings)
    unmatched = _query(
        settings,
        "select count(*) from time_tracking.time_entries e"
        " left join time_tracking.projects p on p.id = e.project_id"
        " left join time_tracking.users u on u.id = e.user_id"
        " where (e.project_id is not null and p.id is null) or u.id is null",
    )
    assert unmatched == [(0,)]


def test_project_renamed_between_runs(
    api: ReferenceApi, settings: SyncSettings
) -> None:
    run_sync(settings)
    project = api.projects.all()[0]
    api.projects.update(project["id"], name="Renamed Project")
    run_sync(settings)
    names = _query(
        settings,
        f"select name from time_tracking.projects where id = '{project['id']}'",
    )
    assert names == [("Renamed Project",)]
    assert _query(settings, "select count(*) from time_tracking.projects") == [
        (api.projects.total(),)
    ]


def test_related_subset_and_path(api: ReferenceApi, settings: SyncSettings) -> None:
    summary = run_sync(
        replace(settings, related=("users",), related_paths={"users": "/v1/users"})
    )
    assert set(summary.rows_loaded) == {"time_entries", "users"}


def test_unknown_related_rejected(settings: SyncSettings) -> None:
    with pytest.raises(ConfigError) as caught:
        run_sync(replace(settings, related=("invoices",)))
    assert "invoices" in str(caught.value)


def test_related_fetched_after_first_answer(api: ReferenceApi, tmp_path: Path) -> None:
    stats = TransportStats()
    threads: dict[str, set[str]] = {}

    def remember_thread(request: Any, response: Any) -> None:
        path = urlsplit(request.url).path
        threads.setdefault(path, set()).add(threading.current_thread().name)

    stats.on_response = remember_thread
    source = time_tracking_source(
        api.url,
        API_KEY,
        stats=stats,
        related_paths={"projects": "/v1/projects", "tags": "/v1/tags"},
    )
    pipeline = dlt.pipeline(
        pipeline_name="related_threads",
        pipelines_dir=str(tmp_path / "pipelines"),
        destination=dlt.destinations.duckdb(str(tmp_path / "related.duckdb")),
        dataset_name="time_tracking",
    )
    pipeline.run(source)
    first = api.requests[0]
    assert first.path == "/v1/time_entries"
    assert threads["/v1/projects"] != {"MainThread"}
    assert threads["/v1/tags"] != {"MainThread"}
    assert threads["/v1/time_entries"] >= {"MainThread"}
