"""The request gate: rate spacing, 429 backoff and recovery, with a fake clock."""

from __future__ import annotations

import threading

import pytest

from timetrack.http.throttle import RequestGate


class FakeClock:
    """A monotonic clock that moves only when `sleep` is called."""

    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def _gate(
    concurrency: int = 4, rate: float | None = None
) -> tuple[RequestGate, FakeClock]:
    clock = FakeClock()
    gate = RequestGate(concurrency, rate, sleep=clock.sleep, clock=clock)
    return gate, clock


def _pass(gate: RequestGate, times: int = 1) -> None:
    for _ in range(times):
        gate.acquire()
        gate.release()


def test_gate_spaces_requests_by_rate() -> None:
    gate, clock = _gate(rate=4.0)
    _pass(gate, 3)
    assert clock.waits == [0.25, 0.25]


def test_gate_without_rate_never_waits() -> None:
    gate, clock = _gate()
    _pass(gate, 5)
    assert clock.waits == []


def test_gate_halves_limit_on_429() -> None:
    gate, _ = _gate(concurrency=8)
    gate.record_rate_limited(None)
    assert gate.limit == 4
    gate.record_rate_limited(None)
    gate.record_rate_limited(None)
    gate.record_rate_limited(None)
    assert gate.limit == 1


def test_gate_pauses_other_threads_for_retry_after() -> None:
    gate, clock = _gate()
    gate.record_rate_limited(7.0)
    waits: list[float] = []

    def other_thread() -> None:
        gate.acquire()
        gate.release()
        waits.extend(clock.waits)

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join(timeout=5)
    assert waits == [7.0]


def test_gate_exempts_thread_that_got_429() -> None:
    gate, clock = _gate()
    gate.record_rate_limited(7.0)
    _pass(gate)
    assert clock.waits == []


def test_gate_recovers_limit_after_successes() -> None:
    gate, _ = _gate(concurrency=4)
    gate.record_rate_limited(None)
    assert gate.limit == 2
    gate.record_success()
    gate.record_success()
    assert gate.limit == 3
    for _ in range(3):
        gate.record_success()
    assert gate.limit == 4
    for _ in range(10):
        gate.record_success()
    assert gate.limit == 4


def test_gate_blocks_beyond_limit() -> None:
    gate, _ = _gate(concurrency=1)
    gate.acquire()
    entered = threading.Event()

    def second() -> None:
        gate.acquire()
        entered.set()
        gate.release()

    thread = threading.Thread(target=second)
    thread.start()
    assert not entered.wait(0.1)
    gate.release()
    assert entered.wait(5)
    thread.join(timeout=5)


@pytest.mark.parametrize("rate", [0.0, -1.0, float("nan")])
def test_gate_rejects_invalid_rate(rate: float) -> None:
    with pytest.raises(ValueError, match="max_requests_per_second"):
        RequestGate(2, rate)


def test_gate_rejects_zero_concurrency() -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        RequestGate(0)


def test_gate_caps_retry_after_pause() -> None:
    clock = FakeClock()
    gate = RequestGate(4, sleep=clock.sleep, clock=clock, max_pause=120.0)
    gate.record_rate_limited(86_400.0)
    other = threading.Thread(target=_pass, args=(gate,))
    other.start()
    other.join(timeout=5)
    assert not other.is_alive()
    assert clock.waits == [120.0]
