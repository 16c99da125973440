"""Keep Arrow's memory allocator from holding freed memory for the whole sync."""

from __future__ import annotations

import os

__all__ = ["ARROW_POOL_VARIABLE", "use_system_allocator_by_default"]

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
