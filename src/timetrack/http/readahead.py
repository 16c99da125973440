"""Read-ahead of offset pages: concurrent prefetch behind a sequential paginator.

dlt's offset paginator requests one page after another. Once the first page
reveals `total`, `ReadAheadAdapter` fetches the following pages on a bounded
thread pool and serves dlt's sequential requests from those fetches, so the
latency of the API is paid about once per `concurrency` pages. Every fetch
goes through `RetryingAdapter.send`, so the retry contract applies to each request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson
import requests
from requests.adapters import HTTPAdapter

from timetrack.http.retry import DEFAULT_RETRY_POLICY, RetryPolicy, parse_retry_after
from timetrack.http.throttle import RequestGate
from timetrack.http.transport import (
    DEFAULT_TIMEOUT,
    PageCheck,
    RetryingAdapter,
    TransportStats,
)
from timetrack.http.window import ReadAheadWindow

__all__ = [
    "DEFAULT_CONCURRENCY",
    "MAX_CONCURRENCY",
    "FastJsonResponse",
    "ReadAheadAdapter",
]

logger = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 64

# Pages fetched ahead of the one dlt reads, per concurrent request. Two keeps
# every worker busy while dlt consumes a page, and bounds memory to a few pages.
_PAGES_AHEAD_PER_WORKER = 2


class FastJsonResponse(requests.Response):
    """A response whose `json()` decodes UTF-8 bodies with orjson, once.

    dlt reads `json()` twice per page (data selector and `total`), so the
    decoded body is cached. Callers must not modify the returned object.
    """

    _decoded: Any = None
    _is_decoded: bool = False

    def json(self, **kwargs: Any) -> Any:
        """Decode the body as JSON, raising requests' JSONDecodeError if invalid."""
        if kwargs or (self.encoding or "utf-8").lower().replace("_", "-") != "utf-8":
            return super().json(**kwargs)
        if not self._is_decoded:
            try:
                self._decoded = orjson.loads(self.content)
            except orjson.JSONDecodeError as error:
                raise requests.JSONDecodeError(
                    error.msg, error.doc, error.pos
                ) from None
            self._is_decoded = True
        return self._decoded


class GatedHTTPAdapter(HTTPAdapter):
    """An HTTP adapter whose every attempt passes through a `RequestGate`.

    It sits below `RetryingAdapter` in the method resolution order, so each
    retry is gated and reported as well.
    """

    gate: RequestGate | None = None

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        """Send one attempt inside a gate slot and report 429s to the gate."""
        gate = self.gate
        if gate is None:
            return super().send(request, **kwargs)
        gate.acquire()
        try:
            response = super().send(request, **kwargs)
        finally:
            gate.release()
        if response.status_code == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            gate.record_rate_limited(retry_after)
        elif response.status_code < 400:
            gate.record_success()
        return response

    def build_response(
        self, req: requests.PreparedRequest, resp: Any
    ) -> requests.Response:
        """Build the response as a `FastJsonResponse`."""
        response = super().build_response(req, resp)
        response.__class__ = FastJsonResponse
        return response


@dataclass
class _PagePlan:
    """The `total` and limit of one paged URL, and the next offset to prefetch."""

    request: requests.PreparedRequest
    send_options: dict[str, Any]
    limit: int
    total: int
    next_offset: int


@dataclass(frozen=True)
class _PageAddress:
    """A paged URL without its offset, and the offset and limit of the page."""

    base: tuple[str, ...]
    offset: int
    limit: int


class ReadAheadAdapter(RetryingAdapter, GatedHTTPAdapter):
    """A `RetryingAdapter` that prefetches offset pages once `total` is known.

    Only GET requests whose query has integer `offset_param` and `limit_param`
    values take part. After such a request returns a JSON object with an
    integer `total_field`, the pages at the following offsets below `total`
    are fetched ahead, at most `concurrency` at a time and at most
    `max_requests_per_second` in total. A later request for one of those pages
    waits for its fetch and returns its response or raises its error. With
    `concurrency=1` nothing is fetched ahead.
    """

    def __init__(
        self,
        policy: RetryPolicy = DEFAULT_RETRY_POLICY,
        *,
        sleep: Callable[[float], None] = time.sleep,
        stats: TransportStats | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        concurrency: int = DEFAULT_CONCURRENCY,
        max_requests_per_second: float | None = None,
        offset_param: str = "offset",
        limit_param: str = "limit",
        total_field: str = "total",
        page_check: PageCheck | None = None,
        overlap: int = 0,
    ) -> None:
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise ValueError(
                f"concurrency must be 1 to {MAX_CONCURRENCY}, got {concurrency}"
            )
        super().__init__(
            policy,
            sleep=sleep,
            stats=stats,
            timeout=timeout,
            pool_maxsize=max(10, concurrency + 1),
            page_check=page_check,
        )
        # Pages that share `overlap` records with the page before, as the
        # overlapping offset paginator requests them: offsets advance by
        # limit - overlap.
        self.overlap = overlap
        self.gate = RequestGate(
            concurrency,
            max_requests_per_second,
            sleep=sleep,
            max_pause=policy.max_retry_after,
        )
        self.concurrency = concurrency
        self.offset_param = offset_param
        self.limit_param = limit_param
        self.total_field = total_field
        self._lock = threading.Lock()
        self._plans: dict[tuple[str, ...], _PagePlan] = {}
        self._pending: dict[tuple[tuple[str, ...], int], Future[requests.Response]] = {}
        self._executor: ThreadPoolExecutor | None = None
        self.window = ReadAheadWindow(concurrency * _PAGES_AHEAD_PER_WORKER)

    def send(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | None = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        """Send `request`, or return the prefetched response for its page."""
        options: dict[str, Any] = {
            "stream": stream,
            "timeout": timeout,
            "verify": verify,
            "cert": cert,
            "proxies": proxies,
        }
        address = self._page_address(request)
        if address is None:
            return super().send(request, **options)
        with self._lock:
            future = self._pending.pop((address.base, address.offset), None)
            self.window.on_page()
        if future is not None:
            response = future.result()
        else:
            response = super().send(request, **options)
            self._plan_from_first_page(address, request, options, response)
        self._schedule(address.base, address.offset + self._stride(address.limit))
        return response

    def close(self) -> None:
        """Cancel pending prefetches, then close the connection pools."""
        with self._lock:
            executor, self._executor = self._executor, None
            pending = list(self._pending.values())
            self._pending.clear()
            self._plans.clear()
        for future in pending:
            future.cancel()
        if executor is not None:
            # Not waiting keeps Ctrl-C prompt: a prefetch may be in a retry wait
            # of up to 8 s, and its result is no longer needed.
            executor.shutdown(wait=False, cancel_futures=True)
        super().close()

    def _page_address(self, request: requests.PreparedRequest) -> _PageAddress | None:
        if self.concurrency == 1 or request.method != "GET" or not request.url:
            return None
        parts = urlsplit(request.url)
        params = parse_qsl(parts.query, keep_blank_values=True)
        values = dict(params)
        offset_text = values.get(self.offset_param, "")
        limit_text = values.get(self.limit_param, "")
        if not (offset_text.isdigit() and limit_text.isdigit()):
            return None
        limit = int(limit_text)
        if limit < 1:
            return None
        rest = sorted(
            f"{name}={value}" for name, value in params if name != self.offset_param
        )
        base = (parts.scheme, parts.netloc, parts.path, *rest)
        return _PageAddress(base, int(offset_text), limit)

    def _plan_from_first_page(
        self,
        address: _PageAddress,
        request: requests.PreparedRequest,
        options: dict[str, Any],
        response: requests.Response,
    ) -> None:
        if options["stream"] or response.status_code != 200:
            return
        try:
            body = response.json()
        except ValueError:
            return
        total = body.get(self.total_field) if isinstance(body, dict) else None
        if not isinstance(total, int) or isinstance(total, bool):
            return
        with self._lock:
            self._plans[address.base] = _PagePlan(
                request=request,
                send_options=options,
                limit=address.limit,
                total=total,
                next_offset=address.offset + self._stride(address.limit),
            )
        logger.debug(
            "Fetching up to %d pages ahead of %d (total %d)",
            self.window.largest,
            address.offset,
            total,
        )

    def _schedule(self, base: tuple[str, ...], next_offset: int) -> None:
        with self._lock:
            plan = self._plans.get(base)
            if plan is None:
                return
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self.concurrency, thread_name_prefix="timetrack-page"
                )
            window_end = min(
                plan.total, next_offset + self._stride(plan.limit) * self.window.pages
            )
            offset = max(plan.next_offset, next_offset)
            while offset < window_end:
                if (base, offset) not in self._pending:
                    prefetch = plan.request.copy()
                    prefetch.url = self._with_offset(plan.request.url or "", offset)
                    self._pending[(base, offset)] = self._executor.submit(
                        RetryingAdapter.send, self, prefetch, **plan.send_options
                    )
                offset += self._stride(plan.limit)
            plan.next_offset = max(plan.next_offset, offset)

    def _stride(self, limit: int) -> int:
        # One-record pages cannot overlap, so the paginator advances by one.
        return limit - self.overlap if limit > self.overlap else limit

    def _with_offset(self, url: str, offset: int) -> str:
        parts = urlsplit(url)
        params = [
            (name, str(offset) if name == self.offset_param else value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
        ]
        return urlunsplit(parts._replace(query=urlencode(params)))
