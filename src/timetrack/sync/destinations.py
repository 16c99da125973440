"""Destinations timetrack loads into, and how to describe them without secrets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dlt
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

from timetrack.errors import ConfigError

__all__ = ["SUPPORTED_DESTINATIONS", "build_destination", "describe_destination"]

SUPPORTED_DESTINATIONS = ("duckdb", "postgres")

# DuckDB takes up to 80% of RAM by default, and the merge of a large load
# (dedup and delete-insert on the primary key) grew a 1,000,000-row sync past
# 700 MB. With a limit it spills to `<file>.tmp` instead. Insertion order is
# not needed because merge deduplicates on the key.
DUCKDB_SETTINGS = {
    "memory_limit": "64MB",
    "preserve_insertion_order": False,
    "threads": 1,
}


def build_destination(
    name: str, *, pipeline_name: str, duckdb_path: Path | None, credentials: str | None
) -> Any:
    """Create the dlt destination `name`, or raise ConfigError naming the choices."""
    if name == "duckdb":
        path = duckdb_path or Path.cwd() / f"{pipeline_name}.duckdb"
        return dlt.destinations.duckdb(
            credentials=DuckDbCredentials(str(path), global_config=DUCKDB_SETTINGS)
        )
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
