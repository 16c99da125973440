"""A local time-tracking REST API with generated data, for demos and tests."""

from timetrack.reference_api.dataset import (
    generate_entries,
    generate_projects,
    generate_users,
    iter_entries,
)
from timetrack.reference_api.faults import (
    Exchange,
    Fault,
    FaultPlan,
    FiredFault,
    ResetFault,
    SlowFault,
    StatusFault,
)
from timetrack.reference_api.reply import Reply
from timetrack.reference_api.server import RecordedRequest, ReferenceApi
from timetrack.reference_api.store import EntryStore

__all__ = [
    "EntryStore",
    "Exchange",
    "Fault",
    "FaultPlan",
    "FiredFault",
    "RecordedRequest",
    "ReferenceApi",
    "Reply",
    "ResetFault",
    "SlowFault",
    "StatusFault",
    "generate_entries",
    "generate_projects",
    "generate_users",
    "iter_entries",
]
