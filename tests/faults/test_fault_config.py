"""Fault plans from JSON files, seeds and the `serve` command line."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import API_KEY, FIXED_END
from timetrack.cli.faults import build_serve_fault_plan
from timetrack.reference_api import (
    BadRecordFault,
    FaultPlan,
    PageCapFault,
    ReferenceApi,
    ResetFault,
    SeededFaults,
    StatusFault,
    build_fault,
    load_fault_plan,
)


def test_plan_file_builds_each_schedule(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(
        json.dumps(
            {
                "script": [None, {"kind": "status", "code": 429, "retry_after": "3"}],
                "offsets": {"99": [{"kind": "cap", "cap": 10}]},
            }
        )
    )
    plan = load_fault_plan(path)
    assert plan.next_fault(0) is None
    assert plan.next_fault(0) == StatusFault(429, retry_after="3")
    assert plan.next_fault(99) == PageCapFault(10)
    assert plan.next_fault(99) is None


def test_build_fault_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError) as caught:
        build_fault({"kind": "meteor"})
    assert "unknown fault kind 'meteor'" in str(caught.value)
    assert "bad_record" in str(caught.value)


def test_build_fault_rejects_unknown_field() -> None:
    with pytest.raises(ValueError) as caught:
        build_fault({"kind": "reset", "after_body": True})
    assert "has no field after_body" in str(caught.value)
    assert "mid_body" in str(caught.value)


def test_build_fault_reads_every_kind() -> None:
    assert build_fault({"kind": "reset", "mid_body": True}) == ResetFault(mid_body=True)
    assert build_fault({"kind": "bad_record", "problem": "null_id"}) == BadRecordFault(
        "null_id"
    )


def test_plan_file_error_names_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(ValueError) as caught:
        load_fault_plan(path)
    assert str(path) in str(caught.value)


def test_seeded_plan_repeats_for_a_seed() -> None:
    first = FaultPlan.seeded(11, 0.5)
    second = FaultPlan.seeded(11, 0.5)
    drawn = [first.next_fault(offset) for offset in range(0, 3000, 99)]
    again = [second.next_fault(offset) for offset in range(0, 3000, 99)]
    assert drawn == again
    assert any(fault is not None for fault in drawn)
    assert any(fault is None for fault in drawn)


def test_seeded_per_page_caps_faults_in_a_row() -> None:
    source = SeededFaults(seed=3, rate=1.0, per="page", max_in_a_row=3)
    drawn = [source.draw(number, 99, number) for number in range(1, 6)]
    assert all(fault is not None for fault in drawn[:3])
    assert drawn[3:] == [None, None]


def test_seeded_rate_is_checked() -> None:
    with pytest.raises(ValueError) as caught:
        SeededFaults(seed=1, rate=1.5)
    assert "fault rate must be from 0 to 1" in str(caught.value)


def test_serve_plan_rejects_file_and_seed(tmp_path: Path) -> None:
    with pytest.raises(ValueError) as caught:
        build_serve_fault_plan(tmp_path / "plan.json", 4, 0.1)
    assert "give only one" in str(caught.value)


def test_serve_plan_is_none_without_options() -> None:
    assert build_serve_fault_plan(None, None, 0.1) is None


def test_seeded_server_sends_faults() -> None:
    plan = FaultPlan.seeded(5, 1.0)
    with ReferenceApi(size=20, end=FIXED_END, api_key=API_KEY, faults=plan) as api:
        for _ in range(3):
            # Some faults reset the connection; only the server's count matters.
            with contextlib.suppress(requests.RequestException):
                requests.get(
                    f"{api.url}/v1/time_entries",
                    params={"api_key": API_KEY},
                    timeout=5,
                )
    assert len(plan.fired) == 3


@pytest.mark.parametrize(
    "command", [["timetrack", "serve"], ["timetrack.reference_api"]]
)
def test_serve_command_rejects_bad_plan(command: list[str], tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"script": [{"kind": "meteor"}]}))
    source = Path(__file__).resolve().parents[2] / "src"
    result = subprocess.run(
        [sys.executable, "-m", *command, "--faults", str(path)],
        capture_output=True,
        timeout=60,
        env={"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 2
    assert b"unknown fault kind 'meteor'" in result.stderr
