"""Random fault schedules and upstream changes: the table always matches the API."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import API_KEY, FIXED_END
from tests.faults.support import (
    api_ids,
    changing,
    create_entries,
    delete_positions,
    loaded_ids,
    make_settings,
    snapshot,
)
from timetrack.errors import SourceError
from timetrack.reference_api import Fault, FaultPlan, ReferenceApi
from timetrack.reference_api.fault_config import RANDOM_FAULTS
from timetrack.sync import run_sync

# Faults the transport retries; the others (cap, duplicate) return data.
FAILING_KINDS = ("status", "reset", "truncated", "html", "shape", "empty")
PASSING_KINDS = ("cap", "duplicate")
MAX_RETRIES = 3


def _no_sleep(seconds: float) -> None:
    return None


@st.composite
def schedules(draw: st.DrawFn) -> list[tuple[str, object]]:
    """Draw request steps: a fault, an upstream change or a clean request.

    At most three failing faults come in a row, the retry budget of one page.
    """
    steps: list[tuple[str, object]] = []
    failing_run = 0
    for _ in range(draw(st.integers(0, 14))):
        choice = draw(st.sampled_from(("fault", "pass", "delete", "create", "none")))
        if choice == "fault" and failing_run < MAX_RETRIES:
            kind = draw(st.sampled_from(FAILING_KINDS))
            steps.append(("fault", draw(st.sampled_from(RANDOM_FAULTS[kind]))))
            failing_run += 1
            continue
        failing_run = 0
        if choice == "pass":
            kind = draw(st.sampled_from(PASSING_KINDS))
            steps.append(("fault", draw(st.sampled_from(RANDOM_FAULTS[kind]))))
        elif choice == "delete":
            count = draw(st.integers(1, 40))
            steps.append(
                (
                    "delete",
                    sorted(
                        draw(
                            st.sets(st.integers(0, 149), min_size=count, max_size=count)
                        )
                    ),
                )
            )
        elif choice == "create":
            steps.append(("create", draw(st.integers(1, 30))))
        else:
            steps.append(("none", None))
    return steps


def _build_plan(
    api: ReferenceApi, steps: list[tuple[str, object]], created: list[str]
) -> FaultPlan:
    script: list[Fault | None] = []
    for action, value in steps:
        if action == "fault":
            assert isinstance(value, Fault)
            script.append(value)
        elif action == "delete":
            assert isinstance(value, list)
            script.append(changing(api.store, delete_positions(*value)))
        elif action == "create":
            assert isinstance(value, int)
            script.append(changing(api.store, create_entries(value, created)))
        else:
            script.append(None)
    return FaultPlan.script(script)


@settings(
    max_examples=18,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(size=st.integers(150, 320), steps=schedules())
def test_sync_matches_api_under_faults(
    size: int, steps: list[tuple[str, object]]
) -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        ReferenceApi(size=size, end=FIXED_END, api_key=API_KEY) as api,
    ):
        created: list[str] = []
        initial = set(api_ids(api))
        api.faults = _build_plan(api, steps, created)
        sync_settings = make_settings(api, Path(folder))
        run_sync(sync_settings, sleep=_no_sleep)
        first = set(loaded_ids(Path(folder) / "faults.duckdb"))
        during = set(api_ids(api))
        # The next run takes what changed during the first: creations, deletions.
        api.faults = None
        run_sync(sync_settings, sleep=_no_sleep)
        upstream = set(api_ids(api))
        loaded = loaded_ids(Path(folder) / "faults.duckdb")
    assert initial & during <= first
    assert len(loaded) == len(set(loaded))
    assert set(loaded) == upstream


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(FAILING_KINDS),
    choice=st.integers(0, 10),
    page=st.sampled_from((0, 99, 198)),
)
def test_faults_beyond_budget_change_nothing(kind: str, choice: int, page: int) -> None:
    faults = RANDOM_FAULTS[kind]
    fault = faults[choice % len(faults)]
    with (
        tempfile.TemporaryDirectory() as folder,
        ReferenceApi(size=250, end=FIXED_END, api_key=API_KEY) as api,
    ):
        sync_settings = make_settings(api, Path(folder))
        run_sync(sync_settings, sleep=_no_sleep)
        before = snapshot(sync_settings.resolved_duckdb_path())
        api.store.update(api.store.all()[0]["id"], description="changed upstream")
        api.faults = FaultPlan.for_offsets({page: [fault] * (MAX_RETRIES + 1)})
        try:
            run_sync(replace(sync_settings, full_refresh=True), sleep=_no_sleep)
        except SourceError as error:
            message = str(error)
        else:
            message = ""
        after = snapshot(sync_settings.resolved_duckdb_path())
    assert f"offset {page}" in message
    assert len(message.splitlines()) == 1
    assert after == before
