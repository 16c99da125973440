"""A local time-tracking REST API with generated data, for demos and tests."""

from timetrack.reference_api.dataset import (
    generate_entries,
    generate_projects,
    generate_users,
    iter_entries,
)
from timetrack.reference_api.fault_config import (
    SeededFaults,
    build_fault,
    build_fault_plan,
    load_fault_plan,
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
from timetrack.reference_api.page_faults import (
    BadRecordFault,
    DuplicateRecordFault,
    EmptyPageFault,
    HtmlPageFault,
    PageCapFault,
    PageShapeFault,
    TotalFault,
    TruncatedFault,
)
from timetrack.reference_api.reply import Reply
from timetrack.reference_api.server import RecordedRequest, ReferenceApi
from timetrack.reference_api.store import EntryStore

__all__ = [
    "BadRecordFault",
    "DuplicateRecordFault",
    "EmptyPageFault",
    "EntryStore",
    "Exchange",
    "Fault",
    "FaultPlan",
    "FiredFault",
    "HtmlPageFault",
    "PageCapFault",
    "PageShapeFault",
    "RecordedRequest",
    "ReferenceApi",
    "Reply",
    "ResetFault",
    "SeededFaults",
    "SlowFault",
    "StatusFault",
    "TotalFault",
    "TruncatedFault",
    "build_fault",
    "build_fault_plan",
    "generate_entries",
    "generate_projects",
    "generate_users",
    "iter_entries",
    "load_fault_plan",
]
