"""Logging set-up for the CLI: stderr only, and every record redacted."""

from __future__ import annotations

import logging
import os
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

# dlt sets its logger's level from this variable when a pipeline starts.
_DLT_LEVEL_VARIABLE = "RUNTIME__LOG_LEVEL"


class _ForwardingHandler(logging.Handler):
    """Pass records to another handler, whatever formatter is set on this one.

    dlt reuses the first handler of its logger, turns propagation off and sets
    its own formatter on that handler when a pipeline starts. Giving it this
    handler keeps dlt's records on timetrack's redacting handler and format.
    """

    def __init__(self, target: logging.Handler) -> None:
        super().__init__()
        self.target = target

    def emit(self, record: logging.LogRecord) -> None:
        self.target.handle(record)


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
    library_level = level if level <= logging.DEBUG else max(level, logging.WARNING)
    for name in _NOISY_LOGGERS:
        named = logging.getLogger(name)
        named.setLevel(library_level)
        for existing in list(named.handlers):
            named.removeHandler(existing)
        named.propagate = True
    dlt_logger = logging.getLogger("dlt")
    dlt_logger.propagate = False
    dlt_logger.addHandler(_ForwardingHandler(handler))
    os.environ[_DLT_LEVEL_VARIABLE] = logging.getLevelName(library_level)
