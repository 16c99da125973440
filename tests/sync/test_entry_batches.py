"""The time entry step: the columnar path loads exactly what the record path loads."""

from __future__ import annotations

from typing import Any

import orjson
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timetrack.reference_api import generate_entries
from timetrack.source.batches import PageBatch
from timetrack.source.entry_batches import TimeEntryBatches
from timetrack.source.schema import time_entry_columns
from timetrack.source.validate import REJECTED_TABLE

COLUMNS = time_entry_columns(hard_delete=True)


def _api_entries(count: int, seed: int) -> list[dict[str, Any]]:
    # As the API sends them: JSON text decoded, so timestamps are strings.
    decoded: list[dict[str, Any]] = orjson.loads(
        orjson.dumps(list(generate_entries(count, seed=seed)), default=str)
    )
    return decoded


def _canonical(items: list[Any]) -> list[Any]:
    """Rows and rejects of a step's output, comparable across both paths."""
    canonical: list[Any] = []
    for item in items:
        data = getattr(item, "data", item)
        table_name = getattr(getattr(item, "meta", None), "table_name", None)
        if isinstance(data, pa.Table):
            # Row ids are random: each row has its own, and the rest must match.
            row_ids = data.column("_dlt_id").to_pylist()
            assert len(set(row_ids)) == len(row_ids)
            assert all(row_ids)
            data = data.drop_columns(["_dlt_id"])
            types = {field.name: str(field.type) for field in data.schema}
            canonical.append(("table", types, data.to_pylist()))
        else:
            canonical.append((table_name or "rows", list(data)))
    return canonical


def _run(
    batches: list[list[Any]],
    *,
    columnar: bool,
    running_before: tuple[str, ...] = ("a", "7", "outside"),
) -> tuple[list[Any], dict[str, bool], TimeEntryBatches]:
    state = dict.fromkeys(running_before, True)
    step = TimeEntryBatches(COLUMNS, running_state=lambda: state, columnar=columnar)
    items: list[Any] = []
    for batch in batches:
        items.extend(step(batch))
    return _canonical(items), state, step


def test_api_batch_takes_the_columnar_path() -> None:
    batch = _api_entries(500, seed=11)
    stopped = next(str(entry["id"]) for entry in batch if entry["end_time"])
    before = (stopped, "outside")
    columnar, columnar_state, step = _run([batch], columnar=True, running_before=before)
    by_record, record_state, _ = _run([batch], columnar=False, running_before=before)
    assert step.columnar_batches == 1
    assert step.record_batches == 0
    assert columnar == by_record
    assert columnar_state == record_state
    rows = columnar[0][2]
    assert len(rows) == 500
    running = [row for row in rows if row["is_running"]]
    assert running, "the generated data has running timers"
    assert all(row["duration"] is None for row in running)
    assert set(columnar_state) == {row["id"] for row in running} | {"outside"}


def test_repeated_ids_are_dropped_across_batches() -> None:
    entries = _api_entries(300, seed=5)
    # Overlapping pages repeat the last record of each page in the next batch.
    batches = [entries[:150], entries[149:]]
    columnar, _, step = _run(batches, columnar=True)
    by_record, _, _ = _run(batches, columnar=False)
    assert step.validator.repeated == 1
    assert columnar == by_record
    loaded = [row["id"] for item in columnar for row in item[2]]
    assert len(loaded) == len(set(loaded)) == 300


def test_bad_record_takes_record_path() -> None:
    entries = _api_entries(200, seed=8)
    entries[50]["start_time"] = "yesterday"
    first_page, second_page = entries[:100], entries[100:]
    batch = PageBatch()
    batch.add_page(first_page)
    batch.add_page(second_page)
    step = TimeEntryBatches(COLUMNS, running_state=dict)
    items = list(step(batch))
    assert step.record_batches == 1
    rejects = [item for item in items if getattr(item, "meta", None) is not None]
    assert len(rejects) == 1
    assert rejects[0].meta.table_name == REJECTED_TABLE
    (reject,) = rejects[0].data
    assert "start_time 'yesterday'" in reject["reason"]
    tables = [item for item in items if isinstance(item, pa.Table)]
    assert sum(table.num_rows for table in tables) == 199


_INSTANTS = st.sampled_from(
    [
        "2026-11-30T09:00:00Z",
        "2026-11-30T09:00:00+05:30",
        "2026-11-30T09:00:00.250-03:00",
        "2026-11-30 23:59:59Z",
        "2026-11-29T22:00:00+00:00",
        "2026-11-30T09:00:00",  # no offset: UTC for timetrack, not for Arrow
        "2026-11-30T09:00:00.1234567Z",  # more digits than Arrow takes
        "2026-11-30",
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
        "9999-12-31T23:00:00-05:00",  # after year 9999 in UTC
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999Z",
        "2024-02-29T12:00:00.999999+14:00",
        "",
        "  ",
        "not a time",
        None,
    ]
)

_RECORD = st.fixed_dictionaries(
    {
        "id": st.one_of(
            st.integers(1, 40), st.sampled_from(["a", "b", "c"]), st.none()
        ),
        "start_time": _INSTANTS,
        "end_time": _INSTANTS,
        "duration": st.one_of(
            st.none(),
            st.integers(-2_000_000_000, 100_000),
            st.sampled_from([2**63 - 1, 2**63, 2**64, -(2**63), 10**20]),
            st.floats(-10, 10_000, allow_nan=False),
            st.sampled_from([1e20, 9.3e18]),
            st.booleans(),
        ),
        "updated_at": _INSTANTS,
    },
    optional={
        "is_running": st.one_of(st.booleans(), st.none(), st.just(1)),
        "deleted": st.one_of(st.booleans(), st.none(), st.just("yes")),
        "deleted_at": _INSTANTS,
        "description": st.one_of(st.none(), st.text(max_size=5)),
        "billable": st.one_of(st.none(), st.booleans()),
        "tags": st.one_of(st.none(), st.lists(st.sampled_from(["x", "y"]))),
        "unknown_field": st.integers(),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_RECORD, min_size=1, max_size=12), min_size=1, max_size=3))
def test_columnar_path_equals_record_path(
    batches: list[list[dict[str, Any]]],
) -> None:
    columnar, columnar_state, _ = _run(batches, columnar=True)
    by_record, record_state, _ = _run(batches, columnar=False)
    assert columnar == by_record
    assert columnar_state == record_state


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "id": st.integers(1, 10_000),
                "start_time": _INSTANTS.filter(lambda v: v not in ("", "  ")),
                "end_time": st.one_of(
                    st.none(),
                    st.sampled_from(
                        ["2026-11-30T10:30:00Z", "2026-11-30T08:00:00.5+01:00"]
                    ),
                ),
                "duration": st.one_of(st.none(), st.integers(-100, 100_000)),
            }
        ),
        min_size=1,
        max_size=30,
        unique_by=lambda record: record["id"],
    )
)
def test_clean_batches_go_columnar(
    batch: list[dict[str, Any]],
) -> None:
    columnar, columnar_state, step = _run([batch], columnar=True)
    by_record, record_state, _ = _run([batch], columnar=False)
    assert columnar == by_record
    assert columnar_state == record_state
    parseable = {"2026-11-30T09:00:00Z", "2026-11-30T09:00:00+05:30"}
    if all(record["start_time"] in parseable for record in batch):
        assert step.columnar_batches == 1


def _rejects_and_rows(
    batch: list[dict[str, Any]], *, columnar: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    step = TimeEntryBatches(COLUMNS, running_state=dict, columnar=columnar)
    rejects: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for item in step([dict(record) for record in batch]):
        if getattr(item, "meta", None) is not None:
            rejects.extend(item.data)
        elif isinstance(item, pa.Table):
            rows.extend(item.to_pylist())
        else:
            rows.extend(item)
    return rejects, rows


_CLEAN = {
    "id": 1,
    "start_time": "2026-11-30T09:00:00Z",
    "end_time": "2026-11-30T10:00:00Z",
    "duration": None,
}


@pytest.mark.parametrize("columnar", [True, False])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_time", "0001-01-01T00:00:00+01:00"),
        ("end_time", "9999-12-31T23:00:00-05:00"),
        ("updated_at", "0001-01-01T00:30:00+00:45"),
    ],
)
def test_timestamp_outside_utc_range_is_rejected(
    field: str, value: str, columnar: bool
) -> None:
    # The instant lies before 0001-01-01 or after 9999-12-31 in UTC, which no
    # Python datetime holds.
    batch = [dict(_CLEAN, **{field: value}), dict(_CLEAN, id=2)]
    rejects, rows = _rejects_and_rows(batch, columnar=columnar)
    assert [row["id"] for row in rows] == ["2"]
    assert len(rejects) == 1
    assert f"{field} {value!r}" in rejects[0]["reason"]
    assert "outside" in rejects[0]["reason"]


@pytest.mark.parametrize("columnar", [True, False])
@pytest.mark.parametrize("duration", [2**63, 10**20, 1e20])
def test_duration_beyond_bigint_is_rejected(duration: float, columnar: bool) -> None:
    batch = [dict(_CLEAN, duration=duration), dict(_CLEAN, id=2, duration=60)]
    rejects, rows = _rejects_and_rows(batch, columnar=columnar)
    assert [row["id"] for row in rows] == ["2"]
    assert [row["duration"] for row in rows] == [60]
    assert len(rejects) == 1
    assert "duration" in rejects[0]["reason"]
    assert "64-bit" in rejects[0]["reason"]


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", 315537897599),
        ("9999-12-31T23:59:59.999999Z", "0001-01-01T00:00:00Z", -315537897599),
        ("2026-11-30T09:00:00Z", "2026-11-30T09:00:01.999999Z", 1),
        ("2026-11-30T09:00:01.999999Z", "2026-11-30T09:00:00Z", -1),
    ],
)
def test_span_duration_is_exact(start: str, end: str, seconds: int) -> None:
    # Float seconds round a span of centuries ending in .999999 up to the
    # next second; both paths truncate the exact span toward zero.
    batch = [dict(_CLEAN, start_time=start, end_time=end)]
    _, columnar_rows = _rejects_and_rows(batch, columnar=True)
    _, record_rows = _rejects_and_rows(batch, columnar=False)
    assert [row["duration"] for row in columnar_rows] == [seconds]
    assert [row["duration"] for row in record_rows] == [seconds]
