"""Measure sync throughput in rows per second with one and with parallel accounts.

Each account runs in its own process, as on a Dagster deployment where each
partition is its own run: the process serves a reference API on loopback, then
syncs it with `run_sync` in a pipeline and dataset of its own. The processes
start syncing together; throughput is all rows over the wall time until the last
one finishes. Run from the repository root:

    python benchmarks/sync_throughput.py --size 20000 --accounts 1 2 --repeat 3
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path

from timetrack.reference_api import ReferenceApi
from timetrack.sync import SyncSettings, run_sync

API_KEY = "benchmark-key-0001"


def _sync_one_account(
    index: int,
    size: int,
    folder: str,
    destination: str,
    credentials: str | None,
    barrier: Barrier,
    results: multiprocessing.Queue[tuple[int, int, float, float]],
) -> None:
    with ReferenceApi(size=size, seed=index, api_key=API_KEY) as api:
        settings = SyncSettings(
            base_url=api.url,
            api_key=API_KEY,
            destination=destination,
            credentials=credentials,
            duckdb_path=Path(folder) / f"account_{index}.duckdb",
            dataset_name=f"bench_{index}_{int(time.time())}",
            pipeline_name=f"bench_account_{index}",
            pipelines_dir=Path(folder) / "pipelines",
        )
        barrier.wait()
        started = time.perf_counter()
        summary = run_sync(settings)
        finished = time.perf_counter()
    results.put((index, summary.total_rows, started, finished))
    if destination == "postgres":
        _drop_schemas(credentials, settings.dataset_name)


def _drop_schemas(credentials: str | None, dataset: str) -> None:
    import psycopg2

    connection = psycopg2.connect(credentials)
    connection.autocommit = True
    with connection.cursor() as cursor:
        for schema in (dataset, f"{dataset}_staging"):
            cursor.execute(f'drop schema if exists "{schema}" cascade')
    connection.close()


def measure(
    accounts: int, size: int, destination: str, credentials: str | None
) -> float:
    """Sync `accounts` accounts of `size` rows at once; return rows per second."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(accounts)
    results: multiprocessing.Queue[tuple[int, int, float, float]] = context.Queue()
    with tempfile.TemporaryDirectory(prefix="timetrack-bench-") as folder:
        workers = [
            context.Process(
                target=_sync_one_account,
                args=(index, size, folder, destination, credentials, barrier, results),
            )
            for index in range(accounts)
        ]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=900) for _ in workers]
        for worker in workers:
            worker.join()
    rows = sum(outcome[1] for outcome in outcomes)
    # perf_counter is system-wide on Linux, so the processes' clocks compare.
    wall = max(outcome[3] for outcome in outcomes) - min(
        outcome[2] for outcome in outcomes
    )
    return rows / wall


def main() -> None:
    """Parse the options, run each measurement `--repeat` times, print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000, help="rows per account")
    parser.add_argument("--accounts", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--destination", default="duckdb", help="duckdb or postgres")
    parser.add_argument("--credentials", help="PostgreSQL connection string")
    options = parser.parse_args()
    for accounts in options.accounts:
        rates = [
            measure(accounts, options.size, options.destination, options.credentials)
            for _ in range(options.repeat)
        ]
        runs = ", ".join(f"{rate:,.0f}" for rate in rates)
        print(
            f"{options.destination} accounts={accounts} rows/account={options.size}: "
            f"median {statistics.median(rates):,.0f} rows/s (runs: {runs})"
        )


if __name__ == "__main__":
    main()
