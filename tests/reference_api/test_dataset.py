"""Tests for the generated users, projects and time entries."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from timetrack.reference_api import (
    generate_entries,
    generate_projects,
    generate_users,
    iter_entries,
)
from timetrack.reference_api.vocabulary import CORE_TIME_ZONES, TAGS

from .helpers import END

ENTRY_KEYS = {
    "id",
    "user_id",
    "project_id",
    "description",
    "tags",
    "billable",
    "start_time",
    "end_time",
    "duration",
    "created_at",
    "updated_at",
}


@pytest.fixture(scope="module")
def entries() -> list[dict[str, Any]]:
    return generate_entries(1000, seed=0, end=END)


@pytest.fixture(scope="module")
def zones_by_user() -> dict[int, str]:
    return {user["id"]: user["timezone"] for user in generate_users(0, end=END)}


def _parse(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


def _stopped(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [entry for entry in entries if entry["end_time"] is not None]


def test_entries_same_inputs_identical() -> None:
    first = generate_entries(300, seed=7, end=END)
    second = generate_entries(300, seed=7, end=END)
    assert first == second


def test_entries_other_seed_differs() -> None:
    assert generate_entries(300, seed=1, end=END) != generate_entries(
        300, seed=2, end=END
    )


def test_iter_entries_matches_generate() -> None:
    assert list(iter_entries(200, seed=3, end=END)) == generate_entries(
        200, seed=3, end=END
    )


def test_team_independent_of_size() -> None:
    small = {entry["user_id"] for entry in generate_entries(300, end=END)}
    users = {user["id"] for user in generate_users(0, end=END)}
    assert small <= users
    assert generate_users(0, end=END) == generate_users(0, end=END)
    assert generate_projects(0, end=END) == generate_projects(0, end=END)


def test_entry_keys_and_types(entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        assert set(entry) == ENTRY_KEYS
        assert type(entry["id"]) is int
        assert type(entry["user_id"]) is int
        assert entry["project_id"] is None or type(entry["project_id"]) is int
        assert isinstance(entry["description"], str)
        assert isinstance(entry["tags"], list)
        assert type(entry["billable"]) is bool
        assert isinstance(entry["start_time"], str)
        assert entry["end_time"] is None or isinstance(entry["end_time"], str)
        assert entry["duration"] is None or type(entry["duration"]) is int
        assert isinstance(entry["created_at"], str)
        assert isinstance(entry["updated_at"], str)


def test_entries_size_exact() -> None:
    for size in (0, 1, 5, 19, 20, 101):
        assert len(generate_entries(size, end=END)) == size


def test_ids_increase_with_gaps(entries: list[dict[str, Any]]) -> None:
    ids = [entry["id"] for entry in entries]
    assert all(b > a for a, b in itertools.pairwise(ids))
    assert ids[0] > 2**31
    assert ids[-1] - ids[0] + 1 > len(ids), "expected gaps between ids"


def test_ids_follow_creation_time(entries: list[dict[str, Any]]) -> None:
    created = [_parse(entry["created_at"]) for entry in entries]
    assert created == sorted(created)


def test_start_offset_matches_user_zone(
    entries: list[dict[str, Any]], zones_by_user: dict[int, str]
) -> None:
    for entry in entries:
        zone = zones_by_user[entry["user_id"]]
        for field in ("start_time", "end_time"):
            if entry[field] is None:
                continue
            moment = _parse(entry[field])
            expected = moment.astimezone(ZoneInfo(zone)).utcoffset()
            assert moment.utcoffset() == expected, (entry[field], zone)
            if zone == "UTC":
                assert entry[field].endswith("Z")
            else:
                assert entry[field][-6] in "+-"


def test_offsets_cover_fractional_zones(entries: list[dict[str, Any]]) -> None:
    suffixes = {entry["start_time"][-6:] for entry in entries}
    assert "+05:30" in suffixes
    assert suffixes & {"+10:30", "+09:30"}
    assert any(entry["start_time"].endswith("Z") for entry in entries)


def test_duration_matches_end_minus_start(entries: list[dict[str, Any]]) -> None:
    for entry in _stopped(entries):
        elapsed = _parse(entry["end_time"]) - _parse(entry["start_time"])
        assert entry["duration"] == int(elapsed.total_seconds())


def test_durations_within_bounds(entries: list[dict[str, Any]]) -> None:
    durations = [entry["duration"] for entry in _stopped(entries)]
    assert all(d == 0 or 300 <= d <= 4 * 3600 for d in durations)
    assert 0 < durations.count(0) < 10
    assert max(durations) > 3 * 3600


def test_some_entries_cross_local_midnight(entries: list[dict[str, Any]]) -> None:
    crossing = [
        entry
        for entry in _stopped(entries)
        if entry["start_time"][:10] != entry["end_time"][:10]
    ]
    assert 1 <= len(crossing) <= 20


def test_running_timers(entries: list[dict[str, Any]]) -> None:
    running = [entry for entry in entries if entry["end_time"] is None]
    assert len(running) == 10
    for entry in running:
        assert entry["duration"] is None
        age = END - _parse(entry["start_time"])
        assert timedelta(0) < age <= timedelta(hours=8)


def test_running_timer_in_small_dataset() -> None:
    entries = generate_entries(20, end=END)
    running = [entry for entry in entries if entry["end_time"] is None]
    assert len(running) == 1


def test_stopped_entries_end_before_anchor(entries: list[dict[str, Any]]) -> None:
    for entry in _stopped(entries):
        assert _parse(entry["end_time"]) <= END
        assert _parse(entry["start_time"]) >= END - timedelta(days=100)


def test_created_and_updated_utc(entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        assert entry["created_at"].endswith("Z")
        assert entry["updated_at"].endswith("Z")
        created = _parse(entry["created_at"])
        updated = _parse(entry["updated_at"])
        assert created <= updated <= END


def test_entries_mostly_on_weekdays(entries: list[dict[str, Any]]) -> None:
    weekdays = [_parse(entry["start_time"]).weekday() for entry in entries]
    weekend_share = sum(day >= 5 for day in weekdays) / len(weekdays)
    assert 0 < weekend_share < 0.15


def test_entries_reference_users_and_projects(entries: list[dict[str, Any]]) -> None:
    users = {user["id"] for user in generate_users(0, end=END)}
    projects = {project["id"] for project in generate_projects(0, end=END)}
    project_ids = [entry["project_id"] for entry in entries]
    assert {entry["user_id"] for entry in entries} == users
    assert {p for p in project_ids if p is not None} <= projects
    assert 0 < project_ids.count(None) < len(entries) / 4


def test_texts_are_varied(entries: list[dict[str, Any]]) -> None:
    descriptions = Counter(entry["description"] for entry in entries)
    assert len(descriptions) > 200
    assert any(not text.isascii() for text in descriptions)
    tag_counts = Counter(len(entry["tags"]) for entry in entries)
    assert set(tag_counts) == {0, 1, 2, 3}
    for entry in entries:
        assert len(set(entry["tags"])) == len(entry["tags"])
        assert set(entry["tags"]) <= set(TAGS)
    billable = Counter(entry["billable"] for entry in entries)
    assert billable[True] > 0
    assert billable[False] > 0


def test_users_have_core_time_zones() -> None:
    for seed in range(5):
        users = generate_users(seed, end=END)
        assert 8 <= len(users) <= 15
        assert set(CORE_TIME_ZONES) <= {user["timezone"] for user in users}
        assert len({user["email"] for user in users}) == len(users)
        ids = [user["id"] for user in users]
        assert ids == sorted(ids)


def test_projects_have_names() -> None:
    for seed in range(5):
        projects = generate_projects(seed, end=END)
        assert 10 <= len(projects) <= 25
        assert all(project["name"] for project in projects)
        assert len({project["id"] for project in projects}) == len(projects)


def test_default_end_is_recent() -> None:
    now = datetime.now(UTC)
    entries = generate_entries(500)
    starts = [_parse(entry["start_time"]) for entry in entries]
    assert max(starts) <= now
    assert any(now - start < timedelta(days=7) for start in starts)


def test_naive_end_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_entries(10, end=datetime(2026, 1, 1))


def test_negative_size_rejected() -> None:
    with pytest.raises(ValueError, match="size"):
        generate_entries(-1, end=END)
