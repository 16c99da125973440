"""Tests for the reference API's HTTP behaviour."""

from __future__ import annotations

import http.client
import logging
import socket
import time

import orjson
import pytest
import requests
from dlt.sources.helpers.rest_client.client import RESTClient
from dlt.sources.helpers.rest_client.paginators import OffsetPaginator

from timetrack.reference_api import EntryStore, ReferenceApi

from .helpers import API_KEY, END, TIMEOUT, get, get_entries


def _send_raw(api: ReferenceApi, request_line: str) -> bytes:
    """Send one raw request line and return everything the server sends back."""
    with socket.create_connection(("127.0.0.1", api.port), timeout=TIMEOUT) as sock:
        sock.sendall(request_line.encode() + b"\r\nHost: 127.0.0.1\r\n\r\n")
        chunks = []
        for _ in range(100):
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def test_paging_covers_every_id_once(shared_api: ReferenceApi) -> None:
    seen: list[int] = []
    offset = 0
    for _ in range(20):
        body = get_entries(shared_api, offset=offset, limit=97).json()
        assert body["total"] == 1000
        if not body["data"]:
            break
        seen += [entry["id"] for entry in body["data"]]
        offset += len(body["data"])
    assert len(seen) == 1000
    assert seen == sorted(set(seen))
    assert seen == [entry["id"] for entry in shared_api.store.all()]


def test_default_offset_and_limit(shared_api: ReferenceApi) -> None:
    body = get_entries(shared_api).json()
    assert len(body["data"]) == 100
    assert body["data"] == shared_api.store.page(0, 100)


def test_offset_past_end_returns_empty_page(shared_api: ReferenceApi) -> None:
    for offset in (1000, 1001, 10**30):
        response = get_entries(shared_api, offset=offset, limit=10)
        assert response.status_code == 200
        assert response.json() == {"data": [], "total": 1000}


def test_last_page_is_partial(shared_api: ReferenceApi) -> None:
    body = get_entries(shared_api, offset=990, limit=100).json()
    assert len(body["data"]) == 10


def test_limit_at_max_accepted(shared_api: ReferenceApi) -> None:
    body = get_entries(shared_api, limit=1000).json()
    assert len(body["data"]) == 1000


def test_json_headers(shared_api: ReferenceApi) -> None:
    response = get_entries(shared_api, limit=3)
    assert response.headers["Content-Type"] == "application/json"
    assert int(response.headers["Content-Length"]) == len(response.content)


def test_keep_alive_connection_reused(shared_api: ReferenceApi) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", shared_api.port, timeout=5)
    try:
        for offset in (0, 5, 10):
            connection.request(
                "GET", f"/v1/time_entries?api_key={API_KEY}&offset={offset}&limit=5"
            )
            response = connection.getresponse()
            assert response.status == 200
            assert response.version == 11
            assert len(response.read()) > 0
            assert not response.will_close
    finally:
        connection.close()


@pytest.mark.parametrize("key", [None, "", "wrong", API_KEY + "x"])
def test_invalid_key_returns_401(shared_api: ReferenceApi, key: str | None) -> None:
    params = {} if key is None else {"api_key": key}
    response = get(shared_api, "/v1/time_entries", **params)
    assert response.status_code == 401
    assert response.json() == {"error": "invalid or missing api_key"}


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("offset", "-1"),
        ("offset", "abc"),
        ("offset", "1.5"),
        ("offset", ""),
        ("offset", " 3"),
        ("limit", "0"),
        ("limit", "1001"),
        ("limit", "-5"),
        ("limit", "ten"),
        ("limit", ""),
    ],
)
def test_invalid_paging_returns_400(
    shared_api: ReferenceApi, parameter: str, value: str
) -> None:
    response = get_entries(shared_api, **{parameter: value})
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == parameter
    assert parameter in body["error"]


def test_key_checked_before_paging(shared_api: ReferenceApi) -> None:
    response = get(shared_api, "/v1/time_entries", offset="-1")
    assert response.status_code == 401


def test_unknown_path_returns_404(shared_api: ReferenceApi) -> None:
    for path in ("/", "/v1/time_entries/", "/v3/time_entries", "/v1/invoices"):
        response = get(shared_api, path, api_key=API_KEY)
        assert response.status_code == 404
        assert response.headers["Content-Type"] == "application/json"
        assert "error" in response.json()


def test_write_methods_return_405(shared_api: ReferenceApi) -> None:
    response = requests.post(
        shared_api.url + "/v1/time_entries",
        params={"api_key": API_KEY},
        json={"description": "x"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"


@pytest.mark.parametrize("path", ["/v1/users", "/v1/projects"])
def test_users_and_projects_paged(shared_api: ReferenceApi, path: str) -> None:
    assert get(shared_api, path).status_code == 401
    body = get(shared_api, path, api_key=API_KEY, limit=5).json()
    store = shared_api.users if path == "/v1/users" else shared_api.projects
    assert body["total"] == store.total()
    assert body["data"] == store.page(0, 5)
    rest = get(shared_api, path, api_key=API_KEY, offset=5, limit=1000).json()
    assert len(body["data"]) + len(rest["data"]) == store.total()


def test_entries_reference_served_users(shared_api: ReferenceApi) -> None:
    users = get(shared_api, "/v1/users", api_key=API_KEY, limit=100).json()["data"]
    entries = get_entries(shared_api, limit=1000).json()["data"]
    assert {entry["user_id"] for entry in entries} <= {user["id"] for user in users}


def test_requests_recorded_with_key_masked(api: ReferenceApi) -> None:
    get_entries(api, offset=0, limit=5)
    get(api, "/v1/time_entries", api_key="some-other-key")
    get(api, f"/v1/{API_KEY}", api_key=API_KEY)
    recorded = api.requests
    assert [request.status for request in recorded] == [200, 401, 404]
    assert recorded[0].method == "GET"
    assert recorded[0].path == "/v1/time_entries"
    assert recorded[0].params == {"api_key": "***", "offset": "0", "limit": "5"}
    assert recorded[1].params == {"api_key": "***"}
    assert API_KEY not in repr(recorded)
    assert "some-other-key" not in repr(recorded)
    api.clear_requests()
    assert api.requests == []


def test_error_bodies_never_echo_key(api: ReferenceApi) -> None:
    responses = [
        get(api, "/v1/time_entries", api_key=API_KEY[:-1]),
        get(api, f"/v1/{API_KEY}", api_key=API_KEY),
        get_entries(api, offset=API_KEY),
        get_entries(api, limit=API_KEY),
    ]
    for response in responses:
        assert response.status_code >= 400
        assert API_KEY not in response.text
        assert API_KEY[:-1] not in response.text


def test_store_changes_visible_over_http(api: ReferenceApi) -> None:
    first, second = api.store.page(0, 2)
    api.store.update(first["id"], description="edited upstream")
    api.store.delete(second["id"])
    added = api.store.add({**first, "id": first["id"] + 10**9})

    data = get_entries(api, limit=1000).json()
    by_id = {entry["id"]: entry for entry in data["data"]}
    assert data["total"] == 250
    assert by_id[first["id"]]["description"] == "edited upstream"
    assert by_id[first["id"]]["updated_at"] > first["updated_at"]
    assert second["id"] not in by_id
    assert data["data"][-1] == added


def test_latency_applied() -> None:
    with ReferenceApi(size=30, end=END, api_key=API_KEY, latency=0.2) as api:
        started = time.perf_counter()
        response = get_entries(api, limit=5)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert elapsed >= 0.2


def test_custom_store_and_max_limit() -> None:
    store = EntryStore([{"id": i, "n": i} for i in range(1, 8)])
    with ReferenceApi(store, api_key=API_KEY, max_limit=3) as api:
        assert get_entries(api, limit=4).status_code == 400
        body = get_entries(api).json()
    assert body == {"data": store.page(0, 3), "total": 7}


def test_dlt_offset_paginator_stops_at_total(shared_api: ReferenceApi) -> None:
    client = RESTClient(
        base_url=shared_api.url,
        paginator=OffsetPaginator(limit=300, total_path="total"),
        data_selector="data",
    )
    shared_api.clear_requests()
    pages = list(client.paginate("/v1/time_entries", params={"api_key": API_KEY}))
    assert sum(len(page) for page in pages) == 1000
    offsets = [request.params["offset"] for request in shared_api.requests]
    assert offsets == ["0", "300", "600", "900"]


def test_verbose_logs_mask_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="timetrack.reference_api")
    with ReferenceApi(size=30, end=END, api_key=API_KEY, verbose=True) as api:
        get_entries(api, limit=2)
        reply = _send_raw(api, f"GET /v1/time_entries?api_key={API_KEY} junk HTTP/1.1")
    assert "/v1/time_entries" in caplog.text
    assert "code 400" in caplog.text
    assert API_KEY not in caplog.text
    assert reply.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert API_KEY.encode() not in reply


def test_malformed_request_gets_json_error(shared_api: ReferenceApi) -> None:
    reply = _send_raw(shared_api, f"GET /?api_key={API_KEY} extra HTTP/1.1")
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"Content-Type: application/json" in head
    assert "error" in orjson.loads(body)
    assert API_KEY.encode() not in reply


def test_quiet_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    with ReferenceApi(size=30, end=END, api_key=API_KEY) as api:
        get_entries(api, limit=2)
        get(api, "/missing")
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out == ""


def test_stop_is_idempotent_and_frees_port() -> None:
    api = ReferenceApi(size=30, end=END, api_key=API_KEY).start()
    url = api.url
    session = requests.Session()
    assert session.get(url + "/v1/users", params={"api_key": API_KEY}, timeout=5).ok
    api.stop()
    api.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/v1/users", timeout=2)
    session.close()
    with pytest.raises(RuntimeError, match="not bound"):
        _ = api.url


def test_start_twice_rejected(api: ReferenceApi) -> None:
    with pytest.raises(RuntimeError, match="already serving"):
        api.start()


@pytest.mark.parametrize(
    ("option", "value"),
    [("api_key", ""), ("latency", -1.0), ("max_limit", 0)],
)
def test_invalid_options_rejected(option: str, value: object) -> None:
    with pytest.raises(ValueError, match=option):
        ReferenceApi(EntryStore(), **{option: value})  # type: ignore[arg-type]
