"""Destinations timetrack loads into, and how to describe them without secrets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dlt

from timetrack.errors import ConfigError

__all__ = ["SUPPORTED_DESTINATIONS", "build_destination", "describe_destination"]

SUPPORTED_DESTINATIONS = ("duckdb", "postgres")


def build_destination(
    name: str, *, pipeline_name: str, duckdb_path: Path | None, credentials: str | None
) -> Any:
    """Create the dlt destination `name`, or raise ConfigError naming the choices."""
    if name == "duckdb":
        path = duckdb_path or Path.cwd() / f"{pipeline_name}.duckdb"
        return dlt.destinations.duckdb(credentials=str(path))
    if name == "postgres":
        if credentials:
            return dlt.destinations.postgres(credentials=credentials)
        return dlt.destinations.postgres()
    choices = ", ".join(SUPPORTED_DESTINATIONS)
    raise ConfigError(f"Unknown destination {name!r}. Choose one of: {choices}.")


def describe_destination(name: str, *, duckdb_path: Path | None, dataset: str) -> str:
    """Say where the data is, for the summary: a file path or a dataset name."""
    if name == "duckdb" and duckdb_path is not None:
        return f"DuckDB file {duckdb_path} (dataset {dataset})"
    return f"{name} dataset {dataset}"
