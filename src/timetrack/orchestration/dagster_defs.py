"""Dagster assets, job and schedule that sync each configured account as a partition.

Load the definitions with `dagster dev -m timetrack.orchestration.dagster_defs`,
which reads the accounts from dlt config (see `timetrack.orchestration.accounts`).
Each partition is one account: it runs `run_sync` with the account's base URL,
key and dataset, in a dlt pipeline of its own, so partitions share no state.
"""

# No `from __future__ import annotations`: Dagster inspects the `context`
# annotation at definition time and rejects it as a string.
from collections.abc import Iterator, Sequence
from pathlib import Path

import dagster as dg
import dlt

from timetrack.errors import ApiAuthError, ConfigError
from timetrack.orchestration.accounts import Account, load_accounts
from timetrack.sync import SyncSettings, run_sync

__all__ = [
    "DEFAULT_RETRY_POLICY",
    "DEFAULT_SCHEDULE",
    "build_definitions",
    "defs",
    "load_definitions",
]

DEFAULT_SCHEDULE = "0 * * * *"

# Retries of the whole sync, on top of the HTTP retries inside it: they cover a
# destination that was briefly down or an API outage longer than those retries.
DEFAULT_RETRY_POLICY = dg.RetryPolicy(
    max_retries=3, delay=30, backoff=dg.Backoff.EXPONENTIAL
)

ASSET_KEY = dg.AssetKey(["timetrack", "time_entries"])


def build_definitions(
    accounts: Sequence[Account],
    *,
    template: SyncSettings | None = None,
    cron_schedule: str = DEFAULT_SCHEDULE,
    retry_policy: dg.RetryPolicy = DEFAULT_RETRY_POLICY,
) -> dg.Definitions:
    """Build the partitioned asset, its job and schedule for `accounts`.

    `template` carries the settings every account shares (destination,
    credentials, pipelines folder, HTTP policy); each account replaces its base
    URL, key, dataset and pipeline name.
    """
    if not accounts:
        raise ConfigError("No accounts to sync: list at least one account.")
    by_name = {account.name: account for account in accounts}
    shared = template or SyncSettings()
    partitions = dg.StaticPartitionsDefinition(list(by_name))

    @dg.asset(
        key=ASSET_KEY,
        partitions_def=partitions,
        retry_policy=retry_policy,
        kinds={"dlt", shared.destination},
        description="Time entries of one account, synced by timetrack with dlt.",
    )
    def time_entries(context: dg.AssetExecutionContext) -> dg.MaterializeResult[None]:
        account = by_name[context.partition_key]
        try:
            settings = account.sync_settings(shared)
            summary = run_sync(settings)
        except (ConfigError, ApiAuthError) as error:
            # Retrying cannot fix a wrong setting or a rejected key.
            raise dg.Failure(description=str(error), allow_retries=False) from None
        context.log.info(
            "Account %s: %d rows into %s",
            account.name,
            summary.total_rows,
            summary.location,
        )
        return dg.MaterializeResult(
            metadata={
                "account": account.name,
                "dataset": summary.dataset_name,
                "location": summary.location,
                "rows_loaded": summary.rows_loaded.get("time_entries", 0),
                "rows_loaded_all_tables": summary.total_rows,
                "pages_fetched": summary.pages_fetched,
                "retries": summary.retries,
                "elapsed_seconds": round(summary.elapsed_seconds, 3),
            }
        )

    job = dg.define_asset_job("timetrack_sync", selection=[ASSET_KEY])

    @dg.schedule(job=job, cron_schedule=cron_schedule, name="timetrack_sync_schedule")
    def every_account(
        context: dg.ScheduleEvaluationContext,
    ) -> Iterator[dg.RunRequest]:
        # One run per account, so accounts sync in parallel on separate workers.
        tick = context.scheduled_execution_time
        stamp = tick.isoformat() if tick else "manual"
        for name in by_name:
            yield dg.RunRequest(run_key=f"{name}:{stamp}", partition_key=name)

    return dg.Definitions(assets=[time_entries], jobs=[job], schedules=[every_account])


def load_definitions() -> dg.Definitions:
    """Build the definitions from dlt config: accounts, destination and schedule.

    `[timetrack] destination` (default duckdb) and `schedule` (a cron string,
    default hourly) apply to every account. DuckDB writes one file per account,
    named after its pipeline, so accounts can run at the same time.
    """
    destination = dlt.config.get("timetrack.destination", str) or "duckdb"
    cron_schedule = dlt.config.get("timetrack.schedule", str) or DEFAULT_SCHEDULE
    pipelines_dir = dlt.config.get("timetrack.pipelines_dir", str)
    template = SyncSettings(
        destination=destination,
        pipelines_dir=Path(pipelines_dir) if pipelines_dir else None,
    )
    return build_definitions(
        load_accounts(), template=template, cron_schedule=cron_schedule
    )


@dg.definitions
def defs() -> dg.Definitions:
    """Load the definitions for `dagster dev -m` and code locations."""
    return load_definitions()
