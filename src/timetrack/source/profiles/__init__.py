"""Profiles of real time-tracking APIs, selected by name with `--profile`."""

from __future__ import annotations

from timetrack.errors import ConfigError
from timetrack.source.profiles.base import Profile
from timetrack.source.profiles.clockify import CLOCKIFY
from timetrack.source.profiles.generic import GENERIC
from timetrack.source.profiles.harvest import HARVEST
from timetrack.source.profiles.toggl import TOGGL

__all__ = ["PROFILES", "Profile", "build_profile_headers", "get_profile"]

PROFILES: dict[str, Profile] = {
    profile.name: profile for profile in (GENERIC, TOGGL, HARVEST, CLOCKIFY)
}


def build_profile_headers(profile: Profile, account_id: str | None) -> dict[str, str]:
    """Return the profile's fixed headers plus its account header, if it has one.

    Raises ConfigError when the profile needs an account id and none is given.
    """
    headers = dict(profile.headers)
    if profile.account_header is not None:
        if not account_id:
            raise ConfigError(
                f"The {profile.name} profile needs an account id. Pass --account-id, "
                "set ACCOUNT_ID, or put account_id in .dlt/config.toml."
            )
        headers[profile.account_header] = account_id
    return headers


def get_profile(name: str) -> Profile:
    """Return the profile called `name`, or raise ConfigError listing the choices."""
    try:
        return PROFILES[name]
    except KeyError:
        choices = ", ".join(sorted(PROFILES))
        raise ConfigError(
            f"Unknown profile {name!r}. Choose one of: {choices}."
        ) from None
