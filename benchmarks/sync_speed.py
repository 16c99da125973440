"""Compare sync speed: raw page fetch, plain dlt and timetrack, side by side.

Starts the reference API in its own process, then runs each contender in a
child process so that its peak RSS can be read on its own. Run by hand:

    PYTHONPATH=src python benchmarks/sync_speed.py --size 100000
    PYTHONPATH=src python benchmarks/sync_speed.py --size 20000 --latency 0.05

Every contender reads the same pages (limit 100). `raw` decodes each page with
a plain `requests` session and loads nothing, so it is the floor. `dlt` runs
the same REST API configuration with dlt's own client and default settings.
`timetrack` runs `timetrack.sync.run_sync`, and `rerun` times a second
`run_sync` into the same DuckDB file, with no change in the API. The loaders
are checked by counting rows in DuckDB after the run. `rerun` is not run unless
named in `--contenders`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

API_KEY = "benchmark-key"
CONTENDERS = ("raw", "dlt", "timetrack", "rerun")
_RESULT_PREFIX = "RESULT "


@dataclass(frozen=True)
class Result:
    """One contender's run: rows seen or loaded, wall time and peak RSS."""

    contender: str
    rows: int
    seconds: float
    max_rss_mb: float

    @property
    def rows_per_second(self) -> float:
        """Rows per second of wall time."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@contextmanager
def serve_reference_api(size: int, latency: float) -> Iterator[str]:
    """Start the reference API in a child process and yield its base URL."""
    command = [
        sys.executable,
        "-m",
        "timetrack.reference_api",
        "--port",
        "0",
        "--size",
        str(size),
        "--latency",
        str(latency),
        "--api-key",
        API_KEY,
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("serving "):
            raise RuntimeError(f"the reference API did not start: {line!r}")
        yield line.removeprefix("serving ")
    finally:
        process.terminate()
        process.wait(timeout=30)


def run_contender(
    name: str, url: str, expected: int, concurrency: int, workdir: Path
) -> Result:
    """Run one contender in a child process and read its peak RSS with wait4."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        name,
        "--url",
        url,
        "--concurrency",
        str(concurrency),
        "--workdir",
        str(workdir),
    ]
    environment = dict(os.environ)
    environment["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    environment["DLT_DATA_DIR"] = str(workdir / "dlt-data")
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, cwd=workdir, env=environment
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"contender {name} failed with exit {process.returncode}")
    lines = [line for line in output.splitlines() if line.startswith(_RESULT_PREFIX)]
    if not lines:
        raise RuntimeError(f"contender {name} printed no result")
    measured = json.loads(lines[-1].removeprefix(_RESULT_PREFIX))
    if measured["rows"] != expected:
        raise RuntimeError(
            f"contender {name} has {measured['rows']} rows, expected {expected}"
        )
    # ru_maxrss is in kibibytes on Linux.
    return Result(name, measured["rows"], measured["seconds"], usage.ru_maxrss / 1024)


def _fetch_raw(url: str) -> int:
    import requests

    rows = 0
    offset = 0
    with requests.Session() as session:
        while True:
            response = session.get(
                f"{url}/v1/time_entries",
                params={"api_key": API_KEY, "offset": offset, "limit": 100},
                timeout=30,
            )
            response.raise_for_status()
            body = response.json()
            page = body["data"]
            rows += len(page)
            offset += 100
            if not page or offset >= body["total"]:
                return rows


def _count_loaded(path: Path) -> int:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.sql(
            "select count(*) from time_tracking.time_entries"
        ).fetchall()
    return int(rows[0][0])


def _load_plain_dlt(url: str, workdir: Path) -> int:
    import dlt
    import requests
    from dlt.sources.rest_api import rest_api_source

    from timetrack.source.rest_config import build_rest_api_config

    config: Any = build_rest_api_config(url, API_KEY, requests.Session())
    # Without a session of ours, dlt builds its own client with its defaults.
    del config["client"]["session"]
    path = workdir / "plain_dlt.duckdb"
    pipeline = dlt.pipeline(
        pipeline_name="plain_dlt",
        pipelines_dir=str(workdir / "pipelines"),
        destination=dlt.destinations.duckdb(credentials=str(path)),
        dataset_name="time_tracking",
    )
    pipeline.run(rest_api_source(config, name="timetrack"))
    return _count_loaded(path)


def _load_timetrack(url: str, workdir: Path, concurrency: int) -> int:
    from timetrack.sync import SyncSettings, run_sync

    settings = SyncSettings(
        base_url=url,
        api_key=API_KEY,
        duckdb_path=workdir / "timetrack.duckdb",
        pipelines_dir=workdir / "pipelines",
        concurrency=concurrency,
    )
    run_sync(settings)
    return _count_loaded(settings.resolved_duckdb_path())


def run_child(name: str, url: str, concurrency: int, workdir: Path) -> None:
    """Run one contender in this process and print its result line."""
    if name == "rerun":
        # Only the second of two syncs into the same folder is timed.
        _load_timetrack(url, workdir, concurrency)
    started = time.perf_counter()
    if name == "raw":
        rows = _fetch_raw(url)
    elif name == "dlt":
        rows = _load_plain_dlt(url, workdir)
    else:
        rows = _load_timetrack(url, workdir, concurrency)
    seconds = time.perf_counter() - started
    print(_RESULT_PREFIX + json.dumps({"rows": rows, "seconds": seconds}), flush=True)


def _settle(seconds: float) -> None:
    """Let the previous contender's writes reach the disk before the next starts.

    Plain dlt writes several hundred MB of load files, and the kernel flushes
    them while the next contender runs unless they are flushed here first.
    """
    os.sync()
    time.sleep(seconds)


def compile_package() -> None:
    """Write timetrack's bytecode before the runs, as `pip install .` does.

    An editable install in an environment with PYTHONDONTWRITEBYTECODE set
    would otherwise compile every module in every child, about 0.25 s each run.
    The package is found without importing it, so this process stays small
    and the children's peak RSS is their own.
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("timetrack")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)


def run_benchmark(
    size: int,
    latency: float,
    concurrency: int,
    contenders: Sequence[str],
    repeat: int,
    settle: float = 2.0,
) -> list[list[Result]]:
    """Run every contender `repeat` times against one reference API.

    Before each contender, writes are flushed and the run pauses `settle`
    seconds.
    """
    rounds: list[list[Result]] = []
    with serve_reference_api(size, latency) as url:
        for _ in range(repeat):
            results = []
            for name in contenders:
                _settle(settle)
                with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as folder:
                    results.append(
                        run_contender(name, url, size, concurrency, Path(folder))
                    )
            rounds.append(results)
    return rounds


def format_report(rounds: list[list[Result]]) -> str:
    """Format a table per round and the median ratios over all rounds."""
    lines = []
    for number, results in enumerate(rounds, start=1):
        lines.append(f"round {number}")
        lines.append(
            f"  {'contender':<10} {'rows':>9} {'s':>8} {'rows/s':>10} {'MB':>7}"
        )
        for result in results:
            lines.append(
                f"  {result.contender:<10} {result.rows:>9} {result.seconds:>8.2f}"
                f" {result.rows_per_second:>10.0f} {result.max_rss_mb:>7.0f}"
            )
    ratios: dict[str, list[float]] = {}
    for results in rounds:
        seconds = {result.contender: result.seconds for result in results}
        if "dlt" in seconds and "timetrack" in seconds:
            ratios.setdefault("dlt / timetrack", []).append(
                seconds["dlt"] / seconds["timetrack"]
            )
        if "raw" in seconds and "timetrack" in seconds:
            ratios.setdefault("timetrack / raw", []).append(
                seconds["timetrack"] / seconds["raw"]
            )
        if "rerun" in seconds and "timetrack" in seconds:
            ratios.setdefault("rerun / timetrack", []).append(
                seconds["rerun"] / seconds["timetrack"]
            )
    for label, values in ratios.items():
        shown = ", ".join(f"{value:.2f}" for value in values)
        lines.append(
            f"median {label}: {statistics.median(values):.2f} (rounds: {shown})"
        )
    return "\n".join(lines)


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the benchmark's command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="time entries")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds the API adds per response"
    )
    parser.add_argument(
        "--concurrency", type=int, default=8, help="timetrack's concurrent requests"
    )
    parser.add_argument(
        "--contenders",
        default="raw,dlt,timetrack",
        help=f"comma-separated subset of {', '.join(CONTENDERS)}",
    )
    parser.add_argument("--repeat", type=int, default=1, help="rounds to run")
    parser.add_argument(
        "--settle",
        type=float,
        default=2.0,
        help="seconds to pause before each contender, after flushing writes",
    )
    parser.add_argument("--child", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    names = [name.strip() for name in arguments.contenders.split(",") if name.strip()]
    unknown = sorted(set(names) - set(CONTENDERS))
    if unknown:
        parser.error(f"unknown contenders {unknown}; choose from {list(CONTENDERS)}")
    arguments.contender_names = names
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, or one contender when started as a child."""
    arguments = parse_arguments(argv)
    if arguments.child:
        run_child(
            arguments.child, arguments.url, arguments.concurrency, arguments.workdir
        )
        return 0
    compile_package()
    rounds = run_benchmark(
        arguments.size,
        arguments.latency,
        arguments.concurrency,
        arguments.contender_names,
        arguments.repeat,
        arguments.settle,
    )
    print(
        f"size {arguments.size}, latency {arguments.latency} s, "
        f"concurrency {arguments.concurrency}"
    )
    print(format_report(rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
