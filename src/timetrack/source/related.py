"""Projects, users, clients and tags: small tables that time entries reference by id."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from dlt.extract.resource import DltResource
from dlt.sources.rest_api.typing import EndpointResource

from timetrack.errors import ConfigError
from timetrack.http.transport import TransportStats
from timetrack.source.profiles.base import Profile
from timetrack.source.schema import RELATED_COLUMNS

__all__ = [
    "RELATED_RESOURCES",
    "build_related_resources",
    "fetch_alongside",
    "resolve_related_paths",
]

RELATED_RESOURCES = ("projects", "users", "clients", "tags")

# How long a related table waits for the API's first response before it
# sends its own request anyway.
_FIRST_ANSWER_WAIT = 60.0

# The wait is split into slices, each one task on dlt's worker pool. On Ctrl-C
# or a failure, dlt 1.31 stops submitting tasks and joins the pool for 2 s.
# A task that waited out the whole minute would keep the process alive and
# make dlt report "generator already executing".
_WAIT_SLICE = 0.2


def _string_id(record: dict[str, Any]) -> dict[str, Any]:
    # Entries store project_id and user_id as text, so the keys they join on
    # are text too.
    if record.get("id") is not None:
        record["id"] = str(record["id"])
    return record


def resolve_related_paths(
    profile: Profile,
    names: tuple[str, ...] | None,
    overrides: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Return {resource: path} to load; `names` None means every one the profile has.

    Raises ConfigError for an unknown name or one the profile has no path for.
    """
    chosen = tuple(profile.related_paths) if names is None else names
    paths = dict(profile.related_paths)
    paths.update(overrides or {})
    for name in (*chosen, *(overrides or {})):
        if name not in RELATED_RESOURCES:
            raise ConfigError(
                f"Unknown related resource {name!r}. Choose from: "
                f"{', '.join(RELATED_RESOURCES)}."
            )
    missing = [name for name in chosen if not paths.get(name)]
    if missing:
        raise ConfigError(
            f"The {profile.name} profile has no path for {', '.join(missing)}; "
            "give one with --path NAME=PATH or leave it out of --related."
        )
    return {name: paths[name] for name in chosen}


def build_related_resources(
    profile: Profile, paths: Mapping[str, str], *, limit: int
) -> list[EndpointResource]:
    """Describe each related resource for `rest_api_source`, merged on `id`."""
    resources: list[EndpointResource] = []
    for name, path in paths.items():
        resource: EndpointResource = {
            "name": name,
            "endpoint": {
                "path": path,
                "data_selector": profile.related_selectors.get(
                    name, profile.data_selector
                ),
                "paginator": profile.build_paginator(limit),  # type: ignore[typeddict-item]
                "params": profile.page_params(limit),
            },
            "columns": RELATED_COLUMNS,  # type: ignore[typeddict-item]
            "processing_steps": [{"map": _string_id}],
        }
        resources.append(resource)
    return resources


def fetch_alongside(resource: DltResource, stats: TransportStats | None = None) -> None:
    """Extract `resource` on dlt's worker threads, alongside the other resources.

    A related table then costs no round trip of its own against an API with
    latency. With `stats`, its first request waits for the API's first response,
    and is not sent when the first request gave up, so an unreachable API
    is reported by one request and its retries, not by one per table.
    """
    # NOTE: `parallelized` in a rest_api resource config does not take effect
    # in dlt 1.31, so the resource is wrapped here. `Pipe.replace_gen` is the
    # same private API that `batches.batch_pages` uses.
    pipe: Any = resource._pipe
    generator: Any = pipe.gen
    if stats is not None and callable(generator):
        factory: Callable[[], Iterable[Any]] = generator

        def after_first_answer() -> Iterator[Any]:
            deadline = time.monotonic() + _FIRST_ANSWER_WAIT
            while not stats.answered.wait(_WAIT_SLICE):
                if time.monotonic() >= deadline:
                    break
                # dlt skips a None item; yielding ends this task on the pool.
                yield None
            if stats.answered.is_set() and not stats.reachable:
                return
            yield from factory()

        pipe.replace_gen(after_first_answer)
    resource.parallelize()
