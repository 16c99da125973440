"""Dagster assets materialized in-process against two reference API accounts."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from tests.conftest import FIXED_END, unique_dataset
from tests.helpers import POSTGRES_DSN, drop_postgres_schemas, query_postgres
from timetrack.errors import ConfigError
from timetrack.http.retry import RetryPolicy
from timetrack.orchestration.accounts import Account, load_accounts
from timetrack.orchestration.dagster_defs import ASSET_KEY, build_definitions
from timetrack.reference_api import ReferenceApi
from timetrack.sync import SyncSettings

ACME_KEY = "acme-key-3b9d51f0"
GLOBEX_KEY = "globex-key-e64a2c88"

# No waits and no HTTP retries, so a failing sync fails at once.
NO_HTTP_RETRIES = RetryPolicy(max_attempts=1)
NO_DAGSTER_RETRIES = dg.RetryPolicy(max_retries=0)


@pytest.fixture
def acme() -> Iterator[ReferenceApi]:
    """The first account's API: 120 entries."""
    with ReferenceApi(size=120, seed=1, end=FIXED_END, api_key=ACME_KEY) as server:
        yield server


@pytest.fixture
def globex() -> Iterator[ReferenceApi]:
    """The second account's API: 250 entries from another seed and key."""
    with ReferenceApi(size=250, seed=2, end=FIXED_END, api_key=GLOBEX_KEY) as server:
        yield server


@pytest.fixture
def accounts(
    acme: ReferenceApi, globex: ReferenceApi, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[Account]]:
    """Both accounts, keys in the environment, each with a schema dropped after."""
    monkeypatch.setenv("TIMETRACK__ACME__API_KEY", ACME_KEY)
    monkeypatch.setenv("TIMETRACK__GLOBEX__API_KEY", GLOBEX_KEY)
    listed = [
        Account(name="acme", base_url=acme.url, dataset=unique_dataset("acme")),
        Account(name="globex", base_url=globex.url, dataset=unique_dataset("globex")),
    ]
    yield listed
    for account in listed:
        drop_postgres_schemas(account.dataset, f"{account.dataset}_staging")


@pytest.fixture
def template(tmp_path: Path) -> SyncSettings:
    """PostgreSQL settings shared by every account."""
    return SyncSettings(
        destination="postgres",
        credentials=POSTGRES_DSN,
        pipelines_dir=tmp_path / "pipelines",
        policy=NO_HTTP_RETRIES,
    )


def _materialize(
    definitions: dg.Definitions, partition: str
) -> dg.ExecuteInProcessResult:
    asset = definitions.resolve_assets_def(ASSET_KEY)
    return dg.materialize([asset], partition_key=partition, raise_on_error=False)


def _ids(dataset: str) -> set[str]:
    rows = query_postgres(f'select id from "{dataset}".time_entries')
    return {row[0] for row in rows}


def test_each_account_in_own_dataset(
    accounts: list[Account],
    template: SyncSettings,
    acme: ReferenceApi,
    globex: ReferenceApi,
) -> None:
    definitions = build_definitions(accounts, template=template)
    for account in accounts:
        result = _materialize(definitions, account.name)
        assert result.success, account.name
    acme_dataset, globex_dataset = (account.dataset for account in accounts)
    assert _ids(acme_dataset) == {str(entry["id"]) for entry in acme.store.all()}
    assert _ids(globex_dataset) == {str(entry["id"]) for entry in globex.store.all()}


def test_partitions_keep_separate_state(
    accounts: list[Account], template: SyncSettings, tmp_path: Path
) -> None:
    definitions = build_definitions(accounts, template=template)
    for account in accounts:
        _materialize(definitions, account.name)
    folders = sorted(
        path.name for path in (tmp_path / "pipelines").iterdir() if path.is_dir()
    )
    assert folders == ["timetrack_acme", "timetrack_globex"]


def test_materialization_reports_rows(
    accounts: list[Account], template: SyncSettings
) -> None:
    definitions = build_definitions(accounts, template=template)
    result = _materialize(definitions, "globex")
    materialization = result.asset_materializations_for_node("timetrack__time_entries")
    metadata = materialization[0].metadata
    assert metadata["rows_loaded"].value == 250
    assert metadata["dataset"].value == accounts[1].dataset


def test_rejected_key_not_retried(
    accounts: list[Account],
    template: SyncSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TIMETRACK__ACME__API_KEY", "a-wrong-key-0000")
    retrying = dg.RetryPolicy(max_retries=2, delay=0)
    definitions = build_definitions(accounts, template=template, retry_policy=retrying)
    result = _materialize(definitions, "acme")
    assert not result.success
    retried = [event for event in result.all_events if event.is_step_up_for_retry]
    assert retried == []
    assert "a-wrong-key-0000" not in str(result.all_events)


def test_api_outage_is_retried(
    accounts: list[Account], template: SyncSettings, acme: ReferenceApi
) -> None:
    acme.stop()
    retrying = dg.RetryPolicy(max_retries=1, delay=0)
    definitions = build_definitions(accounts, template=template, retry_policy=retrying)
    result = _materialize(definitions, "acme")
    assert not result.success
    retried = [event for event in result.all_events if event.is_step_up_for_retry]
    assert len(retried) == 1


def test_schedule_requests_every_account(
    accounts: list[Account], template: SyncSettings
) -> None:
    definitions = build_definitions(accounts, template=template)
    schedule = definitions.resolve_schedule_def("timetrack_sync_schedule")
    context = dg.build_schedule_context(
        repository_def=definitions.get_repository_def(),
        scheduled_execution_time=datetime(2026, 12, 1, 6, 0, tzinfo=UTC),
    )
    requests = list(schedule.evaluate_tick(context).run_requests or [])
    assert sorted(request.partition_key or "" for request in requests) == [
        "acme",
        "globex",
    ]


def test_empty_account_list_rejected() -> None:
    with pytest.raises(ConfigError) as caught:
        load_accounts([])
    assert "accounts = " in str(caught.value)


def test_shared_dataset_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ACME", "GLOBEX"):
        monkeypatch.setenv(f"TIMETRACK__{name}__BASE_URL", "http://127.0.0.1:1")
        monkeypatch.setenv(f"TIMETRACK__{name}__DATASET", "one_dataset")
    with pytest.raises(ConfigError) as caught:
        load_accounts(["acme", "globex"])
    assert "one_dataset" in str(caught.value)


def test_accounts_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIMETRACK__ACCOUNTS", '["acme"]')
    monkeypatch.setenv("TIMETRACK__ACME__BASE_URL", "http://127.0.0.1:1")
    accounts = load_accounts()
    assert [account.name for account in accounts] == ["acme"]
    assert accounts[0].dataset == "time_tracking_acme"


def test_invalid_account_name_named() -> None:
    with pytest.raises(ConfigError) as caught:
        Account(name="Acme-Corp", base_url="http://127.0.0.1:1")
    assert "'Acme-Corp'" in str(caught.value)


def test_definitions_from_dlt_config(
    acme: ReferenceApi, globex: ReferenceApi, tmp_path: Path
) -> None:
    # dlt reads .dlt/ once per process, so only a new process reads these files.
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "config.toml").write_text(
        '[timetrack]\naccounts = ["acme", "globex"]\n\n'
        f'[timetrack.acme]\nbase_url = "{acme.url}"\n\n'
        f'[timetrack.globex]\nbase_url = "{globex.url}"\ndataset = "globex_time"\n'
    )
    (tmp_path / ".dlt" / "secrets.toml").write_text(
        f'[timetrack.acme]\napi_key = "{ACME_KEY}"\n\n'
        f'[timetrack.globex]\napi_key = "{GLOBEX_KEY}"\n'
    )
    script = (
        "import dagster as dg\n"
        "from timetrack.orchestration.dagster_defs import ASSET_KEY, load_definitions\n"
        "asset = load_definitions().resolve_assets_def(ASSET_KEY)\n"
        "for name in ('acme', 'globex'):\n"
        "    assert dg.materialize([asset], partition_key=name).success, name\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "timetrack_acme.duckdb").exists()
    assert (tmp_path / "timetrack_globex.duckdb").exists()


def test_importing_timetrack_skips_dagster() -> None:
    script = (
        "import sys, timetrack, timetrack.cli.app, timetrack.orchestration.accounts\n"
        "print('dagster' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == "False"
