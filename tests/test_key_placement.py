"""The API key travels in the query string of each request and nowhere else."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import API_KEY
from timetrack.sync import SyncSettings, run_sync


class _Recorder(BaseHTTPRequestHandler):
    captured: ClassVar[list[tuple[str, dict[str, str], bytes]]] = []

    def do_GET(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.captured.append((self.path, dict(self.headers.items()), body))
        offset = int(parse_qs(urlsplit(self.path).query).get("offset", ["0"])[0])
        rows = (
            [{"id": offset + 1, "start_time": "2026-11-30T09:00:00Z"}]
            if offset < 2
            else []
        )
        payload = json.dumps({"data": rows, "total": 2}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[tuple[str, dict[str, str], bytes]]]]:
    captured: list[tuple[str, dict[str, str], bytes]] = []
    handler = type("Recorder", (_Recorder,), {"captured": captured})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", captured
    finally:
        server.shutdown()
        server.server_close()


def test_key_only_in_query(
    recorder: tuple[str, list[tuple[str, dict[str, str], bytes]]], tmp_path: Path
) -> None:
    url, captured = recorder
    settings = SyncSettings(
        base_url=url,
        api_key=API_KEY,
        duckdb_path=tmp_path / "key.duckdb",
        pipelines_dir=tmp_path / "pipelines",
        limit=1,
        related=(),
    )
    run_sync(settings)
    # Two full pages, then an empty one: a full last page could hide more.
    assert len(captured) == 3
    for path, headers, body in captured:
        parts = urlsplit(path)
        assert parse_qs(parts.query)["api_key"] == [API_KEY]
        assert parts.path == "/v1/time_entries"
        assert API_KEY not in parts.path
        assert all(API_KEY not in value for value in headers.values())
        assert API_KEY.encode() not in body
