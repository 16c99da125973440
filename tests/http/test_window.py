"""ReadAheadWindow: the pages fetched ahead follow how busy the process is."""

from __future__ import annotations

import pytest

from timetrack.http.window import ReadAheadWindow


class Clocks:
    """Wall and CPU clocks that a test advances by hand."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0

    def spend(self, wall: float, cpu: float) -> None:
        self.wall += wall
        self.cpu += cpu


def _window(largest: int, clocks: Clocks) -> ReadAheadWindow:
    """A window that has served its first page, which starts the first sample."""
    window = ReadAheadWindow(
        largest,
        sample_pages=4,
        clock=lambda: clocks.wall,
        cpu_clock=lambda: clocks.cpu,
    )
    window.on_page()
    return window


def _serve(window: ReadAheadWindow, clocks: Clocks, busy: float, pages: int) -> int:
    """Serve `pages` pages, each 10 ms long with `busy` of it on the CPU."""
    size = window.pages
    for _ in range(pages):
        clocks.spend(0.01, 0.01 * busy)
        size = window.on_page()
    return size


def test_window_starts_at_largest() -> None:
    assert _window(16, Clocks()).pages == 16


def test_busy_process_halves_window_down_to_zero() -> None:
    clocks = Clocks()
    window = _window(16, clocks)
    sizes = [_serve(window, clocks, busy=1.0, pages=4) for _ in range(6)]
    assert sizes == [8, 4, 2, 1, 0, 0]


def test_waiting_process_doubles_window_up_to_largest() -> None:
    clocks = Clocks()
    window = _window(16, clocks)
    _serve(window, clocks, busy=1.0, pages=20)
    assert window.pages == 0
    sizes = [_serve(window, clocks, busy=0.2, pages=4) for _ in range(7)]
    assert sizes == [1, 2, 4, 8, 16, 16, 16]


def test_window_holds_between_thresholds() -> None:
    clocks = Clocks()
    window = _window(16, clocks)
    _serve(window, clocks, busy=1.0, pages=8)
    assert _serve(window, clocks, busy=0.7, pages=12) == 4


def test_window_changes_only_after_a_full_sample() -> None:
    clocks = Clocks()
    window = _window(16, clocks)
    assert _serve(window, clocks, busy=1.0, pages=3) == 16
    assert _serve(window, clocks, busy=1.0, pages=1) == 8


def test_window_needs_a_positive_size() -> None:
    with pytest.raises(ValueError, match="largest must be at least 1, got 0"):
        ReadAheadWindow(0)


def test_work_before_the_first_page_does_not_count() -> None:
    clocks = Clocks()
    window = ReadAheadWindow(
        16, sample_pages=4, clock=lambda: clocks.wall, cpu_clock=lambda: clocks.cpu
    )
    # Setup keeps the CPU busy for a second before the first page arrives.
    clocks.spend(1.0, 1.0)
    window.on_page()
    assert _serve(window, clocks, busy=0.2, pages=4) == 16
