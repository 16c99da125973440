"""Import the modules a sync's later steps need while the sync waits on the API.

dlt imports the destination client, the Parquet reader and SQLAlchemy (for the
destination's description in the load info) only when a step first needs
them: about 0.3 s on the benchmark machine for DuckDB. Against an API with
latency the extract step mostly waits on the network, so importing them on a
background thread then makes the later steps start sooner. Against a fast API
the imports take the same time on either thread.
"""

from __future__ import annotations

import importlib
import logging
import threading

__all__ = ["LATER_MODULES", "warm_imports"]

logger = logging.getLogger(__name__)

_COMMON = (
    "dlt.common.libs.pyarrow",
    "pyarrow.parquet",
    "dlt.common.libs.sql_alchemy_compat",
)

LATER_MODULES: dict[str, tuple[str, ...]] = {
    "duckdb": (
        "duckdb",
        "dlt.destinations.impl.duckdb.sql_client",
        "dlt.destinations.impl.duckdb.duck",
        *_COMMON,
    ),
    "postgres": (
        "dlt.destinations.impl.postgres.sql_client",
        "dlt.destinations.impl.postgres.postgres",
        *_COMMON,
    ),
    "filesystem": (
        "dlt.destinations.impl.filesystem.filesystem",
        *_COMMON,
    ),
}


def _import_all(names: tuple[str, ...]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:
            logger.debug("Could not import %s ahead of time: %s", name, error)


def warm_imports(destination: str) -> threading.Thread | None:
    """Start importing `destination`'s later modules on a daemon thread."""
    names = LATER_MODULES.get(destination)
    if not names:
        return None
    thread = threading.Thread(
        target=_import_all, args=(names,), name="timetrack-warmup", daemon=True
    )
    thread.start()
    return thread
