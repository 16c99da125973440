"""The retry policy: statuses, attempt budget and waits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from timetrack.http.retry import DEFAULT_RETRY_POLICY, RetryPolicy, parse_retry_after

NOW = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_contract_status_is_retryable(status: int) -> None:
    assert DEFAULT_RETRY_POLICY.is_retryable_status(status)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 408, 409, 422, 501, 505, 599])
def test_other_status_is_not_retryable(status: int) -> None:
    assert not DEFAULT_RETRY_POLICY.is_retryable_status(status)


def test_default_budget_is_three_retries() -> None:
    assert DEFAULT_RETRY_POLICY.max_attempts == 4
    assert DEFAULT_RETRY_POLICY.max_retries == 3
    assert DEFAULT_RETRY_POLICY.can_retry(3)
    assert not DEFAULT_RETRY_POLICY.can_retry(4)


def test_backoff_doubles_from_factor() -> None:
    waits = [DEFAULT_RETRY_POLICY.wait(retry) for retry in (1, 2, 3)]
    assert waits == [2.0, 4.0, 8.0]


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(max_attempts=10, max_backoff=5.0)
    assert policy.wait(9) == 5.0


def test_retry_after_longer_than_backoff_wins() -> None:
    assert DEFAULT_RETRY_POLICY.wait(1, "7") == 7.0


def test_retry_after_zero_keeps_backoff() -> None:
    assert DEFAULT_RETRY_POLICY.wait(2, "0") == 4.0


def test_retry_after_is_capped() -> None:
    assert DEFAULT_RETRY_POLICY.wait(1, "86400") == DEFAULT_RETRY_POLICY.max_retry_after


def test_retry_after_http_date() -> None:
    assert (
        DEFAULT_RETRY_POLICY.wait(1, "Tue, 01 Dec 2026 12:00:30 GMT", now=NOW) == 30.0
    )


def test_retry_after_date_in_past_is_zero() -> None:
    assert parse_retry_after("Tue, 01 Dec 2026 11:00:00 GMT", now=NOW) == 0.0


@pytest.mark.parametrize("value", ["", "soon", "nan", "inf", None])
def test_retry_after_unparseable_is_ignored(value: str | None) -> None:
    assert parse_retry_after(value, now=NOW) is None


def test_negative_retry_after_is_zero() -> None:
    assert parse_retry_after("-5") == 0.0


def test_policy_rejects_zero_attempts() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
