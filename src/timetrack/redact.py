"""The one place where secrets are removed from URLs, text and log records."""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

__all__ = [
    "REDACTED",
    "SENSITIVE_PARAMS",
    "RedactingFilter",
    "redact_library_logs",
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

# Free-text redaction of a shorter value would garble ordinary words (a key
# "time" would turn "/v1/time_entries" into "/v1/***_entries" and so reveal
# itself). Shorter keys are still redacted wherever they follow a parameter name.
MIN_SECRET_LENGTH = 8


def register_secret(value: str | None) -> None:
    """Remember a secret so that `redact_text` removes it from any text.

    The URL-encoded forms are registered too, because a URL or an API's error
    text may carry the key encoded.
    """
    global _pattern
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    forms = {value, quote(value, safe=""), quote_plus(value, safe="")}
    with _secrets_lock:
        if forms <= _secrets:
            return
        _secrets.update(forms)
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
    """Return `url` with sensitive query values and any password replaced."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return redact_text(url)
    if password:
        host = parts.netloc.rpartition("@")[2]
        parts = parts._replace(netloc=f"{parts.username or ''}:{REDACTED}@{host}")
    if not parts.query:
        return redact_text(urlunsplit(parts))
    pairs = [
        (name, REDACTED if name.lower() in SENSITIVE_PARAMS else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    query = urlencode(pairs, safe="*")
    return redact_text(urlunsplit(parts._replace(query=query)))


# A sensitive name not preceded by a word character ("monkey=" does not match),
# then "=" and the value up to a delimiter that cannot end a URL query value.
_QUERY_SECRET = re.compile(
    r"(?P<name>(?<![\w-])(?:"
    + "|".join(sorted(SENSITIVE_PARAMS))
    + r")=)(?P<value>[^&#\s'\"()<>\[\],;]+)",
    re.IGNORECASE,
)


def _mask_query_value(match: re.Match[str]) -> str:
    # A value at the end of a sentence keeps the sentence's full stop.
    tail = "." if match.group("value").endswith(".") else ""
    return match.group("name") + REDACTED + tail


# Loggers of libraries that log full request URLs, query string included.
_URL_LOGGERS = ("urllib3.connectionpool", "dlt")


def redact_library_logs() -> None:
    """Attach a `RedactingFilter` to the loggers that quote request URLs.

    A logger's filter runs before any handler receives the record, so the key is
    gone even when an application configures its own DEBUG logging.
    """
    for name in _URL_LOGGERS:
        named = logging.getLogger(name)
        if not any(isinstance(existing, RedactingFilter) for existing in named.filters):
            named.addFilter(RedactingFilter())


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
