"""Clear what an interrupted or failed run left in the pipeline's working folder."""

from __future__ import annotations

import logging

import dlt

__all__ = ["discard_pending_packages"]

logger = logging.getLogger(__name__)


def discard_pending_packages(pipeline: dlt.Pipeline) -> int:
    """Abort load packages a previous run left pending, and return how many.

    dlt tries to load pending packages before anything new, so one that cannot
    load would make every later run fail. Every sync reads the whole API again,
    so the aborted data is fetched anew. dlt restores the pipeline state to the
    point before the aborted packages.
    """
    pending = list(pipeline.list_extracted_load_packages())
    pending += pipeline.list_normalized_load_packages()
    if not pipeline.has_pending_data:
        return 0
    logger.warning(
        "Aborting %d load package(s) left by an interrupted or failed run "
        "(%s); this run fetches their data again",
        len(pending),
        ", ".join(pending),
    )
    pipeline.abort_packages()
    return len(pending)
