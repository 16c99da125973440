"""Fixtures that start reference servers on 127.0.0.1 and stop them afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from timetrack.reference_api import ReferenceApi

from .helpers import API_KEY, END


@pytest.fixture(scope="module")
def shared_api() -> Iterator[ReferenceApi]:
    """A 1000-entry server for tests that only read."""
    with ReferenceApi(size=1000, end=END, api_key=API_KEY) as api:
        yield api


@pytest.fixture
def api() -> Iterator[ReferenceApi]:
    """A small server of its own for tests that change data, faults or latency."""
    with ReferenceApi(size=250, end=END, api_key=API_KEY) as api:
        yield api
