"""Build the `requests` session that every timetrack request goes through."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from dlt.sources.helpers.rest_client.auth import APIKeyAuth
from requests.cookies import RequestsCookieJar
from requests.sessions import merge_hooks, merge_setting
from requests.structures import CaseInsensitiveDict
from requests.utils import requote_uri

from timetrack import __version__
from timetrack.http.readahead import ReadAheadAdapter
from timetrack.http.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from timetrack.http.transport import DEFAULT_TIMEOUT, PageCheck, TransportStats
from timetrack.redact import redact_library_logs

__all__ = ["TimetrackSession", "build_session"]

_CACHE_SIZE = 64

# Query parameter values the quick preparation encodes; others take requests' way.
_SCALARS = (str, int, float)


class TimetrackSession(requests.Session):
    """A session that prepares paged requests quickly and caches per-host settings.

    `requests` reads the environment (proxy variables, `NO_PROXY`, CA bundle
    variables) again for every request, which cost about 0.14 ms a request on
    the benchmark machine: a tenth of the raw fetch time of a page. The
    settings are cached by scheme, host and the per-request arguments, so a
    proxy variable changed during a sync applies from the next sync on.

    Preparing a request parsed its URL twice, once for the parameters and once
    for an API key in the query, and merged empty cookie jars: about 0.2 ms a
    page. `prepare_request` parses each distinct URL once and appends the
    encoded parameters, and gives the same prepared request as `requests`.
    """

    def __init__(self) -> None:
        super().__init__()
        self._environment: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._prepared_urls: dict[str, str] = {}

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        """Prepare `request` as `requests` does, quickly for plain query requests.

        The quick way applies without cookies, with query parameters of single
        text or number values, and with an auth. dlt's API key in the query is
        folded into the parameters. Without an auth, requests would look in
        ~/.netrc, so such a request takes requests' way, as any other does.
        """
        auth = merge_setting(request.auth, self.auth)  # type: ignore[no-untyped-call]
        params = request.params
        base = self._prepared_url(request.url)
        if (
            base is None
            or not auth
            or request.cookies
            or self.cookies
            or self.params
            or type(params) is not dict
            or not all(
                isinstance(name, str) and (value is None or type(value) in _SCALARS)
                for name, value in params.items()
            )
        ):
            return super().prepare_request(request)
        pairs = [(name, value) for name, value in params.items() if value is not None]
        query_auth = isinstance(auth, APIKeyAuth) and auth.location in (
            "query",
            "param",
        )
        if query_auth and auth.api_key is not None:
            pairs.append((auth.name, auth.api_key))
        prepared = requests.PreparedRequest()
        prepared.prepare_method(request.method)
        url = base
        if pairs:
            url = f"{base}{'&' if '?' in base else '?'}{urlencode(pairs)}"
        prepared.url = requote_uri(url)
        prepared.prepare_headers(_merge_headers(self.headers, request.headers))
        prepared._cookies = RequestsCookieJar()  # type: ignore[attr-defined]
        prepared.prepare_body(request.data, request.files, request.json)
        if not query_auth:
            prepared.prepare_auth(auth, prepared.url)
        prepared.prepare_hooks(merge_hooks(request.hooks, self.hooks))  # type: ignore[no-untyped-call]
        return prepared

    def _prepared_url(self, url: Any) -> str | None:
        """Return `url` as requests prepares it without parameters, if plain.

        None means the quick way does not apply: a URL with a fragment or user
        information, one requests rejects, or anything but a text http(s) URL.
        """
        if not isinstance(url, str):
            return None
        prepared = self._prepared_urls.get(url)
        if prepared is None:
            prepared = _plain_url(url)
            if len(self._prepared_urls) >= _CACHE_SIZE:
                self._prepared_urls.clear()
            self._prepared_urls[url] = prepared
        return prepared or None

    def merge_environment_settings(  # type: ignore[override]
        self,
        url: str | bytes | None,
        proxies: Any,
        stream: Any,
        verify: Any,
        cert: Any,
    ) -> dict[str, Any]:
        """Return `requests`' merged settings, from the cache when seen before."""
        text = url.decode() if isinstance(url, bytes) else url or ""
        parts = urlsplit(text)
        try:
            key = (
                parts.scheme,
                parts.netloc,
                tuple(sorted((proxies or {}).items())),
                stream,
                verify,
                cert if not isinstance(cert, list) else tuple(cert),
            )
            hash(key)
        except TypeError:
            return dict(
                super().merge_environment_settings(url, proxies, stream, verify, cert)
            )
        cached = self._environment.get(key)
        if cached is None:
            cached = dict(
                super().merge_environment_settings(url, proxies, stream, verify, cert)
            )
            if len(self._environment) >= _CACHE_SIZE:
                self._environment.clear()
            self._environment[key] = cached
        # Copies of the inner dicts: requests passes them on to the adapter.
        return {
            name: dict(value) if isinstance(value, dict) else value
            for name, value in cached.items()
        }


def _merge_headers(session: Any, request: Any) -> CaseInsensitiveDict[Any]:
    """Merge headers as requests' `merge_setting` does, without its type checks."""
    if type(request) is not dict:
        merged: CaseInsensitiveDict[Any] = merge_setting(  # type: ignore[no-untyped-call]
            request, session, dict_class=CaseInsensitiveDict
        )
        return merged
    headers = CaseInsensitiveDict(session)
    headers.update(request)
    # A None value, in the session's headers or the request's, drops the header.
    for name in [name for name, value in headers.items() if value is None]:
        del headers[name]
    return headers


def _plain_url(url: str) -> str:
    """Return `url` as requests prepares it, or "" when the quick way cannot use it."""
    probe = requests.PreparedRequest()
    try:
        probe.prepare_url(url, None)
    except (requests.RequestException, ValueError):
        return ""
    prepared = probe.url or ""
    # An API key in the query makes requests prepare the URL a second time.
    # That pass removes "%2E%2E" segments the first one decoded, so a URL that
    # changes again takes requests' way.
    probe.prepare_url(prepared, None)
    if probe.url != prepared:
        return ""
    parts = urlsplit(prepared)
    if parts.scheme not in ("http", "https") or parts.fragment or "@" in parts.netloc:
        return ""
    return prepared


def build_session(
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    *,
    sleep: Callable[[float], None] = time.sleep,
    stats: TransportStats | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    concurrency: int = 1,
    max_requests_per_second: float | None = None,
    page_check: PageCheck | None = None,
    overlap: int = 0,
) -> requests.Session:
    """Create a session whose adapter retries with `policy` and counts into `stats`.

    With `concurrency` above 1 the adapter fetches offset pages ahead, that many
    at a time; `max_requests_per_second` caps every request, retries included.
    `page_check` makes a 200 with an unusable body a transient failure, and
    `overlap` is the records each page shares with the one before, as the
    paginator requests them, so pages are fetched ahead at the right offsets.
    """
    redact_library_logs()
    session = TimetrackSession()
    adapter = ReadAheadAdapter(
        policy,
        sleep=sleep,
        stats=stats,
        timeout=timeout,
        concurrency=concurrency,
        max_requests_per_second=max_requests_per_second,
        page_check=page_check,
        overlap=overlap,
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = f"timetrack/{__version__}"
    return session
