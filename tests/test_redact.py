"""Redaction of keys and passwords in text, URLs and log records."""

from __future__ import annotations

import logging

from timetrack.redact import RedactingFilter, redact_text, redact_url, register_secret


def test_encoded_key_is_redacted() -> None:
    register_secret("Sk_live-X&y=1 z/+")
    text = "failed: api_key=Sk_live-X%26y%3D1%20z%2F%2B and Sk_live-X%26y%3D1+z%2F%2B"
    cleaned = redact_text(text)
    assert "Sk_live" not in cleaned


def test_parameter_after_space_is_redacted() -> None:
    assert redact_text("the api_key=abc was rejected") == "the api_key=*** was rejected"


def test_closing_punctuation_survives() -> None:
    assert redact_text("(token=abc123).") == "(token=***)."


def test_similar_names_are_kept() -> None:
    assert redact_text("monkey=3&keys=4") == "monkey=3&keys=4"


def test_short_key_is_not_redacted_as_text() -> None:
    register_secret("time")
    assert redact_text("/v1/time_entries") == "/v1/time_entries"
    assert (
        redact_text("/v1/time_entries?api_key=time") == "/v1/time_entries?api_key=***"
    )


def test_url_password_is_redacted() -> None:
    cleaned = redact_url("https://user:pw-secret-1@api.example.com/v1?api_key=abc")
    assert cleaned == "https://user:***@api.example.com/v1?api_key=***"


def test_filter_rewrites_record() -> None:
    register_secret("filter-secret-value")
    record = logging.LogRecord(
        "dlt", logging.WARNING, __file__, 1, "using %s", ("filter-secret-value",), None
    )
    RedactingFilter().filter(record)
    assert record.getMessage() == "using ***"
