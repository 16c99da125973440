"""A small hand-made data set, synced once into DuckDB, for the report tests.

Hours per day, by hand, in Europe/Berlin (UTC+1 in November) with the clock at
2026-11-30T15:00Z, period 2026-11-29 to 2026-11-30:

    id  start (as the API sends it)   end                         Berlin days
    1   2026-11-29T22:00:00+01:00     2026-11-30T02:00:00+01:00   29th 2 h, 30th 2 h
    2   2026-11-29T23:30:00Z          2026-11-30T00:30:00Z        30th 1 h
    3   2026-11-29T18:30:00-05:00     2026-11-29T19:00:00-05:00   30th 0.5 h
    4   2026-11-30T03:00:00+05:30     2026-11-30T04:00:00+05:30   29th 1 h
    5   2026-11-30T14:00:00Z          running                     30th 1 h (to now)
    6   2026-11-28T10:00:00Z          2026-11-28T11:00:00Z        28th 1 h
    7   2026-11-28T22:30:00Z          2026-11-28T23:30:00Z        28th 0.5 h, 29th 0.5 h
    8   2026-11-30T10:00:00Z          2026-11-30T10:00:00Z        30th 0 h

So the 29th has 3.5 h (entries 1, 4, 7) and the 30th 4.5 h (1, 2, 3, 5, 8).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import API_KEY
from timetrack.reference_api import EntryStore, ReferenceApi
from timetrack.sync import SyncSettings, run_sync

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)

# (id, user, project, start, end)
ENTRIES: list[tuple[int, str, str | None, str, str | None]] = [
    (1, "u1", "p10", "2026-11-29T22:00:00+01:00", "2026-11-30T02:00:00+01:00"),
    (2, "u2", "p10", "2026-11-29T23:30:00Z", "2026-11-30T00:30:00Z"),
    (3, "u2", "p11", "2026-11-29T18:30:00-05:00", "2026-11-29T19:00:00-05:00"),
    (4, "u1", "p11", "2026-11-30T03:00:00+05:30", "2026-11-30T04:00:00+05:30"),
    (5, "u3", None, "2026-11-30T14:00:00Z", None),
    (6, "u1", "p12", "2026-11-28T10:00:00Z", "2026-11-28T11:00:00Z"),
    (7, "u3", "p12", "2026-11-28T22:30:00Z", "2026-11-28T23:30:00Z"),
    (8, "u1", None, "2026-11-30T10:00:00Z", "2026-11-30T10:00:00Z"),
]


def _record(
    entry_id: int, user: str, project: str | None, start: str, end: str | None
) -> dict[str, Any]:
    duration = None
    if end is not None:
        elapsed = datetime.fromisoformat(end) - datetime.fromisoformat(start)
        duration = int(elapsed.total_seconds())
    return {
        "id": entry_id,
        "user_id": user,
        "project_id": project,
        "description": f"entry {entry_id}",
        "tags": [],
        "billable": True,
        "start_time": start,
        "end_time": end,
        "duration": duration,
        "created_at": "2026-11-30T00:00:00Z",
        "updated_at": "2026-11-30T00:00:00Z",
    }


@pytest.fixture(scope="module")
def synced_duckdb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Sync the hand-made entries through the reference API into a DuckDB file."""
    folder = tmp_path_factory.mktemp("report")
    store = EntryStore([_record(*entry) for entry in ENTRIES])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
        patch.setenv("DLT_DATA_DIR", str(folder / "dlt-data"))
        with ReferenceApi(store, api_key=API_KEY) as server:
            settings = SyncSettings(
                base_url=server.url,
                api_key=API_KEY,
                duckdb_path=folder / "timetrack.duckdb",
                pipelines_dir=folder / "pipelines",
            )
            run_sync(settings)
        yield settings.resolved_duckdb_path()
