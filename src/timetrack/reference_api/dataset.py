"""Generate the deterministic time entries the reference API serves.

The same ``size``, ``seed`` and ``end`` always produce identical records. Users,
projects, texts and entry draws come from separate seeded streams, so changing
``size`` keeps the same team and projects.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from timetrack.reference_api import vocabulary
from timetrack.reference_api.team import (
    WINDOW_DAYS,
    Member,
    Project,
    build_projects,
    build_team,
    generate_projects,
    generate_users,
    next_id_step,
    resolve_anchor,
)
from timetrack.reference_api.timestamps import SECONDS_PER_DAY, OffsetTable

__all__ = [
    "MAX_DURATION",
    "MIN_DURATION",
    "RUNNING_TIMER_MAX_AGE",
    "WINDOW_DAYS",
    "generate_entries",
    "generate_projects",
    "generate_users",
    "iter_entries",
]

MIN_DURATION = 5 * 60
MAX_DURATION = 4 * 3600
RUNNING_TIMER_MAX_AGE = 8 * 3600

# Ids start above 2**31, so a loader that keeps them in 32-bit ints fails in tests.
_FIRST_ENTRY_ID = 4_100_000_000

_WEEKDAY_WEIGHT = 10
_WEEKEND_WEIGHT = 1
_START_HOUR_WEIGHTS = {
    7: 1,
    8: 4,
    9: 8,
    10: 9,
    11: 8,
    12: 4,
    13: 7,
    14: 8,
    15: 8,
    16: 7,
    17: 4,
    18: 2,
}
# Entries that cross local midnight start between 22:00 and 23:50.
_LATE_START = 22 * 3600
_LATE_START_SPAN = 110 * 60
_MANUAL_STEP = 15 * 60

# Sizes of the text tables, which entries index with a fixed number of random bits.
_DESCRIPTION_COUNT = 2048
_TAG_SET_COUNT = 256
_PROJECT_SLOTS = 64
_USER_SLOTS = 256

_NORMAL, _RUNNING, _MIDNIGHT, _ZERO = 0, 1, 2, 3

# Each entry's draws are packed into one int. The creation time sits in the top
# bits, so a single list.sort() puts entries in id order, and a million packed
# entries take about 60 MB until their dicts are built. From the low end:
# traits (user 8 bits, project + 1 8 bits, description 11, tag set 8, billable 1),
# duration + 1 (16 bits, 0 for a running timer), start (40 bits),
# updated - created (32 bits) and created.
_TRAIT_BITS = 36
_DURATION_BITS = 16
_START_BITS = 40
_EDIT_BITS = 32


def _draw_descriptions(rng: random.Random, count: int) -> list[str]:
    texts = []
    for _ in range(count):
        roll = rng.random()
        activity = rng.choice(vocabulary.ACTIVITIES)
        subject = rng.choice(vocabulary.SUBJECTS)
        if roll < 0.02:
            texts.append("")
        elif roll < 0.05:
            texts.append(rng.choice(vocabulary.NON_ENGLISH_DESCRIPTIONS))
        elif roll < 0.25:
            texts.append(activity)
        elif roll < 0.55:
            texts.append(f"{activity}: {subject}")
        elif roll < 0.75:
            texts.append(f"{activity} \N{EN DASH} {subject}")
        else:
            ticket = (
                f"{rng.choice(vocabulary.TICKET_PREFIXES)}-{rng.randint(100, 4999)}"
            )
            texts.append(f"{ticket} {activity} ({subject})")
    return texts


def _draw_tag_sets(rng: random.Random, count: int) -> list[tuple[str, ...]]:
    sizes = rng.choices((0, 1, 2, 3), weights=(35, 35, 20, 10), k=count)
    return [tuple(rng.sample(vocabulary.TAGS, size)) for size in sizes]


def _midnight_instants(table: OffsetTable, anchor: int) -> list[int]:
    """Return the instant of 00:00 local time for each day of the window.

    Weekdays are repeated so that a uniform pick favours them. Each value uses
    the offset at local noon. That is exact for clock times after the early
    morning DST switch, which is why entries drawn from these instants start at
    07:00 or later.
    """
    last_day = (anchor + table.offset_at(anchor)) // SECONDS_PER_DAY
    instants = []
    for day in range(last_day - WINDOW_DAYS, last_day + 1):
        noon = day * SECONDS_PER_DAY + 12 * 3600
        offset = table.offset_at(noon - table.offset_at(noon))
        weekend = (day + 3) % 7 >= 5  # 1970-01-01 was a Thursday.
        weight = _WEEKEND_WEIGHT if weekend else _WEEKDAY_WEIGHT
        instants.extend([day * SECONDS_PER_DAY - offset] * weight)
    return instants


def _draw_project_slots(rng: random.Random, project_count: int) -> list[int]:
    """Draw project indexes plus one (0 is no project) favouring a few projects."""
    favourites = rng.sample(range(1, project_count + 1), rng.randint(2, 5))
    weights = [8, 4, 2, 1, 1][: len(favourites)]
    no_project = 5
    picks = rng.choices(favourites, weights=weights, k=_PROJECT_SLOTS - no_project)
    return [0] * no_project + picks


def _draw_kinds(rng: random.Random, size: int) -> bytearray:
    """Mark running timers (~1%), midnight-crossing and zero-length entries."""
    kinds = bytearray(size)
    if size < 20:
        return kinds
    counts = {
        _RUNNING: max(1, size // 100),
        _MIDNIGHT: max(1, size // 250),
        _ZERO: max(1, size // 500),
    }
    positions = rng.sample(range(size), sum(counts.values()))
    for kind, count in counts.items():
        for position in positions[:count]:
            kinds[position] = kind
        positions = positions[count:]
    return kinds


def _draw_entries(
    size: int,
    seed: int,
    anchor: int,
    tables: Sequence[OffsetTable],
    projects: Sequence[Project],
) -> list[int]:
    """Draw every entry and return them packed and sorted by creation time."""
    rng = random.Random(f"entries:{seed}")
    midnights = [_midnight_instants(table, anchor) for table in tables]
    project_slots = [_draw_project_slots(rng, len(projects)) for _ in tables]
    project_billable = [False] + [project.billable for project in projects]
    activity = [rng.uniform(0.6, 1.4) for _ in tables]
    user_slots = list(range(len(tables)))
    user_slots += rng.choices(user_slots, weights=activity, k=_USER_SLOTS - len(tables))
    start_hours = [hour for hour, w in _START_HOUR_WEIGHTS.items() for _ in range(w)]
    kinds = _draw_kinds(rng, size)

    packed_entries = []
    running_count = 0
    getrandbits = rng.getrandbits
    for kind in kinds:
        # Bits: user 0-7, day 8-23, manual 24-25, hour 26-33, length 34-49,
        # second 50-63. Late starts use 26-41 and late lengths 42-63.
        timing_bits = getrandbits(64)
        # Bits: project 0-5, billable flip 6-9, description 10-20, tags 21-28,
        # delay kind 29-36, delay 37-59, later edit 60-63.
        content_bits = getrandbits(64)
        if kind == _RUNNING:
            # A person runs one timer at a time, so running timers rotate users.
            user = running_count % len(tables)
            running_count += 1
            start = anchor - 60 - timing_bits % (RUNNING_TIMER_MAX_AGE - 60)
            duration = -1
            created = updated = start
        else:
            user = user_slots[timing_bits & 0xFF]
            days = midnights[user]
            midnight = days[(timing_bits >> 8 & 0xFFFF) % len(days)]
            manual = kind == _NORMAL and (timing_bits >> 24 & 3) == 0
            if kind == _MIDNIGHT:
                second = _LATE_START + (timing_bits >> 26 & 0xFFFF) % _LATE_START_SPAN
                before_midnight = SECONDS_PER_DAY - second
                spare = MAX_DURATION - before_midnight - MIN_DURATION
                duration = (
                    before_midnight + MIN_DURATION + (timing_bits >> 42) % (spare + 1)
                )
            else:
                hour = start_hours[(timing_bits >> 26 & 0xFF) % len(start_hours)]
                # Squaring a uniform fraction skews lengths towards short entries.
                fraction = (timing_bits >> 34 & 0xFFFF) / 0x10000
                span = MAX_DURATION - MIN_DURATION
                duration = MIN_DURATION + int(span * fraction * fraction)
                if manual:
                    second = hour * 3600 + _MANUAL_STEP * (timing_bits >> 50 & 3)
                    duration = max(1, round(duration / _MANUAL_STEP)) * _MANUAL_STEP
                else:
                    second = hour * 3600 + (timing_bits >> 50) % 3600
                if kind == _ZERO:
                    duration = 0
            start = midnight + second
            if start + duration > anchor:
                start -= 7 * SECONDS_PER_DAY
            stop = start + duration
            delay = content_bits >> 37 & 0x7FFFFF
            if manual:
                # Manual entries are typed in after the work: within the hour,
                # at the end of the day, or days later.
                delay_kind = content_bits >> 29 & 0xFF
                if delay_kind < 128:
                    delay = 60 + delay % 3600
                elif delay_kind < 230:
                    delay = 3600 + delay % (8 * 3600)
                else:
                    delay = 8 * 3600 + delay % (3 * SECONDS_PER_DAY)
                created = updated = min(stop + delay, anchor)
            else:
                # A timer entry is created when it starts and updated when stopped.
                created = start
                updated = min(stop + delay % 6, anchor)
            if content_bits >> 60 == 0:
                edit_delay = 600 + getrandbits(20) % (2 * SECONDS_PER_DAY)
                updated = min(max(updated, stop) + edit_delay, anchor)

        project = project_slots[user][content_bits & 0x3F]
        billable = project_billable[project] ^ ((content_bits >> 6 & 0xF) == 0)
        traits = (
            user
            | project << 8
            | (content_bits >> 10 & (_DESCRIPTION_COUNT - 1)) << 16
            | (content_bits >> 21 & (_TAG_SET_COUNT - 1)) << 27
            | billable << 35
        )
        timing = (created << _EDIT_BITS | updated - created) << _START_BITS | start
        timing = timing << _DURATION_BITS | duration + 1
        packed_entries.append(timing << _TRAIT_BITS | traits)
    packed_entries.sort()
    return packed_entries


def _build_entries(
    packed_entries: list[int],
    seed: int,
    tables: Sequence[OffsetTable],
    members: Sequence[Member],
    projects: Sequence[Project],
) -> Iterator[dict[str, Any]]:
    texts_rng = random.Random(f"texts:{seed}")
    descriptions = _draw_descriptions(texts_rng, _DESCRIPTION_COUNT)
    tag_sets = _draw_tag_sets(texts_rng, _TAG_SET_COUNT)
    local_formats = [table.formatter() for table in tables]
    utc_format = OffsetTable("UTC", 0, 0).formatter()
    user_ids = [member.id for member in members]
    project_ids = [None] + [project.id for project in projects]
    id_rng = random.Random(f"entry-ids:{seed}")
    entry_id = _FIRST_ENTRY_ID + id_rng.randrange(1000)
    getrandbits = id_rng.getrandbits
    for packed in packed_entries:
        user = packed & 0xFF
        timing = packed >> _TRAIT_BITS
        duration = (timing & (1 << _DURATION_BITS) - 1) - 1
        timing >>= _DURATION_BITS
        start = timing & (1 << _START_BITS) - 1
        timing >>= _START_BITS
        edit = timing & (1 << _EDIT_BITS) - 1
        created = timing >> _EDIT_BITS
        created_at = utc_format(created)
        local_format = local_formats[user]
        running = duration < 0
        yield {
            "id": entry_id,
            "user_id": user_ids[user],
            "project_id": project_ids[packed >> 8 & 0xFF],
            "description": descriptions[packed >> 16 & (_DESCRIPTION_COUNT - 1)],
            "tags": list(tag_sets[packed >> 27 & (_TAG_SET_COUNT - 1)]),
            "billable": packed >> 35 & 1 == 1,
            "start_time": local_format(start),
            "end_time": None if running else local_format(start + duration),
            "duration": None if running else duration,
            "created_at": created_at,
            "updated_at": utc_format(created + edit) if edit else created_at,
        }
        entry_id += next_id_step(getrandbits(4))


def iter_entries(
    size: int, *, seed: int = 0, end: datetime | None = None
) -> Iterator[dict[str, Any]]:
    """Draw ``size`` time entries and return an iterator over them in id order.

    Every entry is drawn before this returns, at about 60 bytes each, because ids
    follow creation time. Each dict is built only when the iterator reaches it,
    so a million entries can stream into a store without all dicts in memory.
    See ``generate_entries`` for what the entries contain.
    """
    if size < 0:
        raise ValueError(f"size must be zero or positive, got {size}")
    anchor = resolve_anchor(end)
    if anchor < (WINDOW_DAYS + 9) * SECONDS_PER_DAY:
        raise ValueError(f"end must be after 1970-04-10, got {end}")
    members = build_team(seed)
    projects = build_projects(seed)
    # The tables reach 9 days before the window because an entry that would end
    # after ``end`` moves back a week.
    table_start = anchor - (WINDOW_DAYS + 9) * SECONDS_PER_DAY
    tables = [
        OffsetTable(member.zone, table_start, anchor + SECONDS_PER_DAY)
        for member in members
    ]
    packed_entries = _draw_entries(size, seed, anchor, tables, projects)
    return _build_entries(packed_entries, seed, tables, members, projects)


def generate_entries(
    size: int, *, seed: int = 0, end: datetime | None = None
) -> list[dict[str, Any]]:
    """Generate ``size`` time entries from the 90 days before ``end``, in id order.

    ``end`` must be timezone-aware and defaults to now, rounded down to the
    minute. Most entries fall in local working hours on weekdays and last 5
    minutes to 4 hours. A few cross local midnight and a few are zero-length.
    About 1% (at least one when ``size`` is 20 or more) are running timers that
    started in the 8 hours before ``end``, with null ``end_time`` and
    ``duration``. Every other entry ends at or before ``end``.
    """
    return list(iter_entries(size, seed=seed, end=end))
