"""Offset paging that loses no record when pages are short or the data shifts.

dlt's `OffsetPaginator` adds `limit` to the offset after every page and stops
once the offset reaches `total`. That silently skips records when the server
returns fewer records than `limit` (a server-side page cap), when `total` is
too low, and when entries deleted upstream during the sync shift later records
to lower offsets. `OverlappingOffsetPaginator` pages by what it received
instead, and checks each page against the one before it. docs/reliability.md
describes the strategy.
"""

from __future__ import annotations

import logging
from typing import Any

from dlt.sources.helpers.requests import Request, Response
from dlt.sources.helpers.rest_client.paginators import OffsetPaginator

from timetrack.errors import PageError
from timetrack.source.seen_ids import SeenIds

__all__ = ["MAX_PASSES", "PAGE_OVERLAP", "OverlappingOffsetPaginator"]

logger = logging.getLogger(__name__)

# A pass that saw entries created before the cursor, or read fewer entries than
# `total`, is repeated, at most this many passes in all.
MAX_PASSES = 3

# Step-backs and repeated passes are bounded by this many requests per page of
# `total`, so a server that keeps changing cannot keep a sync paging forever.
_REQUESTS_PER_PAGE_BUDGET = 6

# Records each page shares with the page before it. The read-ahead transport
# fetches pages at offsets that advance by `limit - PAGE_OVERLAP`.
PAGE_OVERLAP = 1


class OverlappingOffsetPaginator(OffsetPaginator):
    """Offset paginator whose pages overlap by one record, for records ordered by id.

    Each request after the first starts at the last record of the previous page
    (the anchor), so the offset advances by the records actually received minus
    one. An empty page, or one whose first record was never read on this pass,
    means records before the cursor were deleted and the rest moved down, so
    the paginator steps back a page and reads again. A first record that was
    read but is not the anchor means records were created before the cursor,
    so the pass finishes and another pass starts at offset 0. Paging stops at
    a short page at or past `total`, or at an empty page with no anchor to
    find. The validation step drops records read twice.

    Raises `PageError` when the records read fall short of the final `total`
    after `MAX_PASSES` passes, or when the request budget runs out.
    """

    def __init__(self, limit: int, *, id_field: str = "id") -> None:
        super().__init__(
            limit=limit,
            offset=0,
            offset_param="offset",
            limit_param="limit",
            total_path="total",
        )
        self.id_field = id_field
        self._reset_run()

    def _reset_run(self) -> None:
        self.pass_number = 1
        self.requests = 0
        self.read_ids = SeenIds()
        self.page_size = self.limit
        self._reset_pass()

    def _reset_pass(self) -> None:
        self.current_value = 0
        self._covered = SeenIds()
        self._anchor: str | int | None = None
        self._stepped_back = False
        self._pass_changed = False
        # Records without an id go to the rejects table but still count as read.
        # NOTE: a page read twice in one pass (after a step back) counts its
        # id-less records twice, which can hide as many missing records.
        self._unidentified = 0

    def init_request(self, request: Request) -> None:
        self._reset_run()
        super().init_request(request)

    def _record_ids(self, records: list[Any]) -> list[str | int]:
        # Ints stay ints: `SeenIds` reads them as their decimal text, without
        # formatting and parsing each one.
        field = self.id_field
        return [
            value if type(value) is int or type(value) is str else str(value)
            for record in records
            if isinstance(record, dict) and (value := record.get(field)) is not None
        ]

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        records = data or []
        total = int(response.json()["total"])
        offset = self.current_value
        self.requests += 1
        self._check_budget(offset, total)
        ids = self._record_ids(records)
        self.read_ids.update(ids)
        self._unidentified += len(records) - len(ids)

        if self._anchor is not None and not records:
            # The page should have started with the anchor: deletions moved it
            # and the records after it below this offset.
            self._step_back(offset, None)
            return
        if self._anchor is not None and ids and ids[0] not in self._covered:
            self._step_back(offset, ids[0])
            return
        if (
            self._anchor is not None
            and ids
            and str(ids[0]) != str(self._anchor)
            and not self._stepped_back
        ):
            logger.info(
                "Entries were created before offset %d during the sync; "
                "another pass will read them",
                offset,
            )
            self._pass_changed = True
        self._stepped_back = False
        self._covered.update(ids)

        received = len(records)
        if received == 0 or (offset + received >= total and received < self.page_size):
            self._finish_pass(total)
            return
        if received < self.limit and offset + received < total:
            if received < self.page_size:
                logger.info(
                    "The API returned %d records at offset %d for limit %d; "
                    "paging on with the server's page size",
                    received,
                    offset,
                    self.limit,
                )
            self.page_size = received
        # The overlap needs two records: with one, the page would repeat forever,
        # so one-record pages are read without the drift check.
        if received > 1 and ids:
            self._anchor = ids[-1]
            self.current_value = offset + received - PAGE_OVERLAP
        else:
            self._anchor = None
            self.current_value = offset + received

    def _step_back(self, offset: int, first_id: str | int | None) -> None:
        back = max(0, offset - max(self.page_size - 1, 1))
        start = "is empty" if first_id is None else f"starts with entry {first_id}"
        logger.warning(
            "The page at offset %d %s, where the last entry of the page before "
            "was expected: entries were deleted upstream during the sync. "
            "Reading again from offset %d",
            offset,
            start,
            back,
        )
        self.current_value = back
        self._stepped_back = True
        if back == 0:
            self._anchor = None

    def _finish_pass(self, total: int) -> None:
        missing = total - len(self.read_ids) - self._unidentified
        if not self._pass_changed and missing <= 0:
            if missing < 0:
                logger.info(
                    "Read %d distinct entries; the API reported a total of %d",
                    len(self.read_ids),
                    total,
                )
            self._has_next_page = False
            return
        if self.pass_number >= MAX_PASSES:
            if missing > 0:
                raise PageError(
                    f"Paging time entries read {len(self.read_ids)} distinct entries "
                    f"in {self.pass_number} passes, but the API reported a total "
                    f"of {total}. The API's pages disagree with its total; run the "
                    "sync again, and report it to the API provider if it persists."
                )
            logger.warning(
                "Entries were created before the cursor in each of %d passes; "
                "entries created during the last pass load with the next sync",
                self.pass_number,
            )
            self._has_next_page = False
            return
        logger.warning(
            "Pass %d read %d distinct entries of a total of %d, and entries may "
            "have been created before the cursor; reading again from offset 0",
            self.pass_number,
            len(self.read_ids),
            total,
        )
        self.pass_number += 1
        self._reset_pass()

    def _check_budget(self, offset: int, total: int) -> None:
        pages = total // max(self.page_size, 1) + 2
        budget = _REQUESTS_PER_PAGE_BUDGET * pages
        if self.requests > budget:
            raise PageError(
                f"Paging time entries (offset {offset}) gave up after {self.requests} "
                f"page requests for a total of {total}, because the pages kept "
                "shifting. Run the sync again when the API's data is stable."
            )
