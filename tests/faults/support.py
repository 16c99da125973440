"""Helpers for the fault suite: a reference API with a plan, and table snapshots."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import duckdb

from tests.conftest import API_KEY
from timetrack.reference_api import EntryStore, Exchange, Fault, ReferenceApi
from timetrack.sync import SyncSettings


def make_settings(api: ReferenceApi, folder: Path, **changes: Any) -> SyncSettings:
    """Return settings that sync `api` into a DuckDB file in `folder`."""
    values: dict[str, Any] = {
        "base_url": api.url,
        "api_key": API_KEY,
        "duckdb_path": folder / "faults.duckdb",
        "pipelines_dir": folder / "pipelines",
        # Fault scripts count requests in the order the paginator sends them,
        # so these runs fetch one page at a time and skip the related tables.
        "concurrency": 1,
        "related": (),
    }
    values.update(changes)
    return SyncSettings(**values)


def snapshot(path: Path, table: str = "time_entries") -> list[tuple[Any, ...]]:
    """Return every row of a table without dlt's columns, sorted; [] if missing."""
    if not path.exists():
        return []
    with duckdb.connect(str(path), read_only=True) as connection:
        found = connection.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = 'time_tracking' and table_name = ?",
            [table],
        ).fetchall()
        if found[0][0] == 0:
            return []
        relation = connection.sql(f"select * from time_tracking.{table}")
        keep = [name for name in relation.columns if not name.startswith("_dlt")]
        rows = connection.sql(
            f"select {', '.join(keep)} from time_tracking.{table} order by all"
        ).fetchall()
    return [tuple(row) for row in rows]


def loaded_ids(path: Path) -> list[str]:
    """Return the loaded time entry ids, one per row, duplicates included."""
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.sql("select id from time_tracking.time_entries").fetchall()
    return [row[0] for row in rows]


def api_ids(api: ReferenceApi) -> list[str]:
    """Return the ids the API contains now, as the text the table stores."""
    return [str(entry["id"]) for entry in api.store.all()]


@dataclass(frozen=True)
class ChangeUpstream(Fault):
    """Change the store before the page is built, as another client would."""

    kind: ClassVar[str] = "change"

    store: EntryStore = field(compare=False)
    change: Callable[[EntryStore], None] = field(compare=False)

    def apply(self, exchange: Exchange) -> None:
        self.change(self.store)


def changing(store: EntryStore, change: Callable[[EntryStore], None]) -> Fault:
    """Return a fault that applies `change` to `store`, then serves the page."""
    return ChangeUpstream(store, change)


def delete_positions(*positions: int) -> Callable[[EntryStore], None]:
    """Delete the entries at these positions (counted before any delete)."""

    def change(store: EntryStore) -> None:
        entries = store.all()
        for position in positions:
            store.delete(entries[position]["id"])

    return change


def create_entries(
    count: int, created: list[str] | None = None
) -> Callable[[EntryStore], None]:
    """Create `count` entries with ids above every existing one.

    The new ids are appended to `created`, if given.
    """

    def change(store: EntryStore) -> None:
        for number in range(count):
            entry = store.add({"description": f"created during the sync {number}"})
            if created is not None:
                created.append(str(entry["id"]))

    return change
