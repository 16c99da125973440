"""The declarative dlt REST API configuration: the one description of the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
from dlt.sources.rest_api.typing import EndpointResource, RESTAPIConfig

from timetrack.source.profiles import Profile
from timetrack.source.profiles.generic import GENERIC
from timetrack.source.related import build_related_resources
from timetrack.source.schema import TIME_ENTRY_COLUMNS

__all__ = ["PAGE_LIMIT", "TIME_ENTRIES_PATH", "build_rest_api_config"]

TIME_ENTRIES_PATH = "/v1/time_entries"
PAGE_LIMIT = 100


def build_rest_api_config(
    base_url: str,
    api_key: str,
    session: requests.Session,
    *,
    limit: int = PAGE_LIMIT,
    profile: Profile = GENERIC,
    incremental: dict[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    columns: dict[str, dict[str, Any]] | None = None,
    batch_normalize: bool = False,
    related_paths: Mapping[str, str] | None = None,
    extra_resources: list[EndpointResource] | None = None,
    headers: Mapping[str, str] | None = None,
    users_resource: Any = None,
) -> RESTAPIConfig:
    """Describe the API for `rest_api_source`: client, auth, paging and resources.

    Retries are not configured here: `session` carries timetrack's retry policy,
    because dlt's default client retries every 5xx five times with factor 1.
    `incremental` and `params` come from `source.incremental`. Each time entry
    is mapped with the profile's `normalize`, one record at a time; with
    `batch_normalize` only the profile's `reshape` runs per record, and the
    caller adds a step that normalizes whole batches (`TimeEntryBatches`).
    """
    endpoint: dict[str, Any] = {
        "path": profile.entries_path,
        "data_selector": profile.data_selector,
        "paginator": profile.build_paginator(limit),
    }
    endpoint_params = {**profile.page_params(limit), **(params or {})}
    related = dict(related_paths or {})
    if profile.per_user:
        # Each user's entries are listed separately; dlt resolves `{user_id}`
        # from `users_resource`, which replaces the declarative users table.
        endpoint_params["user_id"] = {
            "type": "resolve",
            "resource": "users",
            "field": "id",
        }
        related.pop("users", None)
    if endpoint_params:
        endpoint["params"] = endpoint_params
    if incremental is not None:
        endpoint["incremental"] = incremental
    steps: list[dict[str, Any]] = []
    if not batch_normalize:
        steps.append({"map": profile.normalize})
    elif profile.reshape is not None:
        steps.append({"map": profile.reshape})
    time_entries: EndpointResource = {
        "name": "time_entries",
        "endpoint": endpoint,  # type: ignore[typeddict-item]
        "columns": columns or TIME_ENTRY_COLUMNS,  # type: ignore[typeddict-item]
        "processing_steps": steps,  # type: ignore[typeddict-item]
    }
    client: dict[str, Any] = {
        "base_url": base_url,
        "auth": profile.build_auth(api_key),
        "session": session,
    }
    if headers:
        client["headers"] = dict(headers)
    related_resources: list[Any] = build_related_resources(
        profile, related, limit=limit
    )
    if users_resource is not None:
        related_resources.insert(0, users_resource)
    # Parents come first: rest_api resolves a child's parameters from them.
    resources: list[Any] = [*related_resources, time_entries]
    resources.extend(extra_resources or [])
    return {
        "client": client,  # type: ignore[typeddict-item]
        "resource_defaults": {
            "primary_key": "id",
            "write_disposition": "merge",
        },
        "resources": resources,
    }
