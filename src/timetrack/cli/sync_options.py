"""Parse the sync options that need more than Typer's types: dates, lists, paths."""

from __future__ import annotations

from datetime import UTC, date, datetime

from timetrack.errors import ConfigError

__all__ = ["parse_date_option", "parse_path_overrides", "parse_related_option"]


def parse_date_option(option: str, value: str | None) -> datetime | None:
    """Parse `YYYY-MM-DD` (midnight UTC) or ISO-8601 with a UTC offset."""
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"Invalid {option} {value!r}: expected a date such as 2026-11-01 or "
            "a time with a UTC offset such as 2026-11-01T08:00:00+01:00."
        ) from None
    if parsed.tzinfo is None:
        raise ConfigError(
            f"Invalid {option} {value!r}: the time has no UTC offset; "
            "add one such as Z or +01:00."
        )
    return parsed


def parse_related_option(value: str | None) -> tuple[str, ...] | None:
    """Parse a comma-separated list of related tables; "none" loads none."""
    if value is None:
        return None
    if value.strip().lower() == "none":
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


def parse_path_overrides(values: list[str] | None) -> dict[str, str]:
    """Parse repeated `NAME=PATH` options into a mapping."""
    overrides: dict[str, str] = {}
    for value in values or []:
        name, separator, path = value.partition("=")
        if not separator or not name.strip() or not path.strip().startswith("/"):
            raise ConfigError(
                f"Invalid --path {value!r}: expected NAME=PATH such as "
                "projects=/v1/projects."
            )
        overrides[name.strip()] = path.strip()
    return overrides
