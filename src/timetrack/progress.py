"""Progress events of a sync: the observer interface and the adapters that feed it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

import orjson
import requests
from dlt.common.runtime.collector import NullCollector

from timetrack.http import TransportStats
from timetrack.memory import release_free_memory

__all__ = [
    "PHASES",
    "NullObserver",
    "Page",
    "PhaseCollector",
    "SyncObserver",
    "observe_transport",
    "read_page",
]

# The dlt steps of a sync, in the order they run.
PHASES = ("extract", "normalize", "load")


@dataclass(frozen=True)
class Page:
    """One page the API returned: where it starts, its row count and `total`."""

    path: str
    offset: int | None
    rows: int
    total: int | None


class SyncObserver(Protocol):
    """Receiver of progress events during `run_sync`.

    Page and retry events arrive on the thread that sent the request, so an
    implementation must be thread-safe. Library code calls these and never prints.
    """

    def on_phase(self, name: str) -> None:
        """Handle the start of a phase: one of `PHASES`."""

    def on_page(self, page: Page) -> None:
        """Handle one page fetched from the API."""

    def on_retry(self, attempt: int, reason: str, wait: float) -> None:
        """Handle a failed attempt (1-based) that will be retried after `wait` s."""


class NullObserver:
    """An observer that ignores every event: the default of `run_sync`."""

    def on_phase(self, name: str) -> None:
        """Ignore the phase."""

    def on_page(self, page: Page) -> None:
        """Ignore the page."""

    def on_retry(self, attempt: int, reason: str, wait: float) -> None:
        """Ignore the retry."""


def observe_transport(stats: TransportStats, observer: SyncObserver) -> None:
    """Forward the page and retry events of the transport that counts into `stats`."""

    def on_response(
        request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        page = read_page(request.url or "", response.content)
        if page is not None:
            observer.on_page(page)

    stats.on_response = on_response
    stats.on_retry = observer.on_retry


def read_page(url: str, body: bytes) -> Page | None:
    """Describe a page from its request URL and JSON body, or None if it is no page.

    A page is `{"data": [...], "total": N}` or a bare JSON list. A body that does
    not parse returns None: dlt reports the error, not the progress display.
    """
    try:
        parsed: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    total: int | None = None
    if isinstance(parsed, dict):
        rows = parsed.get("data")
        raw_total = parsed.get("total")
        if isinstance(raw_total, int) and not isinstance(raw_total, bool):
            total = raw_total
    else:
        rows = parsed
    if not isinstance(rows, list):
        return None
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    offset_text = params.get("offset", "")
    offset = int(offset_text) if offset_text.isdigit() else None
    return Page(path=parts.path, offset=offset, rows=len(rows), total=total)


class PhaseCollector(NullCollector):
    """A dlt progress collector that reports each pipeline step as a phase.

    dlt calls `on_start_trace_step` with the step name ("run", "extract",
    "normalize" or "load"), and the steps in `PHASES` go to the observer.
    """

    def __init__(self, observer: SyncObserver) -> None:
        super().__init__()
        self.observer = observer

    def on_start_trace_step(self, trace: Any, step: Any, pipeline: Any) -> None:
        """Forward the step to the observer when it is a phase.

        Before normalize and load, the memory the previous step freed goes back
        to the operating system, so the next step's peak does not stack on it.
        """
        if step in ("normalize", "load"):
            release_free_memory()
        if step in PHASES:
            self.observer.on_phase(str(step))
