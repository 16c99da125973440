"""Checks that a 200 response carries a usable `{"data": [...], "total": N}` page."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import requests

__all__ = ["check_offset_page"]


def _request_offset(response: requests.Response) -> int | None:
    url = response.request.url if response.request is not None else response.url
    params = dict(parse_qsl(urlsplit(url or "").query))
    offset = params.get("offset", "0")
    return int(offset) if offset.isdigit() else None


def check_offset_page(response: requests.Response) -> str | None:
    """Return what is wrong with an offset-paged JSON body, or None if it is usable.

    A usable page is a JSON object whose `data` is a list and whose `total` is a
    non-negative integer, and whose `data` is empty only at or past `total`.
    dlt's REST client would read a missing `data` as an empty page and stop,
    which loses every record after it.
    """
    content_type = response.headers.get("Content-Type", "")
    if "html" in content_type.lower():
        return "an HTML page instead of JSON"
    try:
        body = response.json()
    except ValueError:
        return f"invalid JSON ({len(response.content)} bytes, truncated or malformed)"
    if not isinstance(body, dict):
        return f"a JSON {type(body).__name__} instead of an object"
    if "data" not in body:
        return "no 'data' field in the body"
    data = body["data"]
    if not isinstance(data, list):
        return f"'data' is a JSON {type(data).__name__}, not a list"
    total = body.get("total")
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        return f"'total' is {total!r}, not a count"
    offset = _request_offset(response)
    if not data and offset is not None and offset < total:
        return f"an empty page although 'total' is {total}"
    return None
