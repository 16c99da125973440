"""Logging set-up for the CLI: stderr only, and every record redacted."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime

import orjson
from rich.console import Console
from rich.logging import RichHandler

from timetrack.redact import RedactingFilter, redact_text

__all__ = ["LOG_FORMATS", "JsonFormatter", "configure_logging"]

LOG_FORMATS = ("text", "json")

# Loggers whose DEBUG output quotes full URLs, query string included.
_NOISY_LOGGERS = ("urllib3", "dlt")


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line, redacted again as a whole."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        # orjson escapes newlines inside strings, so the object stays on one line.
        return redact_text(orjson.dumps(entry).decode())


def configure_logging(level: int, console: Console, log_format: str = "text") -> None:
    """Send log records at `level` and above to stderr through the redacting filter.

    `log_format` "text" renders records with Rich on `console`, and "json" writes
    one JSON object per record to stderr.
    """
    handler: logging.Handler
    if log_format == "json":
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
    else:
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
