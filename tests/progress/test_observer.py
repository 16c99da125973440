"""The sync observer: phases, pages with totals and retries from a real sync."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from tests.conftest import API_KEY, FIXED_END, SleepRecorder
from timetrack.progress import Page, read_page
from timetrack.reference_api import Fault, FaultPlan, ReferenceApi
from timetrack.sync import SyncSettings, run_sync


class RecordingObserver:
    """An observer that keeps every event it receives."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.phases: list[str] = []
        self.pages: list[Page] = []
        self.retries: list[tuple[int, str, float]] = []

    def on_phase(self, name: str) -> None:
        with self.lock:
            self.phases.append(name)

    def on_page(self, page: Page) -> None:
        with self.lock:
            self.pages.append(page)

    def on_retry(self, attempt: int, reason: str, wait: float) -> None:
        with self.lock:
            self.retries.append((attempt, reason, wait))


def test_observer_receives_pages_with_totals(settings: SyncSettings) -> None:
    observer = RecordingObserver()
    run_sync(replace(settings, related=()), observer=observer)
    # Pages overlap by one entry, so each starts at the last entry of the one before.
    # Pages fetched ahead arrive in any order.
    pages = sorted(observer.pages, key=lambda page: page.offset or 0)
    assert [page.offset for page in pages] == [0, 99, 198]
    assert [page.rows for page in pages] == [100, 100, 52]
    assert {page.total for page in observer.pages} == {250}
    assert {page.path for page in observer.pages} == {"/v1/time_entries"}


def test_observer_receives_phases_in_order(settings: SyncSettings) -> None:
    observer = RecordingObserver()
    run_sync(settings, observer=observer)
    assert observer.phases == ["extract", "normalize", "load"]


def test_observer_receives_retries(sleep: SleepRecorder, tmp_path: Path) -> None:
    faults = FaultPlan.for_offsets({99: [Fault.status(503)]})
    observer = RecordingObserver()
    with ReferenceApi(
        size=150, end=FIXED_END, api_key=API_KEY, faults=faults
    ) as server:
        settings = SyncSettings(
            base_url=server.url,
            api_key=API_KEY,
            duckdb_path=tmp_path / "retry.duckdb",
            pipelines_dir=tmp_path / "pipelines",
            related=(),
        )
        run_sync(settings, sleep=sleep, observer=observer)
    assert observer.retries == [(1, "HTTP 503", 2.0)]
    assert [page.rows for page in observer.pages] == [100, 51]


def test_read_page_bare_list() -> None:
    page = read_page("http://127.0.0.1/v1/users?offset=5", b"[1, 2, 3]")
    assert page == Page(path="/v1/users", offset=5, rows=3, total=None)


def test_read_page_not_json() -> None:
    assert read_page("http://127.0.0.1/v1/time_entries", b"<html>") is None


def test_read_page_object_without_list() -> None:
    assert read_page("http://127.0.0.1/v1/time_entries", b'{"total": 3}') is None
