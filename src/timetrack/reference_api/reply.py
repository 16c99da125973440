"""HTTP reply values shared by the endpoint handlers and fault injection."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

import orjson

JSON_CONTENT_TYPE = "application/json"
HTML_CONTENT_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Reply:
    """A complete HTTP response: status, body and headers besides the defaults.

    The server adds Content-Type from ``content_type`` and Content-Length from
    the body, so ``headers`` holds only extra headers such as Retry-After.
    """

    status: int
    body: bytes
    content_type: str = JSON_CONTENT_TYPE
    headers: tuple[tuple[str, str], ...] = ()


def describe_status(status: int) -> str:
    """Return the standard reason phrase for ``status``, or "Error" if it has none."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def make_json_reply(
    status: int, payload: object, headers: tuple[tuple[str, str], ...] = ()
) -> Reply:
    """Encode ``payload`` as JSON into a reply."""
    return Reply(status=status, body=orjson.dumps(payload), headers=headers)


def make_error_reply(
    status: int,
    message: str,
    *,
    parameter: str | None = None,
    headers: tuple[tuple[str, str], ...] = (),
) -> Reply:
    """Build a JSON error reply, naming the invalid query parameter if any."""
    payload = {"error": message}
    if parameter is not None:
        payload["parameter"] = parameter
    return make_json_reply(status, payload, headers)


def make_html_error_reply(
    status: int, headers: tuple[tuple[str, str], ...] = ()
) -> Reply:
    """Build the HTML error page that proxies and load balancers tend to send."""
    title = f"{status} {describe_status(status)}"
    page = (
        f"<html><head><title>{title}</title></head>"
        f"<body><center><h1>{title}</h1></center><hr></body></html>"
    )
    return Reply(
        status=status,
        body=page.encode(),
        content_type=HTML_CONTENT_TYPE,
        headers=headers,
    )
