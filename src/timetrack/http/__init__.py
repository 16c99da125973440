"""HTTP for timetrack: the retry policy and the transport that applies it."""

from timetrack.http.retry import DEFAULT_RETRY_POLICY, RETRYABLE_STATUSES, RetryPolicy
from timetrack.http.session import build_session
from timetrack.http.transport import RetryingAdapter, TransportStats

__all__ = [
    "DEFAULT_RETRY_POLICY",
    "RETRYABLE_STATUSES",
    "RetryPolicy",
    "RetryingAdapter",
    "TransportStats",
    "build_session",
]
