"""Clients and tags of the reference API, derived from the generated projects."""

from __future__ import annotations

from typing import Any

from timetrack.reference_api import vocabulary

__all__ = ["generate_clients", "generate_tags", "link_projects_to_clients"]

_FIRST_CLIENT_ID = 56_000
_FIRST_TAG_ID = 3_200_000
_CATALOG_TIME = "2024-01-15T09:00:00Z"


def generate_clients(projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return one client per distinct client name of ``projects``, in id order."""
    names = sorted({str(p["client"]) for p in projects if p.get("client")})
    return [
        {
            "id": _FIRST_CLIENT_ID + index,
            "name": name,
            "archived": False,
            "created_at": _CATALOG_TIME,
            "updated_at": _CATALOG_TIME,
        }
        for index, name in enumerate(names)
    ]


def link_projects_to_clients(
    projects: list[dict[str, Any]], clients: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return copies of ``projects`` with ``client_id`` set from the client name."""
    ids = {client["name"]: client["id"] for client in clients}
    return [
        {**project, "client_id": ids.get(project.get("client"))} for project in projects
    ]


def generate_tags() -> list[dict[str, Any]]:
    """Return every tag name that entries use, with ids, in id order."""
    return [
        {
            "id": _FIRST_TAG_ID + index,
            "name": name,
            "created_at": _CATALOG_TIME,
            "updated_at": _CATALOG_TIME,
        }
        for index, name in enumerate(vocabulary.TAGS)
    ]
