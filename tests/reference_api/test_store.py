"""Tests for EntryStore paging and changes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from timetrack.reference_api import EntryStore


def _records(*ids: int) -> list[dict[str, Any]]:
    return [
        {"id": record_id, "name": f"r{record_id}", "updated_at": "2026-01-01T00:00:00Z"}
        for record_id in ids
    ]


def _ids(records: list[dict[str, Any]]) -> list[int]:
    return [record["id"] for record in records]


def test_store_pages_in_id_order() -> None:
    store = EntryStore(_records(3, 9, 12, 20, 41))
    assert store.total() == 5
    assert _ids(store.page(0, 2)) == [3, 9]
    assert _ids(store.page(2, 2)) == [12, 20]
    assert _ids(store.page(4, 2)) == [41]
    assert store.page(5, 2) == []
    assert store.page(500, 2) == []


def test_store_sorts_unordered_input() -> None:
    store = EntryStore(_records(20, 3, 12))
    assert _ids(store.all()) == [3, 12, 20]


def test_store_rejects_duplicate_ids() -> None:
    with pytest.raises(ValueError, match="duplicate record id 3"):
        EntryStore(_records(3, 5, 3))


@pytest.mark.parametrize("bad_id", [None, 0, -4, "7", True, 1.5])
def test_store_rejects_invalid_id(bad_id: object) -> None:
    with pytest.raises(ValueError, match="positive int"):
        EntryStore([{"id": bad_id}])


def test_store_rejects_negative_paging() -> None:
    store = EntryStore(_records(1))
    with pytest.raises(ValueError):
        store.page(-1, 10)
    with pytest.raises(ValueError):
        store.page(0, -1)


def test_encode_page_is_json_array() -> None:
    store = EntryStore(_records(1, 2, 3))
    array, total = store.encode_page(1, 5)
    assert orjson.loads(array) == _records(2, 3)
    assert total == 3
    assert store.encode_page(3, 5) == (b"[]", 3)


def test_add_inserts_at_id_position() -> None:
    store = EntryStore(_records(10, 30))
    stored = store.add({"id": 20, "name": "new"})
    assert _ids(store.all()) == [10, 20, 30]
    assert stored["created_at"] == stored["updated_at"]
    assert stored["created_at"].endswith("Z")


def test_add_without_id_appends() -> None:
    store = EntryStore(_records(10, 30))
    stored = store.add({"name": "next"})
    assert stored["id"] == 31
    assert _ids(store.page(2, 1)) == [31]
    assert EntryStore().add({"name": "first"})["id"] == 1


def test_add_existing_id_rejected() -> None:
    store = EntryStore(_records(10))
    with pytest.raises(ValueError, match="already exists"):
        store.add({"id": 10})


def test_update_changes_fields_and_bumps_updated_at() -> None:
    store = EntryStore(_records(1, 2))
    updated = store.update(2, name="renamed")
    assert updated["name"] == "renamed"
    assert store.get(2) == updated
    assert updated["updated_at"] > "2026-01-01T00:00:00Z"
    assert store.get(1)["name"] == "r1"


def test_update_moves_future_updated_at_forward() -> None:
    future = "2999-01-01T00:00:00Z"
    store = EntryStore([{"id": 1, "updated_at": future}])
    first = store.update(1, name="a")["updated_at"]
    second = store.update(1, name="b")["updated_at"]
    assert first == "2999-01-01T00:00:01Z"
    assert second == "2999-01-01T00:00:02Z"


def test_update_keeps_explicit_updated_at() -> None:
    store = EntryStore(_records(1))
    assert store.update(1, updated_at="2020-05-05T00:00:00Z")["updated_at"] == (
        "2020-05-05T00:00:00Z"
    )


def test_update_unknown_id_raises() -> None:
    store = EntryStore(_records(1))
    with pytest.raises(KeyError):
        store.update(2, name="x")


def test_update_cannot_change_id() -> None:
    store = EntryStore(_records(1))
    with pytest.raises(ValueError, match="cannot change the id"):
        store.update(1, id=5)


def test_delete_removes_record() -> None:
    store = EntryStore(_records(1, 2, 3))
    store.delete(2)
    assert _ids(store.all()) == [1, 3]
    assert store.total() == 2
    with pytest.raises(KeyError):
        store.delete(2)
    with pytest.raises(KeyError):
        store.get(2)


def test_store_keeps_updated_at_after_now() -> None:
    store = EntryStore([{"id": 1}])
    stamp = store.update(1, name="x")["updated_at"]
    parsed = datetime.fromisoformat(stamp)
    assert abs((datetime.now(UTC) - parsed).total_seconds()) < 5


def test_store_concurrent_adds_and_pages() -> None:
    store = EntryStore(_records(*range(1, 1001)))
    errors: list[BaseException] = []

    def add_many(start: int) -> None:
        try:
            for record_id in range(start, start + 200):
                store.add({"id": record_id})
        except BaseException as error:  # collected for the main thread's assert
            errors.append(error)

    def page_many() -> None:
        try:
            for offset in range(0, 1000, 10):
                page = store.page(offset, 10)
                assert _ids(page) == sorted(_ids(page))
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=add_many, args=(2000 + i * 1000,)) for i in range(3)
    ]
    threads += [threading.Thread(target=page_many) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    assert store.total() == 1600
    ids = _ids(store.all())
    assert ids == sorted(ids)


def test_unreadable_instant_keeps_store_consistent() -> None:
    from timetrack.reference_api.filters import parse_entry_filter

    store = EntryStore([{"id": 1, "updated_at": "2026-01-01T00:00:00Z"}])
    # Text of digits reads as Unix seconds, here beyond any datetime.
    store.add({"id": 2, "start_time": "99999999999999999999"})
    store.update(1, start_time="-99999999999999999999")
    listing = parse_entry_filter({"start_from": "2020-01-01T00:00:00Z"})
    assert listing is not None
    array, total = store.encode_matching(listing.matcher(), 0, 10)
    # Records without a readable start are kept by a start filter.
    assert total == 2
    assert [record["id"] for record in orjson.loads(array)] == [1, 2]
    store.delete(2)
    assert store.total() == 1
