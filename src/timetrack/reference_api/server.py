"""Serve the reference API over HTTP from a background or foreground thread."""

from __future__ import annotations

import contextlib
import io
import logging
import re
import socket
import struct
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, cast
from urllib.parse import parse_qsl, urlsplit

import orjson

from timetrack.reference_api.catalog import (
    generate_clients,
    generate_tags,
    link_projects_to_clients,
)
from timetrack.reference_api.dataset import (
    generate_projects,
    generate_users,
    iter_entries,
)
from timetrack.reference_api.faults import Fault, FaultPlan
from timetrack.reference_api.profile_routes import build_profile_reply
from timetrack.reference_api.reply import (
    JSON_CONTENT_TYPE,
    Reply,
    describe_status,
    make_error_reply,
)
from timetrack.reference_api.routes import (
    CLIENTS_PATH,
    PROJECTS_PATH,
    TAGS_PATH,
    TIME_ENTRIES_PATH,
    USERS_PATH,
    build_reply,
    parse_offset,
)
from timetrack.reference_api.shapes import ProfileRequest
from timetrack.reference_api.store import EntryStore

logger = logging.getLogger("timetrack.reference_api")

MASK = "***"
_KEY_IN_QUERY = re.compile(r"(api_key=)[^&\s'\"]*")
# How often serve_forever checks for a stop request, in seconds.
_POLL_INTERVAL = 0.1


@dataclass(frozen=True)
class RecordedRequest:
    """A request the server responded to, with the api_key value masked."""

    method: str
    path: str
    params: dict[str, str]
    status: int | None
    """Status sent, or None when a fault reset the connection before any status."""
    fault: Fault | None


def _mask_text(text: str, api_key: str) -> str:
    return _KEY_IN_QUERY.sub(r"\1" + MASK, text).replace(api_key, MASK)


def _mask_params(params: Mapping[str, str], api_key: str) -> dict[str, str]:
    return {
        name: MASK if name == "api_key" else value.replace(api_key, MASK)
        for name, value in params.items()
    }


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Idle keep-alive connections would block server_close(); stop() shuts
    # them down instead.
    block_on_close = False

    def __init__(self, address: tuple[str, int], api: ReferenceApi) -> None:
        self.api = api
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def shut_down_connections(self) -> None:
        """Shut down open client connections so their handler threads end."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            # OSError means the client closed the connection first.
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Runs inside the handler thread's except block. The handler responds
        # to and logs request errors itself, so what arrives here is mostly a
        # client that disconnected mid-request.
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            logger.debug("connection from %s closed: %r", client_address, error)
        else:
            logger.warning("connection from %s failed", client_address, exc_info=True)


class _Exchange:
    """The server's side of one request, as handed to faults."""

    def __init__(
        self,
        handler: _Handler,
        method: str,
        path: str,
        params: dict[str, str],
    ) -> None:
        self._handler = handler
        self._api = handler.api
        self._method = method
        self._path = path
        self._params = params
        self.fault: Fault | None = None
        self.finished = False

    @property
    def path(self) -> str:
        return self._path

    @property
    def params(self) -> Mapping[str, str]:
        return self._params

    def normal_reply(self, overrides: Mapping[str, str] | None = None) -> Reply:
        if self._method != "GET":
            return make_error_reply(
                HTTPStatus.METHOD_NOT_ALLOWED,
                f"method {self._method} is not allowed; this API is read-only",
                headers=(("Allow", "GET"), ("Connection", "close")),
            )
        api = self._api
        params = {**self._params, **overrides} if overrides else self._params
        profile_reply = build_profile_reply(
            ProfileRequest(
                self._path,
                params,
                dict(self._handler.headers.items()),
                api.collections,
                api_key=api.api_key,
                max_limit=api.max_limit,
                base_url=api.url,
            ),
            api.toggl_quota,
        )
        if profile_reply is not None:
            return profile_reply
        return build_reply(
            self._path,
            params,
            api.collections,
            api_key=api.api_key,
            max_limit=api.max_limit,
        )

    def _commit(self, status: int | None) -> None:
        """Apply latency and record the request before any byte is sent.

        Recording first means a client that has its response also finds the
        request in ``ReferenceApi.requests``.
        """
        if self.finished:
            raise RuntimeError(f"a reply to {self._path} was already sent")
        self.finished = True
        if self._api.latency > 0:
            time.sleep(self._api.latency)
        recorded = RecordedRequest(
            method=self._method,
            path=_mask_text(self._path, self._api.api_key),
            params=_mask_params(self._params, self._api.api_key),
            status=status,
            fault=self.fault,
        )
        self._api._record(recorded)
        if self._api.verbose:
            logger.info(
                "%s %s %s -> %s%s",
                recorded.method,
                recorded.path,
                recorded.params,
                "reset" if status is None else status,
                f" (fault: {self.fault.kind})" if self.fault else "",
            )

    def send_head(self, reply: Reply) -> None:
        self._commit(int(reply.status))
        handler = self._handler
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            handler.send_header(name, value)
        handler.end_headers()

    def send(self, reply: Reply) -> None:
        self.send_head(reply)
        self._handler.wfile.write(reply.body)

    def write(self, data: bytes) -> None:
        self._handler.wfile.write(data)

    def reset(self) -> None:
        if not self.finished:
            self._commit(None)
        self._handler.abort_connection()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "timetrack-reference-api"
    sys_version = ""
    # Headers and body go out in two writes. With Nagle's algorithm on, the body
    # waits for the client's delayed ACK of the headers, about 40 ms on Linux,
    # which would hide every client-side cost behind a fixed wait per request.
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return self.server_version

    @property
    def api(self) -> ReferenceApi:
        return cast(_HttpServer, self.server).api

    def setup(self) -> None:
        super().setup()
        cast(_HttpServer, self.server).track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            cast(_HttpServer, self.server).untrack(self.connection)

    def abort_connection(self) -> None:
        """Close the socket with SO_LINGER 0, which sends a TCP reset."""
        self.close_connection = True
        linger_off = struct.pack("ii", 1, 0)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_off)
        self.rfile.close()
        self.wfile.close()
        # The base class flushes and closes these after the handler returns.
        self.rfile = io.BytesIO()
        self.wfile = io.BytesIO()
        self.connection.close()

    def _serve(self) -> None:
        split = urlsplit(self.path)
        params = dict(parse_qsl(split.query, keep_blank_values=True))
        exchange = _Exchange(self, self.command, split.path, params)
        try:
            plan = self.api.faults
            if (
                plan is not None
                and self.command == "GET"
                and split.path == TIME_ENTRIES_PATH
            ):
                offset = parse_offset(params.get("offset"))
                exchange.fault = plan.next_fault(offset)
            if exchange.fault is not None:
                exchange.fault.apply(exchange)
            if not exchange.finished:
                exchange.send(exchange.normal_reply())
        except (ConnectionError, TimeoutError):
            raise  # handle_error logs client disconnects.
        except Exception:
            logger.exception(
                "request %s %s failed",
                self.command,
                _mask_text(split.path, self.api.api_key),
            )
            if not exchange.finished:
                exchange.send(
                    make_error_reply(
                        HTTPStatus.INTERNAL_SERVER_ERROR, "internal server error"
                    )
                )

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
    do_PATCH = _serve
    do_DELETE = _serve

    def send_error(
        self, code: int, message: str | None = None, explain: str | None = None
    ) -> None:
        # The base class puts the raw request line, which may contain the key,
        # into the status line and an HTML page. This sends masked JSON.
        text = _mask_text(message or describe_status(code), self.api.api_key)
        self.log_error("code %d, message %s", code, text)
        body = orjson.dumps({"error": text})
        self.send_response(code)
        self.send_header("Connection", "close")
        self.send_header("Content-Type", JSON_CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # _Exchange logs each request without the query string's key.

    def log_message(self, format: str, *args: Any) -> None:
        api = self.api
        if api.verbose:
            logger.info("%s", _mask_text(format % args, api.api_key))


class _RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []

    def append(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()


class ReferenceApi:
    """A local time-tracking API over real HTTP, for demos and tests.

    ``GET /v1/time_entries``, ``/v1/users``, ``/v1/projects``, ``/v1/clients``
    and ``/v1/tags`` take ``api_key``, ``offset`` (default 0) and ``limit``
    (default 100, at most ``max_limit``) and return ``{"data": [...], "total": N}``
    ordered by id. Time entries also take the filters of ``filters.EntryFilter``
    (``updated_since`` also returns deleted entries, with ``deleted_at``), and
    ``/v1/time_entries/deleted?since=T`` lists deleted ids.
    Without ``store``, the entries are generated from ``size``, ``seed`` and
    ``end``. Users and projects always come from ``seed`` and ``end``.
    ``latency`` seconds are slept before each response. ``faults`` and
    ``latency`` may be changed while the server runs.
    """

    def __init__(
        self,
        store: EntryStore | None = None,
        *,
        size: int = 1000,
        seed: int = 0,
        end: datetime | None = None,
        api_key: str = "reference-key",
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        max_limit: int = 1000,
        faults: FaultPlan | None = None,
        verbose: bool = False,
    ) -> None:
        if not api_key:
            raise ValueError("api_key must not be empty")
        if latency < 0:
            raise ValueError(f"latency must be >= 0 seconds, got {latency}")
        if max_limit < 1:
            raise ValueError(f"max_limit must be >= 1, got {max_limit}")

        if store is None:
            store = EntryStore(iter_entries(size, seed=seed, end=end))
        self.store = store
        self.users = EntryStore(generate_users(seed, end=end))
        projects = generate_projects(seed, end=end)
        clients = generate_clients(projects)
        self.projects = EntryStore(link_projects_to_clients(projects, clients))
        self.clients = EntryStore(clients)
        self.tags = EntryStore(generate_tags())
        self.collections: Mapping[str, EntryStore] = {
            TIME_ENTRIES_PATH: self.store,
            USERS_PATH: self.users,
            PROJECTS_PATH: self.projects,
            CLIENTS_PATH: self.clients,
            TAGS_PATH: self.tags,
        }

        self.api_key = api_key
        self.host = host
        self.latency = latency
        self.max_limit = max_limit
        self.faults = faults
        self.verbose = verbose

        # Requests left in the Toggl shape's hourly quota, or None for no quota.
        # A one-item list, so route handlers can count down in place.
        self.toggl_quota: list[int] | None = None
        self._requested_port = port
        self._log = _RequestLog()
        self._state_lock = threading.Lock()
        self._server: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._serving = False
        # Set while serve_forever() runs, because stop() from that thread
        # would wait for its own loop to end.
        self._foreground_thread_id: int | None = None

    def bind(self) -> Self:
        """Bind the listening socket without serving, so ``url`` is known."""
        with self._state_lock:
            if self._server is None:
                address = (self.host, self._requested_port)
                self._server = _HttpServer(address, self)
        return self

    def _claim_loop(self, *, foreground: bool) -> _HttpServer:
        self.bind()
        with self._state_lock:
            server = self._server
            if server is None:
                raise RuntimeError("the server was stopped while starting")
            if self._serving:
                port = server.server_address[1]
                raise RuntimeError(f"already serving http://{self.host}:{port}")
            self._serving = True
            if foreground:
                self._foreground_thread_id = threading.get_ident()
            return server

    def start(self) -> Self:
        """Bind and serve from a daemon thread. Returns self once bound."""
        server = self._claim_loop(foreground=False)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL},
            name=f"reference-api-{self.port}",
            daemon=True,
        )
        with self._state_lock:
            self._thread = thread
        thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve from the calling thread until stop() or an exception.

        The socket is closed however the loop ends, including on
        KeyboardInterrupt, which propagates.
        """
        server = self._claim_loop(foreground=True)
        try:
            server.serve_forever(poll_interval=_POLL_INTERVAL)
        finally:
            self._close()

    def stop(self) -> None:
        """Stop serving, close the socket and open connections. Safe to repeat."""
        with self._state_lock:
            server, thread, serving = self._server, self._thread, self._serving
            foreground_thread_id = self._foreground_thread_id
        if server is None:
            return
        if foreground_thread_id == threading.get_ident():
            raise RuntimeError("stop() must be called from another thread")
        if serving:
            server.shutdown()
        if thread is not None:
            thread.join()
        self._close()

    def _close(self) -> None:
        with self._state_lock:
            server = self._server
            self._server = None
            self._thread = None
            self._serving = False
            self._foreground_thread_id = None
        if server is not None:
            server.server_close()
            server.shut_down_connections()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """TCP port the server is bound to. Raises RuntimeError before bind()."""
        server = self._server
        if server is None:
            raise RuntimeError("the server is not bound; call start() or bind()")
        return int(server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL such as ``http://127.0.0.1:8765``, without a trailing slash."""
        return f"http://{self.host}:{self.port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """Copy of the requests responded to so far, oldest first."""
        return self._log.snapshot()

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        self._log.clear()

    def _record(self, request: RecordedRequest) -> None:
        self._log.append(request)
