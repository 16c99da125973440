"""Checks that a 200 response carries a usable `{"data": [...], "total": N}` page."""

from __future__ import annotations

import re

import requests

__all__ = ["check_offset_page", "url_offset"]


# A regular expression is several times faster than parsing the whole query,
# which counts for every page.
_OFFSET = re.compile(r"[?&]offset=([^&#]*)")


def url_offset(url: str) -> int | None:
    """Return the `offset` query parameter of `url`: 0 when absent or blank,
    None when it is not a whole number."""
    match = _OFFSET.search(url)
    value = match.group(1) if match else ""
    if not value:
        return 0
    return int(value) if value.isdigit() else None


def _request_offset(response: requests.Response) -> int | None:
    url = response.request.url if response.request is not None else response.url
    return url_offset(url or "")


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
