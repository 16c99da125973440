"""Keep dlt's anonymous telemetry off unless the user turns it on."""

from __future__ import annotations

import os

__all__ = ["TELEMETRY_VARIABLE", "disable_by_default"]

# dlt reads `runtime.dlthub_telemetry` from this variable before its config files.
TELEMETRY_VARIABLE = "RUNTIME__DLTHUB_TELEMETRY"


def disable_by_default() -> None:
    """Switch dlt telemetry off unless the environment already sets it.

    A user who wants telemetry sets `RUNTIME__DLTHUB_TELEMETRY=true`. The
    `dlthub_telemetry` key of `.dlt/config.toml` is overridden by this variable,
    because dlt reads environment variables first.
    """
    os.environ.setdefault(TELEMETRY_VARIABLE, "false")
