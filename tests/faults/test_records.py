"""Bad records: rejected into time_entries__rejected, never dropped, never fatal."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.conftest import API_KEY, FIXED_END, SleepRecorder
from tests.faults.support import api_ids, loaded_ids, make_settings
from timetrack.cli.app import app
from timetrack.reference_api import (
    BadRecordFault,
    DuplicateRecordFault,
    FaultPlan,
    ReferenceApi,
)
from timetrack.source.validate import find_problem
from timetrack.sync import run_sync


def _rejects(path: Path) -> list[tuple[str, str, int | None, str]]:
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.sql(
            "select record, reason, page_offset, _dlt_load_id"
            " from time_tracking.time_entries__rejected order by page_offset"
        ).fetchall()
    return [tuple(row) for row in rows]


@pytest.mark.parametrize(
    ("problem", "reason"),
    [
        ("missing_id", "missing id"),
        ("null_id", "null id"),
        ("bad_timestamp", "start_time 'yesterday at noon' is not an ISO-8601"),
    ],
)
def test_bad_record_is_rejected(
    problem: str, reason: str, sleep: SleepRecorder, tmp_path: Path
) -> None:
    plan = FaultPlan.for_offsets({99: [BadRecordFault(problem, index=5)]})  # type: ignore[arg-type]
    with ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        summary = run_sync(make_settings(api, tmp_path), sleep=sleep)
        bad_id = str(api.store.all()[99 + 5]["id"])
        expected = set(api_ids(api)) - {bad_id}
    path = tmp_path / "faults.duckdb"
    rejects = _rejects(path)
    assert summary.rejected_records == 1
    assert summary.rows_loaded == {"time_entries": 249}
    assert len(rejects) == 1
    record, stored_reason, offset, load_id = rejects[0]
    assert reason in stored_reason
    assert offset == 99
    assert load_id in summary.load_ids
    assert json.loads(record)["description"] is not None
    assert set(loaded_ids(path)) == expected


def test_rejects_accumulate_across_runs(sleep: SleepRecorder, tmp_path: Path) -> None:
    with ReferenceApi(size=120, end=FIXED_END, api_key=API_KEY) as api:
        settings = make_settings(api, tmp_path)
        api.faults = FaultPlan.for_offsets({0: [BadRecordFault("null_id")]})
        run_sync(settings, sleep=sleep)
        # The incremental run reads changed entries only, so change them all:
        # the record rejected by the first run loads with its next change.
        for entry in api.store.all():
            api.store.update(entry["id"], description="changed upstream")
        api.faults = FaultPlan.for_offsets({0: [BadRecordFault("missing_id", index=5)]})
        second = run_sync(settings, sleep=sleep)
    assert second.rejected_records == 1
    assert len(_rejects(settings.resolved_duckdb_path())) == 2
    assert len(loaded_ids(settings.resolved_duckdb_path())) == 120


def test_clean_run_has_no_rejects(sleep: SleepRecorder, tmp_path: Path) -> None:
    with ReferenceApi(size=60, end=FIXED_END, api_key=API_KEY) as api:
        summary = run_sync(make_settings(api, tmp_path), sleep=sleep)
    assert summary.rejected_records == 0
    assert "time_entries__rejected" not in summary.rows_loaded


def test_cli_exit_code_tells_rejects(tmp_path: Path) -> None:
    runner = CliRunner()
    with ReferenceApi(size=60, end=FIXED_END, api_key=API_KEY) as api:
        arguments = ["sync", "--base-url", api.url, "--duckdb-path", "cli.duckdb"]
        clean = runner.invoke(app, arguments, env={"API_KEY": API_KEY})
        api.faults = FaultPlan.script([BadRecordFault("bad_timestamp")])
        rejected = runner.invoke(app, arguments, env={"API_KEY": API_KEY})
    assert clean.exit_code == 0, clean.output
    assert rejected.exit_code == 5, rejected.output
    assert "rejected records: 1" in rejected.output


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"id": 1, "start_time": "2026-11-30T09:00:00+05:30"}, None),
        ({"id": "a", "end_time": None}, None),
        ({"start_time": "2026-11-30T09:00:00Z"}, "missing id"),
        ({"id": None}, "null id"),
        ({"id": 1, "updated_at": "30/11/2026"}, "updated_at '30/11/2026' is not"),
        ({"id": 1, "created_at": 1764500000}, "created_at 1764500000 is not"),
        (["not", "a", "record"], "the record is a JSON list"),
    ],
)
def test_find_problem_cases(record: object, expected: str | None) -> None:
    problem = find_problem(record)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None
        assert expected in problem


def test_bad_record_read_twice_is_rejected_once(
    sleep: SleepRecorder, tmp_path: Path
) -> None:
    # A repeated record looks like an entry created before the cursor, so the
    # paginator reads offset 0 again in a second pass.
    bad = BadRecordFault("null_id", index=3)
    plan = FaultPlan.for_offsets({0: [bad, bad], 99: [DuplicateRecordFault()]})
    with ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        summary = run_sync(make_settings(api, tmp_path), sleep=sleep)
    offset_zero_reads = [fired for fired in plan.fired if fired.offset == 0]
    assert len(offset_zero_reads) == 2
    assert summary.rejected_records == 1
    assert len(_rejects(tmp_path / "faults.duckdb")) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"start_time": "0001-01-01T00:00:00+01:00"},
        {"end_time": "9999-12-31T23:00:00-05:00"},
        {"duration": 1e20},
        {"duration": 2**63},
    ],
)
def test_out_of_range_value_is_rejected(
    change: dict[str, object], sleep: SleepRecorder, tmp_path: Path
) -> None:
    # Loaded as is, such a value fails the whole sync in the extract or load step.
    with ReferenceApi(size=60, end=FIXED_END, api_key=API_KEY) as api:
        bad_id = api.store.all()[10]["id"]
        api.store.update(bad_id, **change)
        summary = run_sync(make_settings(api, tmp_path), sleep=sleep)
        expected = set(api_ids(api)) - {str(bad_id)}
    rejects = _rejects(tmp_path / "faults.duckdb")
    assert summary.rejected_records == 1
    assert len(rejects) == 1
    assert json.loads(rejects[0][0])["id"] == str(bad_id)
    assert "outside" in rejects[0][1]
    assert set(loaded_ids(tmp_path / "faults.duckdb")) == expected
