"""The one clock formatter: how a time into a recording reads everywhere."""

from __future__ import annotations

import math

import pytest

from app.clock import clock


@pytest.mark.parametrize(
    "seconds, plain, padded",
    [
        (0, "0:00", "00:00"),
        (12.9, "0:12", "00:12"),  # whole seconds, never rounded up past what was said
        (61, "1:01", "01:01"),
        (3599.99, "59:59", "59:59"),
        (3725, "1:02:05", "1:02:05"),  # hours: minutes always two digits
        (36000, "10:00:00", "10:00:00"),
    ],
)
def test_minutes_and_seconds_then_hours(seconds, plain, padded):
    assert clock(seconds) == plain
    assert clock(seconds, two_digit_minutes=True) == padded


@pytest.mark.parametrize("seconds", [None, math.nan, math.inf])
def test_no_time_is_empty_text(seconds):
    """None (text without times) and non-numbers read as nothing, not as 0:00 or an error."""
    assert clock(seconds) == ""


def test_a_negative_time_reads_as_the_start():
    assert clock(-0.2) == "0:00"
