"""Route requests in the shapes of Toggl, Harvest and Clockify to their modules.

Every shape reads the same stores as the generic `/v1` routes, so one data set
can be synced through each profile and compared.
"""

from __future__ import annotations

from timetrack.reference_api import clockify_routes, harvest_routes, toggl_routes
from timetrack.reference_api.reply import Reply
from timetrack.reference_api.shapes import ProfileRequest

__all__ = ["build_profile_reply"]


def build_profile_reply(
    request: ProfileRequest, toggl_quota: list[int] | None
) -> Reply | None:
    """Build the reply in a real API's shape, or None for a generic path."""
    path = request.path
    if path.startswith(toggl_routes.PREFIX):
        return toggl_routes.build_toggl_reply(request, toggl_quota)
    if path.startswith(harvest_routes.PREFIX):
        return harvest_routes.build_harvest_reply(request)
    if path.startswith(clockify_routes.PREFIX):
        return clockify_routes.build_clockify_reply(request)
    return None
