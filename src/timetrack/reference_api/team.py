"""Generate the deterministic users and projects that time entries reference."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from timetrack.reference_api import vocabulary
from timetrack.reference_api.timestamps import SECONDS_PER_DAY, format_utc

WINDOW_DAYS = 90

_FIRST_USER_ID = 7_300_000
_FIRST_PROJECT_ID = 190_000_000


@dataclass(frozen=True)
class Member:
    """A user as the entry generator needs it: id and home time zone."""

    id: int
    name: str
    zone: str


@dataclass(frozen=True)
class Project:
    """A project as the entry generator needs it."""

    id: int
    name: str
    client: str | None
    color: str
    billable: bool
    active: bool


def resolve_anchor(end: datetime | None) -> int:
    """Return ``end`` as Unix seconds, or now rounded down to the minute.

    Raises ValueError for a naive ``end``, which has no defined instant.
    """
    if end is None:
        now = int(datetime.now(UTC).timestamp())
        return now - now % 60
    if end.utcoffset() is None:
        raise ValueError(
            f"end must be timezone-aware, got naive datetime {end.isoformat()}"
        )
    return int(end.timestamp())


def draw_increasing_ids(rng: random.Random, first: int, count: int) -> list[int]:
    """Draw ascending ids with occasional gaps, as deletions leave them."""
    ids = []
    next_id = first + rng.randrange(1000)
    for _ in range(count):
        ids.append(next_id)
        next_id += next_id_step(rng.getrandbits(4))
    return ids


def next_id_step(roll: int) -> int:
    """Map 4 random bits to an id step: 1 for three rolls in four, else 2 to 5."""
    return 1 if roll < 12 else roll - 10


def build_team(seed: int) -> list[Member]:
    """Pick 8 to 15 members, one in each core time zone, ordered by id."""
    rng = random.Random(f"team:{seed}")
    people = [
        (rng.choice(vocabulary.PEOPLE_BY_TIME_ZONE[zone]), zone)
        for zone in vocabulary.CORE_TIME_ZONES
    ]
    chosen = {name for name, _ in people}
    others = [
        (name, zone)
        for zone, names in vocabulary.PEOPLE_BY_TIME_ZONE.items()
        for name in names
        if name not in chosen
    ]
    people += rng.sample(others, rng.randint(8, 15) - len(people))
    rng.shuffle(people)
    ids = draw_increasing_ids(rng, _FIRST_USER_ID, len(people))
    return [
        Member(id=member_id, name=name, zone=zone)
        for member_id, (name, zone) in zip(ids, people, strict=True)
    ]


def build_projects(seed: int) -> list[Project]:
    """Pick 10 to 25 projects ordered by id. Projects with a client are billable."""
    rng = random.Random(f"projects:{seed}")
    picks = rng.sample(vocabulary.PROJECTS, rng.randint(10, 25))
    ids = draw_increasing_ids(rng, _FIRST_PROJECT_ID, len(picks))
    return [
        Project(
            id=project_id,
            name=name,
            client=client,
            color=rng.choice(vocabulary.PROJECT_COLORS),
            billable=client is not None,
            active=rng.random() < 0.85,
        )
        for project_id, (name, client) in zip(ids, picks, strict=True)
    ]


def _email(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    local_part = ascii_name.lower().replace("'", "").replace(" ", ".")
    return f"{local_part}@example.com"


def _draw_creation_times(
    rng: random.Random, count: int, anchor: int
) -> list[tuple[str, str]]:
    """Draw (created_at, updated_at) pairs, created before the entry window."""
    window_start = anchor - WINDOW_DAYS * SECONDS_PER_DAY
    times = []
    for _ in range(count):
        age = rng.randrange(30 * SECONDS_PER_DAY, 700 * SECONDS_PER_DAY)
        created = window_start - age
        updated = created + rng.randrange(anchor - created)
        times.append((format_utc(created), format_utc(updated)))
    return times


def generate_users(
    seed: int = 0, *, end: datetime | None = None
) -> list[dict[str, Any]]:
    """Generate 8 to 15 users, each with a home IANA time zone, in id order.

    Every team has a member in each of ``vocabulary.CORE_TIME_ZONES``. ``end`` only
    moves the timestamps, which fall before the entries' 90-day window.
    """
    anchor = resolve_anchor(end)
    members = build_team(seed)
    rng = random.Random(f"user-times:{seed}")
    times = _draw_creation_times(rng, len(members), anchor)
    return [
        {
            "id": member.id,
            "name": member.name,
            "email": _email(member.name),
            "timezone": member.zone,
            "active": True,
            "created_at": created_at,
            "updated_at": updated_at,
        }
        for member, (created_at, updated_at) in zip(members, times, strict=True)
    ]


def generate_projects(
    seed: int = 0, *, end: datetime | None = None
) -> list[dict[str, Any]]:
    """Generate 10 to 25 projects in id order. Projects with a client are billable.

    ``end`` only moves the timestamps, which fall before the entries' window.
    """
    anchor = resolve_anchor(end)
    projects = build_projects(seed)
    rng = random.Random(f"project-times:{seed}")
    times = _draw_creation_times(rng, len(projects), anchor)
    return [
        {
            "id": project.id,
            "name": project.name,
            "client": project.client,
            "color": project.color,
            "billable": project.billable,
            "active": project.active,
            "created_at": created_at,
            "updated_at": updated_at,
        }
        for project, (created_at, updated_at) in zip(projects, times, strict=True)
    ]
