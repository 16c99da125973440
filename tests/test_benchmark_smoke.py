"""A tiny run of benchmarks/sync_speed.py, so the benchmark keeps working."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "sync_speed.py"


def test_benchmark_runs_every_contender() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--size",
            "150",
            "--concurrency",
            "2",
            "--contenders",
            "raw,dlt,timetrack,rerun",
            "--settle",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = {
        fields[0]: int(fields[1])
        for fields in (line.split() for line in result.stdout.splitlines())
        if fields and fields[0] in ("raw", "dlt", "timetrack", "rerun")
    }
    assert rows == {"raw": 150, "dlt": 150, "timetrack": 150, "rerun": 150}
    assert "median dlt / timetrack" in result.stdout
