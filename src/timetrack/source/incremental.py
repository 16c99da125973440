"""The window of one sync: which changes to ask the API for, and the cursor state.

Three modes:

- incremental (default): dlt's incremental state keeps the largest cursor value
  loaded so far. With the `updated_at` cursor the next run requests entries
  changed since that value. With the `start_time` cursor it requests entries
  started since that value minus a look-back window, so edits to recent entries
  are seen, while older edits are not.
- full refresh: the incremental request with no stored cursor, after the caller
  drops the stored data and state, so the run reads everything and stores the
  cursor for the next incremental run.
- backfill (`since`/`until`): a start-time range that leaves the stored state
  as it is, because dlt keeps no state for an incremental with an `end_value`.

The upper bound of every window is fixed when the run starts and sent to the
API, so an entry created or changed during the run is taken by the next run.

An entry edited during the run leaves the window and shifts the later rows of
the window down. The overlapping offset paginator of the generic profile detects
the shift and reads the page again. NOTE: profiles with page-number or
`links.next` paging have no such check, so the row at a page boundary can be
skipped until its next change; a full refresh or reconciliation repairs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from timetrack.errors import ConfigError
from timetrack.source.profiles.base import Profile

__all__ = [
    "CURSOR_FIELDS",
    "DEFAULT_LOOKBACK",
    "EntryWindow",
    "IncrementalOptions",
    "plan_entry_window",
    "read_cursor_value",
]

CURSOR_FIELDS = ("updated_at", "start_time")
DEFAULT_LOOKBACK = timedelta(days=7)

Mode = Literal["incremental", "full_refresh", "backfill"]


@dataclass(frozen=True)
class IncrementalOptions:
    """Options that choose one run's window; `cursor` None is the profile's default."""

    cursor: str | None = None
    lookback: timedelta = DEFAULT_LOOKBACK
    full_refresh: bool = False
    since: datetime | None = None
    until: datetime | None = None

    @property
    def mode(self) -> Mode:
        """The run's mode: a backfill when `since` or `until` is set."""
        if self.full_refresh:
            return "full_refresh"
        if self.since is not None or self.until is not None:
            return "backfill"
        return "incremental"

    def validate(self) -> None:
        """Raise ConfigError on the first invalid option, naming it and the fix."""
        if self.cursor is not None and self.cursor not in CURSOR_FIELDS:
            raise ConfigError(
                f"Unknown cursor {self.cursor!r}. Choose one of: "
                f"{', '.join(CURSOR_FIELDS)}."
            )
        if self.lookback < timedelta(0):
            raise ConfigError(
                f"Invalid look-back window {self.lookback}: expected 0 days or more."
            )
        if self.full_refresh and (self.since or self.until):
            raise ConfigError(
                "--full-refresh cannot be combined with --since or --until; "
                "choose either a full refresh or a backfill range."
            )
        for label, value in (("--since", self.since), ("--until", self.until)):
            if value is not None and value.tzinfo is None:
                raise ConfigError(
                    f"{label} {value.isoformat()} has no UTC offset; "
                    "add one such as Z or +02:00."
                )
        if self.since and self.until and self.until <= self.since:
            raise ConfigError(
                f"--until {self.until.isoformat()} is not after "
                f"--since {self.since.isoformat()}; swap or widen the range."
            )

    def resolve_cursor(self, profile: Profile) -> str:
        """Return the cursor field, raising ConfigError when the API cannot filter."""
        cursor = self.cursor or profile.default_cursor
        if cursor == "updated_at" and profile.updated_since_param is None:
            raise ConfigError(
                f"The {profile.name} profile's API has no last-modified filter; "
                "use --cursor start_time."
            )
        return cursor


@dataclass(frozen=True)
class EntryWindow:
    """The rest_api settings of one run's time entries request."""

    mode: Mode
    cursor: str
    end: datetime
    incremental: dict[str, Any] | None
    params: dict[str, Any]


def read_cursor_value(state: Mapping[str, Any], source_name: str, cursor: str) -> Any:
    """Return the time entries' stored cursor value from pipeline `state`, or None."""
    resources = state.get("sources", {}).get(source_name, {}).get("resources", {})
    incremental = resources.get("time_entries", {}).get("incremental", {})
    return incremental.get(cursor, {}).get("last_value")


def _pin_start_params(window: EntryWindow, stored: Any, lag: float) -> EntryWindow:
    """Send the window's start as a fixed parameter instead of through dlt.

    rest_api fills the start parameter of a per-user listing again for each
    user from the cursor as it advances, so every user after the first would
    be asked only for entries newer than the previous user's latest.
    """
    if window.incremental is None:
        return window
    incremental = dict(window.incremental)
    params = dict(window.params)
    convert = incremental["convert"]
    start_param = incremental.pop("start_param", None)
    end_param = incremental.pop("end_param", None)
    if window.mode == "backfill":
        start = incremental["initial_value"]
        if end_param:
            params[end_param] = convert(incremental["end_value"])
    else:
        start = stored - timedelta(seconds=lag) if stored and lag else stored
    if start_param and start is not None:
        params[start_param] = convert(start)
    return replace(window, incremental=incremental, params=params)


def plan_entry_window(
    options: IncrementalOptions,
    profile: Profile,
    *,
    now: datetime | None = None,
    stored_cursor: Any = None,
) -> EntryWindow:
    """Build the incremental config and fixed query parameters of one run.

    `stored_cursor` is the cursor value from the last run's state; only
    per-user listings need it, because rest_api reads it for the others.
    """
    window = _plan_entry_window(options, profile, now)
    if profile.per_user:
        lag = options.lookback.total_seconds() if window.cursor == "start_time" else 0
        window = _pin_start_params(window, stored_cursor, lag)
    return window


def _plan_entry_window(
    options: IncrementalOptions, profile: Profile, now: datetime | None
) -> EntryWindow:
    options.validate()
    # Rounded up to the next whole second: APIs store seconds, and an entry
    # changed in the second the run starts is then taken now, not next time.
    end = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0) + timedelta(
        seconds=1
    )
    cursor = options.resolve_cursor(profile)
    fmt = profile.format_instant if cursor == "updated_at" else profile.format_start
    if options.mode == "backfill":
        if profile.start_from_param is None:
            raise ConfigError(
                f"The {profile.name} profile's API cannot filter on start time, "
                "so --since and --until are not available."
            )
        since = options.since or datetime(1970, 1, 1, tzinfo=UTC)
        until = options.until or end
        backfill: dict[str, Any] = {
            "cursor_path": "start_time",
            "start_param": profile.start_from_param,
            "end_param": profile.start_to_param,
            "initial_value": since.astimezone(UTC),
            "end_value": until.astimezone(UTC),
            "convert": profile.format_start,
            "on_cursor_value_missing": "include",
            "primary_key": [],
        }
        return EntryWindow("backfill", "start_time", until, backfill, {})
    incremental: dict[str, Any] = {
        "cursor_path": cursor,
        "initial_value": None,
        "convert": fmt,
        # A record without a cursor value is loaded, never dropped.
        "on_cursor_value_missing": "include",
        # An empty key turns off dlt's boundary deduplication, so an entry
        # edited twice within the same second is loaded again; the merge on
        # `id` keeps one row.
        "primary_key": [],
    }
    if cursor == "updated_at":
        incremental["start_param"] = profile.updated_since_param
        end_param = profile.updated_before_param
    else:
        incremental["start_param"] = profile.start_from_param
        # dlt's lag moves the start of the next window back by the look-back,
        # in seconds for a datetime cursor.
        incremental["lag"] = options.lookback.total_seconds()
        end_param = profile.start_to_param
    params = {end_param: fmt(end)} if end_param else {}
    # A full refresh runs the same incremental request after dlt has dropped the
    # data and the stored cursor, so it reads everything and stores the cursor
    # that the next incremental run starts from.
    mode: Mode = "full_refresh" if options.mode == "full_refresh" else "incremental"
    return EntryWindow(mode, cursor, end, incremental, params)
