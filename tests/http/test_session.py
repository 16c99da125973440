"""TimetrackSession prepares every request exactly as a plain requests session does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from dlt.sources.helpers.rest_client.auth import APIKeyAuth, BearerTokenAuth
from hypothesis import given, settings
from hypothesis import strategies as st

from timetrack.http.session import TimetrackSession

_URLS = st.sampled_from(
    [
        "http://127.0.0.1:8000/v1/time_entries",
        "https://API.example.com/v1/time_entries",
        "http://127.0.0.1:8000/v1/time entries",
        "https://api.example.com/v1/entries?sort=id",
        "https://api.example.com:8443/v2/ü",
        "https://api.example.com/page#top",
        "https://user:pass@api.example.com/v1",
        "http://127.0.0.1:8000/v1/a/%2E%2E/time_entries",
    ]
)
_TEXT = st.text(max_size=12)
_VALUES = st.one_of(
    st.none(),
    _TEXT,
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.lists(_TEXT, max_size=2),
)
_AUTHS = st.sampled_from(
    [
        None,
        APIKeyAuth(name="api_key", api_key="s3cr&t key", location="query"),
        APIKeyAuth(name="api_key", api_key=None, location="query"),
        APIKeyAuth(name="X-Api-Key", api_key="s3cret", location="header"),
        BearerTokenAuth(token="t0ken"),
        (),
    ]
)


def _describe(prepared: requests.PreparedRequest) -> dict[str, Any]:
    return {
        "method": prepared.method,
        "url": prepared.url,
        "headers": dict(prepared.headers),
        "body": prepared.body,
        "hooks": prepared.hooks,
        "cookies": dict(prepared._cookies or {}),  # type: ignore[attr-defined]
    }


@settings(max_examples=300, deadline=None)
@given(
    url=_URLS,
    params=st.dictionaries(_TEXT, _VALUES, max_size=4),
    headers=st.dictionaries(
        st.sampled_from(["Accept", "X-Trace", "User-Agent"]),
        st.one_of(st.none(), st.sampled_from(["a", "text/csv"])),
        max_size=2,
    ),
    auth=_AUTHS,
)
def test_prepares_like_requests(
    url: str, params: dict[str, Any], headers: dict[str, Any], auth: Any
) -> None:
    ours = TimetrackSession()
    plain = requests.Session()
    for session in (ours, plain):
        session.headers["User-Agent"] = "timetrack-test"
        # None in the session's headers drops the header, as in the request's.
        session.headers["Accept-Encoding"] = None  # type: ignore[assignment]
    request = requests.Request("GET", url, params=params, headers=headers, auth=auth)

    # Twice, so the second call reads the cached URL.
    for _ in range(2):
        assert _describe(ours.prepare_request(request)) == _describe(
            plain.prepare_request(request)
        )


def test_cookies_take_the_requests_path() -> None:
    ours = TimetrackSession()
    ours.cookies.set("session", "abc")
    request = requests.Request(
        "GET",
        "http://127.0.0.1:8000/v1/time_entries",
        params={"offset": 0},
        auth=APIKeyAuth(name="api_key", api_key="k", location="query"),
    )

    prepared = ours.prepare_request(request)

    assert prepared.headers["Cookie"] == "session=abc"
    assert prepared.url == "http://127.0.0.1:8000/v1/time_entries?offset=0&api_key=k"


def test_invalid_url_raises_like_requests() -> None:
    request = requests.Request("GET", "not a url", params={"offset": 0})
    try:
        requests.Session().prepare_request(request)
    except requests.RequestException as error:
        expected: type[BaseException] = type(error)

    try:
        TimetrackSession().prepare_request(request)
    except requests.RequestException as error:
        assert type(error) is expected
    else:
        raise AssertionError("an invalid URL was prepared")


def test_netrc_applies_without_an_auth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine api.example.com login user password pw\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    request = requests.Request(
        "GET", "https://api.example.com/v1/entries", params={"offset": 0}, auth=()
    )

    prepared = TimetrackSession().prepare_request(request)

    assert (
        prepared.headers["Authorization"]
        == (requests.Session().prepare_request(request).headers["Authorization"])
    )
