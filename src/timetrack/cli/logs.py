"""Logging set-up for the CLI: stderr only, and every record redacted."""

from __future__ import annotations

import logging

from rich.console import Console
from rich.logging import RichHandler

from timetrack.redact import RedactingFilter

__all__ = ["configure_logging"]

# Loggers whose DEBUG output quotes full URLs, query string included.
_NOISY_LOGGERS = ("urllib3", "dlt")


def configure_logging(level: int, console: Console) -> None:
    """Send log records at `level` and above to stderr through the redacting filter."""
    handler = RichHandler(console=console, show_path=False, rich_tracebacks=False)
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _NOISY_LOGGERS:
        named = logging.getLogger(name)
        named.setLevel(level if level <= logging.DEBUG else max(level, logging.WARNING))
        # dlt attaches its own handler; route its records through ours instead.
        for existing in list(named.handlers):
            named.removeHandler(existing)
        named.propagate = True
