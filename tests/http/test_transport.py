"""Retries over real HTTP: statuses, waits, attempt counts and error messages."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import API_KEY, FIXED_END, SleepRecorder
from timetrack.errors import ApiAuthError, ApiConnectionError, ApiStatusError
from timetrack.http import TransportStats, build_session
from timetrack.reference_api import Fault, FaultPlan, ReferenceApi


def _get(server: ReferenceApi, sleep: SleepRecorder, **params: str) -> int:
    stats = TransportStats()
    session = build_session(sleep=sleep, stats=stats, timeout=5)
    query = {"api_key": API_KEY, "offset": "0", "limit": "10", **params}
    response = session.get(f"{server.url}/v1/time_entries", params=query)
    return response.status_code


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retryable_status_recovers(status: int, sleep: SleepRecorder) -> None:
    faults = FaultPlan.script([Fault.status(status), Fault.status(status)])
    with ReferenceApi(size=20, end=FIXED_END, api_key=API_KEY, faults=faults) as server:
        assert _get(server, sleep) == 200
        assert len(server.requests) == 3
    assert sleep.waits == [2.0, 4.0]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_fourth_failure_gives_up(status: int, sleep: SleepRecorder) -> None:
    faults = FaultPlan.script([Fault.status(status)] * 5)
    with ReferenceApi(size=20, end=FIXED_END, api_key=API_KEY, faults=faults) as server:
        with pytest.raises(ApiStatusError) as caught:
            _get(server, sleep)
        assert len(server.requests) == 4
    assert sleep.waits == [2.0, 4.0, 8.0]
    assert caught.value.status == status
    assert caught.value.attempts == 4
    assert f"HTTP {status}" in str(caught.value)
    assert "offset 0" in str(caught.value)
    assert "after 4 attempts" in str(caught.value)
    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize("status", [400, 404, 409, 422, 501])
def test_other_status_fails_at_once(status: int, sleep: SleepRecorder) -> None:
    faults = FaultPlan.script([Fault.status(status)])
    with ReferenceApi(size=20, end=FIXED_END, api_key=API_KEY, faults=faults) as server:
        with pytest.raises(ApiStatusError) as caught:
            _get(server, sleep)
        assert len(server.requests) == 1
    assert sleep.waits == []
    assert caught.value.attempts == 1
    assert API_KEY not in str(caught.value)


def test_bad_offset_is_not_retried(api: ReferenceApi, sleep: SleepRecorder) -> None:
    with pytest.raises(ApiStatusError) as caught:
        _get(api, sleep, offset="-1")
    assert caught.value.status == 400
    assert len(api.requests) == 1


def test_wrong_key_names_the_fix(api: ReferenceApi, sleep: SleepRecorder) -> None:
    session = build_session(sleep=sleep)
    url = f"{api.url}/v1/time_entries"
    with pytest.raises(ApiAuthError) as caught:
        session.get(url, params={"api_key": "wrong-key-123", "offset": "0"})
    message = str(caught.value)
    assert "API key was rejected" in message
    assert "API_KEY" in message
    assert "wrong-key-123" not in message
    assert sleep.waits == []


def test_retry_after_is_honoured(sleep: SleepRecorder) -> None:
    faults = FaultPlan.script([Fault.status(429, retry_after="5")])
    with ReferenceApi(size=20, end=FIXED_END, api_key=API_KEY, faults=faults) as server:
        assert _get(server, sleep) == 200
    assert sleep.waits == [5.0]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connection_refused_is_retried(sleep: SleepRecorder) -> None:
    stats = TransportStats()
    session = build_session(sleep=sleep, stats=stats, timeout=2)
    url = f"http://127.0.0.1:{_closed_port()}/v1/time_entries"
    with pytest.raises(ApiConnectionError) as caught:
        session.get(url, params={"api_key": API_KEY, "offset": "0"})
    assert stats.requests == 4
    assert sleep.waits == [2.0, 4.0, 8.0]
    assert "connection was refused" in str(caught.value)
    assert API_KEY not in str(caught.value)


def test_timeout_is_retried(sleep: SleepRecorder) -> None:
    faults = FaultPlan.script([Fault.slow(1.5)])
    with ReferenceApi(size=20, end=FIXED_END, api_key=API_KEY, faults=faults) as server:
        stats = TransportStats()
        session = build_session(sleep=sleep, stats=stats, timeout=0.5)
        url = f"{server.url}/v1/time_entries"
        response = session.get(url, params={"api_key": API_KEY, "offset": "0"})
    assert response.status_code == 200
    assert stats.retries == 1
    assert sleep.waits == [2.0]


def test_closed_session_stops_retrying() -> None:
    # A sync closes its session when it stops on Ctrl-C or a failure. A worker
    # thread still in the retry loop then gives up instead of retrying.
    faults = FaultPlan.script([Fault.status(503)] * 4)
    with ReferenceApi(size=20, end=FIXED_END, api_key=API_KEY, faults=faults) as server:
        stats = TransportStats()
        waits: list[float] = []

        def close_while_waiting(seconds: float) -> None:
            waits.append(seconds)
            session.close()

        session = build_session(sleep=close_while_waiting, stats=stats, timeout=5)
        url = f"{server.url}/v1/time_entries"
        with pytest.raises(ApiConnectionError) as caught:
            session.get(url, params={"api_key": API_KEY, "offset": "0"})
        assert len(server.requests) == 1
    assert waits == [2.0]
    assert stats.requests == 1
    assert "session was closed" in str(caught.value)
    assert "offset 0" in str(caught.value)
    assert API_KEY not in str(caught.value)
