"""Faults that respond 200 with a broken, short, shifted or inconsistent page.

Each fault builds the normal page, changes its body and sends it with status
200, so the client's transport receives a successful response and only the body
tells that something is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar, Literal

import orjson

from timetrack.reference_api.faults import Exchange, Fault
from timetrack.reference_api.reply import Reply, make_html_error_reply

__all__ = [
    "BadRecordFault",
    "DuplicateRecordFault",
    "EmptyPageFault",
    "HtmlPageFault",
    "PageCapFault",
    "PageShapeFault",
    "TotalFault",
    "TruncatedFault",
]

BadRecordProblem = Literal["missing_id", "null_id", "bad_timestamp"]
PageShape = Literal["no_data", "data_not_list"]


def _load_page(reply: Reply) -> dict[str, Any] | None:
    """Decode a normal page, or return None for an error reply such as a 401."""
    if reply.status != HTTPStatus.OK:
        return None
    page: dict[str, Any] = orjson.loads(reply.body)
    return page


def _send_page(exchange: Exchange, page: dict[str, Any]) -> None:
    exchange.send(Reply(status=HTTPStatus.OK, body=orjson.dumps(page)))


@dataclass(frozen=True)
class TruncatedFault(Fault):
    """A 200 whose JSON body is cut short, with a Content-Length that matches.

    The HTTP exchange is complete and valid; only the JSON is broken, as when a
    proxy or a crashed worker cuts the response off.
    """

    kind: ClassVar[str] = "truncated"

    fraction: float = 0.5

    def __post_init__(self) -> None:
        if not 0 <= self.fraction < 1:
            raise ValueError(
                f"truncated fraction must be in [0, 1), got {self.fraction}"
            )

    def apply(self, exchange: Exchange) -> None:
        reply = exchange.normal_reply()
        cut = int(len(reply.body) * self.fraction)
        exchange.send(Reply(status=reply.status, body=reply.body[:cut]))


@dataclass(frozen=True)
class HtmlPageFault(Fault):
    """An HTML error page sent with status 200, as some gateways do."""

    kind: ClassVar[str] = "html"

    def apply(self, exchange: Exchange) -> None:
        page = make_html_error_reply(HTTPStatus.BAD_GATEWAY)
        exchange.send(Reply(HTTPStatus.OK, page.body, page.content_type))


@dataclass(frozen=True)
class PageShapeFault(Fault):
    """A JSON page without ``data``, or with ``data`` that is not a list."""

    kind: ClassVar[str] = "shape"

    shape: PageShape = "no_data"

    def apply(self, exchange: Exchange) -> None:
        page = _load_page(exchange.normal_reply())
        if page is None:
            return
        records = page.pop("data")
        if self.shape == "data_not_list":
            page["data"] = {"records": records}
        _send_page(exchange, page)


@dataclass(frozen=True)
class EmptyPageFault(Fault):
    """An empty ``data`` list with the real ``total``, before the end is reached."""

    kind: ClassVar[str] = "empty"

    def apply(self, exchange: Exchange) -> None:
        page = _load_page(exchange.normal_reply())
        if page is None:
            return
        page["data"] = []
        _send_page(exchange, page)


@dataclass(frozen=True)
class TotalFault(Fault):
    """The real page with ``total`` moved by ``delta`` (negative: too low)."""

    kind: ClassVar[str] = "total"

    delta: int = -1

    def apply(self, exchange: Exchange) -> None:
        page = _load_page(exchange.normal_reply())
        if page is None:
            return
        page["total"] = max(0, int(page["total"]) + self.delta)
        _send_page(exchange, page)


@dataclass(frozen=True)
class PageCapFault(Fault):
    """A server-side page size: at most ``cap`` records, whatever ``limit`` requests."""

    kind: ClassVar[str] = "cap"

    cap: int = 30

    def __post_init__(self) -> None:
        if self.cap < 1:
            raise ValueError(f"page cap must be at least 1, got {self.cap}")

    def apply(self, exchange: Exchange) -> None:
        page = _load_page(exchange.normal_reply())
        if page is None:
            return
        page["data"] = page["data"][: self.cap]
        _send_page(exchange, page)


@dataclass(frozen=True)
class DuplicateRecordFault(Fault):
    """The page starts one record early, repeating the previous page's last record.

    The page keeps its size, so its own last record moves to the next page. At
    offset 0 there is no previous page and the normal reply is sent.
    """

    kind: ClassVar[str] = "duplicate"

    def apply(self, exchange: Exchange) -> None:
        offset = exchange.params.get("offset", "0")
        if not offset.isdigit() or int(offset) == 0:
            return
        exchange.send(exchange.normal_reply({"offset": str(int(offset) - 1)}))


@dataclass(frozen=True)
class BadRecordFault(Fault):
    """One record of the page loses its ``id``, has a null one or a bad timestamp."""

    kind: ClassVar[str] = "bad_record"

    problem: BadRecordProblem = "missing_id"
    index: int = 0

    def apply(self, exchange: Exchange) -> None:
        page = _load_page(exchange.normal_reply())
        if page is None or not page["data"]:
            return
        record = page["data"][min(self.index, len(page["data"]) - 1)]
        if self.problem == "missing_id":
            del record["id"]
        elif self.problem == "null_id":
            record["id"] = None
        else:
            record["start_time"] = "yesterday at noon"
        _send_page(exchange, page)
