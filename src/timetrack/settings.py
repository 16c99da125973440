"""Settings resolution from arguments, dlt config and secrets, with fix hints."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import dlt
from dlt.common.configuration.exceptions import ConfigProviderException

from timetrack.errors import ConfigError
from timetrack.redact import redact_text, redact_url, register_secret

__all__ = [
    "SOURCE_SECTION",
    "ResolvedKey",
    "resolve_account_id",
    "resolve_api_key",
    "resolve_base_url",
    "validate_base_url",
]

# The dlt config section of the source: `[sources.timetrack]` in the TOML files.
SOURCE_SECTION = "sources.timetrack"


@dataclass(frozen=True)
class ResolvedKey:
    """An API key and a description of where it was found (never the value)."""

    value: str
    origin: str

    def __repr__(self) -> str:
        return f"ResolvedKey(value='***', origin={self.origin!r})"


def resolve_api_key(explicit: str | None = None) -> ResolvedKey:
    """Find the API key: the argument, then the source-scoped dlt key, then `api_key`.

    The source-scoped key is `[sources.timetrack] api_key` in `.dlt/secrets.toml` or
    `SOURCES__TIMETRACK__API_KEY`; the plain one is `api_key` or `API_KEY`.
    """
    if explicit:
        register_secret(explicit)
        return ResolvedKey(explicit, "argument")
    for key, variable in (
        (f"{SOURCE_SECTION}.api_key", "SOURCES__TIMETRACK__API_KEY"),
        ("api_key", "API_KEY"),
    ):
        value = _lookup(dlt.secrets, key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise ConfigError(
                f"The secret {key} must be a string, got {type(value).__name__}. "
                "Quote the value in .dlt/secrets.toml."
            )
        register_secret(value)
        origin = (
            f"environment variable {variable}"
            if os.environ.get(variable)
            else (f"dlt secrets ({key})")
        )
        return ResolvedKey(value, origin)
    raise ConfigError(
        "No API key found. Set the API_KEY environment variable, or put "
        'api_key = "..." in .dlt/secrets.toml (or under [sources.timetrack]).'
    )


def resolve_base_url(explicit: str | None = None) -> str:
    """Find and validate the base URL: the argument, then dlt config `base_url`."""
    value = explicit
    if not value:
        for key in (f"{SOURCE_SECTION}.base_url", "base_url"):
            found = _lookup(dlt.config, key)
            if found:
                value = str(found)
                break
    if not value:
        raise ConfigError(
            "No base URL set. Pass --base-url, set BASE_URL, or put "
            'base_url = "https://api.example.com" in .dlt/config.toml.'
        )
    return validate_base_url(value)


def resolve_account_id(explicit: str | None = None) -> str | None:
    """Find the account id: the argument, then dlt config `account_id`, or None."""
    if explicit:
        return explicit
    for key in (f"{SOURCE_SECTION}.account_id", "account_id"):
        found: object = dlt.config.get(key)
        if found:
            return str(found)
    return None


def validate_base_url(value: str) -> str:
    """Return `value` without a trailing slash, or raise ConfigError saying why."""
    text = value.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise ConfigError(
            f"Invalid base URL {_quote(text)}: {error}. "
            "Expected a URL such as https://api.example.com."
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"Invalid base URL {_quote(text)}: expected http:// or https:// and a "
            "host name, such as https://api.example.com."
        )
    if parts.query or parts.fragment:
        raise ConfigError(
            f"Invalid base URL {_quote(text)}: it must not contain a query string or "
            "fragment. Give the API key as a secret, not in the URL."
        )
    register_secret(parts.password)
    if port == 0:
        raise ConfigError(
            f"Invalid base URL {_quote(text)}: port 0 is not a real port."
        )
    return text.rstrip("/")


def _quote(url: str) -> str:
    # A URL typed by the user may carry a key in its query or user info.
    try:
        parts = urlsplit(url) if "://" in url else None
        if parts is not None:
            parts.hostname  # noqa: B018 (raises ValueError on a bad IPv6 literal)
    except ValueError:
        return repr(redact_url(url))
    if parts is not None and (parts.query or parts.password):
        return repr(
            f"{parts.scheme}://{parts.hostname or ''}{parts.path} (query hidden)"
        )
    return repr(url)


def _lookup(accessor: Any, key: str) -> object:
    """Read `key` from dlt config or secrets, turning a broken file into ConfigError."""
    try:
        value: object = accessor.get(key)
    except ConfigProviderException as error:
        detail = " ".join(redact_text(str(error)).split())
        raise ConfigError(
            f"Cannot read dlt settings while looking up {key}: {detail}. "
            "Fix the syntax of that file."
        ) from None
    return value
