"""Fault injection: scripted failures for requests to the time entries endpoint.

A ``FaultPlan`` decides which request gets which ``Fault``. A fault acts on an
``Exchange``, the server's handle on one request. The exchange offers a few
primitives: send a reply, send only the head, write raw bytes and reset the
connection. A new kind of fault is therefore a new ``Fault`` subclass and needs
no server change.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from timetrack.reference_api.reply import (
    Reply,
    describe_status,
    make_error_reply,
    make_html_error_reply,
)


class Exchange(Protocol):
    """One request in progress, with the primitives to respond to it.

    A fault that returns without calling ``send``, ``send_head`` or ``reset``
    leaves the server to send ``normal_reply()``.
    """

    @property
    def path(self) -> str:
        """Request path without the query string."""
        ...

    @property
    def params(self) -> Mapping[str, str]:
        """Query parameters, including the unmasked ``api_key``."""
        ...

    def normal_reply(self, overrides: Mapping[str, str] | None = None) -> Reply:
        """Build the reply the server would send without a fault.

        ``overrides`` replaces query parameters, such as ``offset``, first.
        """
        ...

    def send(self, reply: Reply) -> None:
        """Send a complete reply."""
        ...

    def send_head(self, reply: Reply) -> None:
        """Send the status line and headers of ``reply``, with its Content-Length."""
        ...

    def write(self, data: bytes) -> None:
        """Write raw bytes to the connection after ``send_head``."""
        ...

    def reset(self) -> None:
        """Abort the connection with a TCP reset and send nothing more."""
        ...


class Fault(ABC):
    """One way a request can fail. The factory methods build the common kinds."""

    kind: ClassVar[str]

    @abstractmethod
    def apply(self, exchange: Exchange) -> None:
        """Respond to the request, reset it, or return to let it proceed."""

    @staticmethod
    def status(
        code: int,
        *,
        retry_after: str | None = None,
        message: str | None = None,
        html: bool = False,
    ) -> StatusFault:
        """Build a fault that responds with an error status instead of data."""
        return StatusFault(
            code=code, retry_after=retry_after, message=message, html=html
        )

    @staticmethod
    def reset(*, after_headers: bool = False, mid_body: bool = False) -> ResetFault:
        """Build a fault that resets the connection before or during the body."""
        return ResetFault(after_headers=after_headers, mid_body=mid_body)

    @staticmethod
    def slow(seconds: float) -> SlowFault:
        """Build a fault that delays the normal reply by ``seconds``."""
        return SlowFault(seconds=seconds)


@dataclass(frozen=True)
class StatusFault(Fault):
    """An error status with a JSON ``{"error": ...}`` body, or an HTML page.

    ``retry_after`` is sent verbatim as the Retry-After header, so it can be
    seconds or an HTTP date.
    """

    kind: ClassVar[str] = "status"

    code: int
    retry_after: str | None = None
    message: str | None = None
    html: bool = False

    def __post_init__(self) -> None:
        if not 400 <= self.code <= 599:
            raise ValueError(f"status fault code must be 400 to 599, got {self.code}")

    def apply(self, exchange: Exchange) -> None:
        headers: tuple[tuple[str, str], ...] = ()
        if self.retry_after is not None:
            headers = (("Retry-After", self.retry_after),)
        if self.html:
            exchange.send(make_html_error_reply(self.code, headers))
            return
        message = self.message or describe_status(self.code).lower()
        exchange.send(make_error_reply(self.code, message, headers=headers))


@dataclass(frozen=True)
class ResetFault(Fault):
    """A TCP reset instead of a reply, right after the headers, or mid-body.

    With ``mid_body`` the server sends the headers and the first half of the
    body, so the client sees fewer bytes than Content-Length announced.
    """

    kind: ClassVar[str] = "reset"

    after_headers: bool = False
    mid_body: bool = False

    def apply(self, exchange: Exchange) -> None:
        if self.after_headers or self.mid_body:
            reply = exchange.normal_reply()
            exchange.send_head(reply)
            if self.mid_body:
                exchange.write(reply.body[: len(reply.body) // 2])
        exchange.reset()


@dataclass(frozen=True)
class SlowFault(Fault):
    """A delay before the normal reply, on top of the server's latency."""

    kind: ClassVar[str] = "slow"

    seconds: float

    def __post_init__(self) -> None:
        if self.seconds < 0:
            raise ValueError(f"slow fault seconds must be >= 0, got {self.seconds}")

    def apply(self, exchange: Exchange) -> None:
        time.sleep(self.seconds)


@dataclass(frozen=True)
class FiredFault:
    """A fault that a plan handed out, with the request it was handed to."""

    request_number: int
    """1-based count of requests that consulted the plan, this one included."""
    offset: int | None
    """The request's offset parameter, or None if it was not a valid integer."""
    fault: Fault


class FaultSource(Protocol):
    """Draws a fault for a request that no scripted schedule covers."""

    def draw(
        self, request_number: int, offset: int | None, attempt: int
    ) -> Fault | None:
        """Return the fault for this request, or None to let it through.

        ``attempt`` is the 1-based count of requests for ``offset`` so far.
        """
        ...


class FaultPlan:
    """Thread-safe schedule of faults, consulted once per time entries request.

    A scripted fault applies to the n-th request overall. A fault queued for an
    offset applies to the n-th request for that offset. When both name a fault
    for the same request, the scripted one wins, and both schedules advance. A
    ``None`` in a schedule lets that request through. Requests that neither
    schedule covers ask ``drawn``, such as a seeded random source, if given.
    """

    def __init__(
        self,
        scripted: Sequence[Fault | None] = (),
        by_offset: Mapping[int, Sequence[Fault | None]] | None = None,
        *,
        drawn: FaultSource | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._drawn = drawn
        self._scripted = list(scripted)
        self._by_offset = {
            offset: list(faults) for offset, faults in (by_offset or {}).items()
        }
        self._requests = 0
        self._requests_by_offset: defaultdict[int, int] = defaultdict(int)
        self._fired: list[FiredFault] = []

    @classmethod
    def script(cls, faults: Sequence[Fault | None]) -> FaultPlan:
        """Build a plan where request n gets ``faults[n - 1]``."""
        return cls(scripted=faults)

    @classmethod
    def for_offsets(cls, faults: Mapping[int, Sequence[Fault | None]]) -> FaultPlan:
        """Build a plan where the n-th request for an offset gets its n-th fault."""
        return cls(by_offset=faults)

    @classmethod
    def seeded(
        cls,
        seed: int,
        rate: float,
        *,
        per: str = "request",
        max_in_a_row: int | None = None,
    ) -> FaultPlan:
        """Build a plan that gives each request a random fault at ``rate`` (0 to 1)."""
        from timetrack.reference_api.fault_config import build_fault_plan

        return build_fault_plan(
            {"seed": seed, "rate": rate, "per": per, "max_in_a_row": max_in_a_row}
        )

    def next_fault(self, offset: int | None) -> Fault | None:
        """Count one request, record the fault it gets and return it, if any."""
        with self._lock:
            self._requests += 1
            fault = None
            if self._requests <= len(self._scripted):
                fault = self._scripted[self._requests - 1]
            if offset is not None:
                seen = self._requests_by_offset[offset]
                self._requests_by_offset[offset] = seen + 1
                queued = self._by_offset.get(offset, [])
                if fault is None and seen < len(queued):
                    fault = queued[seen]
            if fault is None and self._drawn is not None:
                attempt = self._requests_by_offset[offset] if offset is not None else 0
                fault = self._drawn.draw(self._requests, offset, attempt)
            if fault is not None:
                self._fired.append(FiredFault(self._requests, offset, fault))
            return fault

    @property
    def fired(self) -> list[FiredFault]:
        """Faults handed out so far, in request order."""
        with self._lock:
            return list(self._fired)

    @property
    def request_count(self) -> int:
        """Number of requests that consulted the plan."""
        with self._lock:
            return self._requests
