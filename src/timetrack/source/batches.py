"""Join pages of records into batches, remembering the offset each page came from.

dlt spends a fixed time on every item a step or writer handles, so 100-record
pages would pay it a thousand times per 100,000 records. `batch_pages` makes a
resource yield batches of about `BATCH_ROWS` records instead. Each batch keeps
the offset of every page in it, so a rejected record can still be traced to the
request that returned it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from dlt.extract.resource import DltResource

from timetrack.http.page_check import url_offset

__all__ = [
    "BATCH_ROWS",
    "PageBatch",
    "batch_pages",
    "iter_batches",
    "page_offset",
    "record_offsets",
]

# Ten thousand records as dicts take roughly 10 MB (an estimate).
BATCH_ROWS = 10_000


class PageBatch(list[Any]):
    """Records of consecutive pages, with the index where each page starts."""

    def __init__(self) -> None:
        super().__init__()
        self.page_starts: list[int] = []
        self.page_offsets: list[int | None] = []

    def add_page(self, page: list[Any]) -> None:
        """Append the records of `page` and remember its offset."""
        self.page_starts.append(len(self))
        self.page_offsets.append(page_offset(page))
        self.extend(page)

    def offset_of(self, index: int) -> int | None:
        """Return the offset of the page that held record `index`."""
        position = bisect_right(self.page_starts, index) - 1
        return self.page_offsets[position] if position >= 0 else None


def page_offset(page: Any) -> int | None:
    """Read the offset from the request of a dlt `PageData`, if the page has one."""
    response = getattr(page, "response", None)
    request = getattr(response, "request", None)
    url = getattr(request, "url", None)
    if not isinstance(url, str):
        return None
    return url_offset(url)


def record_offsets(item: Any) -> Callable[[int], int | None]:
    """Return a function from a record's index in `item` to its page's offset."""
    if isinstance(item, PageBatch):
        return item.offset_of
    offset = page_offset(item)
    return lambda index: offset


def iter_batches(pages: Iterable[Any], max_rows: int = BATCH_ROWS) -> Iterator[Any]:
    """Join consecutive pages of dicts into batches of at least `max_rows` records.

    Anything that is not a non-empty list of dicts ends the current batch and
    passes through unchanged, so the order of items is kept.
    """
    batch = PageBatch()
    for page in pages:
        if isinstance(page, list) and page and isinstance(page[0], dict):
            batch.add_page(page)
            if len(batch) >= max_rows:
                yield batch
                batch = PageBatch()
            continue
        if batch:
            yield batch
            batch = PageBatch()
        yield page
    if batch:
        yield batch


def batch_pages(resource: DltResource, max_rows: int = BATCH_ROWS) -> None:
    """Make `resource` yield batches of about `max_rows` records instead of pages.

    The batching wraps the resource's data generator, so every step receives
    the batches. It runs once the generator is exhausted as well, which a step
    cannot do.
    """
    # NOTE: dlt 1.31 has no public way to wrap a resource's generator; this
    # uses `DltResource._pipe` and `Pipe.replace_gen`, which may change.
    pipe: Any = resource._pipe
    generator: Any = pipe.gen
    if callable(generator):
        factory: Callable[[], Iterable[Any]] = generator

        def batched() -> Iterator[Any]:
            return iter_batches(factory(), max_rows)

        pipe.replace_gen(batched)
    elif isinstance(generator, Iterable):
        pipe.replace_gen(iter_batches(generator, max_rows))
