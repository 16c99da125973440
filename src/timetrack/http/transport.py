"""The HTTP transport: applies the retry policy, counts requests and names failures."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.adapters import HTTPAdapter

from timetrack.errors import (
    ApiAuthError,
    ApiConnectionError,
    ApiStatusError,
    PageError,
)
from timetrack.http.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from timetrack.redact import redact_text, redact_url

__all__ = [
    "DEFAULT_TIMEOUT",
    "PageCheck",
    "ResponseHook",
    "RetryHook",
    "RetryingAdapter",
    "TransportStats",
    "describe_request",
]

# Returns what is wrong with a 200 response's body, or None if it is usable.
PageCheck = Callable[[requests.Response], str | None]

# Failures while reading the body: a reset mid-body or fewer bytes than
# Content-Length announced.
_BODY_READ_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0

# Query parameters that locate a page; error messages name them.
# The fix a rejected key message suggests when the key's origin is not known.
REJECTED_KEY_HINT = "Set a valid key as API_KEY or as api_key in .dlt/secrets.toml."

_PAGING_PARAMS = ("offset", "limit", "page", "per_page", "page-size", "cursor")

# Statuses that mean "try again later", even once the retries are used up.
_TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


# Called with each successful response, before dlt reads it.
ResponseHook = Callable[[requests.PreparedRequest, requests.Response], None]
# Called before each retry wait with the failed attempt (1-based), the reason
# and the wait in seconds.
RetryHook = Callable[[int, str, float], None]


@dataclass
class TransportStats:
    """Counters of one sync's HTTP traffic, safe to update from several threads."""

    requests: int = 0
    responses_ok: int = 0
    retries: int = 0
    bytes_received: int = 0
    # Hooks for progress displays (see timetrack.progress). They run on the
    # thread that sent the request, so they must be thread-safe.
    on_response: ResponseHook | None = field(default=None, repr=False)
    on_retry: RetryHook | None = field(default=None, repr=False)
    answered: threading.Event = field(default_factory=threading.Event, repr=False)
    """Set once the API has responded to a request, or a request has given up."""
    reachable: bool = False
    """True once the API has responded to a request, with any status."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(
        self, *, requests: int = 0, ok: int = 0, retries: int = 0, size: int = 0
    ) -> None:
        """Add to the counters atomically."""
        with self._lock:
            self.requests += requests
            self.responses_ok += ok
            self.retries += retries
            self.bytes_received += size


def describe_request(method: str, url: str) -> str:
    """Describe a request for a message: method, path and paging parameters only."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    paging = [f"{name} {params[name]}" for name in _PAGING_PARAMS if name in params]
    where = f" ({', '.join(paging)})" if paging else ""
    return f"{method} {parts.path or '/'}{where}"


def _describe(request: requests.PreparedRequest) -> str:
    # Built only for a message: parsing the URL of every request costs more.
    return describe_request(request.method or "GET", request.url or "")


class RetryingAdapter(HTTPAdapter):
    """Send requests with the retry policy; raise timetrack errors on failure.

    Retryable statuses and connection errors are retried with the policy's waits.
    Any other status of 400 and above raises at once. With `page_check`, a 200
    whose body the check rejects counts as a transient failure too, and raises
    `PageError` once the attempts are used up. The raised errors carry the
    method, path and paging parameters, never the query string with the API key.
    """

    def __init__(
        self,
        policy: RetryPolicy = DEFAULT_RETRY_POLICY,
        *,
        sleep: Callable[[float], None] = time.sleep,
        stats: TransportStats | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        pool_maxsize: int = 10,
        page_check: PageCheck | None = None,
    ) -> None:
        super().__init__(pool_maxsize=pool_maxsize, max_retries=0)
        self.page_check = page_check
        self.policy = policy
        self.sleep = sleep
        self.stats = stats or TransportStats()
        self.timeout = timeout
        # Set by `close`. A sync closes its session when it stops, and worker
        # threads still sending or retrying would otherwise keep the process
        # alive for every remaining attempt and wait. A closed adapter sends
        # no further attempt.
        self._closed = threading.Event()

    def close(self) -> None:
        """Stop sending further attempts, then close the connection pools."""
        self._closed.set()
        super().close()

    def send(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | None = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        """Send `request`, retrying transient failures as the policy allows."""
        attempt = 1
        while True:
            self._raise_if_closed(request, attempt - 1)
            self.stats.add(requests=1)
            reason: str | None = None
            give_up = False
            try:
                response = super().send(
                    request,
                    stream=stream,
                    timeout=timeout or self.timeout,
                    verify=verify,
                    cert=cert,
                    proxies=proxies,
                )
                # Reading the body here puts a reset mid-body under the policy.
                size = len(response.content)
                self.stats.reachable = True
                self.stats.answered.set()
            except _BODY_READ_ERRORS as error:
                reason = _describe_connection_error(error, self.timeout)
                give_up = not (
                    self.policy.retry_connection_errors
                    and self.policy.can_retry(attempt)
                )
            if reason is not None:
                if give_up:
                    self.stats.answered.set()
                    # Raised outside the except block: `from None` hides the
                    # requests error, whose text quotes the full URL with the
                    # key, from tracebacks but still keeps it as __context__,
                    # where dlt's trace would store it.
                    raise ApiConnectionError(
                        f"{_describe(request)} failed after {attempt} attempt(s): "
                        f"{reason}. "
                        "Check the base URL and that the API is reachable.",
                        attempts=attempt,
                    )
                self._wait_before_retry(request, attempt, reason, None)
                attempt += 1
                continue

            status = response.status_code
            if status < 400:
                problem = self.page_check(response) if self.page_check else None
                if problem is None:
                    self.stats.add(ok=1, size=size)
                    if self.stats.on_response is not None:
                        self.stats.on_response(request, response)
                    return response
                if not self.policy.can_retry(attempt):
                    raise PageError(
                        f"{_describe(request)} returned an unusable page after "
                        f"{attempt} "
                        f"attempt(s): {problem}. The API sent a malformed response; "
                        "try again later, and report it to the API provider if it "
                        "persists."
                    )
                self._wait_before_retry(
                    request, attempt, f"HTTP {status} with {problem}", None
                )
                attempt += 1
                continue
            if self.policy.is_retryable_status(status) and self.policy.can_retry(
                attempt
            ):
                retry_after = response.headers.get("Retry-After")
                response.close()
                self._wait_before_retry(request, attempt, f"HTTP {status}", retry_after)
                attempt += 1
                continue
            raise _status_error(_describe(request), response, attempt)

    def _raise_if_closed(
        self, request: requests.PreparedRequest, attempts: int
    ) -> None:
        if not self._closed.is_set():
            return
        self.stats.answered.set()
        raise ApiConnectionError(
            f"{_describe(request)} stopped after {attempts} attempt(s) because "
            "the session was closed; the sync is stopping.",
            attempts=attempts,
        )

    def _wait_before_retry(
        self,
        request: requests.PreparedRequest,
        attempt: int,
        reason: str,
        retry_after: str | None,
    ) -> None:
        self._raise_if_closed(request, attempt)
        wait = self.policy.wait(attempt, retry_after)
        self.stats.add(retries=1)
        if self.stats.on_retry is not None:
            self.stats.on_retry(attempt, reason, wait)
        logger.warning(
            "Retrying %s %s after %s (attempt %d of %d failed) in %.1f s",
            request.method,
            redact_url(request.url or ""),
            reason,
            attempt,
            self.policy.max_attempts,
            wait,
        )
        self.sleep(wait)


def _status_error(
    described: str, response: requests.Response, attempts: int
) -> ApiStatusError:
    status = response.status_code
    label = f"HTTP {status} {response.reason or ''}".rstrip()
    tried = f" after {attempts} attempts" if attempts > 1 else ""
    detail = _error_detail(response)
    if status in (401, 403):
        return ApiAuthError(
            f"{described} failed with {label}: the API key was rejected. "
            f"{REJECTED_KEY_HINT}",
            status=status,
            attempts=attempts,
        )
    if status == 402:
        # Toggl returns 402, not 429, once the hourly request quota is used
        # up; retrying only burns more of the next hour's quota.
        hint = (
            "The API's request quota is used up (HTTP 402 Payment Required); "
            "wait until it resets, typically within the hour, or raise the plan."
        )
    elif status in _TRANSIENT_STATUSES:
        hint = "The API is failing or rate limiting; try again later."
    elif status == 404:
        hint = "Check the base URL and the resource path."
    else:
        hint = "The request was rejected; check the settings it was built from."
    return ApiStatusError(
        f"{described} failed with {label}{tried}{detail}. {hint}",
        status=status,
        attempts=attempts,
    )


# Long bodies are cut: a message names the failure, it does not quote the page.
_MAX_DETAIL = 200


def _error_detail(response: requests.Response) -> str:
    """Return the API's own short error text, if the body is a JSON error object."""
    try:
        body = response.json()
    except (ValueError, RecursionError):
        # RecursionError: a deeply nested body exhausts the stdlib parser.
        return ""
    if not isinstance(body, dict):
        return ""
    message = body.get("error") or body.get("message")
    if not isinstance(message, str) or not message:
        return ""
    text = redact_text(message.strip())
    if len(text) > _MAX_DETAIL:
        text = text[:_MAX_DETAIL] + "..."
    return f" ({text})"


_DNS_FAILURE_MARKERS = (
    "NameResolutionError",
    "Name or service not known",
    "Temporary failure in name resolution",
    "nodename nor servname",
    "Failed to resolve",
)


def _describe_connection_error(error: Exception, timeout: float) -> str:
    text = str(error)
    if isinstance(error, requests.Timeout):
        return f"no response within {timeout:g} s"
    if isinstance(error, requests.exceptions.ChunkedEncodingError):
        return "the connection broke while the response body was read"
    if isinstance(error, requests.exceptions.ContentDecodingError):
        return "the response body could not be decoded"
    if any(marker in text for marker in _DNS_FAILURE_MARKERS):
        return "the host name could not be resolved (DNS failure)"
    if "Connection refused" in text:
        return "the connection was refused"
    if "Connection reset" in text or "RemoteDisconnected" in text:
        return "the connection was reset by the server"
    return f"connection error ({type(error).__name__})"
