"""The error tree of timetrack and the CLI exit code of each branch.

    TimetrackError
    ├── ConfigError            bad or missing settings (exit 2)
    ├── SourceError            the API failed or sent something unusable (exit 3)
    │   ├── ApiStatusError     an HTTP error status, after any retries
    │   ├── ApiAuthError       401 or 403: the API key was rejected
    │   ├── ApiConnectionError connection refused, reset, DNS failure, timeout
    │   └── PageError          a page that is malformed or disagrees with `total`
    ├── DestinationError       the destination could not be reached or written (exit 4)
    └── SyncLockedError        another sync of the same pipeline is running (exit 6)

Every message names what failed, the value involved and what to do next. None of
them contains the API key: URLs pass through `timetrack.redact` first.
"""

from __future__ import annotations

__all__ = [
    "ApiAuthError",
    "ApiConnectionError",
    "ApiStatusError",
    "ConfigError",
    "DestinationError",
    "PageError",
    "SourceError",
    "SyncLockedError",
    "TimetrackError",
]


class TimetrackError(Exception):
    """Base class of every error timetrack raises on purpose."""

    exit_code = 1


class ConfigError(TimetrackError):
    """A setting is missing or invalid. The message names the setting and the fix."""

    exit_code = 2


class SourceError(TimetrackError):
    """The API failed, or returned a page that cannot be loaded."""

    exit_code = 3


class ApiStatusError(SourceError):
    """The API returned an HTTP error status, after any retries."""

    def __init__(self, message: str, *, status: int, attempts: int) -> None:
        super().__init__(message)
        self.status = status
        self.attempts = attempts


class ApiAuthError(ApiStatusError):
    """The API rejected the API key (401 or 403)."""


class ApiConnectionError(SourceError):
    """The API could not be reached, or the connection broke, after any retries."""

    def __init__(self, message: str, *, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


class PageError(SourceError):
    """A page is malformed or disagrees with the `total` the API reported."""


class DestinationError(TimetrackError):
    """The destination could not be reached or written."""

    exit_code = 4


class SyncLockedError(TimetrackError):
    """Another sync holds the pipeline's lock file."""

    exit_code = 6
