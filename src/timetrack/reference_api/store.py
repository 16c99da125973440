"""Keep API records in memory, ordered by id, so they can be paged like a real API."""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from timetrack.reference_api.filters import RowFacts, row_facts

# Filtered listings kept at once; a sync pages through one or two at a time.
_MAX_CACHED_FILTERS = 8


def _format_utc_now(previous: object) -> str:
    """Return now in UTC with a ``Z`` suffix, at least a second after ``previous``.

    Incremental loads compare ``updated_at`` values, so an update must move it
    forward even when stored times lie in the future.
    """
    now = datetime.now(UTC).replace(microsecond=0)
    if isinstance(previous, str):
        try:
            earliest = datetime.fromisoformat(previous) + timedelta(seconds=1)
        except ValueError:
            earliest = now
        if earliest.tzinfo is None:
            earliest = earliest.replace(tzinfo=UTC)
        now = max(now, earliest.astimezone(UTC))
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def _encode(record: Mapping[str, Any]) -> bytes:
    # orjson 3.13 returns bytes with about 4 KB of spare capacity each, which
    # would make a million stored rows take 4 GB. The copy is compact.
    return bytes(memoryview(orjson.dumps(record)))


def _validate_id(record_id: object) -> int:
    if isinstance(record_id, bool) or not isinstance(record_id, int) or record_id < 1:
        raise ValueError(f"record id must be a positive int, got {record_id!r}")
    return record_id


class EntryStore:
    """Thread-safe in-memory records ordered by ascending ``id``.

    Records are kept JSON-encoded, which takes about a third of the memory of
    dicts and lets the server send a page without encoding it again. Ids are
    kept in a sorted list, so finding an id and slicing a page take O(log n)
    and O(page) time, while ``add`` and ``delete`` shift the lists and take O(n).
    The store serves users and projects as well as time entries.
    """

    def __init__(self, records: Iterable[Mapping[str, Any]] = ()) -> None:
        self._lock = threading.Lock()
        self._ids: list[int] = []
        self._rows: list[bytes] = []
        # What filters read of each row, parsed once when the row is stored.
        self._facts: list[RowFacts] = []
        # Deleted records by id, with `deleted_at` set, as APIs that report
        # deletions to incremental clients keep them, and their facts.
        self._deleted: dict[int, tuple[bytes, RowFacts]] = {}
        # Bumped on every change, so a cached filter result is known stale.
        self._version = 0
        # Matching rows of recent filtered listings by their filter key, as a
        # database index would serve them: paging through one filtered listing
        # then costs O(page) per page instead of decoding every record.
        self._matches: dict[Hashable, tuple[int, list[bytes]]] = {}
        in_order = True
        last_id = 0
        append_id, append_row = self._ids.append, self._rows.append
        append_facts = self._facts.append
        for record in records:
            record_id = _validate_id(record.get("id"))
            if record_id <= last_id:
                in_order = False
            last_id = record_id
            append_id(record_id)
            append_row(_encode(record))
            append_facts(row_facts(record))
        if not in_order:
            self._sort_and_check_unique()

    def _sort_and_check_unique(self) -> None:
        triples = sorted(
            zip(self._ids, self._rows, self._facts, strict=True), key=lambda t: t[0]
        )
        self._ids = [record_id for record_id, _, _ in triples]
        self._rows = [row for _, row, _ in triples]
        self._facts = [facts for _, _, facts in triples]
        for previous, current in zip(self._ids, self._ids[1:], strict=False):
            if previous == current:
                raise ValueError(f"duplicate record id {current}")

    def _position(self, record_id: int) -> int:
        """Return the list position of ``record_id`` or raise KeyError."""
        position = bisect_left(self._ids, record_id)
        if position == len(self._ids) or self._ids[position] != record_id:
            raise KeyError(f"no record with id {record_id}")
        return position

    def total(self) -> int:
        """Return the number of records."""
        with self._lock:
            return len(self._ids)

    def encode_page(self, offset: int, limit: int) -> tuple[bytes, int]:
        """Encode up to ``limit`` records from ``offset`` as a JSON array.

        Returns the array and the total taken under the same lock, so the two
        agree even while another thread changes the store.
        """
        if offset < 0 or limit < 0:
            raise ValueError(
                f"offset and limit must be zero or positive, got {offset}, {limit}"
            )
        with self._lock:
            rows = self._rows[offset : offset + limit]
            total = len(self._ids)
        return b"[" + b",".join(rows) + b"]", total

    def encode_matching(
        self,
        match: Callable[[RowFacts], bool],
        offset: int,
        limit: int,
        *,
        include_deleted: bool = False,
        cache_key: Hashable | None = None,
    ) -> tuple[bytes, int]:
        """Encode a page of the records that ``match`` accepts, in id order.

        With ``include_deleted``, deleted records (which carry ``deleted_at``)
        are offered to ``match`` too. Returns the array and the number of
        matching records, taken under one lock. Calls with the same
        ``cache_key`` must pass the same ``match``; their result is reused
        until the store changes.
        """
        if offset < 0 or limit < 0:
            raise ValueError(
                f"offset and limit must be zero or positive, got {offset}, {limit}"
            )
        key = None if cache_key is None else (cache_key, include_deleted)
        with self._lock:
            version = self._version
            cached = self._matches.get(key) if key is not None else None
            if cached is not None and cached[0] == version:
                matching = cached[1]
                return b"[" + b",".join(matching[offset : offset + limit]) + b"]", len(
                    matching
                )
            rows, facts = list(self._rows), list(self._facts)
            deleted = list(self._deleted.values()) if include_deleted else []
        pairs: Iterable[tuple[bytes, RowFacts]] = zip(rows, facts, strict=True)
        if deleted:
            pairs = sorted([*pairs, *deleted], key=lambda pair: pair[1].id)
        matching = [row for row, facts_of_row in pairs if match(facts_of_row)]
        if key is not None:
            with self._lock:
                if len(self._matches) >= _MAX_CACHED_FILTERS:
                    self._matches.clear()
                self._matches[key] = (version, matching)
        page = matching[offset : offset + limit]
        return b"[" + b",".join(page) + b"]", len(matching)

    def deleted(self) -> list[dict[str, Any]]:
        """Return the deleted records, each with ``deleted_at``, in id order."""
        with self._lock:
            rows = [self._deleted[record_id][0] for record_id in sorted(self._deleted)]
        return [orjson.loads(row) for row in rows]

    def page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        """Return up to ``limit`` records starting at position ``offset``."""
        array, _ = self.encode_page(offset, limit)
        records: list[dict[str, Any]] = orjson.loads(array)
        return records

    def all(self) -> list[dict[str, Any]]:
        """Return every record in id order."""
        with self._lock:
            rows = list(self._rows)
        return [orjson.loads(row) for row in rows]

    def get(self, record_id: int) -> dict[str, Any]:
        """Return the record with ``record_id`` or raise KeyError."""
        with self._lock:
            row = self._rows[self._position(record_id)]
        record: dict[str, Any] = orjson.loads(row)
        return record

    def add(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Insert a record at its id position and return it as stored.

        A record without ``id`` gets one above the highest id, as a real API
        would hand out. ``created_at`` and ``updated_at`` default to now.
        Raises ValueError for an id that is already stored.
        """
        stored = dict(record)
        with self._lock:
            if stored.get("id") is None:
                # Ids of deleted records are never handed out again.
                stored["id"] = max([0, *self._ids[-1:], *self._deleted]) + 1
            record_id = _validate_id(stored["id"])
            position = bisect_left(self._ids, record_id)
            if position < len(self._ids) and self._ids[position] == record_id:
                raise ValueError(f"a record with id {record_id} already exists")
            now = _format_utc_now(None)
            stored.setdefault("created_at", now)
            stored.setdefault("updated_at", now)
            row, facts = _encode(stored), row_facts(stored)
            self._ids.insert(position, record_id)
            self._rows.insert(position, row)
            self._facts.insert(position, facts)
            self._version += 1
            self._deleted.pop(record_id, None)
        return stored

    def update(self, record_id: int, **fields: Any) -> dict[str, Any]:
        """Replace the given fields of a record and return the updated record.

        ``updated_at`` moves to now, or one second past its old value if that
        is later, unless ``fields`` sets it. Other fields such as ``duration``
        are stored as given and not recomputed. Raises KeyError for an unknown
        id and ValueError for an attempt to change the id.
        """
        if "id" in fields and fields["id"] != record_id:
            raise ValueError(f"cannot change the id of record {record_id}")
        with self._lock:
            position = self._position(record_id)
            record: dict[str, Any] = orjson.loads(self._rows[position])
            previous_updated_at = record.get("updated_at")
            record.update(fields)
            if "updated_at" not in fields:
                record["updated_at"] = _format_utc_now(previous_updated_at)
            row, facts = _encode(record), row_facts(record)
            self._rows[position] = row
            self._facts[position] = facts
            self._version += 1
        return record

    def delete(self, record_id: int, *, report: bool = True) -> None:
        """Remove a record or raise KeyError if no record has ``record_id``.

        With ``report`` the record is kept as deleted, with ``deleted_at`` (and
        ``updated_at``) set to now, so incremental queries can report the
        deletion. Without it the record vanishes, as in APIs that report no
        deletions.
        """
        with self._lock:
            position = self._position(record_id)
            record: dict[str, Any] = orjson.loads(self._rows[position])
            now = _format_utc_now(record.get("updated_at"))
            record["deleted_at"] = now
            record["updated_at"] = now
            tombstone = (_encode(record), row_facts(record))
            del self._ids[position]
            del self._rows[position]
            del self._facts[position]
            self._version += 1
            if report:
                self._deleted[record_id] = tombstone
