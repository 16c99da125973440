"""The one place where secrets are removed from URLs, text and log records."""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = [
    "REDACTED",
    "SENSITIVE_PARAMS",
    "RedactingFilter",
    "redact_text",
    "redact_url",
    "register_secret",
]

REDACTED = "***"

# Query parameters whose values are secrets in the APIs timetrack talks to.
SENSITIVE_PARAMS = frozenset(
    {"api_key", "apikey", "api_token", "token", "access_token", "key", "password"}
)

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_pattern: re.Pattern[str] | None = None

# Shorter values would redact ordinary words; real API keys are far longer.
_MIN_SECRET_LENGTH = 4


def register_secret(value: str | None) -> None:
    """Remember a secret so that `redact_text` removes it from any text."""
    global _pattern
    if not value or len(value) < _MIN_SECRET_LENGTH:
        return
    with _secrets_lock:
        if value in _secrets:
            return
        _secrets.add(value)
        # Longest first, so a secret that contains another is removed whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(secret) for secret in ordered))


def redact_text(text: str) -> str:
    """Replace every registered secret and sensitive query value in `text`."""
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    return _QUERY_SECRET.sub(_mask_query_value, text)


def redact_url(url: str) -> str:
    """Return `url` with the values of sensitive query parameters replaced."""
    parts = urlsplit(url)
    if not parts.query:
        return redact_text(url)
    pairs = [
        (name, REDACTED if name.lower() in SENSITIVE_PARAMS else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    query = urlencode(pairs, safe="*")
    return redact_text(urlunsplit(parts._replace(query=query)))


_QUERY_SECRET = re.compile(
    r"(?P<name>[?&](?:"
    + "|".join(sorted(SENSITIVE_PARAMS))
    + r")=)(?P<value>[^&#\s'\"]*)",
    re.IGNORECASE,
)


def _mask_query_value(match: re.Match[str]) -> str:
    return match.group("name") + REDACTED


class RedactingFilter(logging.Filter):
    """Rewrite log records so that no registered secret reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_text(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Formatters render exc_info into exc_text; pre-render it redacted.
            formatter = logging.Formatter()
            record.exc_text = redact_text(formatter.formatException(record.exc_info))
            record.exc_info = None
        return True
