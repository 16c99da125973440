"""Tests for fault plans, alone and through the running server."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import ClassVar

import pytest
import requests

from timetrack.reference_api import (
    Exchange,
    Fault,
    FaultPlan,
    FiredFault,
    ReferenceApi,
)

from .helpers import API_KEY, get, get_entries


def test_plan_script_in_order() -> None:
    first, second = Fault.status(503), Fault.status(429, retry_after="2")
    plan = FaultPlan.script([first, second, None, Fault.slow(0)])
    handed_out = [plan.next_fault(0) for _ in range(6)]
    assert handed_out == [first, second, None, Fault.slow(0), None, None]
    assert plan.request_count == 6
    assert [fired.request_number for fired in plan.fired] == [1, 2, 4]


def test_plan_for_offsets_counts_per_offset() -> None:
    plan = FaultPlan.for_offsets({100: [Fault.status(500), Fault.status(500)]})
    handed_out = [plan.next_fault(offset) for offset in (0, 100, 200, 100, 100, None)]
    assert handed_out == [None, Fault.status(500), None, Fault.status(500), None, None]
    assert plan.fired == [
        FiredFault(2, 100, Fault.status(500)),
        FiredFault(4, 100, Fault.status(500)),
    ]


def test_plan_script_wins_over_offsets() -> None:
    plan = FaultPlan(
        scripted=[Fault.status(503)],
        by_offset={0: [Fault.status(500), Fault.status(502)]},
    )
    assert plan.next_fault(0) == Fault.status(503)
    # The first request also used up the offset's first fault.
    assert plan.next_fault(0) == Fault.status(502)
    assert plan.next_fault(0) is None


def test_plan_thread_safe() -> None:
    plan = FaultPlan.script([Fault.status(500)] * 300)

    def consult() -> None:
        for _ in range(100):
            plan.next_fault(0)

    threads = [threading.Thread(target=consult) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert plan.request_count == 400
    fired_numbers = sorted(fired.request_number for fired in plan.fired)
    assert fired_numbers == list(range(1, 301))


@pytest.mark.parametrize("code", [200, 302, 600])
def test_status_fault_rejects_non_error_codes(code: int) -> None:
    with pytest.raises(ValueError, match="400 to 599"):
        Fault.status(code)


def test_slow_fault_rejects_negative_seconds() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        Fault.slow(-1)


def test_scripted_faults_fire_in_order(api: ReferenceApi) -> None:
    api.faults = FaultPlan.script(
        [Fault.status(503), Fault.status(429, retry_after="2"), None]
    )
    responses = [get_entries(api, limit=5) for _ in range(4)]

    assert [r.status_code for r in responses] == [503, 429, 200, 200]
    assert responses[0].json() == {"error": "service unavailable"}
    assert "Retry-After" not in responses[0].headers
    assert responses[1].json() == {"error": "too many requests"}
    assert responses[1].headers["Retry-After"] == "2"
    assert len(responses[2].json()["data"]) == 5
    assert [request.fault for request in api.requests] == [
        Fault.status(503),
        Fault.status(429, retry_after="2"),
        None,
        None,
    ]


def test_faults_only_for_time_entries(api: ReferenceApi) -> None:
    api.faults = FaultPlan.script([Fault.status(500)])
    assert get(api, "/v1/users", api_key=API_KEY).status_code == 200
    assert get_entries(api).status_code == 500


def test_html_status_fault(api: ReferenceApi) -> None:
    api.faults = FaultPlan.script([Fault.status(502, html=True)])
    response = get_entries(api)
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<h1>502 Bad Gateway</h1>" in response.text


def test_status_fault_custom_message(api: ReferenceApi) -> None:
    api.faults = FaultPlan.script([Fault.status(500, message="database is down")])
    assert get_entries(api).json() == {"error": "database is down"}


def test_offset_faults_fire_per_offset(api: ReferenceApi) -> None:
    api.faults = FaultPlan.for_offsets({100: [Fault.status(500), Fault.status(500)]})
    statuses = [
        get_entries(api, offset=offset, limit=100).status_code
        for offset in (0, 100, 100, 200, 100)
    ]
    assert statuses == [200, 500, 500, 200, 200]
    assert [fired.request_number for fired in api.faults.fired] == [2, 3]


def test_reset_before_response(api: ReferenceApi) -> None:
    api.faults = FaultPlan.script([Fault.reset()])
    with pytest.raises(requests.ConnectionError):
        get_entries(api)
    assert get_entries(api).status_code == 200
    assert [request.status for request in api.requests] == [None, 200]


def test_reset_after_headers(api: ReferenceApi) -> None:
    api.faults = FaultPlan.script([Fault.reset(after_headers=True)])
    with pytest.raises(requests.exceptions.RequestException):
        get_entries(api).json()
    assert get_entries(api).status_code == 200


def test_slow_fault_delays_reply(api: ReferenceApi) -> None:
    api.faults = FaultPlan.script([Fault.slow(0.3)])
    started = time.perf_counter()
    response = get_entries(api, limit=3)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert elapsed >= 0.3
    api.faults = FaultPlan.script([Fault.slow(1.0)])
    with pytest.raises(requests.Timeout):
        requests.get(
            api.url + "/v1/time_entries", params={"api_key": API_KEY}, timeout=0.2
        )


@dataclass(frozen=True)
class _TruncatedBodyFault(Fault):
    """Sends the normal headers and half the body, then closes cleanly."""

    kind: ClassVar[str] = "truncated"

    def apply(self, exchange: Exchange) -> None:
        reply = exchange.normal_reply()
        exchange.send_head(reply)
        exchange.write(reply.body[: len(reply.body) // 2])
        exchange.reset()


def test_new_fault_kind_needs_no_server_change(api: ReferenceApi) -> None:
    api.faults = FaultPlan.script([_TruncatedBodyFault()])
    with pytest.raises(requests.exceptions.RequestException):
        get_entries(api).json()
    assert api.requests[0].fault == _TruncatedBodyFault()
    assert api.requests[0].status == 200
    assert get_entries(api).status_code == 200
