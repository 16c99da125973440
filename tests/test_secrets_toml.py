"""The key in dlt's secrets file, read by a fresh CLI process as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import API_KEY
from tests.helpers import count_rows
from timetrack.reference_api import ReferenceApi


def _run_cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("API_KEY", "SOURCES__TIMETRACK__API_KEY")
    }
    return subprocess.run(
        [sys.executable, "-m", "timetrack", *args],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_key_from_secrets_toml(api: ReferenceApi, tmp_path: Path) -> None:
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "secrets.toml").write_text(f'api_key = "{API_KEY}"\n')
    (tmp_path / ".dlt" / "config.toml").write_text(f'base_url = "{api.url}"\n')
    result = _run_cli(tmp_path, "sync")
    assert result.returncode == 0, result.stderr
    assert "time_entries" in result.stdout
    assert count_rows(tmp_path / "timetrack.duckdb") == 250
    assert API_KEY not in result.stdout + result.stderr


def test_scoped_key_from_secrets_toml(api: ReferenceApi, tmp_path: Path) -> None:
    (tmp_path / ".dlt").mkdir()
    secrets = f'[sources.timetrack]\napi_key = "{API_KEY}"\n'
    (tmp_path / ".dlt" / "secrets.toml").write_text(secrets)
    result = _run_cli(tmp_path, "sync", "--base-url", api.url)
    assert result.returncode == 0, result.stderr
    assert count_rows(tmp_path / "timetrack.duckdb") == 250


def test_broken_secrets_toml_exits_2(tmp_path: Path) -> None:
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "secrets.toml").write_text('api_key = "unterminated\n')
    result = _run_cli(tmp_path, "sync", "--base-url", "http://127.0.0.1:9")
    assert result.returncode == 2
    assert "Fix the syntax" in result.stderr
    assert "unterminated" not in result.stderr
    assert "Traceback" not in result.stderr
