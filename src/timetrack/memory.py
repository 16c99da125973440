"""Memory management of a sync: the allocators' free memory and Python's collector."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = [
    "ARROW_POOL_VARIABLE",
    "fewer_collections",
    "release_free_memory",
    "use_system_allocator_by_default",
]

# Container objects allocated between two young-generation collections, and
# young and middle collections before an older one. Python's defaults are 700,
# 10 and 10.
_SYNC_GC_THRESHOLDS = (100_000, 50, 100)

# pyarrow reads this variable once, when it is first imported.
ARROW_POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def use_system_allocator_by_default() -> None:
    """Make pyarrow use the system allocator unless the environment picks one.

    pyarrow's default allocator (mimalloc in pyarrow 26) keeps freed pages for
    reuse. In a sync that converts and rewrites batch after batch, that raised
    the peak RSS of 300,000 entries from about 270 MB to 330 MB. This has no
    effect when pyarrow was imported before timetrack.
    """
    os.environ.setdefault(ARROW_POOL_VARIABLE, "system")


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None  # not glibc: nothing to call
    return trim


def release_free_memory() -> None:
    """Return the C heap's free memory to the operating system, where glibc allows.

    The extract step frees many batches of records on several threads, and glibc
    keeps the freed pages in its per-thread arenas. Trimming them before the load
    step, whose DuckDB merge allocates on top, lowered the peak RSS of a
    1,000,000-entry sync on the benchmark machine. Other C libraries have no
    such call, and this does nothing there.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


_collections_lock = threading.Lock()
_relaxed_blocks = 0
_saved_thresholds: tuple[int, ...] = ()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run Python's cyclic garbage collector less often inside the block.

    A page of 100 entries decodes into about 1,300 objects, so with Python's
    defaults the collector ran after almost every page and often walked every
    object of dlt, pyarrow and the batch being built. That took about 0.5 s of
    a 100,000-entry sync. Almost all of a sync's garbage is freed by reference
    counting, so collecting rarely does not raise its peak memory noticeably.

    Blocks may nest and overlap across threads: the first one in raises the
    thresholds and the last one out restores them. Thresholds the user already
    raised, or collection turned off (threshold 0), are left alone.
    """
    global _relaxed_blocks, _saved_thresholds
    with _collections_lock:
        if _relaxed_blocks == 0:
            _saved_thresholds = gc.get_threshold()
            if 0 < _saved_thresholds[0] < _SYNC_GC_THRESHOLDS[0]:
                gc.set_threshold(*_SYNC_GC_THRESHOLDS)
        _relaxed_blocks += 1
    try:
        yield
    finally:
        with _collections_lock:
            _relaxed_blocks -= 1
            if _relaxed_blocks == 0:
                gc.set_threshold(*_saved_thresholds)
