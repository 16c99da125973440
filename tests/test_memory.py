"""Python's collector runs less often during a sync, and is restored after it."""

from __future__ import annotations

import gc

import pytest

from timetrack.memory import fewer_collections


def test_thresholds_raised_then_restored() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        during = gc.get_threshold()
    assert during[0] >= 100 * before[0]
    assert gc.get_threshold() == before


def test_thresholds_restored_after_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("sync failed")
    assert gc.get_threshold() == before


def test_cyclic_garbage_is_still_collected() -> None:
    collected_before = sum(stats["collected"] for stats in gc.get_stats())
    with fewer_collections():
        for _ in range(300_000):
            cycle: list[object] = []
            cycle.append(cycle)
    collected_after = sum(stats["collected"] for stats in gc.get_stats())
    # 300,000 cycles pass the young generation's threshold at least twice.
    assert collected_after - collected_before >= 100_000


def test_overlapping_blocks_restore_once() -> None:
    import threading

    before = gc.get_threshold()
    entered = threading.Barrier(2)
    leave_first = threading.Event()

    def first() -> None:
        with fewer_collections():
            entered.wait(timeout=10)
            leave_first.wait(timeout=10)

    thread = threading.Thread(target=first)
    thread.start()
    with fewer_collections():
        entered.wait(timeout=10)
    # The second block ended first; the first still runs with fewer collections.
    assert gc.get_threshold() != before
    leave_first.set()
    thread.join(timeout=10)
    assert gc.get_threshold() == before


def test_collection_turned_off_stays_off() -> None:
    before = gc.get_threshold()
    gc.set_threshold(0)
    try:
        with fewer_collections():
            assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)
