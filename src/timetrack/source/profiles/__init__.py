"""Profiles of real time-tracking APIs, selected by name with `--profile`."""

from __future__ import annotations

from timetrack.errors import ConfigError
from timetrack.source.profiles.base import Profile
from timetrack.source.profiles.generic import GENERIC

__all__ = ["PROFILES", "Profile", "get_profile"]

PROFILES: dict[str, Profile] = {profile.name: profile for profile in (GENERIC,)}


def get_profile(name: str) -> Profile:
    """Return the profile called `name`, or raise ConfigError listing the choices."""
    try:
        return PROFILES[name]
    except KeyError:
        choices = ", ".join(sorted(PROFILES))
        raise ConfigError(
            f"Unknown profile {name!r}. Choose one of: {choices}."
        ) from None
