"""Read-ahead of offset pages over real HTTP: order, bounds, errors and 429s."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests

from tests.conftest import API_KEY, FIXED_END, SleepRecorder
from timetrack.errors import ApiStatusError
from timetrack.http import TransportStats, build_session
from timetrack.http.readahead import FastJsonResponse
from timetrack.http.window import ReadAheadWindow
from timetrack.reference_api import Fault, FaultPlan, ReferenceApi
from timetrack.reference_api.faults import Exchange


def _read_all(session: requests.Session, url: str, limit: int = 10) -> list[int]:
    """Page through like dlt's offset paginator and return the offsets read."""
    offsets = []
    offset = 0
    while True:
        response = session.get(
            f"{url}/v1/time_entries",
            params={"api_key": API_KEY, "offset": offset, "limit": limit},
        )
        body = response.json()
        offsets.append(offset)
        offset += limit
        if not body["data"] or offset >= body["total"]:
            return offsets


@pytest.fixture
def server() -> Iterator[ReferenceApi]:
    """A reference API with 95 entries: ten pages of 10, the last one short."""
    with ReferenceApi(size=95, end=FIXED_END, api_key=API_KEY) as api:
        yield api


def test_readahead_serves_pages_in_order(
    server: ReferenceApi, sleep: SleepRecorder
) -> None:
    session = build_session(sleep=sleep, concurrency=4)
    offsets = _read_all(session, server.url)
    session.close()
    assert offsets == list(range(0, 100, 10))


def test_readahead_requests_each_page_once(
    server: ReferenceApi, sleep: SleepRecorder
) -> None:
    stats = TransportStats()
    session = build_session(sleep=sleep, stats=stats, concurrency=4)
    _read_all(session, server.url)
    session.close()
    requested = sorted(int(request.params["offset"]) for request in server.requests)
    assert requested == list(range(0, 100, 10))
    assert stats.responses_ok == 10


def test_readahead_never_passes_total(
    server: ReferenceApi, sleep: SleepRecorder
) -> None:
    session = build_session(sleep=sleep, concurrency=8)
    _read_all(session, server.url, limit=50)
    session.close()
    offsets = {int(request.params["offset"]) for request in server.requests}
    assert offsets == {0, 50}


def test_readahead_pages_match_sequential(
    server: ReferenceApi, sleep: SleepRecorder
) -> None:
    pages = []
    for concurrency in (1, 4):
        session = build_session(sleep=sleep, concurrency=concurrency)
        url = f"{server.url}/v1/time_entries"
        bodies = [
            session.get(
                url, params={"api_key": API_KEY, "offset": offset, "limit": 10}
            ).json()
            for offset in range(0, 100, 10)
        ]
        session.close()
        pages.append(bodies)
    assert pages[0] == pages[1]


def test_readahead_retries_each_prefetch(sleep: SleepRecorder) -> None:
    faults = FaultPlan.for_offsets({30: [Fault.status(503), Fault.status(502)]})
    with ReferenceApi(size=95, end=FIXED_END, api_key=API_KEY, faults=faults) as api:
        stats = TransportStats()
        session = build_session(sleep=sleep, stats=stats, concurrency=4)
        offsets = _read_all(session, api.url)
        session.close()
    assert offsets == list(range(0, 100, 10))
    assert stats.retries == 2
    assert sorted(sleep.waits) == [2.0, 4.0]


def test_readahead_raises_failed_page_in_order(sleep: SleepRecorder) -> None:
    faults = FaultPlan.for_offsets({40: [Fault.status(500)] * 4})
    with ReferenceApi(size=95, end=FIXED_END, api_key=API_KEY, faults=faults) as api:
        session = build_session(sleep=sleep, concurrency=4)
        url = f"{api.url}/v1/time_entries"
        read = []
        with pytest.raises(ApiStatusError) as caught:
            for offset in range(0, 100, 10):
                session.get(
                    url, params={"api_key": API_KEY, "offset": offset, "limit": 10}
                )
                read.append(offset)
        session.close()
    assert read == [0, 10, 20, 30]
    assert caught.value.status == 500
    assert caught.value.attempts == 4
    assert "offset 40" in str(caught.value)


class CountingSlowFault(Fault):
    """A fault that delays the normal reply and records the peak of overlaps."""

    kind = "counting-slow"

    def __init__(self, tracker: dict[str, int], lock: threading.Lock) -> None:
        self.tracker = tracker
        self.lock = lock

    def apply(self, exchange: Exchange) -> None:
        with self.lock:
            self.tracker["in_flight"] += 1
            self.tracker["peak"] = max(self.tracker["peak"], self.tracker["in_flight"])
        threading.Event().wait(0.03)
        with self.lock:
            self.tracker["in_flight"] -= 1


def test_readahead_stays_within_concurrency(sleep: SleepRecorder) -> None:
    tracker = {"in_flight": 0, "peak": 0}
    fault = CountingSlowFault(tracker, threading.Lock())
    faults = FaultPlan.for_offsets({offset: [fault] for offset in range(0, 400, 10)})
    with ReferenceApi(size=400, end=FIXED_END, api_key=API_KEY, faults=faults) as api:
        session = build_session(sleep=sleep, concurrency=3)
        _read_all(session, api.url)
        session.close()
    assert tracker["peak"] <= 3
    assert tracker["peak"] >= 2


def test_readahead_lowers_concurrency_on_429(sleep: SleepRecorder) -> None:
    faults = FaultPlan.for_offsets({20: [Fault.status(429, retry_after="3")]})
    with ReferenceApi(size=95, end=FIXED_END, api_key=API_KEY, faults=faults) as api:
        session = build_session(sleep=sleep, concurrency=8)
        adapter = session.get_adapter(api.url)
        offsets = _read_all(session, api.url)
        limit = adapter.gate.limit  # type: ignore[attr-defined]
        session.close()
    assert offsets == list(range(0, 100, 10))
    assert limit < 8
    assert 3.0 in sleep.waits


def test_readahead_leaves_other_requests_alone(
    server: ReferenceApi, sleep: SleepRecorder
) -> None:
    session = build_session(sleep=sleep, concurrency=4)
    session.get(f"{server.url}/v1/time_entries", params={"api_key": API_KEY})
    session.close()
    assert len(server.requests) == 1


def test_fast_json_response_decodes_once(
    server: ReferenceApi, sleep: SleepRecorder
) -> None:
    session = build_session(sleep=sleep)
    response = session.get(
        f"{server.url}/v1/time_entries",
        params={"api_key": API_KEY, "offset": 0, "limit": 5},
    )
    session.close()
    assert isinstance(response, FastJsonResponse)
    assert response.json() is response.json()
    assert response.json()["total"] == 95


def test_readahead_window_zero_fetches_in_order(
    server: ReferenceApi, sleep: SleepRecorder
) -> None:
    session = build_session(sleep=sleep, concurrency=4)
    adapter = session.get_adapter(server.url)
    # A closed window whose clocks report a busy process: two CPU seconds
    # pass for each wall second.
    ticks = iter(range(1, 10**6))
    window = ReadAheadWindow(
        8,
        sample_pages=1,
        clock=lambda: float(next(ticks)),
        cpu_clock=lambda: 2.0 * next(ticks),
    )
    window.pages = 0
    adapter.window = window  # type: ignore[attr-defined]
    offsets = _read_all(session, server.url)
    requested = [int(request.params["offset"]) for request in server.requests]
    session.close()
    assert offsets == list(range(0, 100, 10))
    # After the first page the window is closed: each page is fetched when
    # asked for, in order, and none twice.
    assert requested == offsets
